"""crowdops measure --platform P TEXT: how long a message is on a platform and whether it fits.

Needs no database: the handler takes only the parsed arguments (`run_measure(args)`), so it also works before
CrowdOps is set up. Exit 0 when the text fits, 1 when it does not or cannot be measured (an unknown platform,
invalid text), 2 for usage errors.
"""

import argparse
import sys
from typing import TYPE_CHECKING, Any

from crowdops.cli.output import emit_json
from crowdops.domain.errors import ValidationError

if TYPE_CHECKING:
    from crowdops.domain.text import Measurement

# Written out rather than taken from crowdops.domain.text.PLATFORMS (a test keeps them equal): see run_measure.
PLATFORM_NAMES = "x, mastodon, bluesky, telegram, facebook, webhook or sandbox"


def register(commands: argparse._SubParsersAction, shared: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "measure", help="count a message as a platform does and say whether it fits", parents=[shared]
    )
    parser.add_argument("--platform", required=True, help=PLATFORM_NAMES)
    parser.add_argument("--limit", type=int, help="the account's or instance's own limit (a Mastodon instance's)")
    parser.add_argument("--cw", dest="spoiler_text", default="", metavar="TEXT", help="Mastodon content warning")
    parser.add_argument("text", metavar="TEXT", help="the message, or - to read it (UTF-8) from standard input")
    parser.set_defaults(handler=run_measure)


def run_measure(args: argparse.Namespace) -> int:
    # Imported here: `regex` and the compiled URL patterns cost about 45 ms, which every other command and the
    # GUI's start (the parser registers all commands) would otherwise pay for nothing.
    from crowdops.domain.text import measure

    text = _read_stdin() if args.text == "-" else args.text
    try:
        result = measure(text, args.platform, limit=args.limit, spoiler_text=args.spoiler_text)
    except ValidationError as error:
        print(f"crowdops: {error}", file=sys.stderr)
        return 1
    if getattr(args, "json", False):
        emit_json(measurement_json(result))
    else:
        print(describe(result))
    if not result.ok:
        print(f"crowdops: the text does not fit on {result.platform}: {_excess(result)}.", file=sys.stderr)
        return 1
    return 0


def _read_stdin() -> str:
    # Bytes, decoded here: a bad byte becomes a lone surrogate that measure() reports in one sentence, instead of a
    # UnicodeDecodeError from the console's own decoding.
    text = sys.stdin.buffer.read().decode("utf-8", errors="surrogateescape")
    # `echo` and editors end the input with a line break that is not part of the message.
    return text.removesuffix("\n").removesuffix("\r")


def describe(result: "Measurement") -> str:
    """'mastodon: 123 of 500 characters — fits' or '… — 12 over the limit'."""
    counts = f"{result.length} of {result.limit} {result.unit}"
    if result.byte_limit is not None:
        counts += f", {result.bytes} of {result.byte_limit} bytes"
    return f"{result.platform}: {counts} — {'fits' if result.ok else _excess(result)}"


def _excess(result: "Measurement") -> str:
    parts = []
    if result.over:
        parts.append(f"{result.over} over the limit")
    if result.bytes_over:
        parts.append(f"{result.bytes_over} bytes over the byte limit")
    return " and ".join(parts)


def measurement_json(result: "Measurement") -> dict[str, Any]:
    return {
        "platform": result.platform,
        "length": result.length,
        "limit": result.limit,
        "unit": result.unit,
        "ok": result.ok,
        "over": result.over,
        "bytes": result.bytes,
        "byte_limit": result.byte_limit,
    }
