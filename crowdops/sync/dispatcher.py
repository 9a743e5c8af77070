"""The outbox dispatcher: sends what is due, one post at a time, and records every outcome.

Each attempt is two transactions around one request: `sending` is committed before the request leaves, and the
outcome after it returns. If the process dies in between, the row still says `sending`; whoever next holds the sync
lock turns it into `unknown` (see `recover`), and an unknown post is looked up on its platform before anything is
re-sent. The truth is the outbox table: the scheduler only decides when to look at it.
"""

import logging
import random
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import case, literal_column, or_, select
from sqlalchemy.orm import Session

from crowdops.channels.base import (
    Ambiguous,
    Clock,
    NeedsPerson,
    NotPublished,
    Permanent,
    Post,
    Publisher,
    Retry,
    Sent,
)
from crowdops.domain.errors import CrowdOpsError
from crowdops.domain.outbox import (
    DEFAULT_MAX_AGE,
    MAX_ATTEMPTS,
    PRIORITY_RANK,
    OutboxStatus,
    is_stale,
    next_attempt,
    require_outbox_transition,
)
from crowdops.store.audit import AuditLog
from crowdops.store.database import Database
from crowdops.store.message_models import Approval, Channel, Message, MessageLink, OutboxItem
from crowdops.store.models import Incident, Operation
from crowdops.sync.publishers import build_publisher

log = logging.getLogger(__name__)

WORKER = "outbox worker"
Q, SENDING, SENT, UNKNOWN, HELD, FAILED = (
    OutboxStatus.QUEUED,
    OutboxStatus.SENDING,
    OutboxStatus.SENT,
    OutboxStatus.UNKNOWN,
    OutboxStatus.HELD,
    OutboxStatus.FAILED,
)
PublisherFactory = Callable[[Database, Channel, bool, Clock], Publisher]


def _default_factory(db: Database, channel: Channel, exercise: bool, clock: Clock) -> Publisher:
    return build_publisher(db, channel, exercise=exercise, clock=clock)


@dataclass
class DrainReport:
    counts: dict[str, int] = field(default_factory=dict)  # outcome -> how many, in this pass
    pending: int = 0  # queued, sending or unknown rows left afterwards
    next_due: datetime | None = None  # when the next of them is due, if any
    channels_unreachable: list[str] = field(default_factory=list)

    def add(self, outcome: str) -> None:
        self.counts[outcome] = self.counts.get(outcome, 0) + 1


