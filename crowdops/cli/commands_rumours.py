"""crowdops rumour add | update | respond | list | show"""

import argparse
import sys
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from crowdops.cli.common import add_actor, add_op, template_values
from crowdops.cli.output import emit_json, print_table
from crowdops.domain.times import format_local, iso_utc

if TYPE_CHECKING:
    from crowdops.app import App
    from crowdops.services.rumours import RumourRecord

LIST_HEADERS = ["id", "status", "reach", "risk", "age", "idle", "claim"]


def register(commands: argparse._SubParsersAction, shared: argparse.ArgumentParser) -> None:
    rumour = commands.add_parser("rumour", help="the rumour register: track claims and answer them", parents=[shared])
    actions = rumour.add_subparsers(dest="action", required=True, metavar="ACTION")

    add = actions.add_parser("add", help="enter a rumour; prints its id (and warns of similar ones)", parents=[shared])
    add.add_argument("--claim", required=True, help="the claim, in one neutral sentence")
    add.add_argument("--source", default="", help="where it was seen: a URL, or radio, word of mouth")
    add.add_argument("--reach", help="low, medium, high or viral (default low)")
    add.add_argument("--risk", help="risk to safety, 1 to 5 (default 3)")
    add_op(add)
    add_actor(add)
    add.set_defaults(handler=_add)

    update = actions.add_parser("update", help="change a rumour's status, with a note", parents=[shared])
    update.add_argument("id")
    update.add_argument(
        "--status", required=True, help="verifying, confirmed, false, partly-true, unverifiable, responded, closed"
    )
    update.add_argument("--note", required=True, help="why: what was checked, who confirmed")
    add_actor(update)
    update.set_defaults(handler=_update)

    respond = actions.add_parser(
        "respond", help="draft a response from the fitting template; prints the draft's id", parents=[shared]
    )
    respond.add_argument("id")
    respond.add_argument(
        "--template", metavar="ID", help="default: holding line, denial or confirmation, by the rumour's status"
    )
    respond.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="a template value (repeat)")
    add_actor(respond)
    respond.set_defaults(handler=_respond)

    listing = actions.add_parser("list", help="the register, longest without action first", parents=[shared])
    listing.add_argument("--status", help="only rumours in this status")
    add_op(listing)
    listing.set_defaults(handler=_list)

    show = actions.add_parser("show", help="one rumour: history, links, responses", parents=[shared])
    show.add_argument("id")
    show.set_defaults(handler=_show)


def duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"


def rumour_json(record: "RumourRecord") -> dict[str, Any]:
    return {
        "id": str(record.id),
        "short_id": record.short_id,
        "claim": record.claim,
        "source": record.source,
        "reach": record.reach.value,
        "risk": record.risk,
        "status": record.status.value,
        "owner": record.owner,
        "first_seen_at": iso_utc(record.first_seen_at),
        "last_action_at": iso_utc(record.last_action_at),
        "age_seconds": int(record.age.total_seconds()),
        "idle_seconds": int(record.idle.total_seconds()),
    }


def _add(app: "App", args: argparse.Namespace) -> None:
    op = app.operations.resolve(args.op)
    added = app.rumours.add(op.id, args.claim, actor=args.actor, source=args.source, reach=args.reach, risk=args.risk)
    for match in added.similar:
        print(
            f"crowdops: similar rumour already tracked: {match.rumour.short_id} ({match.rumour.status.value}) "
            f"{match.rumour.claim}",
            file=sys.stderr,
        )
    if args.json:
        data = rumour_json(added.rumour)
        data["similar"] = [{"id": str(s.rumour.id), "score": round(s.score, 2)} for s in added.similar]
        emit_json(data)
        return
    print(added.rumour.id)


def _update(app: "App", args: argparse.Namespace) -> None:
    record = app.rumours.update(args.id, args.status, args.note, actor=args.actor)
    if args.json:
        emit_json(rumour_json(record))
        return
    print(f"Rumour {record.short_id} is now {record.status.value}.")


def _respond(app: "App", args: argparse.Namespace) -> None:
    draft = app.rumours.respond(args.id, actor=args.actor, template=args.template, values=template_values(args.set))
    if args.json:
        emit_json({"id": str(draft.id), "short_id": draft.short_id, "status": draft.status.value})
        return
    print(draft.id)


def _list(app: "App", args: argparse.Namespace) -> None:
    op = app.operations.resolve(args.op)
    rumours = app.rumours.list(op.id, args.status)
    if args.json:
        emit_json([rumour_json(r) for r in rumours])
        return
    if not rumours:
        print(f"No {args.status} rumours." if args.status else f"No rumours in {op.name} yet.")
        return
    rows = [
        [r.short_id, r.status.value, r.reach.value, str(r.risk), duration(r.age), duration(r.idle), r.claim]
        for r in rumours
    ]
    print_table(LIST_HEADERS, rows)


def _show(app: "App", args: argparse.Namespace) -> None:
    detail = app.rumours.get(args.id)
    r = detail.rumour
    if args.json:
        data = rumour_json(r)
        data["events"] = [
            {"at": iso_utc(e.at), "by": e.by, "status": e.status.value, "note": e.note} for e in detail.events
        ]
        data["responses"] = [
            {
                "id": str(m.id),
                "status": m.status.value,
                "outbox": [{"channel": o.channel, "language": o.language, "status": o.status} for o in m.outbox],
            }
            for m in detail.responses
        ]
        emit_json(data)
        return
    tz = app.operations.get_by_id(r.operation_id).tz
    print(f"Rumour {r.short_id} · {r.status.value} · reach {r.reach.value} · risk {r.risk} · owner {r.owner}")
    print(f"  claim   {r.claim}")
    if r.source:
        print(f"  source  {r.source}")
    print(f"  age     {duration(r.age)} · last action {duration(r.idle)} ago")
    for event in detail.events:
        print(f"  {format_local(event.at, tz)}  {event.status.value:<12} {event.by}: {event.note}")
    for message in detail.responses:
        posts = ", ".join(f"{o.channel}/{o.language} {o.status}" for o in message.outbox) or "nothing queued"
        print(f"  response {message.short_id}: {message.status.label} · {posts}")
