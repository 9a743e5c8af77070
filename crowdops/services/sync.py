"""Publishing what the outbox holds: one pass now (`sync --once`), or the background worker (the app, `sync --watch`).

Only one process sends at a time (a file lock beside the database); the other simply finds the lock taken.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from crowdops.domain.errors import ConflictError
from crowdops.services.context import ServiceContext
from crowdops.services.events import ConnectivityChanged, Event, MessageChanged, OutboxChanged
from crowdops.store.message_models import Channel
from crowdops.sync.connectivity import ProbeResult, endpoint_of, probe
from crowdops.sync.dispatcher import Dispatcher, DrainReport
from crowdops.sync.lock import SyncLock
from crowdops.sync.worker import SyncWorker

SECOND_WORKER = (
    "Another CrowdOps on this computer is publishing from this database (the app or `crowdops sync --watch`); "
    "it will send these posts. Close it to publish from here."
)


@dataclass(frozen=True, slots=True)
class PassResult:
    report: DrainReport
    recovered: int  # rows left `sending` by a worker that died, now being checked


class SyncService:
    def __init__(self, context: ServiceContext) -> None:
        self._ctx = context
        self._lock = SyncLock(context.db.path)
        self.dispatcher = Dispatcher(context.db, audit=context.audit, clock=context.clock, on_change=self._changed)
        self._worker: SyncWorker | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self.connectivity: ProbeResult | None = None

    def once(self) -> PassResult:
        """Recover, then send everything due now, and return. Refused while another process is the worker."""
        if not self._lock.acquire():
            raise ConflictError(SECOND_WORKER)
        try:
            recovered = self.dispatcher.recover()
            return PassResult(self.dispatcher.drain(), recovered)
        finally:
            self._lock.release()

    def start(self, *, interval: timedelta = timedelta(seconds=30), probe_hosts: bool = True) -> SyncWorker:
        """The background worker; it wakes when a message is approved and when connectivity returns."""
        if self._worker is None:
            self._worker = self.make_worker(interval=interval, probe_hosts=probe_hosts)
            self._unsubscribe = self._ctx.bus.subscribe(self._on_event)
            self._worker.start()
        return self._worker

    def make_worker(self, *, interval: timedelta = timedelta(seconds=30), probe_hosts: bool = True) -> SyncWorker:
        """The worker, not started: `start()` runs it on a schedule; `run_pass()` runs one pass here and now."""
        return SyncWorker(
            self.dispatcher,
            self._lock,
            probe=self.probe if probe_hosts else None,
            interval=interval,
            on_probe=self._connectivity_changed,
        )

    def wake(self) -> None:
        if self._worker is not None:
            self._worker.wake()

    def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        finished = True
        if self._worker is not None:
            finished = self._worker.stop()
            self._worker = None
        if finished:
            # Else a request is still on its way: keep the lock (the OS drops it when this process ends), so that
            # no other process checks that post while the request may yet store it.
            self._lock.release()

    @property
    def lock_busy(self) -> bool:
        return self._worker is not None and self._worker.lock_busy

    def probe(self) -> ProbeResult:
        """TCP-connect to each channel's host. Blocks up to a few seconds: call it off the GUI thread."""
        with self._ctx.db.read() as session:
            endpoints = [endpoint_of(c.platform, c.base_url) for c in session.scalars(select(Channel))]
        return probe(e for e in endpoints if e is not None)

    def _connectivity_changed(self, result: ProbeResult) -> None:
        was = self.connectivity
        self.connectivity = result
        self._ctx.bus.publish(ConnectivityChanged(result.state.value, result.unreachable))
        if was is not None and result.state != was.state:
            self.wake()  # connectivity regained (or partly): try what waits

    def _changed(self) -> None:
        self._ctx.bus.publish(OutboxChanged())

    def _on_event(self, event: Event) -> None:
        if isinstance(event, MessageChanged):
            self.wake()  # an approval may have queued posts