class Dispatcher:
    def __init__(
        self,
        db: Database,
        *,
        audit: AuditLog,
        clock: Clock,
        on_change: Callable[[], None] = lambda: None,
        max_age: dict[str, timedelta] | None = None,
        publisher_factory: PublisherFactory = _default_factory,
        rng: random.Random | None = None,
    ) -> None:
        self._db = db
        self._audit = audit
        self._clock = clock
        self._on_change = on_change
        self._max_age = max_age or dict(DEFAULT_MAX_AGE)
        self._factory = publisher_factory
        self._rng = rng or random.Random()

    # -- start-up ---------------------------------------------------------------------------------------------

    def recover(self) -> int:
        """Rows left `sending` by a worker that died: maybe sent, so `unknown`. Call only while holding the lock."""
        with self._db.write() as session:
            rows = list(session.scalars(select(OutboxItem).where(OutboxItem.status == SENDING.value)))
            for item in rows:
                self._move(
                    session,
                    item,
                    UNKNOWN,
                    "The app stopped while this post was being sent; checking whether it went out.",
                    maybe_sent=True,
                )
        if rows:
            self._on_change()
        return len(rows)

    # -- the pass ---------------------------------------------------------------------------------------------

    def drain(self, stop: threading.Event | None = None) -> DrainReport:
        """Send everything due now; return what happened and when the next item falls due."""
        report = DrainReport()
        publishers: dict[uuid.UUID, Publisher] = {}
        skipped: set[uuid.UUID] = set()  # channels that are unreachable or misconfigured in this pass
        while not (stop and stop.is_set()):
            picked = self._next_due(skipped)
            if picked is None:
                break
            item_id, channel_id, exercise = picked
            publisher = publishers.get(channel_id)
            if publisher is None:
                publisher = self._publisher_or_fail(channel_id, exercise, report)
                if publisher is None:
                    skipped.add(channel_id)
                    continue
                publishers[channel_id] = publisher
            outcome = self._attempt(item_id, publisher)
            report.add(outcome)
            if outcome == "unreachable":
                skipped.add(channel_id)
            self._on_change()
        with self._db.read() as session:
            report.pending, report.next_due = _pending(session)
            if skipped:
                names = session.scalars(select(Channel.name).where(Channel.id.in_(skipped)))
                report.channels_unreachable = sorted(names)
        return report

    def _publisher_or_fail(self, channel_id: uuid.UUID, exercise: bool, report: DrainReport) -> Publisher | None:
        with self._db.read() as session:
            channel = session.get(Channel, channel_id)
            assert channel is not None
        try:
            return self._factory(self._db, channel, exercise, self._clock)
        except CrowdOpsError as error:
            # No token, an exercise aimed at a live account: these posts cannot go out until a person acts.
            with self._db.write() as session:
                for item in session.scalars(
                    select(OutboxItem).where(OutboxItem.channel_id == channel_id, OutboxItem.status == Q.value)
                ):
                    self._move(session, item, FAILED, str(error))
                    report.add("failed")
            self._on_change()
            return None

    def _next_due(self, skipped: set[uuid.UUID]) -> tuple[uuid.UUID, uuid.UUID, bool] | None:
        now = self._clock()
        rank = case(PRIORITY_RANK, value=OutboxItem.priority, else_=len(PRIORITY_RANK))
        query = (
            select(OutboxItem.id, OutboxItem.channel_id, Operation.exercise)
            .join(Channel, Channel.id == OutboxItem.channel_id)
            .join(Message, Message.id == OutboxItem.message_id)
            .join(Operation, Operation.id == Message.operation_id)
            .where(
                OutboxItem.status.in_((Q.value, UNKNOWN.value)),
                or_(OutboxItem.next_attempt_at.is_(None), OutboxItem.next_attempt_at <= now),
                or_(OutboxItem.not_before.is_(None), OutboxItem.not_before <= now),
                or_(Channel.paused_until.is_(None), Channel.paused_until <= now),
            )
            # Unknown posts are checked before anything new goes out; then life-safety, urgent, routine, FIFO.
            .order_by(
                (OutboxItem.status != UNKNOWN.value),
                rank,
                OutboxItem.created_at,
                literal_column("outbox_items.rowid"),
            )
            .limit(1)
        )
        if skipped:
            query = query.where(OutboxItem.channel_id.not_in(skipped))
        with self._db.read() as session:
            row = session.execute(query).first()
        return None if row is None else (row[0], row[1], bool(row[2]))

    # -- one item ---------------------------------------------------------------------------------------------

    def _attempt(self, item_id: uuid.UUID, publisher: Publisher) -> str:
        with self._db.write() as session:
            item = session.get(OutboxItem, item_id)
            if item is None or item.status not in (Q.value, UNKNOWN.value):
                return "skipped"  # changed under us (cancelled by a person)
            checking = item.status == UNKNOWN.value
            if not checking:
                held = self._stale_reason(session, item)
                if held:
                    self._move(session, item, HELD, held)
                    return "held"
            post = _post_of(item)
            attempts = item.attempts + 1
            self._move(session, item, SENDING, "", attempts=attempts, audit=False)
        try:
            outcome = publisher.resolve(post) if checking else publisher.publish(post)
        except Exception as error:  # an adapter bug must not lose the row: it stays checkable
            log.exception("publisher %s raised", publisher.kind)
            outcome = Ambiguous(f"Unexpected error in the {publisher.kind} adapter: {error.__class__.__name__}.")
        return self._record(item_id, publisher, outcome, attempts, checking)

    def _record(self, item_id: uuid.UUID, publisher: Publisher, outcome: object, attempts: int, checking: bool) -> str:
        now = self._clock()
        with self._db.write() as session:
            item = session.get(OutboxItem, item_id)
            assert item is not None
            paused = getattr(publisher, "paused_until", None)
            if paused is not None and paused > now:
                channel = session.get(Channel, item.channel_id)
                assert channel is not None
                channel.paused_until = paused
            match outcome:
                case Sent(remote_id=remote_id, url=url):
                    self._move(session, item, SENT, "", remote_id=remote_id, remote_url=url, sent_at=now)
                    return "sent"
                case NotPublished(message=message):
                    # Proven absent: it may go out again, now.
                    self._move(session, item, Q, message, maybe_sent=False, next_attempt_at=None)
                    return "not-published"
                case NeedsPerson(message=message):
                    self._move(session, item, HELD, message)
                    return "held"
                case Permanent(message=message):
                    if checking or item.maybe_sent:
                        self._move(session, item, HELD, f"Could not check whether it went out: {message}")
                        return "held"
                    self._move(session, item, FAILED, message)
                    return "failed"
                case Retry(message=message, not_before=not_before):
                    # A check that could not be made leaves the post unknown: only a proof of absence re-queues it.
                    back = UNKNOWN if checking or item.maybe_sent else Q
                    return self._later(session, item, back, message, not_before)
                case Ambiguous(message=message, not_before=not_before):
                    item.maybe_sent = True
                    return self._later(session, item, UNKNOWN, message, not_before)
            raise TypeError(f"not an outcome: {outcome!r}")

    def _later(
        self, session: Session, item: OutboxItem, target: OutboxStatus, message: str, not_before: datetime | None
    ) -> str:
        if item.attempts >= MAX_ATTEMPTS:
            if target is UNKNOWN:
                self._move(session, item, HELD, f"Gave up checking after {item.attempts} tries: {message}")
                return "held"
            self._move(session, item, FAILED, f"Gave up after {item.attempts} attempts: {message}")
            return "failed"
        due = next_attempt(self._clock(), item.attempts, not_before, self._rng)
        self._move(session, item, target, message, next_attempt_at=due)
        # Nothing reached the server: the rest of this channel would fail the same way in this pass.
        return "unreachable" if target is Q and not_before is None else target.value

    def _stale_reason(self, session: Session, item: OutboxItem) -> str:
        now = self._clock()
        max_age = self._max_age.get(item.priority, DEFAULT_MAX_AGE["routine"])
        queued_at = item.queued_at or item.created_at
        if is_stale(queued_at, now, max_age):
            hours = (now - queued_at).total_seconds() / 3600
            return (
                f"Queued {hours:.1f} h ago, longer than allowed for {item.priority} posts: confirm it is still right."
            )
        approval = session.get(Approval, item.approval_id)
        assert approval is not None
        linked = select(MessageLink.ref_id).where(
            MessageLink.message_id == item.message_id, MessageLink.kind == "incident"
        )
        roots = select(Incident.root_id).where(Incident.id.in_(linked))
        changed = session.scalar(
            select(Incident.id)
            .where(Incident.root_id.in_(roots), Incident.logged_at > max(approval.approved_at, queued_at))
            .limit(1)
        )
        if changed is not None:
            return "Its incident was corrected after the message was approved: confirm the text is still right."
        return ""

    def _move(
        self,
        session: Session,
        item: OutboxItem,
        target: OutboxStatus,
        message: str,
        *,
        audit: bool = True,
        **changes: object,
    ) -> None:
        was = OutboxStatus(item.status)
        require_outbox_transition(was, target)
        item.status = target.value
        item.last_error = message
        item.updated_at = self._clock()
        for name, value in changes.items():
            setattr(item, name, value)
        if audit:
            data: dict[str, object] = {"from": was.value, "to": target.value, "attempts": item.attempts}
            if message:
                data["reason"] = message
            if target is SENT:
                data["url"] = item.remote_url
            self._audit.append(
                session,
                actor=WORKER,
                action=f"outbox.{target.value}",
                subject=f"outbox:{item.id.hex}",
                data=data,
                at=self._clock(),
            )


def _post_of(item: OutboxItem) -> Post:
    return Post(
        item_id=item.id,
        text=item.text,
        language=item.language,
        idempotency_key=item.idempotency_key,
        record_key=item.record_key,
        created_at=item.created_at,
    )


def _pending(session: Session) -> tuple[int, datetime | None]:
    """How many rows still need the worker, and when the first of them is due (a channel's pause included)."""
    rows = session.execute(
        select(OutboxItem.next_attempt_at, OutboxItem.not_before, OutboxItem.created_at, Channel.paused_until)
        .join(Channel, Channel.id == OutboxItem.channel_id)
        .where(OutboxItem.status.in_((Q.value, SENDING.value, UNKNOWN.value)))
    ).all()
    due = [max(t for t in row if t is not None) for row in rows]
    return len(rows), min(due, default=None)
