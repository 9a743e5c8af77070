"""crowdops init | demo | gui"""

import argparse
import importlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from crowdops.cli.output import emit_json
from crowdops.store.schema import SCHEMA_HEAD

if TYPE_CHECKING:
    from crowdops.app import App


def register(commands: argparse._SubParsersAction, shared: argparse.ArgumentParser) -> None:
    init = commands.add_parser("init", help="create (or migrate) the database", parents=[shared])
    init.set_defaults(handler=_init)
    demo = commands.add_parser("demo", help="add demo users and operations with a day of incidents", parents=[shared])
    demo.set_defaults(handler=_demo)
    gui = commands.add_parser("gui", help="start the desktop app (the default)", parents=[shared])
    add_gui_options(gui)


def add_gui_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--smoke", action="store_true", help="start, wait for the first painted window, exit 0")
    parser.add_argument(
        "--as", dest="actor", metavar="USER", help="sign in as USER (passphrase from CROWDOPS_PASSPHRASE)"
    )
    parser.set_defaults(handler=run_gui)


def _init(app: "App", args: argparse.Namespace) -> None:
    if args.json:
        emit_json({"database": str(app.db.path), "schema": SCHEMA_HEAD})
    else:
        print(f"Database ready: {app.db.path} (schema {SCHEMA_HEAD}).")
        if app.db.last_backup:
            print(f"The previous version was backed up to {app.db.last_backup}.")


def _demo(app: "App", args: argparse.Namespace) -> None:
    result = app.demo.build()
    extra = app.demo_messages.build(result.operations_created)
    if args.json:
        emit_json(
            {
                "users_created": result.users_created,
                "operations_created": result.operations_created,
                "operations_skipped": result.operations_skipped,
                "incidents_created": result.incidents_created,
                "channels_created": extra.channels_created,
                "messages_created": extra.messages_created,
            }
        )
        return
    if result.operations_created:
        print(f"Demo operations added: {', '.join(result.operations_created)} ({result.incidents_created} incidents).")
    if result.operations_skipped:
        print(f"Already present, left as they were: {', '.join(result.operations_skipped)}.")
    if extra.channels_created or extra.messages_created:
        print(
            f"Demo channels: {', '.join(extra.channels_created) or 'already there'}; "
            f"{extra.messages_created} demo messages (one waits for your review)."
        )
    if result.users_created:
        print(f"Demo users: {', '.join(result.users_created)} — passphrase '{result.passphrase}'.")


def run_gui(db_path: Path | None, args: argparse.Namespace) -> int:
    """The GUI opens the database itself, after its window is up (see crowdops.gui.launch)."""
    # Loaded by name so that the core and the CLI never import Qt; a headless install can still use the CLI.
    launch = importlib.import_module("crowdops.gui.launch")
    return int(launch.run(db_path, smoke=args.smoke, actor=args.actor, argv=sys.argv[:1]))
