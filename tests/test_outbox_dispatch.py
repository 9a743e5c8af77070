"""The outbox dispatcher over a real database: order, backoff, unknown posts checked before any re-send, crash
recovery, the stale guard, attempt caps, per-channel pauses and the one-worker lock. The platform is played by
`Scripted`, a publisher that answers from a script and counts what it was asked (the HTTP adapters have their own
tests against real local servers)."""

import threading
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from crowdops.channels.base import (
    Ambiguous,
    CheckResult,
    NeedsPerson,
    NotPublished,
    Permanent,
    Post,
    Publisher,
    Retry,
    Sent,
)
from crowdops.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from crowdops.domain.outbox import MAX_ATTEMPTS, OutboxStatus
from crowdops.services.incidents import IncidentInput
from crowdops.services.message_records import MessageRecord
from crowdops.store.database import Database
from crowdops.store.message_models import Channel, OutboxItem, SandboxPost
from crowdops.sync.dispatcher import Dispatcher
from crowdops.sync.lock import SyncLock
from crowdops.sync.publishers import build_publisher
from tests.conftest import FakeClock, MemoryKeyring
from tests.test_messages import MASTODON, SANDBOX, Desk, open_desk

PASS = {"cmdr": "secret-1", "trainer": "secret-3"}


class Scripted:
    """A platform that answers publish/resolve from queues of outcomes (default: Sent) and records every call."""

    kind = "scripted"

    def __init__(self) -> None:
        self.publish_answers: list[object] = []
        self.resolve_answers: list[object] = []
        self.published: list[Post] = []
        self.resolved: list[Post] = []
        self.paused_until: datetime | None = None

    def publish(self, post: Post) -> object:
        self.published.append(post)
        return self.publish_answers.pop(0) if self.publish_answers else _sent(post)

    def resolve(self, post: Post) -> object:
        self.resolved.append(post)
        return self.resolve_answers.pop(0) if self.resolve_answers else _sent(post)

    def check(self) -> CheckResult:
        return CheckResult(True, "scripted")


def _sent(post: Post) -> Sent:
    return Sent(post.idempotency_key, f"https://social.example/@police/{post.idempotency_key}")


class Rig:
    def __init__(self, desk: Desk, clock: FakeClock) -> None:
        self.desk, self.app, self.clock = desk, desk.app, clock
        self.platform = Scripted()
        self.dispatcher = self.make_dispatcher()

    def make_dispatcher(self) -> Dispatcher:
        def factory(db: Database, channel: Channel, exercise: bool, clock: object) -> Publisher:
            if channel.platform == "sandbox":
                return build_publisher(db, channel, exercise=exercise, clock=self.clock)
            return self.platform  # type: ignore[return-value]

        return Dispatcher(self.app.db, audit=self.app.context.audit, clock=self.clock, publisher_factory=factory)

    def approved(self, body: str = "Stadiou Street is closed until 18:00.", **fields: object) -> MessageRecord:
        fields.setdefault("channels", [MASTODON])
        record = self.desk.draft(body, **fields)
        self.app.approvals.submit(record.short_id, actor="comms")
        return self.app.approvals.approve(record.short_id, actor="cmdr", passphrase=PASS["cmdr"])

    def rows(self) -> list[OutboxItem]:
        with self.app.db.read() as session:
            return list(session.scalars(select(OutboxItem).order_by(OutboxItem.created_at)))

    def row(self) -> OutboxItem:
        (only,) = self.rows()
        return only

    def audit_actions(self, item_id: uuid.UUID) -> list[str]:
        with self.app.db.read() as session:
            found = session.execute(
                text("SELECT action FROM audit_log WHERE subject = :s ORDER BY seq"), {"s": f"outbox:{item_id.hex}"}
            )
            return [a for (a,) in found]


@pytest.fixture
def rig(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, clock: FakeClock, memory_keyring: MemoryKeyring
) -> Iterator[Rig]:
    for desk in open_desk(tmp_path, tmp_path_factory, clock, memory_keyring):
        yield Rig(desk, clock)


