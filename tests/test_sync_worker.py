"""The background worker: it publishes an approved post without being asked, wakes on approval and on resume from
sleep, reports connectivity, and stands aside while another process holds the sync lock."""

import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

import crowdops.domain.passphrases as passphrases
from crowdops.app import App
from crowdops.services.events import ConnectivityChanged, Event, OutboxChanged
from crowdops.services.inputs import DraftInput
from crowdops.store.message_models import OutboxItem
from crowdops.sync.connectivity import Connectivity, endpoint_of, probe
from crowdops.sync.lock import SyncLock
from crowdops.sync.worker import SleepWatch


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passphrases, "_N", 2**8)


@pytest.fixture
def desk(staffed: App) -> Iterator[App]:
    staffed.channels.add("Training feed", "sandbox", actor="cmdr")
    yield staffed
    staffed.sync.stop()


def _approve(app: App, text: str = "Gate 3 is open.") -> None:
    op = app.operations.current()
    assert op is not None
    draft = app.messages.draft(op.id, DraftInput(text=text, channels=["Training feed"]), actor="comms")
    app.approvals.submit(draft.short_id, actor="comms")
    app.approvals.approve(draft.short_id, actor="cmdr", passphrase="secret-1")


def _statuses(app: App) -> list[str]:
    with app.db.read() as session:
        return list(session.scalars(select(OutboxItem.status)))


def _when_all_sent(app: App) -> threading.Event:
    done = threading.Event()

    def look(event: Event) -> None:
        if isinstance(event, OutboxChanged) and set(_statuses(app)) == {"sent"}:
            done.set()

    app.context.bus.subscribe(look)
    return done


def test_the_worker_publishes_an_approved_post_on_its_own(desk: App) -> None:
    done = _when_all_sent(desk)
    desk.sync.start(interval=timedelta(hours=1), probe_hosts=False)
    _approve(desk)  # the approval's MessageChanged wakes the worker: no waiting for the hour-long interval
    assert done.wait(20)
    assert [e.text for e in desk.outbox.sandbox_feed()] == ["Gate 3 is open."]


def test_a_second_worker_stands_aside_while_the_lock_is_held(desk: App) -> None:
    _approve(desk)
    with SyncLock(desk.db.path) as other:
        assert other.acquire()
        worker = desk.sync.make_worker(probe_hosts=False)
        assert worker.run_pass() is None and worker.lock_busy
    assert _statuses(desk) == ["queued"]
    assert worker.run_pass() is not None and _statuses(desk) == ["sent"]


def test_connectivity_changes_are_announced(desk: App) -> None:
    seen: list[Event] = []
    desk.context.bus.subscribe(seen.append)
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        desk.channels.add("Police Mastodon", "mastodon", actor="cmdr", base_url=url)
        desk.sync.make_worker(probe_hosts=True).run_pass()
    assert [e for e in seen if isinstance(e, ConnectivityChanged)] == [ConnectivityChanged("online", ())]
    assert desk.sync.connectivity is not None and desk.sync.connectivity.state is Connectivity.ONLINE


def test_the_probe_says_online_degraded_or_offline() -> None:
    up = {("a.example", 443)}

    def reachable(endpoint: tuple[str, int], timeout: float) -> bool:
        return endpoint in up

    assert probe([], reachable=reachable).state is Connectivity.ONLINE  # only the sandbox: nothing to reach
    assert probe([("a.example", 443)], reachable=reachable).state is Connectivity.ONLINE
    mixed = probe([("a.example", 443), ("b.example", 443)], reachable=reachable)
    assert (mixed.state, mixed.unreachable) == (Connectivity.DEGRADED, ("b.example:443",))
    assert probe([("b.example", 443)], reachable=reachable).state is Connectivity.OFFLINE
    assert endpoint_of("sandbox", "") is None
    assert endpoint_of("bluesky", "") == ("bsky.social", 443)
    assert endpoint_of("mastodon", "http://127.0.0.1:8080") == ("127.0.0.1", 8080)


def test_a_jump_of_the_wall_clock_past_the_monotonic_one_is_a_resume_from_sleep() -> None:
    wall, mono = [1000.0], [50.0]
    watch = SleepWatch(wall=lambda: wall[0], monotonic=lambda: mono[0], threshold=15)
    wall[0] += 5
    mono[0] += 5
    assert not watch.resumed()  # time passed normally
    wall[0] += 3600
    mono[0] += 5
    assert watch.resumed()  # an hour on the wall, five seconds awake: the lid was closed
    wall[0] += 5
    mono[0] += 5
    assert not watch.resumed()


def test_closing_the_app_stops_the_worker_threads(desk: App, tmp_path: Path) -> None:
    before = {t.name for t in threading.enumerate()}
    desk.sync.start(probe_hosts=False)
    desk.sync.stop()
    after = {t.name for t in threading.enumerate() if t.is_alive()}
    assert after <= before


def test_stopping_while_a_post_is_on_its_way_waits_for_it_and_does_not_deadlock(desk: App) -> None:
    """APScheduler's shutdown(wait=True) holds its job-store lock while the running pass needs it to reschedule
    itself: closing the app mid-pass used to hang for ever."""
    from crowdops.sync.dispatcher import Dispatcher
    from tests.test_outbox_dispatch import Scripted

    platform = Scripted()
    on_its_way, release = threading.Event(), threading.Event()
    real_publish = platform.publish

    def slow_publish(post: object) -> object:
        on_its_way.set()
        release.wait(10)
        return real_publish(post)  # type: ignore[arg-type]

    platform.publish = slow_publish  # type: ignore[method-assign]
    desk.channels.add("Police Mastodon", "mastodon", actor="cmdr", base_url="https://social.example")
    desk.sync.dispatcher = Dispatcher(
        desk.db, audit=desk.context.audit, clock=desk.context.clock, publisher_factory=lambda *a: platform
    )
    op = desk.operations.current()
    assert op is not None
    for n in range(2):
        draft = desk.messages.draft(op.id, DraftInput(text=f"Post {n}.", channels=["Police Mastodon"]), actor="comms")
        desk.approvals.submit(draft.short_id, actor="comms")
        desk.approvals.approve(draft.short_id, actor="cmdr", passphrase="secret-1")
    desk.sync.start(probe_hosts=False)
    assert on_its_way.wait(10)
    stopper = threading.Thread(target=desk.sync.stop)
    stopper.start()
    release.set()
    stopper.join(15)
    assert not stopper.is_alive()
    assert sorted(_statuses(desk)) == ["queued", "sent"]  # the one on its way was recorded; the next never left
