"""Prototype of a faster search plan for crowdops/store/timeline.py, measured beside the app (nothing in crowdops/
is changed).

Today `timeline_select` filters with `incidents.id IN (SELECT incident_id FROM incident_fts WHERE ... MATCH ...)`.
Without ANALYZE statistics SQLite believes `operation_id = ?` is selective, so it walks ix_incidents_timeline in
page order and probes each entry against the materialised match list. That is good when matches are dense (the page
fills after a few hundred entries) but for a rare word it reads the operation's whole index, ~1M entries, to return a
handful of rows. Letting FTS drive (join incident_fts to incidents by id, then sort the matches) is the reverse: fast
for rare words, slow for common ones, where it must fetch and sort every match.

The prototype picks per query: a capped count of the FTS matches (it reads the FTS doclist only, not the
content table) decides between the two forms.
"""

import uuid
from dataclasses import replace

from sqlalchemy import ColumnElement, Select, column, func, literal_column, select, table
from sqlalchemy.orm import Session

from crowdops.app import App
from crowdops.services.incidents import TimelineQuery, incident_record
from crowdops.services.records import IncidentRecord
from crowdops.store.models import Incident
from crowdops.store.timeline import TimelineFilter, timeline_select

# Below this many matches FTS drives; above it the page fills quickly from the timeline index. The crossover
# grows with the square root of the operation's size; ~5,000 measured on 1M incidents.
SPARSE_BELOW = 5000

_fts = table("incident_fts", column("incident_id"))


def _match(fts: str) -> ColumnElement[bool]:
    return literal_column("incident_fts").op("MATCH")(fts)


def is_sparse(session: Session, fts: str) -> bool:
    capped = select(literal_column("1")).select_from(_fts).where(_match(fts)).limit(SPARSE_BELOW).subquery()
    return (session.scalar(select(func.count()).select_from(capped)) or 0) < SPARSE_BELOW


def adaptive_select(session: Session, flt: TimelineFilter) -> Select[tuple[Incident, str]]:
    if not flt.fts or flt.nothing:
        return timeline_select(flt)
    if is_sparse(session, flt.fts):
        # The reference form: FTS drives, each match is fetched by primary key, the few matches are sorted.
        return (
            timeline_select(replace(flt, fts=None)).join(_fts, _fts.c.incident_id == Incident.id).where(_match(flt.fts))
        )
    return timeline_select(flt)  # dense: walk the timeline index, stop when the page is full


def adaptive_list(app: App, op_id: uuid.UUID, text: str, limit: int) -> list[IncidentRecord]:
    """What `IncidentService.list(TimelineQuery(op_id, search=text), limit)` would do with the prototype."""
    flt = app.incidents.store_filter(TimelineQuery(op_id, search=text))
    with app.db.read() as session:
        query = adaptive_select(session, flt).order_by(
            Incident.occurred_at.desc(), Incident.logged_at.desc(), Incident.id.desc()
        )
        return [incident_record(row[0], row[1]) for row in session.execute(query.limit(limit))]