def test_an_approved_post_is_published_once_and_recorded(rig: Rig) -> None:
    rig.approved()
    report = rig.dispatcher.drain()
    item = rig.row()
    assert report.counts == {"sent": 1} and report.pending == 0
    assert (item.status, item.attempts, item.maybe_sent) == ("sent", 1, False)
    assert item.remote_url == f"https://social.example/@police/{item.idempotency_key}"
    assert item.sent_at == rig.clock.now
    assert rig.audit_actions(item.id) == ["outbox.sent"]
    assert rig.dispatcher.drain().counts == {}  # nothing twice
    assert len(rig.platform.published) == 1
    (post,) = rig.platform.published
    assert (post.text, post.language, post.record_key) == (item.text, "en", item.record_key)


def test_the_sandbox_publishes_into_the_training_feed_exactly_once(rig: Rig) -> None:
    rig.approved(channels=[SANDBOX])
    rig.dispatcher.drain()
    item = rig.row()
    assert item.status == "sent" and item.remote_url.startswith(f"sandbox://{SANDBOX}/")
    feed = rig.app.outbox.sandbox_feed()
    assert [(e.channel, e.text) for e in feed] == [(SANDBOX, item.text)]
    # A re-send after a crash (the row back to sending, as if never recorded) finds the entry it made before.
    with rig.app.db.write() as session:
        session.get(OutboxItem, item.id).status = "sending"  # type: ignore[union-attr]
    rig.dispatcher.recover()
    rig.dispatcher.drain()
    with rig.app.db.read() as session:
        assert session.scalar(select(SandboxPost.id).where(SandboxPost.outbox_item_id == item.id)) is not None
        assert len(list(session.scalars(select(SandboxPost)))) == 1
    assert rig.row().status == "sent"


def test_life_safety_goes_first_then_urgent_then_routine_first_in_first_out(rig: Rig) -> None:
    rig.approved("Routine one.", priority="routine")
    rig.clock.advance(seconds=1)
    rig.approved("Urgent one.", priority="urgent")
    rig.clock.advance(seconds=1)
    rig.approved("Routine two.", priority="routine")
    rig.clock.advance(seconds=1)
    rig.approved("Danger: leave Syntagma Square now.", priority="life-safety")
    rig.dispatcher.drain()
    assert [p.text for p in rig.platform.published] == [
        "Danger: leave Syntagma Square now.",
        "Urgent one.",
        "Routine one.",
        "Routine two.",
    ]


def test_a_transient_failure_waits_at_least_as_long_as_the_server_asked(rig: Rig) -> None:
    rig.approved()
    later = rig.clock.now + timedelta(minutes=20)
    rig.platform.publish_answers = [Retry("rate limited", later)]
    report = rig.dispatcher.drain()
    item = rig.row()
    assert (item.status, item.attempts, item.last_error) == ("queued", 1, "rate limited")
    assert item.next_attempt_at is not None and item.next_attempt_at >= later
    assert report.pending == 1 and report.next_due == item.next_attempt_at
    assert rig.dispatcher.drain().counts == {}  # not due yet: nothing sent early
    rig.clock.now = item.next_attempt_at
    assert rig.dispatcher.drain().counts == {"sent": 1}
    assert rig.audit_actions(item.id) == ["outbox.queued", "outbox.sent"]


def test_an_unreachable_channel_is_left_for_this_pass_after_one_try(rig: Rig) -> None:
    for n in range(3):
        rig.approved(f"Post {n}.")
        rig.clock.advance(seconds=1)
    rig.platform.publish_answers = [Retry("Could not reach social.example (no connection).")]
    report = rig.dispatcher.drain()
    assert len(rig.platform.published) == 1  # not three connection attempts to a dead host
    assert report.channels_unreachable == [MASTODON] and report.pending == 3


def test_an_ambiguous_post_is_checked_on_the_platform_and_never_sent_twice(rig: Rig) -> None:
    rig.approved()
    rig.platform.publish_answers = [Ambiguous("read timeout")]
    rig.dispatcher.drain()
    item = rig.row()
    assert (item.status, item.maybe_sent) == ("unknown", True)
    assert item.next_attempt_at is not None
    rig.clock.now = item.next_attempt_at
    rig.dispatcher.drain()
    assert len(rig.platform.published) == 1 and len(rig.platform.resolved) == 1
    assert rig.row().status == "sent"
    assert rig.audit_actions(item.id) == ["outbox.unknown", "outbox.sent"]


