"""crowdops decision add | revise | list | show | explain"""

import argparse
from typing import TYPE_CHECKING

from crowdops.cli.common import add_actor, add_op, template_values
from crowdops.cli.output import emit_json, print_table
from crowdops.domain.decisions import parse_option
from crowdops.domain.times import format_local, iso_utc

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from crowdops.app import App
    from crowdops.services.decisions import DecisionRecord


def register(commands: argparse._SubParsersAction, shared: argparse.ArgumentParser) -> None:
    decision = commands.add_parser("decision", help="the decision log of the current operation", parents=[shared])
    actions = decision.add_subparsers(dest="action", required=True, metavar="ACTION")

    add = actions.add_parser("add", help="record a decision", parents=[shared])
    add.add_argument("--decision", required=True, help="what was decided")
    add.add_argument("--rationale", required=True, help="why")
    _details(add)
    add_op(add)
    add_actor(add)
    add.set_defaults(handler=_add)

    revise = actions.add_parser("revise", help="append a revised version of a decision", parents=[shared])
    revise.add_argument("id", help="the decision's id (its first characters are enough)")
    revise.add_argument("--decision", help="what is now decided")
    revise.add_argument("--rationale", help="why")
    _details(revise)
    add_actor(revise)
    revise.set_defaults(handler=_revise)

    listing = actions.add_parser("list", help="the decision log, oldest first; due reviews marked", parents=[shared])
    add_op(listing)
    listing.set_defaults(handler=_list)

    show = actions.add_parser("show", help="one decision with all its versions", parents=[shared])
    show.add_argument("id")
    show.set_defaults(handler=_show)

    explain = actions.add_parser("explain", help="draft a public explanation of a decision", parents=[shared])
    explain.add_argument("id")
    explain.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="a template value (repeat)")
    explain.add_argument("--lang", default="en", help="the language of the draft (default en)")
    add_actor(explain)
    explain.set_defaults(handler=_explain)


def _details(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--option", action="append", metavar="O", help="an option considered: 'OPTION: why rejected' (repeat)"
    )
    parser.add_argument("--information", help="information and intelligence it rests on")
    parser.add_argument("--powers", help="powers, policies and procedures relied on")
    parser.add_argument("--review-at", metavar="ISO", help="when to review it (local to the operation)")
    parser.add_argument("--link", action="append", metavar="KIND:ID", help="incident:ID, rumour:ID or message:ID")


def _add(app: "App", args: argparse.Namespace) -> None:
    from crowdops.services.decisions import DecisionInput

    op = app.operations.resolve(args.op)
    entry = DecisionInput(
        decision=args.decision,
        rationale=args.rationale,
        options=[parse_option(o) for o in args.option or []],
        information=args.information or "",
        powers=args.powers or "",
        review_at=args.review_at,
        links=args.link or [],
    )
    record = app.decisions.add(op.id, entry, actor=args.actor)
    _print_written(record, args, "Recorded decision")


def _revise(app: "App", args: argparse.Namespace) -> None:
    record = app.decisions.revise(
        args.id,
        actor=args.actor,
        decision=args.decision,
        rationale=args.rationale,
        options=[parse_option(o) for o in args.option] if args.option is not None else None,
        information=args.information,
        powers=args.powers,
        review_at=args.review_at,
        links=args.link,
    )
    _print_written(record, args, "Revised decision")


def _print_written(record: "DecisionRecord", args: argparse.Namespace, what: str) -> None:
    if getattr(args, "json", False):
        emit_json(decision_json(record))
    elif record.revises_id is None:
        print(record.id.hex)
    else:
        print(f"{record.id.hex}\n{what}: new version {record.short_id} replaces {record.revises_id.hex[:8]}.")


def _list(app: "App", args: argparse.Namespace) -> None:
    op = app.operations.resolve(args.op)
    records = app.decisions.list(op.id)
    if getattr(args, "json", False):
        emit_json([decision_json(r) for r in records])
        return
    if not records:
        print(f"No decisions in {op.name} yet.")
        return
    print(f"{op.name}{' — EXERCISE' if op.exercise else ''} · times in {op.timezone}")
    rows = [
        [
            r.short_id,
            format_local(r.decided_at, op.tz),
            r.decided_by,
            _review(r, op.tz),
            r.decision,
        ]
        for r in records
    ]
    print_table(["ID", "DECIDED", "BY", "REVIEW", "DECISION"], rows)
    due = sum(r.due for r in records)
    if due:
        print(f"{due} decision{'s are' if due > 1 else ' is'} due for review.")


def _review(record: "DecisionRecord", tz: "ZoneInfo") -> str:
    if record.review_at is None:
        return ""
    when = format_local(record.review_at, tz)
    return f"DUE {when}" if record.due else when


def _show(app: "App", args: argparse.Namespace) -> None:
    versions = app.decisions.history(args.id)
    op = app.operations.get_by_id(versions[-1].operation_id)
    if getattr(args, "json", False):
        data = decision_json(versions[-1])
        data["history"] = [decision_json(v) for v in versions]
        emit_json(data)
        return
    print(f"Decision {versions[-1].short_id} in {op.name} ({len(versions)} version{'s' if len(versions) > 1 else ''})")
    for version in versions:
        label = "original" if version.revises_id is None else f"revises {version.revises_id.hex[:8]}"
        print(f"\n{version.short_id} · {label} · {format_local(version.decided_at, op.tz)} by {version.decided_by}")
        print(f"  decision   {version.decision}")
        print(f"  rationale  {version.rationale}")
        for option, why in version.options:
            print(f"  rejected   {option}" + (f": {why}" if why else ""))
        if version.information:
            print(f"  based on   {version.information}")
        if version.powers:
            print(f"  powers     {version.powers}")
        if version.review_at:
            print(f"  review     {_review(version, op.tz)}")
        for kind, ref in version.links:
            print(f"  link       {kind}:{ref.hex[:8]}")


def _explain(app: "App", args: argparse.Namespace) -> None:
    message = app.decisions.explain(args.id, actor=args.actor, values=template_values(args.set), language=args.lang)
    if getattr(args, "json", False):
        emit_json({"id": message.id.hex, "status": message.status.value})
    else:
        print(message.id.hex)


def decision_json(record: "DecisionRecord") -> dict[str, object]:
    return {
        "id": record.id.hex,
        "root_id": record.root_id.hex,
        "revises_id": record.revises_id.hex if record.revises_id else None,
        "operation_id": record.operation_id.hex,
        "decision": record.decision,
        "rationale": record.rationale,
        "options": [{"option": o, "rejected_because": w} for o, w in record.options],
        "information": record.information,
        "powers": record.powers,
        "decided_by": record.decided_by,
        "decided_at": iso_utc(record.decided_at),
        "review_at": iso_utc(record.review_at) if record.review_at else None,
        "due": record.due,
        "links": [{"kind": k, "id": r.hex} for k, r in record.links],
    }
