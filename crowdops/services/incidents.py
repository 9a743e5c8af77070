"""Logging, correcting and reading the append-only incident log."""

import json
import re
import uuid

from sqlalchemy.orm import Session

from crowdops.domain.categories import MAJOR_INCIDENT, resolve_category
from crowdops.domain.enums import OperationKind, Role, Source, parse_enum
from crowdops.domain.errors import ConflictError, NotFoundError, ValidationError
from crowdops.domain.incidents import (
    check_coordinates,
    check_severity,
    clean_description,
    clean_location,
    clean_reason,
)
from crowdops.domain.permissions import require_can_log_incident
from crowdops.domain.search import fts_query, search_words
from crowdops.domain.times import iso_utc, parse_since, parse_until, parse_when, zone
from crowdops.services.context import ServiceContext
from crowdops.services.events import IncidentLogged
from crowdops.services.inputs import DEFAULT_LIMIT, IncidentInput, TimelineQuery
from crowdops.services.records import IncidentRecord, page_key
from crowdops.services.story_records import StoryItem, TimelineRow, row_key
from crowdops.services.users import find_user
from crowdops.store import story, timeline
from crowdops.store.filters import STORY_KINDS, PageKey, TimelineFilter
from crowdops.store.models import Incident, Operation, User

_HEX = re.compile(r"^[0-9a-f]+$")


def incident_record(incident: Incident, logged_by: str) -> IncidentRecord:
    return IncidentRecord(
        id=incident.id,
        root_id=incident.root_id,
        corrects_id=incident.corrects_id,
        operation_id=incident.operation_id,
        occurred_at=incident.occurred_at,
        logged_at=incident.logged_at,
        logged_by=logged_by,
        category=incident.category,
        severity=incident.severity,
        location=incident.location,
        latitude=incident.latitude,
        longitude=incident.longitude,
        source=Source(incident.source),
        description=incident.description,
        methane=json.loads(incident.methane_json) if incident.methane_json else None,
        correction_reason=incident.correction_reason,
    )