def test_a_post_proven_absent_is_sent_again_in_the_same_pass(rig: Rig) -> None:
    rig.approved()
    rig.platform.publish_answers = [Ambiguous("reset")]
    rig.dispatcher.drain()
    rig.clock.now = rig.row().next_attempt_at  # type: ignore[assignment]
    rig.platform.resolve_answers = [NotPublished()]
    rig.dispatcher.drain()
    assert (len(rig.platform.resolved), len(rig.platform.published)) == (1, 2)
    assert (rig.row().status, rig.row().maybe_sent) == ("sent", False)


def test_a_post_left_sending_by_a_dead_worker_becomes_unknown_and_is_checked_first(rig: Rig) -> None:
    rig.approved("Old post.")
    with rig.app.db.write() as session:
        session.execute(text("UPDATE outbox_items SET status = 'sending', attempts = 1"))
    rig.clock.advance(seconds=1)
    rig.approved("New post.", priority="life-safety")
    assert rig.dispatcher.recover() == 1
    rig.dispatcher.drain()
    assert [p.text for p in rig.platform.resolved] == ["Old post."]
    assert [p.text for p in rig.platform.published] == ["New post."]  # the old one was found, not re-sent
    assert {r.status for r in rig.rows()} == {"sent"}


def test_a_platform_that_cannot_be_checked_hands_the_post_to_a_person(rig: Rig) -> None:
    rig.approved()
    rig.platform.publish_answers = [Ambiguous("timeout")]
    rig.platform.resolve_answers = [NeedsPerson("Telegram cannot be checked: look at the channel.")]
    rig.dispatcher.drain()
    rig.clock.now = rig.row().next_attempt_at  # type: ignore[assignment]
    rig.dispatcher.drain()
    item = rig.row()
    assert (item.status, item.last_error) == ("held", "Telegram cannot be checked: look at the channel.")
    assert rig.app.outbox.counts().needs_attention == 1


def test_a_permanent_refusal_fails_loudly_and_a_person_can_retry_it(rig: Rig) -> None:
    rig.approved()
    rig.platform.publish_answers = [Permanent("token expired — re-enter it in Channels")]
    rig.dispatcher.drain()
    item = rig.row()
    assert (item.status, item.last_error) == ("failed", "token expired — re-enter it in Channels")
    entry = rig.app.outbox.retry(item.id.hex[:8], actor="comms")
    assert (entry.status, entry.attempts) == (OutboxStatus.QUEUED, 0)
    rig.dispatcher.drain()
    assert rig.row().status == "sent"
    assert rig.audit_actions(item.id) == ["outbox.failed", "outbox.retry", "outbox.sent"]


def test_attempts_are_capped_then_the_post_fails_with_the_reason(rig: Rig) -> None:
    rig.approved()
    rig.platform.publish_answers = [Retry("HTTP 503", None) for _ in range(MAX_ATTEMPTS)]
    for _ in range(MAX_ATTEMPTS):
        rig.dispatcher.drain()
        item = rig.row()
        if item.next_attempt_at:
            rig.clock.now = max(rig.clock.now, item.next_attempt_at)
    item = rig.row()
    assert item.status == "failed" and item.last_error == f"Gave up after {MAX_ATTEMPTS} attempts: HTTP 503"


def test_backoff_grows_with_jitter_and_is_capped_at_fifteen_minutes(rig: Rig) -> None:
    rig.approved()
    waits = []
    for _ in range(10):
        rig.platform.publish_answers = [Retry("no connection")]
        rig.dispatcher.drain()
        due = rig.row().next_attempt_at
        assert due is not None
        waits.append(due - rig.clock.now)
        rig.clock.now = due
    assert all(timedelta(0) <= w <= timedelta(minutes=15) for w in waits)
    assert max(waits[:2]) <= timedelta(seconds=10)  # early retries are quick


