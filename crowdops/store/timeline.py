"""Timeline queries over the incident log: latest versions only, newest first, keyset-paged, filterable."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, bindparam, column, exists, literal_column, select, table, tuple_
from sqlalchemy.orm import Session, aliased

from crowdops.store.models import Incident, User

_fts = table("incident_fts", column("incident_id"))


@dataclass(frozen=True, slots=True)
class TimelineFilter:
    operation_id: uuid.UUID
    category: str | None = None
    min_severity: int = 1
    since: datetime | None = None
    until: datetime | None = None
    fts: str | None = None  # an already-escaped FTS5 query (see domain.search)
    nothing: bool = False  # the search had no searchable words: match nothing


@dataclass(frozen=True, slots=True)
class PageKey:
    """Where the previous page ended; the next page starts strictly after it."""

    occurred_at: datetime
    logged_at: datetime
    id: uuid.UUID


def _latest_only() -> ColumnElement[bool]:
    newer = aliased(Incident)
    return ~exists().where(newer.corrects_id == Incident.id)


def timeline_select(flt: TimelineFilter) -> Select[tuple[Incident, str]]:
    query = (
        select(Incident, User.name)
        .join(User, User.id == Incident.logged_by)
        .where(Incident.operation_id == flt.operation_id, _latest_only())
    )
    if flt.nothing:
        return query.where(literal_column("0") == 1)
    if flt.category:
        query = query.where(Incident.category == flt.category)
    if flt.min_severity > 1:
        query = query.where(Incident.severity >= flt.min_severity)
    if flt.since is not None:
        query = query.where(Incident.occurred_at >= flt.since)
    if flt.until is not None:
        query = query.where(Incident.occurred_at <= flt.until)
    if flt.fts:
        matches = select(_fts.c.incident_id).where(literal_column("incident_fts").op("MATCH")(flt.fts))
        query = query.where(Incident.id.in_(matches))
    return query


def timeline_page(
    session: Session, flt: TimelineFilter, limit: int | None, after: PageKey | None = None
) -> list[tuple[Incident, str]]:
    query = timeline_select(flt)
    if after is not None:
        key = tuple_(Incident.occurred_at, Incident.logged_at, Incident.id)
        bound = tuple_(
            bindparam(None, after.occurred_at, type_=Incident.occurred_at.type),
            bindparam(None, after.logged_at, type_=Incident.logged_at.type),
            bindparam(None, after.id, type_=Incident.id.type),
        )
        query = query.where(key < bound)
    query = query.order_by(Incident.occurred_at.desc(), Incident.logged_at.desc(), Incident.id.desc())
    if limit:
        query = query.limit(limit)
    return [(row[0], row[1]) for row in session.execute(query)]


def history(session: Session, root_id: uuid.UUID) -> list[tuple[Incident, str]]:
    """Every version of one incident, oldest first.

    The order follows the `corrects_id` links, not `logged_at`: two versions may share a timestamp (a coarse or
    stepped-back clock), and the last one listed must always be the one the timeline shows."""
    query = (
        select(Incident, User.name)
        .join(User, User.id == Incident.logged_by)
        .where(Incident.root_id == root_id)
        .order_by(Incident.logged_at, Incident.id)
    )
    rows = [(row[0], row[1]) for row in session.execute(query)]
    by_corrected = {incident.corrects_id: (incident, name) for incident, name in rows}
    ordered: list[tuple[Incident, str]] = []
    step = by_corrected.get(None)
    while step is not None:
        ordered.append(step)
        step = by_corrected.get(step[0].id)
    return ordered


def find_by_prefix(session: Session, prefix: str) -> list[Incident]:
    return list(session.scalars(select(Incident).where(literal_column("incidents.id").like(prefix + "%")).limit(2)))


def is_superseded(session: Session, incident_id: uuid.UUID) -> uuid.UUID | None:
    return session.scalar(select(Incident.id).where(Incident.corrects_id == incident_id))


def latest_version(session: Session, root_id: uuid.UUID) -> uuid.UUID | None:
    """The version of an incident that the timeline shows: the one no other version corrects."""
    return session.scalar(select(Incident.id).where(Incident.root_id == root_id, _latest_only()))