class IncidentService:
    def __init__(self, context: ServiceContext) -> None:
        self._ctx = context

    # -- writing -----------------------------------------------------------------------------------------

    def log(self, operation_id: uuid.UUID, entry: IncidentInput, *, actor: str) -> IncidentRecord:
        """Validate everything first, then write one entry in one transaction."""
        now = self._ctx.clock()
        with self._ctx.db.write() as session:
            op = _operation(session, operation_id)
            user = find_user(session, actor)
            require_can_log_incident(Role(user.role), op.exercise, user.name)
            kind = OperationKind(op.kind)
            category = resolve_category(entry.category, kind).slug
            if entry.methane is not None and category != MAJOR_INCIDENT:
                raise ValidationError("A METHANE report must use the category major-incident.")
            if category == MAJOR_INCIDENT and entry.methane is None:
                raise ValidationError("A major incident is logged as a METHANE report with all its fields.")
            description = (
                clean_description(entry.methane.summary() + " " + entry.description)
                if entry.methane is not None
                else clean_description(entry.description)
            )
            lat, lon = check_coordinates(entry.latitude, entry.longitude)
            incident_id = uuid.uuid4()
            incident = Incident(
                id=incident_id,
                operation_id=op.id,
                root_id=incident_id,
                corrects_id=None,
                occurred_at=parse_when(entry.at, zone(op.timezone), now) if entry.at else now,
                logged_at=now,
                logged_by=user.id,
                category=category,
                severity=check_severity(entry.severity),
                location=clean_location(entry.location),
                latitude=lat,
                longitude=lon,
                source=parse_enum(Source, entry.source, "source").value,
                description=description,
                methane_json=json.dumps(entry.methane.to_dict(), sort_keys=True) if entry.methane else None,
                correction_reason="",
            )
            session.add(incident)
            session.flush()
            record = incident_record(incident, user.name)
            self._ctx.record(
                session,
                user.name,
                "incident.log" if record.corrects_id is None else "incident.correct",
                f"incident:{record.id.hex}",
                **audit_fields(record),
            )
        self._ctx.bus.publish(IncidentLogged(record.operation_id, record.id))
        return record

    def correct(
        self,
        incident_ref: str,
        *,
        actor: str,
        description: str | None = None,
        category: str | None = None,
        severity: int | str | None = None,
        at: str | None = None,
        location: str | None = None,
        reason: str = "",
    ) -> IncidentRecord:
        """Append a new version of an incident; only its latest version may be corrected, so two people
        correcting at once cannot silently overwrite each other."""
        why = clean_reason(reason)
        now = self._ctx.clock()
        with self._ctx.db.write() as session:
            old = self._find(session, incident_ref)
            if timeline.is_superseded(session, old.id) is not None:
                latest = timeline.latest_version(session, old.root_id) or old.id
                raise ConflictError(
                    f"Incident {old.id.hex[:8]} has already been corrected; correct its latest version "
                    f"{latest.hex[:8]} instead."
                )
            op = _operation(session, old.operation_id)
            user = find_user(session, actor)
            require_can_log_incident(Role(user.role), op.exercise, user.name)
            fields = {
                "description": clean_description(description) if description is not None else old.description,
                "category": resolve_category(category, OperationKind(op.kind)).slug if category else old.category,
                "severity": check_severity(severity) if severity is not None else old.severity,
                "occurred_at": parse_when(at, zone(op.timezone), now) if at else old.occurred_at,
                "location": clean_location(location) if location is not None else old.location,
            }
            unchanged = all(getattr(old, name) == value for name, value in fields.items())
            if unchanged:
                raise ValidationError("The correction changes nothing: give a new text, category, time or place.")
            if fields["category"] == MAJOR_INCIDENT and old.category != MAJOR_INCIDENT:
                raise ValidationError("Log a major incident as a new METHANE report rather than a correction.")
            incident = Incident(
                id=uuid.uuid4(),
                operation_id=old.operation_id,
                root_id=old.root_id,
                corrects_id=old.id,
                logged_at=now,
                logged_by=user.id,
                latitude=old.latitude,
                longitude=old.longitude,
                source=old.source,
                methane_json=old.methane_json,
                correction_reason=why,
                **fields,
            )
            session.add(incident)
            session.flush()
            record = incident_record(incident, user.name)
            self._ctx.record(
                session,
                user.name,
                "incident.log" if record.corrects_id is None else "incident.correct",
                f"incident:{record.id.hex}",
                **audit_fields(record),
            )
        self._ctx.bus.publish(IncidentLogged(record.operation_id, record.id))
        return record

    # -- reading -----------------------------------------------------------------------------------------

    def get(self, incident_ref: str) -> IncidentRecord:
        with self._ctx.db.read() as session:
            incident = self._find(session, incident_ref)
            return incident_record(incident, find_user_name(session, incident.logged_by))

    def history(self, incident_id: uuid.UUID) -> list[IncidentRecord]:
        """Every version of the incident that `incident_id` belongs to, oldest first."""
        with self._ctx.db.read() as session:
            incident = session.get(Incident, incident_id)
            if incident is None:
                raise NotFoundError("That incident does not exist.")
            return [incident_record(row, name) for row, name in timeline.history(session, incident.root_id)]

    def store_filter(self, query: TimelineQuery) -> TimelineFilter:
        """Check a filter as typed, and turn it into a store query (raises ValidationError)."""
        with self._ctx.db.read() as session:
            op = _operation(session, query.operation_id)
        tz = zone(op.timezone)
        category = resolve_category(query.category, OperationKind(op.kind)).slug if query.category else None
        since = parse_since(query.since, tz) if query.since else None
        until = parse_until(query.until, tz) if query.until else None
        if since and until and until < since:
            raise ValidationError("The end of the time range is before its start.")
        min_severity = check_severity(query.min_severity)
        search = query.search.strip()
        fts = fts_query(search) if search else None
        unknown = sorted(set(query.kinds) - set(STORY_KINDS))
        if unknown:
            raise ValidationError(f"The timeline cannot show {', '.join(unknown)}; it shows {', '.join(STORY_KINDS)}.")
        return TimelineFilter(
            operation_id=op.id,
            category=category,
            min_severity=min_severity,
            since=since,
            until=until,
            fts=fts,
            nothing=bool(search) and fts is None,
            kinds=frozenset(query.kinds),
            words=search_words(search),
        )

    def page(self, flt: TimelineFilter, limit: int | None, after: PageKey | None = None) -> list[IncidentRecord]:
        """One page of the timeline (latest versions, newest first). `limit` None or 0 means all."""
        with self._ctx.db.read() as session:
            rows = timeline.timeline_page(session, flt, limit or None, after)
            return [incident_record(row, row.logged_by_name) for row in rows]  # type: ignore[arg-type]

    def story_page(self, flt: TimelineFilter, limit: int | None, after: PageKey | None = None) -> list[TimelineRow]:
        """One page of the operation's story: incidents interleaved with the kinds in `flt.kinds` (rumours,
        decisions, published messages), newest first. Each list is read only as far as the page reaches: the
        newest `limit` of both together are among the newest `limit` of each."""
        with self._ctx.db.read() as session:
            incidents = timeline.timeline_page(session, flt, limit or None, after)
            others = story.story_page(session, flt, limit or None, after)
        rows: list[TimelineRow] = [incident_record(row, row.logged_by_name) for row in incidents]  # type: ignore[arg-type]
        for r in others:
            texts = (r.title or "", r.status or "", r.note or "")
            rows.append(StoryItem(r.kind, r.id, r.target_id, r.at, r.order_at, *texts, r.by_name))
        rows.sort(key=_newest_first, reverse=True)
        return rows[:limit] if limit else rows

    def list(self, query: TimelineQuery, limit: int = DEFAULT_LIMIT) -> list[IncidentRecord]:
        if limit < 0:
            raise ValidationError("The limit cannot be negative; use 0 for all.")
        return self.page(self.store_filter(query), limit)

    def _find(self, session: Session, ref: str) -> Incident:
        prefix = ref.strip().lower().replace("-", "")
        if len(prefix) < 4 or not _HEX.match(prefix):
            raise ValidationError(f"'{ref}' is not an incident id: give at least its first 4 characters.")
        matches = timeline.find_by_prefix(session, prefix)
        if not matches:
            raise NotFoundError(f"No incident with id {ref}.")
        if len(matches) > 1:
            raise ValidationError(f"The id {ref} is ambiguous: give more of its characters.")
        return matches[0]


def _newest_first(row: TimelineRow) -> tuple[object, ...]:
    key = row_key(row)
    return (key.occurred_at, key.logged_at, key.id)


def audit_fields(record: IncidentRecord) -> dict[str, object]:
    """What an incident entry says, for its audit entry."""
    return {
        "operation": record.operation_id.hex,
        "corrects": record.corrects_id.hex if record.corrects_id else None,
        "occurred_at": iso_utc(record.occurred_at),
        "category": record.category,
        "severity": record.severity,
        "location": record.location,
        "latitude": record.latitude,
        "longitude": record.longitude,
        "source": record.source.value,
        "description": record.description,
        "methane": record.methane,
        "reason": record.correction_reason,
    }


def _operation(session: Session, operation_id: uuid.UUID) -> Operation:
    op = session.get(Operation, operation_id)
    if op is None:
        raise NotFoundError("The operation no longer exists.")
    return op


def find_user_name(session: Session, user_id: uuid.UUID) -> str:
    user = session.get(User, user_id)
    return user.name if user else "?"


__all__ = ["DEFAULT_LIMIT", "IncidentInput", "IncidentService", "TimelineQuery", "incident_record", "page_key"]
