"""crowdops incident add | methane | correct | list | show"""

import argparse
from typing import TYPE_CHECKING

from crowdops.cli.common import add_actor, add_op
from crowdops.cli.output import INCIDENT_HEADERS, emit_json, incident_json, incident_rows, print_table
from crowdops.domain.enums import SEVERITY_LABELS
from crowdops.domain.incidents import MethaneReport
from crowdops.domain.times import format_local
from crowdops.services.inputs import DEFAULT_LIMIT, IncidentInput, TimelineQuery
from crowdops.services.records import IncidentRecord, OperationRecord

if TYPE_CHECKING:
    from crowdops.app import App


def register(commands: argparse._SubParsersAction, shared: argparse.ArgumentParser) -> None:
    incident = commands.add_parser("incident", help="the incident log of the current operation", parents=[shared])
    actions = incident.add_subparsers(dest="action", required=True, metavar="ACTION")

    add = actions.add_parser("add", help="log an incident", parents=[shared])
    add.add_argument("--category", required=True, help="a category slug, e.g. crowd-density, medical")
    add.add_argument("--severity", required=True, help="1 (minimal) to 5 (critical)")
    add.add_argument("--text", required=True, help="what happened")
    _where_and_when(add)
    add.add_argument("--source", default="officer", help="officer, organiser, public, social-media, partner-agency")
    add_op(add)
    add_actor(add)
    add.set_defaults(handler=_add)

    methane = actions.add_parser("methane", help="log a METHANE major-incident report", parents=[shared])
    methane.add_argument("--declared", action="store_true", help="M: major incident declared (else: standby)")
    methane.add_argument("--exact-location", required=True, help="E: exact location")
    methane.add_argument("--type", dest="incident_type", required=True, help="T: type of incident")
    methane.add_argument("--hazards", required=True, help="H: hazards present and potential")
    methane.add_argument("--access", required=True, help="A: access routes for emergency services")
    methane.add_argument("--casualties", required=True, help="N: number and type of casualties")
    methane.add_argument("--services", required=True, help="E: emergency services present and required")
    methane.add_argument("--severity", default="5", help="1 to 5 (default 5)")
    methane.add_argument("--text", default="", help="anything else to add")
    _where_and_when(methane)
    add_op(methane)
    add_actor(methane)
    methane.set_defaults(handler=_methane)

    correct = actions.add_parser("correct", help="append a corrected version of an incident", parents=[shared])
    correct.add_argument("id", help="the incident's id (its first characters are enough)")
    correct.add_argument("--text", help="the corrected description")
    correct.add_argument("--category")
    correct.add_argument("--severity")
    correct.add_argument("--at", metavar="ISO", help="the corrected time")
    correct.add_argument("--where", help="the corrected location")
    correct.add_argument("--reason", default="", help="why it is corrected")
    add_actor(correct)
    correct.set_defaults(handler=_correct)

    listing = actions.add_parser("list", help="the timeline, newest first", parents=[shared])
    listing.add_argument("--search", default="", metavar="Q", help="words to find (searched literally)")
    listing.add_argument("--since", metavar="ISO", help="only incidents at or after this time (a date: its start)")
    listing.add_argument("--until", metavar="ISO", help="only incidents at or before this time (a date: all of it)")
    listing.add_argument("--category", help="only this category")
    listing.add_argument("--min-severity", default="1", metavar="N", help="only this severity or higher")
    listing.add_argument("--limit", type=int, default=DEFAULT_LIMIT, metavar="N", help="how many (0 for all)")
    add_op(listing)
    listing.set_defaults(handler=_list)

    show = actions.add_parser("show", help="one incident with all its versions", parents=[shared])
    show.add_argument("id")
    show.set_defaults(handler=_show)


