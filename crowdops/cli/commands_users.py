"""crowdops user add | list"""

import argparse
from typing import TYPE_CHECKING

from crowdops.cli.common import add_actor, read_passphrase
from crowdops.cli.output import emit_json, print_table, user_json

if TYPE_CHECKING:
    from crowdops.app import App


def register(commands: argparse._SubParsersAction, shared: argparse.ArgumentParser) -> None:
    user = commands.add_parser("user", help="people who use CrowdOps and their roles", parents=[shared])
    actions = user.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser(
        "add", help="add a user (passphrase from a prompt or CROWDOPS_PASSPHRASE)", parents=[shared]
    )
    add.add_argument("name")
    add.add_argument("--role", required=True, help="commander, comms, trainer or observer")
    add_actor(add, required=False)
    add.set_defaults(handler=_add)
    listing = actions.add_parser("list", help="list users", parents=[shared])
    listing.set_defaults(handler=_list)


def _add(app: "App", args: argparse.Namespace) -> None:
    passphrase = read_passphrase(f"Passphrase for {args.name}: ", confirm=True)
    user = app.users.add(args.name, args.role, passphrase, actor=args.actor)
    if args.json:
        emit_json(user_json(user))
    else:
        print(f"Added {user.name} ({user.role.label.lower()}).")


def _list(app: "App", args: argparse.Namespace) -> None:
    users = app.users.list()
    if args.json:
        emit_json([user_json(u) for u in users])
    elif not users:
        print("No users yet. Add the first commander: crowdops user add NAME --role commander")
    else:
        print_table(["NAME", "ROLE"], [[u.name, u.role.value] for u in users])
