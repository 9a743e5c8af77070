"""Pieces shared by the command modules: options every command takes, and passphrase input."""

import argparse
import getpass
import os
import sys

from crowdops.domain.errors import ValidationError

PASSPHRASE_ENV = "CROWDOPS_PASSPHRASE"


def shared_options() -> argparse.ArgumentParser:
    """--db and --json are accepted before or after the command; SUPPRESS keeps one from hiding the other."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help="database file (or CROWDOPS_DB)")
    parent.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print stable JSON")
    return parent


def add_actor(parser: argparse.ArgumentParser, required: bool = True) -> None:
    parser.add_argument("--as", dest="actor", metavar="USER", required=required, help="who does this")


def add_op(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--op", metavar="NAME", help="operation to act on (default: the one chosen by 'op use')")


def read_passphrase(prompt: str, *, confirm: bool = False) -> str:
    """From CROWDOPS_PASSPHRASE (scripts) or a hidden prompt; never from an argument, which `ps` would show."""
    from_env = os.environ.get(PASSPHRASE_ENV)
    if from_env is not None:
        return from_env
    if not sys.stdin.isatty():
        raise ValidationError(f"No passphrase: run this in a terminal or set {PASSPHRASE_ENV}.")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("Repeat it: ") != first:
        raise ValidationError("The two passphrases differ; nothing was changed.")
    return first


def template_values(pairs: list[str]) -> dict[str, str]:
    """`--set key=value` options as a mapping; anything without '=' is refused."""
    values = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValidationError(f"'{pair}' is not KEY=VALUE.")
        values[key.strip()] = value
    return values
