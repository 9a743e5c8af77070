"""Entry point: `crowdops [--db PATH] [--json] COMMAND`. Errors: one sentence on stderr, exit 1; usage: exit 2."""

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from crowdops import __version__
from crowdops.cli import (
    commands_audit,
    commands_channels,
    commands_decisions,
    commands_incidents,
    commands_measure,
    commands_messages,
    commands_ops,
    commands_outbox,
    commands_rumours,
    commands_setup,
    commands_users,
)
from crowdops.cli.common import shared_options
from crowdops.domain.errors import CrowdOpsError


def build_parser() -> argparse.ArgumentParser:
    shared = shared_options()
    parser = argparse.ArgumentParser(
        prog="crowdops",
        description="CrowdOps: the official voice on social media at protests, large events and migration movements.",
        parents=[shared],
    )
    parser.add_argument("--version", action="version", version=f"crowdops {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands_setup.register(commands, shared)
    commands_users.register(commands, shared)
    commands_ops.register(commands, shared)
    commands_incidents.register(commands, shared)
    commands_measure.register(commands, shared)
    commands_messages.register(commands, shared)
    commands_rumours.register(commands, shared)
    commands_decisions.register(commands, shared)
    commands_channels.register(commands, shared)
    commands_outbox.register(commands, shared)
    commands_audit.register(commands, shared)
    commands_setup.add_gui_options(parser)  # no command: start the GUI
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.json = getattr(args, "json", False)
    db = getattr(args, "db", None)
    db_path = Path(db) if db else None
    if args.handler is commands_setup.run_gui:
        return commands_setup.run_gui(db_path, args)
    if args.handler is commands_measure.run_measure:  # pure text rules: no database needed
        return commands_measure.run_measure(args)
    # Imported here: SQLAlchemy costs a fifth of a second, which the GUI spends after its window is up.
    from crowdops.app import open_app

    try:
        app = open_app(db_path)
    except CrowdOpsError as error:
        print(f"crowdops: {error}", file=sys.stderr)
        return 1
    try:
        result = args.handler(app, args)
        sys.stdout.flush()  # a reader that went away shows up here rather than as a traceback at exit
    except CrowdOpsError as error:
        print(f"crowdops: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader of our output closed it (`crowdops incident list | head`): stop quietly, as other tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        print("crowdops: interrupted; nothing more was written.", file=sys.stderr)
        return 130
    finally:
        app.close()
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
