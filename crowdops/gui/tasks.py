"""Run database work off the GUI thread and deliver the result back on it.

Two single-thread workers: one for writes (SQLite has one writer anyway, and a queue keeps them in order) and one
for reads, so a long search never delays a quick-log entry; network checks get their own threads. Results come
back through a queued Qt signal.
"""

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

from crowdops.domain.errors import CrowdOpsError

log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[Exception], None]


class TaskRunner(QObject):
    _finished = Signal(object, object, object, object)  # on_done, on_error, result, error

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="crowdops-read")
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="crowdops-write")
        # Network checks (a channel test) take seconds: on their own threads, so reads and writes never wait.
        self._network = ThreadPoolExecutor(max_workers=2, thread_name_prefix="crowdops-net")
        # Queued even when the work finished before its callback was attached (then `relay` runs on the GUI
        # thread): callbacks never run inside the caller, always later from the event loop.
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self.pending = 0
        self._closed = False

    def read(self, work: Callable[[], Any], on_done: Done, on_error: Failed | None = None) -> None:
        self._submit(self._reader, work, on_done, on_error)

    def write(self, work: Callable[[], Any], on_done: Done, on_error: Failed | None = None) -> None:
        self._submit(self._writer, work, on_done, on_error)

    def network(self, work: Callable[[], Any], on_done: Done, on_error: Failed | None = None) -> None:
        """Work that talks to the network and touches the database at most to read."""
        self._submit(self._network, work, on_done, on_error)

    def _submit(
        self, pool: ThreadPoolExecutor, work: Callable[[], Any], on_done: Done, on_error: Failed | None
    ) -> None:
        if self._closed:
            log.debug("window closing: work not started")
            return
        self.pending += 1
        future = pool.submit(work)

        def relay(done: Future[Any]) -> None:
            if done.cancelled():
                return  # cancelled at shutdown: nobody waits for it
            error = done.exception()
            self._finished.emit(on_done, on_error, None if error else done.result(), error)

        future.add_done_callback(relay)

    @Slot(object, object, object, object)
    def _deliver(self, on_done: Done, on_error: Failed | None, result: Any, error: Exception | None) -> None:
        self.pending -= 1
        if self._closed:
            return
        if error is None:
            on_done(result)
        elif on_error is not None:
            on_error(error)
        elif isinstance(error, CrowdOpsError):
            log.warning("%s", error)
        else:
            raise error

    def shutdown(self) -> None:
        """Finish every write already asked for (nothing a user submitted is dropped); cancel pending reads."""
        self._closed = True
        self._reader.shutdown(wait=True, cancel_futures=True)
        self._writer.shutdown(wait=True)
        self._network.shutdown(wait=False, cancel_futures=True)  # a slow server must not hold up closing
