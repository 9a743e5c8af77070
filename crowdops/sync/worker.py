"""The sync worker: an APScheduler BackgroundScheduler with one drain job (max_instances=1, coalesce=True).

The scheduler is a trigger, not a source of truth: what is due lives in the outbox table. The job runs at start,
every `interval`, at the next item's due time, and at once on `wake()` (a post approved, connectivity regained,
the computer resumed from sleep). A wake that arrives while a pass is running makes that pass run again, so no wake
is lost to `max_instances=1`.
"""

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from crowdops.sync.connectivity import Connectivity, ProbeResult
from crowdops.sync.dispatcher import Dispatcher, DrainReport
from crowdops.sync.lock import SyncLock

log = logging.getLogger(__name__)
JOB = "outbox-drain"


class SyncWorker:
    def __init__(
        self,
        dispatcher: Dispatcher,
        lock: SyncLock,
        *,
        probe: Callable[[], ProbeResult] | None = None,
        interval: timedelta = timedelta(seconds=30),
        on_probe: Callable[[ProbeResult], None] = lambda result: None,
        on_pass: Callable[[DrainReport], None] = lambda report: None,
    ) -> None:
        self._dispatcher = dispatcher
        self._lock = lock
        self._probe = probe
        self._interval = interval
        self._on_probe = on_probe
        self._on_pass = on_pass
        self._again = threading.Event()
        self._stop = threading.Event()
        self._recovered = False
        self._last_state: Connectivity | None = None
        self._last_tick: tuple[float, float] | None = None  # (wall, monotonic) at the previous pass
        self._scheduler: BackgroundScheduler | None = None
        self.lock_busy = False  # another process (the GUI or `sync --watch`) is the worker

    # -- lifecycle --------------------------------------------------------------------------------------------

    def start(self) -> None:
        scheduler = BackgroundScheduler(timezone=UTC)
        scheduler.add_job(
            self.run_pass,
            "interval",
            seconds=self._interval.total_seconds(),
            id=JOB,
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(UTC),
            misfire_grace_time=None,
        )
        scheduler.start()
        self._scheduler = scheduler

    def wake(self) -> None:
        self._again.set()
        self._reschedule(datetime.now(UTC))

    def stop(self) -> None:
        self._stop.set()
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=True)
            self._scheduler = None
        self._lock.release()

    # -- one pass ---------------------------------------------------------------------------------------------

    def run_pass(self) -> DrainReport | None:
        """Probe, recover once, drain; repeat while wakes arrived meanwhile. None if another worker holds the lock."""
        if not self._lock.acquire():
            self.lock_busy = True
            return None
        self.lock_busy = False
        if not self._recovered:
            self._dispatcher.recover()
            self._recovered = True
        report = None
        while not self._stop.is_set():
            self._again.clear()
            self._check_connectivity()
            report = self._dispatcher.drain(self._stop)
            self._on_pass(report)
            if not self._again.is_set():
                break
        if report is not None and report.next_due is not None:
            self._reschedule(report.next_due)
        return report

    def _check_connectivity(self) -> None:
        now_wall, now_mono = time.time(), time.monotonic()
        if self._last_tick is not None:
            wall_gap = now_wall - self._last_tick[0]
            mono_gap = now_mono - self._last_tick[1]
            if wall_gap - mono_gap > 60:  # the wall clock ran on while we did not: resumed from sleep
                log.info("resumed after %.0f s asleep", wall_gap - mono_gap)
        self._last_tick = (now_wall, now_mono)
        if self._probe is None:
            return
        result = self._probe()
        if result.state != self._last_state:
            self._last_state = result.state
            self._on_probe(result)

    def _reschedule(self, when: datetime) -> None:
        scheduler = self._scheduler
        if scheduler is None:
            return
        job = scheduler.get_job(JOB)
        if job is None:
            return
        when = max(when, datetime.now(UTC))
        if job.next_run_time is None or when < job.next_run_time:
            job.modify(next_run_time=when)
