"""The outbox dispatcher: sends what is due, in order, and records every outcome.

Rows are claimed in small batches: one transaction marks them `sending` (committed before any request leaves), the
posts go out one at a time, and their outcomes are committed together (at the latest every quarter second). If the
process dies in between, rows still say `sending`; whoever next holds the sync lock turns them into `unknown` (see
`recover`), and an unknown post is looked up on its platform before anything is re-sent. A claimed row never
attempted in this pass is put back as it was. Posts on a platform that cannot be checked (Telegram) are claimed one
at a time, so a crash can leave at most the one really being sent in doubt.

The truth is the outbox table: the scheduler only decides when to look at it.
"""

import logging
import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update

from crowdops.channels.base import Ambiguous, Clock, Permanent, Publisher, Retry
from crowdops.domain.errors import CrowdOpsError
from crowdops.domain.outbox import (
    DEFAULT_MAX_AGE,
    STALE_SETTING,
    OutboxStatus,
    require_outbox_transition,
)
from crowdops.store.audit import AuditLog
from crowdops.store.database import Database
from crowdops.store.message_models import Channel, OutboxItem
from crowdops.store.models import Setting
from crowdops.sync.claims import (
    WORKER,
    AuditDraft,
    Claim,
    audit_entry,
    due_query,
    pending,
    post_of,
    stale_reason,
    with_incident_links,
)
from crowdops.sync.outcomes import change_for
from crowdops.sync.publishers import build_publisher

log = logging.getLogger(__name__)

