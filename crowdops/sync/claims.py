"""The rows the dispatcher works on: which are due (and in what order), what a claimed row carries, whether a
queued post has gone stale, and the audit entry of an outcome. Queries read plain columns, not ORM objects: per
post, the ORM's bookkeeping would cost more than the work."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, case, literal_column, or_, select
from sqlalchemy.orm import Session

from crowdops.channels.base import Post
from crowdops.domain.outbox import PRIORITY_RANK, OutboxStatus, is_stale
from crowdops.store.message_models import Approval, Channel, Message, MessageLink, OutboxItem
from crowdops.store.models import Incident, Operation

WORKER = "outbox worker"
Q, SENDING, SENT, UNKNOWN = OutboxStatus.QUEUED, OutboxStatus.SENDING, OutboxStatus.SENT, OutboxStatus.UNKNOWN


def due_query(now: datetime, excluded: set[uuid.UUID], limit: int) -> Select[Any]:
    """Rows due now on channels not excluded or paused: unknown posts first (checked before anything new goes out),
    then life-safety, urgent, routine, first in first out."""
    rank = case(PRIORITY_RANK, value=OutboxItem.priority, else_=len(PRIORITY_RANK))
    query = (
        select(*CLAIM_COLUMNS, Channel.platform, Operation.exercise)
        .join(Channel, Channel.id == OutboxItem.channel_id)
        .join(Message, Message.id == OutboxItem.message_id)
        .join(Operation, Operation.id == Message.operation_id)
        .where(
            OutboxItem.status.in_((Q.value, UNKNOWN.value)),
            or_(OutboxItem.next_attempt_at.is_(None), OutboxItem.next_attempt_at <= now),
            or_(OutboxItem.not_before.is_(None), OutboxItem.not_before <= now),
            or_(Channel.paused_until.is_(None), Channel.paused_until <= now),
        )
        .order_by(
            (OutboxItem.status != UNKNOWN.value),
            rank,
            OutboxItem.created_at,
            literal_column("outbox_items.rowid"),
        )
        .limit(limit)
    )
    return query.where(OutboxItem.channel_id.not_in(excluded)) if excluded else query


def stale_reason(session: Session, item: Any, has_incident_links: bool, now: datetime, max_age: timedelta) -> str:
    """Why a queued post must be re-confirmed before it goes out, or "" when it may go."""
    # The stale clock starts when the post was queued (or re-confirmed), or at its scheduled time if later.
    queued_at = max(item.queued_at or item.created_at, item.not_before or item.created_at)
    if is_stale(queued_at, now, max_age):
        hours = (now - queued_at).total_seconds() / 3600
        return f"Queued {hours:.1f} h ago, longer than allowed for {item.priority} posts: confirm it is still right."
    if not has_incident_links:
        return ""
    approval = session.get(Approval, item.approval_id)
    assert approval is not None
    linked = select(MessageLink.ref_id).where(MessageLink.message_id == item.message_id, MessageLink.kind == "incident")
    roots = select(Incident.root_id).where(Incident.id.in_(linked))
    changed = session.scalar(
        select(Incident.id)
        .where(Incident.root_id.in_(roots), Incident.logged_at > max(approval.approved_at, queued_at))
        .limit(1)
    )
    if changed is not None:
        return "Its incident was corrected after the message was approved: confirm the text is still right."
    return ""


@dataclass(frozen=True, slots=True)
class Claim:
    """A row this pass marked `sending`, with what it needs to restore it if it is never attempted."""

    item_id: uuid.UUID
    channel_id: uuid.UUID
    exercise: bool
    post: Post
    checking: bool  # an unknown post: look it up, never publish it
    maybe_sent: bool
    was: OutboxStatus
    attempts_before: int


AuditDraft = tuple[str, str, str, dict[str, Any], datetime]
CLAIM_COLUMNS = tuple(
    getattr(OutboxItem, name)
    for name in (
        "id",
        "channel_id",
        "message_id",
        "approval_id",
        "text",
        "language",
        "idempotency_key",
        "record_key",
        "created_at",
        "queued_at",
        "not_before",
        "priority",
        "status",
        "maybe_sent",
        "attempts",
    )
)


def audit_entry(
    item_id: uuid.UUID, target: OutboxStatus, message: str, attempts: int, values: dict[str, object], at: datetime
) -> AuditDraft:
    data: dict[str, object] = {"from": SENDING.value, "to": target.value, "attempts": attempts}
    if message:
        data["reason"] = message
    if target is SENT:
        data["url"] = values["remote_url"]
    return (WORKER, f"outbox.{target.value}", f"outbox:{item_id.hex}", data, at)


def with_incident_links(session: Session, message_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    if not message_ids:
        return set()
    query = select(MessageLink.message_id).where(
        MessageLink.kind == "incident", MessageLink.message_id.in_(set(message_ids))
    )
    return set(session.scalars(query))


def post_of(item: Any) -> Post:
    return Post(
        item_id=item.id,
        text=item.text,
        language=item.language,
        idempotency_key=item.idempotency_key,
        record_key=item.record_key,
        created_at=item.created_at,
    )


def pending(session: Session) -> tuple[int, datetime | None]:
    """How many rows still need the worker, and when the first of them is due (a channel's pause included)."""
    rows = session.execute(
        select(OutboxItem.next_attempt_at, OutboxItem.not_before, OutboxItem.created_at, Channel.paused_until)
        .join(Channel, Channel.id == OutboxItem.channel_id)
        .where(OutboxItem.status.in_((Q.value, SENDING.value, UNKNOWN.value)))
    ).all()
    due = [max(t for t in row if t is not None) for row in rows]
    return len(rows), min(due, default=None)