def test_a_stale_post_is_held_and_goes_out_only_when_an_approver_reconfirms_it(rig: Rig) -> None:
    rig.approved()  # routine: may wait 12 h
    rig.clock.advance(hours=13)
    rig.dispatcher.drain()
    item = rig.row()
    assert item.status == "held" and "confirm it is still right" in item.last_error
    assert rig.platform.published == []
    with pytest.raises(ValidationError, match="say who you are"):
        rig.app.outbox.retry(item.id.hex)
    with pytest.raises(PermissionDeniedError):
        rig.app.outbox.retry(item.id.hex, actor="comms")
    rig.app.outbox.retry(item.id.hex, actor="cmdr")
    rig.dispatcher.drain()
    assert rig.row().status == "sent"


def test_a_post_whose_incident_was_corrected_after_approval_is_held(rig: Rig) -> None:
    entry = IncidentInput(category="road-closure", severity=2, description="Road closed at Stadiou Street")
    incident = rig.app.incidents.log(rig.desk.op.id, entry, actor="cmdr")
    rig.approved(links=[("incident", incident.id.hex)])
    rig.clock.advance(minutes=1)
    rig.app.incidents.correct(
        incident.id.hex, actor="cmdr", description="Road closed at Panepistimiou Street", reason="wrong street"
    )
    rig.dispatcher.drain()
    assert rig.row().status == "held" and "corrected" in rig.row().last_error
    assert rig.platform.published == []


def test_a_rate_limit_pauses_the_whole_channel(rig: Rig) -> None:
    rig.approved("One.")
    rig.clock.advance(seconds=1)
    rig.approved("Two.")
    rig.platform.paused_until = rig.clock.now + timedelta(minutes=5)
    rig.dispatcher.drain()
    assert [p.text for p in rig.platform.published] == ["One."]  # "Two." waits for the reset
    rig.platform.paused_until = None
    rig.clock.advance(minutes=5, seconds=1)
    rig.dispatcher.drain()
    assert [p.text for p in rig.platform.published] == ["One.", "Two."]


def test_a_channel_missing_its_address_or_token_fails_its_posts_saying_what_to_do(rig: Rig) -> None:
    rig.app.channels.add("Police X", "x", actor="cmdr", account="athenspolice")
    rig.approved(channels=[MASTODON, "Police X"])
    real = Dispatcher(rig.app.db, audit=rig.app.context.audit, clock=rig.clock)
    real.drain()
    assert sorted((r.status, r.last_error) for r in rig.rows()) == [
        ("failed", f"'{MASTODON}' has no server address yet: set it in Channels."),
        ("failed", "No token is set for 'Police X' — set it in Channels (crowdops channel secret Police X)."),
    ]


def test_an_exercise_never_gets_a_live_publisher(rig: Rig) -> None:
    with rig.app.db.read() as session:
        live = session.scalars(select(Channel).where(Channel.platform == "mastodon")).one()
    with pytest.raises(PermissionDeniedError, match="exercise may only publish to sandbox"):
        build_publisher(rig.app.db, live, exercise=True, clock=rig.clock)


def test_only_one_worker_sends_from_a_database(rig: Rig) -> None:
    rig.approved()
    with SyncLock(rig.app.db.path) as other:
        assert other.acquire()
        with pytest.raises(ConflictError, match="Another CrowdOps"):
            rig.app.sync.once()
    assert rig.row().status == "queued"


# -- a person acts ----------------------------------------------------------------------------------------------


def test_an_unknown_post_cannot_be_cancelled_but_can_be_resolved_by_hand(rig: Rig) -> None:
    rig.approved()
    rig.platform.publish_answers = [Ambiguous("timeout")]
    rig.dispatcher.drain()
    ref = rig.row().id.hex[:8]
    before = rig.rows()[0].status, rig.desk.head()
    with pytest.raises(ValidationError, match="may already be out"):
        rig.app.outbox.cancel(ref, actor="cmdr")
    with pytest.raises(ValidationError, match="not the address of a post"):
        rig.app.outbox.resolve(ref, actor="cmdr", sent_url="somewhere")
    with pytest.raises(PermissionDeniedError):
        rig.app.outbox.resolve(ref, actor="comms", sent_url="https://social.example/@police/1")
    assert (rig.rows()[0].status, rig.desk.head()) == before  # refusals wrote nothing
    entry = rig.app.outbox.resolve(ref, actor="cmdr", sent_url="https://social.example/@police/1")
    assert (entry.status, entry.remote_url) == (OutboxStatus.SENT, "https://social.example/@police/1")
    with pytest.raises(ValidationError, match="Only a post whose fate is unknown"):
        rig.app.outbox.resolve(ref, actor="cmdr", not_sent=True)


