"""The operation's story beyond its incidents: rumours (when first seen and when their status changed), decisions
(each version) and messages (when first sent), as rows that interleave with the incident timeline by time.

Rows are keyed like timeline rows, (at, order_at, id) newest first, so the two lists merge into one keyset-paged
story (services.incidents.story_page). These tables hold hundreds of rows per operation, not millions: a plain scan
of the operation's rows is fine here, and the incident timeline keeps its own indexed path untouched.
"""

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    String,
    and_,
    bindparam,
    case,
    func,
    literal,
    literal_column,
    select,
    tuple_,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from crowdops.domain.search import FOLD_SQL_FUNCTION
from crowdops.store.filters import (
    DECISION,
    DECISION_REVISED,
    DECISIONS,
    MESSAGE_SENT,
    MESSAGES,
    RUMOUR_SEEN,
    RUMOUR_STATUS,
    RUMOURS,
    PageKey,
    TimelineFilter,
)
from crowdops.store.message_models import Channel, Message, MessageVariant, OutboxItem
from crowdops.store.models import User
from crowdops.store.register_models import Decision, Rumour, RumourEvent
from crowdops.store.types import UTCDateTime

__all__ = ["story_page"]


def _row(
    kind: Any, row_id: Any, target: Any, at: Any, order_at: Any, title: Any, status: Any, note: Any, by: Any, text: Any
) -> list[Any]:
    """The columns every part of the union gives, in one order."""
    return [
        type_coerce(kind, String()).label("kind"),
        row_id.label("id"),
        target.label("target_id"),  # what opens when the row is activated
        type_coerce(at, UTCDateTime()).label("at"),
        type_coerce(order_at, UTCDateTime()).label("order_at"),
        type_coerce(title, String()).label("title"),
        type_coerce(status, String()).label("status"),
        type_coerce(note, String()).label("note"),
        by.label("by_name"),
        type_coerce(text, String()).label("search_text"),
    ]


def _rumours_seen(flt: TimelineFilter) -> Select[Any]:
    r = Rumour
    columns = _row(
        literal(RUMOUR_SEEN), r.id, r.id, r.first_seen_at, r.created_at, r.claim, r.status, r.source, User.name,
        r.claim + " " + r.source,
    )  # fmt: skip
    return select(*columns).join(User, User.id == r.owner_id).where(r.operation_id == flt.operation_id)


def _rumour_changes(flt: TimelineFilter) -> Select[Any]:
    """Status changes only: not the entry itself, nor evidence or drafted responses (they keep the status)."""
    e = RumourEvent
    # rowid breaks ties between events of one instant in the order they were written (the UUIDs are random).
    previous = func.lag(e.status).over(partition_by=e.rumour_id, order_by=(e.at, literal_column("rumour_events.rowid")))
    events = (
        select(e.id, e.rumour_id, e.at, e.by_id, e.status, e.note, previous.label("previous"))
        .join(Rumour, Rumour.id == e.rumour_id)
        .where(Rumour.operation_id == flt.operation_id)
        .subquery("events")
    )
    changed = aliased(Rumour)
    columns = _row(
        literal(RUMOUR_STATUS), events.c.id, events.c.rumour_id, events.c.at, events.c.at, changed.claim,
        events.c.status, events.c.note, User.name, changed.claim + " " + events.c.note,
    )  # fmt: skip
    return (
        select(*columns)
        .select_from(events)
        .join(changed, changed.id == events.c.rumour_id)
        .join(User, User.id == events.c.by_id)
        .where(events.c.previous.is_not(None), events.c.previous != events.c.status)
    )


def _decisions(flt: TimelineFilter) -> Select[Any]:
    d = Decision
    kind = case((d.revises_id.is_(None), DECISION), else_=DECISION_REVISED)
    columns = _row(
        kind, d.id, d.root_id, d.decided_at, d.decided_at, d.decision, literal(""), d.rationale, User.name,
        d.decision + " " + d.rationale,
    )  # fmt: skip
    return select(*columns).join(User, User.id == d.decided_by).where(d.operation_id == flt.operation_id)


def _published(flt: TimelineFilter) -> Select[Any]:
    """A message shows once, when its first post went out; queued, held or approved is not yet published."""
    m, o = Message, OutboxItem
    first_sent = func.min(func.coalesce(o.sent_at, o.updated_at, o.created_at))
    headline = (
        select(MessageVariant.text)
        .where(MessageVariant.message_id == m.id, MessageVariant.channel_id.is_(None))
        .order_by((MessageVariant.language != "en"), MessageVariant.language)
        .limit(1)
        .scalar_subquery()
    )
    texts = (
        select(func.group_concat(MessageVariant.text, " ")).where(MessageVariant.message_id == m.id).scalar_subquery()
    )
    channels = func.group_concat(Channel.name.distinct())
    columns = _row(
        literal(MESSAGE_SENT), m.id, m.id, first_sent, first_sent, headline, m.purpose, channels, User.name, texts
    )  # fmt: skip
    return (
        select(*columns)
        .join(o, o.message_id == m.id)
        .join(Channel, Channel.id == o.channel_id)
        .join(User, User.id == m.created_by)
        .where(m.operation_id == flt.operation_id, o.status == "sent")
        .group_by(m.id)
    )


def _searched(text: ColumnElement[Any], words: tuple[str, ...]) -> ColumnElement[bool]:
    """Every word appears in the text, folded the same way as the incident index (case and accents)."""
    folded = getattr(func, FOLD_SQL_FUNCTION)(text)
    return and_(*(func.instr(folded, bindparam(None, word, type_=String())) > 0 for word in words))


def story_page(
    session: Session, flt: TimelineFilter, limit: int | None, after: PageKey | None = None
) -> list[Row[Any]]:
    """One page of the kinds in `flt.kinds`, newest first. The time range and the search apply; category and
    severity describe incidents only, so they leave these rows alone (their own toggles show or hide them)."""
    parts: list[Select[Any]] = []
    if RUMOURS in flt.kinds:
        parts += [_rumours_seen(flt), _rumour_changes(flt)]
    if DECISIONS in flt.kinds:
        parts.append(_decisions(flt))
    if MESSAGES in flt.kinds:
        parts.append(_published(flt))
    if not parts or flt.nothing:
        return []
    story = union_all(*parts).subquery("story")
    c = story.c
    query = select(story)
    if flt.since is not None:
        query = query.where(c.at >= bindparam(None, flt.since, type_=UTCDateTime()))
    if flt.until is not None:
        query = query.where(c.at <= bindparam(None, flt.until, type_=UTCDateTime()))
    if flt.words:
        query = query.where(_searched(c.search_text, flt.words))
    if after is not None:
        bound = tuple_(
            bindparam(None, after.occurred_at, type_=UTCDateTime()),
            bindparam(None, after.logged_at, type_=UTCDateTime()),
            bindparam(None, after.id, type_=c.id.type),
        )
        query = query.where(tuple_(c.at, c.order_at, c.id) < bound)
    query = query.order_by(c.at.desc(), c.order_at.desc(), c.id.desc())
    if limit:
        query = query.limit(limit)
    return list(session.connection().execute(query))
