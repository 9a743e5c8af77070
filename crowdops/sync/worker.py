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

from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.background import BackgroundScheduler

from crowdops.sync.connectivity import Connectivity, ProbeResult
from crowdops.sync.dispatcher import Dispatcher, DrainReport
from crowdops.sync.lock import SyncLock

log = logging.getLogger(__name__)
JOB = "outbox-drain"
RESUME_CHECK_SECONDS = 5.0
STOP_TIMEOUT = 30.0  # a post's request ends within its connect + read timeouts (25 s)


class SleepWatch:
    """Tells when the wall clock moved much further than the monotonic clock since the last look: a resume."""

    def __init__(
        self,
        wall: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        threshold: float = 15.0,
    ) -> None:
        self._wall, self._monotonic, self._threshold = wall, monotonic, threshold
        self._last = (wall(), monotonic())

    def resumed(self) -> bool:
        now = (self._wall(), self._monotonic())
        gap = (now[0] - self._last[0]) - (now[1] - self._last[1])
        self._last = now
        return gap > self._threshold


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
        self._idle = threading.Event()  # no pass is running
        self._idle.set()
        self._recovered = False
        self._last_state: Connectivity | None = None
        self._sleep_watch = SleepWatch()
        self._watcher: threading.Thread | None = None
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
        self._watcher = threading.Thread(target=self._watch_for_resume, name="crowdops-resume-watch", daemon=True)
        self._watcher.start()

    def _watch_for_resume(self) -> None:
        """The scheduler's timers wait on the monotonic clock, which stands still while the computer sleeps; the wall
        clock does not. A jump between them means we just woke up: look at the outbox now, not 30 s later."""
        while not self._stop.wait(RESUME_CHECK_SECONDS):
            if self._sleep_watch.resumed():
                log.info("resumed from sleep: waking the outbox worker")
                self.wake()

    def wake(self) -> None:
        self._again.set()
        self._reschedule(datetime.now(UTC))

    def stop(self, timeout: float = STOP_TIMEOUT) -> bool:
        """Stop scheduling; let a running pass finish the post on its way (it stops before the next). False if
        that post's request outlasts `timeout`: its row stays `sending` and is checked at the next start."""
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout=5)
            self._watcher = None
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None:
            # Not wait=True: APScheduler would hold its job-store lock while waiting, and the running pass needs
            # that lock to reschedule itself: a deadlock. We wait for our own pass instead.
            scheduler.shutdown(wait=False)
        finished = self._idle.wait(timeout)
        if finished:
            self._lock.release()
        return finished

    # -- one pass ---------------------------------------------------------------------------------------------

    def run_pass(self) -> DrainReport | None:
        """Probe, recover once, drain; repeat while wakes arrived meanwhile. None if another worker holds the lock."""
        if self._stop.is_set():
            return None
        if not self._lock.acquire():
            self.lock_busy = True
            return None
        self.lock_busy = False
        self._idle.clear()
        try:
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
        finally:
            self._idle.set()

    def _check_connectivity(self) -> None:
        if self._probe is None:
            return
        result = self._probe()
        if result.state != self._last_state:
            self._last_state = result.state
            self._on_probe(result)

    def _reschedule(self, when: datetime) -> None:
        scheduler = self._scheduler
        if scheduler is None or self._stop.is_set():
            return
        try:
            job = scheduler.get_job(JOB)
            if job is None:
                return
            when = max(when, datetime.now(UTC))
            if job.next_run_time is None or when < job.next_run_time:
                job.modify(next_run_time=when)
        except SchedulerNotRunningError:
            pass  # stopped meanwhile: nothing more to schedule
