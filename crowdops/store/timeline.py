"""Timeline queries over the incident log: latest versions only, newest first, keyset-paged, filterable."""

import uuid

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    Uuid,
    bindparam,
    column,
    exists,
    func,
    literal_column,
    select,
    table,
    text,
    tuple_,
)
from sqlalchemy.orm import Session

from crowdops.store.filters import PageKey, TimelineFilter
from crowdops.store.models import Incident, User

_fts = table("incident_fts", column("incident_id"))
_incidents = Incident.__table__

# How a search runs depends on how many entries match (measured on 1M incidents, see bench/):
# - many matches: walk the timeline index newest first and stop once the page is full;
# - few matches: let the full-text index drive and sort the handful of matches, instead of reading the operation's
#   whole index to find them. A capped count of matches (it reads only the FTS index) decides.
FEW_MATCHES = 5000

__all__ = ["PageKey", "TimelineFilter", "history", "timeline_page"]


_newer = _incidents.alias("newer")


def _latest_only() -> ColumnElement[bool]:
    return ~exists().where(_newer.c.corrects_id == _incidents.c.id)


def _match(fts: str) -> ColumnElement[bool]:
    return literal_column("incident_fts").op("MATCH")(fts)


def _few_matches(session: Session, fts: str) -> bool:
    capped = select(literal_column("1")).select_from(_fts).where(_match(fts)).limit(FEW_MATCHES).subquery()
    return (session.connection().scalar(select(func.count()).select_from(capped)) or 0) < FEW_MATCHES


def timeline_select(flt: TimelineFilter, *, search_drives: bool = False) -> Select[tuple[object, ...]]:
    """Latest versions of the operation's incidents that pass the filter, as plain rows (no ORM objects: a page
    is read-only, and building entities costs more than the query)."""
    if search_drives and flt.fts:
        # The unary + keeps SQLite off the timeline index, so the few matches drive the plan, whatever
        # statistics ANALYZE may one day collect.
        in_operation = text("+incidents.operation_id = :operation_id").bindparams(
            bindparam("operation_id", flt.operation_id, type_=Uuid())
        )
        query = (
            select(*_incidents.c, User.name.label("logged_by_name"))
            .select_from(_fts)
            .join(_incidents, _incidents.c.id == _fts.c.incident_id)
            .join(User, User.id == _incidents.c.logged_by)
            .where(_match(flt.fts), in_operation)
        )
    else:
        query = (
            select(*_incidents.c, User.name.label("logged_by_name"))
            .join(User, User.id == _incidents.c.logged_by)
            .where(_incidents.c.operation_id == flt.operation_id)
        )
        if flt.fts:
            query = query.where(_incidents.c.id.in_(select(_fts.c.incident_id).where(_match(flt.fts))))
    query = query.where(_latest_only())
    if flt.nothing:
        return query.where(literal_column("0") == 1)
    if flt.category:
        query = query.where(_incidents.c.category == flt.category)
    if flt.min_severity > 1:
        query = query.where(_incidents.c.severity >= flt.min_severity)
    if flt.since is not None:
        query = query.where(_incidents.c.occurred_at >= flt.since)
    if flt.until is not None:
        query = query.where(_incidents.c.occurred_at <= flt.until)
    return query


def timeline_page(
    session: Session, flt: TimelineFilter, limit: int | None, after: PageKey | None = None
) -> list[Row[tuple[object, ...]]]:
    """One page, newest first; each row has the incident's columns and `logged_by_name`."""
    search_drives = bool(flt.fts) and not flt.nothing and _few_matches(session, flt.fts or "")
    query = timeline_select(flt, search_drives=search_drives)
    c = _incidents.c
    if after is not None:
        bound = tuple_(
            bindparam(None, after.occurred_at, type_=c.occurred_at.type),
            bindparam(None, after.logged_at, type_=c.logged_at.type),
            bindparam(None, after.id, type_=c.id.type),
        )
        query = query.where(tuple_(c.occurred_at, c.logged_at, c.id) < bound)
    query = query.order_by(c.occurred_at.desc(), c.logged_at.desc(), c.id.desc())
    if limit:
        query = query.limit(limit)
    return list(session.connection().execute(query))  # Core rows: no ORM layer for a read-only page


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
