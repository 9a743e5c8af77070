"""Printing results for people (aligned text in the operation's zone) or for scripts (stable JSON)."""

import json
import shutil
import sys
from typing import Any

from crowdops.domain.enums import SEVERITY_LABELS
from crowdops.domain.times import format_local, iso_utc
from crowdops.services.records import IncidentRecord, OperationRecord, UserRecord


def emit_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, sort_keys=True)
    sys.stdout.write("\n")


def user_json(user: UserRecord) -> dict[str, Any]:
    return {"id": str(user.id), "name": user.name, "role": user.role.value}


def operation_json(op: OperationRecord, current: bool = False) -> dict[str, Any]:
    return {
        "id": str(op.id),
        "name": op.name,
        "kind": op.kind.value,
        "phase": op.phase.value,
        "timezone": op.timezone,
        "area": op.area,
        "exercise": op.exercise,
        "created_at": iso_utc(op.created_at),
        "current": current,
    }


def incident_json(incident: IncidentRecord) -> dict[str, Any]:
    return {
        "id": str(incident.id),
        "short_id": incident.short_id,
        "root_id": str(incident.root_id),
        "corrects_id": str(incident.corrects_id) if incident.corrects_id else None,
        "operation_id": str(incident.operation_id),
        "occurred_at": iso_utc(incident.occurred_at),
        "logged_at": iso_utc(incident.logged_at),
        "logged_by": incident.logged_by,
        "category": incident.category,
        "severity": incident.severity,
        "location": incident.location,
        "latitude": incident.latitude,
        "longitude": incident.longitude,
        "source": incident.source.value,
        "description": incident.description,
        "methane": incident.methane,
        "correction_reason": incident.correction_reason,
    }


def print_table(headers: list[str], rows: list[list[str]], *, wrap_last: bool = True) -> None:
    """Columns sized to their content; the last column is cut to the terminal width."""
    if not rows:
        return
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    total = shutil.get_terminal_size((120, 24)).columns
    fixed = sum(widths[:-1]) + 2 * (len(widths) - 1)
    last = max(20, total - fixed) if wrap_last else widths[-1]
    print("  ".join(h.ljust(w) for h, w in zip(headers[:-1], widths[:-1], strict=True)) + "  " + headers[-1])
    for row in rows:
        cells = [c.ljust(w) for c, w in zip(row[:-1], widths[:-1], strict=True)]
        tail = row[-1] if len(row[-1]) <= last else row[-1][: last - 1] + "…"
        print("  ".join(cells) + "  " + tail)


def incident_rows(incidents: list[IncidentRecord], op: OperationRecord) -> list[list[str]]:
    tz = op.tz
    return [
        [
            i.short_id,
            format_local(i.occurred_at, tz),
            f"{i.severity} {SEVERITY_LABELS[i.severity]}",
            i.category,
            i.location or "—",
            ("(corrected) " if i.is_correction else "") + i.description,
        ]
        for i in incidents
    ]


INCIDENT_HEADERS = ["ID", "TIME", "SEVERITY", "CATEGORY", "WHERE", "DESCRIPTION"]