def _where_and_when(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--at", metavar="ISO", help="when it happened (default now; local to the operation)")
    parser.add_argument("--where", default="", help="location, in words")
    parser.add_argument("--lat", type=float, help="latitude")
    parser.add_argument("--lon", type=float, help="longitude")


def _add(app: "App", args: argparse.Namespace) -> None:
    op = app.operations.resolve(args.op)
    entry = IncidentInput(
        category=args.category,
        severity=args.severity,
        description=args.text,
        at=args.at,
        location=args.where,
        latitude=args.lat,
        longitude=args.lon,
        source=args.source,
    )
    _print_logged(app.incidents.log(op.id, entry, actor=args.actor), op, args)


def _methane(app: "App", args: argparse.Namespace) -> None:
    op = app.operations.resolve(args.op)
    report = MethaneReport(
        major_incident=args.declared,
        exact_location=args.exact_location,
        incident_type=args.incident_type,
        hazards=args.hazards,
        access=args.access,
        casualties=args.casualties,
        emergency_services=args.services,
    )
    entry = IncidentInput(
        category="major-incident",
        severity=args.severity,
        description=args.text,
        at=args.at,
        location=args.where or args.exact_location,
        latitude=args.lat,
        longitude=args.lon,
        methane=report,
    )
    _print_logged(app.incidents.log(op.id, entry, actor=args.actor), op, args)


def _correct(app: "App", args: argparse.Namespace) -> None:
    record = app.incidents.correct(
        args.id,
        actor=args.actor,
        description=args.text,
        category=args.category,
        severity=args.severity,
        at=args.at,
        location=args.where,
        reason=args.reason,
    )
    op = app.operations.get_by_id(record.operation_id)
    if args.json:
        emit_json(incident_json(record))
    else:
        replaced = record.corrects_id.hex[:8] if record.corrects_id else "?"
        print(f"Corrected: new version {record.short_id} replaces {replaced} on the timeline of {op.name}.")


def _print_logged(record: IncidentRecord, op: OperationRecord, args: argparse.Namespace) -> None:
    if args.json:
        emit_json(incident_json(record))
    else:
        when = format_local(record.occurred_at, op.tz)
        print(
            f"Logged {record.short_id} in {op.name}: {record.category}, severity {record.severity} "
            f"({SEVERITY_LABELS[record.severity].lower()}), {when}."
        )


def _list(app: "App", args: argparse.Namespace) -> None:
    op = app.operations.resolve(args.op)
    query = TimelineQuery(
        operation_id=op.id,
        category=args.category,
        min_severity=args.min_severity,
        since=args.since,
        until=args.until,
        search=args.search,
    )
    incidents = app.incidents.list(query, args.limit)
    if args.json:
        emit_json([incident_json(i) for i in incidents])
        return
    if not incidents:
        filtered = args.search or args.since or args.until or args.category or args.min_severity != "1"
        print("No incidents match these filters." if filtered else f"No incidents in {op.name} yet.")
        return
    banner = " — EXERCISE" if op.exercise else ""
    print(f"{op.name}{banner} · times in {op.timezone}")
    print_table(INCIDENT_HEADERS, incident_rows(incidents, op))
    if args.limit and len(incidents) == args.limit:
        print(f"(newest {args.limit} shown; --limit 0 shows all)")


def _show(app: "App", args: argparse.Namespace) -> None:
    record = app.incidents.get(args.id)
    versions = app.incidents.history(record.id)
    op = app.operations.get_by_id(record.operation_id)
    if args.json:
        data = incident_json(versions[-1])
        data["history"] = [incident_json(v) for v in versions]
        emit_json(data)
        return
    latest = versions[-1]
    print(f"Incident {latest.short_id} in {op.name} ({len(versions)} version{'s' if len(versions) > 1 else ''})")
    for version in versions:
        label = (
            "original"
            if version.corrects_id is None
            else f"correction ({version.correction_reason or 'no reason given'})"
        )
        print(
            f"\n{version.short_id} · {label} · logged {format_local(version.logged_at, op.tz)} by {version.logged_by}"
        )
        print(f"  happened  {format_local(version.occurred_at, op.tz)}")
        print(f"  category  {version.category_label} · severity {version.severity} · source {version.source.label}")
        if version.location:
            print(f"  where     {version.location}")
        print(f"  text      {version.description}")
