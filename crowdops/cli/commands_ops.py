"""crowdops op create | list | use | phase"""

import argparse
from typing import TYPE_CHECKING

from crowdops.cli.common import add_actor
from crowdops.cli.output import emit_json, operation_json, print_table

if TYPE_CHECKING:
    from crowdops.app import App


def register(commands: argparse._SubParsersAction, shared: argparse.ArgumentParser) -> None:
    op = commands.add_parser("op", help="operations: create, list, choose the current one", parents=[shared])
    actions = op.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="create an operation", parents=[shared])
    create.add_argument("name")
    create.add_argument("--kind", required=True, help="protest, event or migration")
    create.add_argument("--tz", default="UTC", metavar="ZONE", help="IANA time zone, e.g. Europe/Athens")
    create.add_argument("--area", default="", help="where it takes place")
    create.add_argument("--phase", default="before", help="before, during or after")
    create.add_argument("--exercise", action="store_true", help="a training exercise (fixed once created)")
    add_actor(create, required=False)
    create.set_defaults(handler=_create)
    listing = actions.add_parser("list", help="list operations", parents=[shared])
    listing.set_defaults(handler=_list)
    use = actions.add_parser("use", help="make an operation current (CLI and GUI)", parents=[shared])
    use.add_argument("name")
    use.set_defaults(handler=_use)
    phase = actions.add_parser("phase", help="move the current operation to another phase", parents=[shared])
    phase.add_argument("phase", help="before, during or after")
    phase.add_argument("--op", metavar="NAME", help="operation (default: the current one)")
    add_actor(phase)
    phase.set_defaults(handler=_phase)


def _create(app: "App", args: argparse.Namespace) -> None:
    op = app.operations.create(
        args.name,
        args.kind,
        timezone=args.tz,
        area=args.area,
        exercise=args.exercise,
        phase=args.phase,
        actor=args.actor,
    )
    if args.json:
        emit_json(operation_json(op))
    else:
        flag = " EXERCISE" if op.exercise else ""
        print(f"Created{flag} operation '{op.name}' ({op.kind.value}, {op.timezone}).")
        print(f'Make it current with: crowdops op use "{op.name}"')


def _list(app: "App", args: argparse.Namespace) -> None:
    ops = app.operations.list()
    current = app.operations.current()
    current_id = current.id if current else None
    if args.json:
        emit_json([operation_json(o, o.id == current_id) for o in ops])
    elif not ops:
        print("No operations yet. Create one: crowdops op create NAME --kind protest|event|migration --tz ZONE")
    else:
        rows = [
            [
                "*" if o.id == current_id else "",
                o.name,
                o.kind.value,
                o.phase.value,
                o.timezone,
                "EXERCISE" if o.exercise else "live",
            ]
            for o in ops
        ]
        print_table(["", "NAME", "KIND", "PHASE", "ZONE", "MODE"], rows, wrap_last=False)


def _use(app: "App", args: argparse.Namespace) -> None:
    op = app.operations.use(args.name)
    if args.json:
        emit_json(operation_json(op, True))
    else:
        print(f"Current operation: {op.name}" + (" (EXERCISE)" if op.exercise else ""))


def _phase(app: "App", args: argparse.Namespace) -> None:
    target = app.operations.resolve(args.op)
    op = app.operations.set_phase(target.name, args.phase, actor=args.actor)
    if args.json:
        emit_json(operation_json(op))
    else:
        print(f"{op.name} is now in phase '{op.phase.value}'.")