def test_resolving_as_not_sent_queues_it_again(rig: Rig) -> None:
    rig.approved()
    rig.platform.publish_answers = [Ambiguous("timeout")]
    rig.platform.resolve_answers = [NeedsPerson("look at the channel")]
    rig.dispatcher.drain()
    rig.clock.now = rig.row().next_attempt_at  # type: ignore[assignment]
    rig.dispatcher.drain()
    assert rig.row().status == "held"
    with pytest.raises(ValidationError, match="Say either"):
        rig.app.outbox.resolve(rig.row().id.hex, actor="cmdr")
    rig.app.outbox.resolve(rig.row().id.hex, actor="cmdr", not_sent=True)
    rig.dispatcher.drain()
    assert rig.row().status == "sent" and len(rig.platform.published) == 2


def test_withdrawing_cancels_what_waits_but_not_what_may_be_out(rig: Rig) -> None:
    record = rig.approved(channels=[MASTODON, SANDBOX])
    rig.platform.publish_answers = [Ambiguous("timeout")]
    with rig.app.db.write() as session:  # the sandbox post waits for a later time
        session.execute(text("UPDATE outbox_items SET not_before = '2100-01-01 00:00:00' WHERE text != ''"))
        session.execute(
            text(
                "UPDATE outbox_items SET not_before = NULL WHERE channel_id = "
                "(SELECT id FROM channels WHERE platform = 'mastodon')"
            )
        )
    rig.dispatcher.drain()
    rig.app.approvals.withdraw(record.short_id, actor="cmdr", reason="Road reopened")
    assert sorted(r.status for r in rig.rows()) == ["cancelled", "unknown"]


def test_outbox_list_and_counts_speak_plainly(rig: Rig) -> None:
    rig.approved()
    rig.platform.publish_answers = [Permanent("Mastodon refused the post: Validation failed")]
    rig.dispatcher.drain()
    (entry,) = rig.app.outbox.list()
    assert (entry.channel, entry.words, entry.last_error) == (
        MASTODON,
        "Failed — not published",
        "Mastodon refused the post: Validation failed",
    )
    assert rig.app.outbox.list(status="sent") == []
    with pytest.raises(ValidationError, match="Unknown outbox state 'lost'"):
        rig.app.outbox.list(status="lost")
    counts = rig.app.outbox.counts()
    assert (counts[OutboxStatus.FAILED], counts.needs_attention, counts.last_sent_at) == (1, 1, None)


def test_a_pass_stopped_midway_puts_back_what_it_claimed_but_never_sent(rig: Rig) -> None:
    for n in range(5):
        rig.approved(f"Post {n}.")
        rig.clock.advance(seconds=1)
    stop = threading.Event()
    real_publish = rig.platform.publish

    def publish_then_stop(post: Post) -> object:
        stop.set()  # the app is closing while the first post is on its way
        return real_publish(post)

    rig.platform.publish = publish_then_stop  # type: ignore[method-assign]
    rig.dispatcher.drain(stop)
    assert sorted((r.status, r.attempts) for r in rig.rows()) == [("queued", 0)] * 4 + [("sent", 1)]
    assert rig.dispatcher.drain().counts == {"sent": 4}