Q, SENDING, SENT, UNKNOWN, HELD = (
    OutboxStatus.QUEUED,
    OutboxStatus.SENDING,
    OutboxStatus.SENT,
    OutboxStatus.UNKNOWN,
    OutboxStatus.HELD,
)
BATCH = 100  # rows claimed per transaction
FLUSH_SECONDS = 0.25  # outcomes are committed at least this often, so the faces see progress on a slow server
ONE_AT_A_TIME = frozenset({"telegram"})  # platforms where a post in doubt needs a person to check it
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
        self._default_max_age = max_age or dict(DEFAULT_MAX_AGE)
        self._max_age = dict(self._default_max_age)
        self._factory = publisher_factory
        self._rng = rng or random.Random()

    # -- start-up ---------------------------------------------------------------------------------------------

    def recover(self) -> int:
        """Rows left `sending` by a worker that died: maybe sent, so `unknown`. Call only while holding the lock."""
        why = "The app stopped while this post was being sent; checking whether it went out."
        with self._db.write() as session:
            rows = list(session.scalars(select(OutboxItem).where(OutboxItem.status == SENDING.value)))
            self._audit.append_many(session, [self._set(item, UNKNOWN, why, maybe_sent=True) for item in rows])
        if rows:
            self._on_change()
        return len(rows)

    # -- the pass ---------------------------------------------------------------------------------------------

    def drain(self, stop: threading.Event | None = None) -> DrainReport:
        """Send everything due now; return what happened and when the next item falls due."""
        report = DrainReport()
        self._max_age = self._configured_max_age()
        publishers: dict[uuid.UUID, Publisher | Permanent] = {}
        skipped: set[uuid.UUID] = set()  # channels that are unreachable in this pass
        paused: dict[uuid.UUID, datetime] = {}  # channels whose rate limit is spent
        while not (stop and stop.is_set()):
            claims = self._claim(skipped | set(paused), report)
            if not claims:
                break
            results: list[tuple[Claim, object | None]] = []
            flushed = time.monotonic()
            for claim in claims:
                if (stop and stop.is_set()) or claim.channel_id in skipped or claim.channel_id in paused:
                    results.append((claim, None))  # never attempted: back as it was
                    continue
                publisher = self._publisher(claim, publishers)
                outcome = publisher if isinstance(publisher, Permanent) else self._call(publisher, claim)
                results.append((claim, outcome))
                until = getattr(publisher, "paused_until", None)
                if until is not None and until > self._clock():
                    paused[claim.channel_id] = until
                if isinstance(outcome, Retry) and outcome.not_before is None and not claim.checking:
                    skipped.add(claim.channel_id)  # nothing reached the server: the rest would fail the same way
                if time.monotonic() - flushed > FLUSH_SECONDS:
                    self._record(results, paused, report)
                    results, flushed = [], time.monotonic()
            self._record(results, paused, report)
        with self._db.read() as session:
            report.pending, report.next_due = pending(session)
            if skipped:
                names = session.scalars(select(Channel.name).where(Channel.id.in_(skipped)))
                report.channels_unreachable = sorted(names)
        return report

    def _configured_max_age(self) -> dict[str, timedelta]:
        """The stale guard's limits: what a commander set (`outbox stale-after`), else the constructor's."""
        limits = dict(self._default_max_age)
        keys = {STALE_SETTING.format(priority=p): p for p in limits}
        with self._db.read() as session:
            for setting in session.scalars(select(Setting).where(Setting.key.in_(keys))):
                limits[keys[setting.key]] = timedelta(minutes=int(setting.value))
        return limits

    def _publisher(self, claim: Claim, cache: dict[uuid.UUID, Publisher | Permanent]) -> Publisher | Permanent:
        if claim.channel_id not in cache:
            with self._db.read() as session:
                channel = session.get(Channel, claim.channel_id)
                assert channel is not None
            try:
                cache[claim.channel_id] = self._factory(self._db, channel, claim.exercise, self._clock)
            except CrowdOpsError as error:
                # No token, no address, an exercise aimed at a live account: each post says so until a person acts.
                cache[claim.channel_id] = Permanent(str(error))
        return cache[claim.channel_id]

    def _call(self, publisher: Publisher, claim: Claim) -> object:
        try:
            return publisher.resolve(claim.post) if claim.checking else publisher.publish(claim.post)
        except Exception as error:  # an adapter bug must not lose the row: it stays checkable
            log.exception("publisher %s raised", publisher.kind)
            return Ambiguous(f"Unexpected error in the {publisher.kind} adapter: {error.__class__.__name__}.")

    # -- claiming: `sending` is committed before any request leaves -------------------------------------------

    def _claim(self, excluded: set[uuid.UUID], report: DrainReport) -> list[Claim]:
        now = self._clock()
        query = due_query(now, excluded, BATCH)
        claims: list[Claim] = []
        audits: list[AuditDraft] = []
        with self._db.write() as session:
            rows = session.execute(query).all()  # plain columns: the ORM's bookkeeping costs more than the work
            linked = with_incident_links(session, [row.message_id for row in rows])
            for item in rows:
                platform, exercise = item.platform, item.exercise
                checking = item.status == UNKNOWN.value
                max_age = self._max_age.get(item.priority, DEFAULT_MAX_AGE["routine"])
                held = "" if checking else stale_reason(session, item, item.message_id in linked, now, max_age)
                if held:
                    model = session.get(OutboxItem, item.id)
                    assert model is not None
                    audits.append(self._set(model, HELD, held))
                    report.add("held")
                    continue
                claims.append(
                    Claim(
                        item.id,
                        item.channel_id,
                        exercise,
                        post_of(item),
                        checking,
                        item.maybe_sent,
                        OutboxStatus(item.status),
                        item.attempts,
                    )
                )
                if platform in ONE_AT_A_TIME:
                    break  # a post that cannot be checked is never claimed before it is really being sent
            session.flush()  # the held ones
            if claims:
                # One statement for the batch (queued/unknown → sending is allowed by the outbox's rules).
                session.execute(
                    update(OutboxItem)
                    .where(OutboxItem.id.in_([c.item_id for c in claims]))
                    .values(status=SENDING.value, attempts=OutboxItem.attempts + 1, last_error="", updated_at=now)
                    .execution_options(synchronize_session=False)
                )
            self._audit.append_many(session, audits)
        if audits:
            self._on_change()
        return claims

    # -- recording outcomes ---------------------------------------------------------------------------------

    def _record(
        self, results: list[tuple[Claim, object | None]], paused: dict[uuid.UUID, datetime], report: DrainReport
    ) -> None:
        if not results:
            return
        now = self._clock()
        audits: list[AuditDraft] = []
        groups: dict[tuple[str, ...], list[dict[str, object]]] = {}
        for claim, outcome in results:
            if outcome is None:  # never attempted: back as it was
                values: dict[str, object] = {"status": claim.was.value, "attempts": claim.attempts_before}
            else:
                attempts = claim.attempts_before + 1
                change = change_for(
                    outcome,
                    checking=claim.checking,
                    maybe_sent=claim.maybe_sent,
                    attempts=attempts,
                    now=now,
                    rng=self._rng,
                )
                require_outbox_transition(SENDING, change.target)
                values = {"status": change.target.value, "last_error": change.message, **change.fields}
                audits.append(audit_entry(claim.item_id, change.target, change.message, attempts, values, now))
                report.add(change.label)
            values["updated_at"] = now
            groups.setdefault(tuple(sorted(values)), []).append({"row_id": claim.item_id, **values})
        with self._db.write() as session:
            # Core statements, one per shape of change: the worker records dozens of outcomes at a time. Only rows
            # still `sending` (as this pass left them) are touched.
            table = OutboxItem.__table__
            for columns, rows in groups.items():
                statement = (
                    table.update()
                    .where(table.c.id == bindparam("row_id"), table.c.status == SENDING.value)
                    .values({c: bindparam(c) for c in columns})
                )
                session.execute(statement, rows)
            for channel_id, until in paused.items():
                channel = session.get(Channel, channel_id)
                assert channel is not None
                channel.paused_until = until
            self._audit.append_many(session, audits)
        self._on_change()

    def _set(self, item: OutboxItem, target: OutboxStatus, message: str, **changes: object) -> AuditDraft:
        """Move a row (checked against the allowed transitions) and return its audit entry, to append in bulk."""
        was = OutboxStatus(item.status)
        require_outbox_transition(was, target)
        item.status = target.value
        item.last_error = message
        item.updated_at = self._clock()
        for name, value in changes.items():
            setattr(item, name, value)
        data: dict[str, object] = {"from": was.value, "to": target.value, "attempts": item.attempts}
        if message:
            data["reason"] = message
        if target is SENT:
            data["url"] = item.remote_url
        return (WORKER, f"outbox.{target.value}", f"outbox:{item.id.hex}", data, self._clock())