def test_posts_that_cannot_be_checked_are_claimed_one_at_a_time(rig: Rig) -> None:
    rig.app.channels.add("Police Telegram", "telegram", actor="cmdr", chat_id="@athenspolice")
    for n in range(3):
        rig.approved(f"Post {n}.", channels=["Police Telegram"])
        rig.clock.advance(seconds=1)
    seen: list[list[str]] = []
    real_publish = rig.platform.publish

    def publish_and_look(post: Post) -> object:
        with rig.app.db.read() as session:
            seen.append(sorted(s for (s,) in session.execute(text("SELECT status FROM outbox_items"))))
        return real_publish(post)

    rig.platform.publish = publish_and_look  # type: ignore[method-assign]
    rig.dispatcher.drain()
    # Whenever a Telegram post is on its way, it is the only one marked sending: a crash leaves one in doubt.
    assert [s.count("sending") for s in seen] == [1, 1, 1]
    assert {r.status for r in rig.rows()} == {"sent"}


def test_a_post_being_sent_cannot_be_retried_or_cancelled(rig: Rig) -> None:
    rig.approved()
    with rig.app.db.write() as session:
        session.execute(text("UPDATE outbox_items SET status = 'sending'"))
    ref = rig.row().id.hex
    with pytest.raises(ValidationError, match="cannot be retried"):
        rig.app.outbox.retry(ref, actor="cmdr")
    with pytest.raises(ValidationError, match="may already be out"):
        rig.app.outbox.cancel(ref, actor="cmdr")
    assert rig.row().status == "sending"


# -- scheduling and the stale guard's limits ---------------------------------------------------------------------


def test_a_scheduled_post_waits_for_its_time_and_its_stale_clock_starts_then(rig: Rig) -> None:
    record = rig.desk.draft("Stadiou Street opens again at 20:00.", channels=[MASTODON])
    rig.app.approvals.submit(record.short_id, actor="comms")
    later = (rig.clock.now + timedelta(hours=13)).isoformat()
    rig.app.approvals.approve(record.short_id, actor="cmdr", passphrase=PASS["cmdr"], publish_at=later)
    assert rig.row().not_before == rig.clock.now + timedelta(hours=13)
    report = rig.dispatcher.drain()
    assert (report.counts, report.pending, report.next_due) == ({}, 1, rig.clock.now + timedelta(hours=13))
    rig.clock.advance(hours=13)  # 13 h after approval, but on time: not stale
    assert rig.dispatcher.drain().counts == {"sent": 1}


@pytest.mark.parametrize(
    ("when", "error"),
    [("2026-04-30T12:00", "has passed"), ("2026-05-20T12:00", "more than a week ahead"), ("soon", "Cannot read")],
)
def test_a_bad_schedule_is_refused_and_nothing_is_approved(rig: Rig, when: str, error: str) -> None:
    record = rig.desk.draft("Stadiou Street opens again at 20:00.", channels=[MASTODON])
    rig.app.approvals.submit(record.short_id, actor="comms")
    rig.desk.refused(
        ValidationError,
        error,
        rig.app.approvals.approve,
        record.short_id,
        actor="cmdr",
        passphrase="secret-1",
        publish_at=when,
    )


def test_a_commander_sets_how_long_a_post_may_wait(rig: Rig) -> None:
    assert rig.app.outbox.stale_after()["urgent"] == timedelta(hours=2)
    with pytest.raises(PermissionDeniedError):
        rig.app.outbox.set_stale_after("urgent", 30, actor="comms")
    with pytest.raises(ValidationError, match="Unknown priority 'soonish'"):
        rig.app.outbox.set_stale_after("soonish", 30, actor="cmdr")
    with pytest.raises(ValidationError, match="between 1 and"):
        rig.app.outbox.set_stale_after("urgent", 0, actor="cmdr")
    assert rig.app.outbox.set_stale_after("urgent", 30, actor="cmdr")["urgent"] == timedelta(minutes=30)
    rig.approved(priority="urgent")
    rig.clock.advance(minutes=31)
    rig.dispatcher.drain()
    assert rig.row().status == "held" and "urgent" in rig.row().last_error


def test_the_training_feed_can_be_read_per_operation(rig: Rig) -> None:
    rig.approved(channels=[SANDBOX])
    rig.dispatcher.drain()
    assert len(rig.app.outbox.sandbox_feed(operation_id=rig.desk.op.id)) == 1
    other = rig.app.operations.create("Derby", "event", actor="cmdr")
    assert rig.app.outbox.sandbox_feed(operation_id=other.id) == []
