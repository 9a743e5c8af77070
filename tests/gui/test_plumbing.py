"""Workers and the event bridge: results and events always arrive on the GUI thread."""

import threading
import uuid

import pytest
from PySide6.QtCore import QThread
from pytestqt.qtbot import QtBot

from crowdops.domain.errors import ValidationError
from crowdops.gui.bridge import EventBridge
from crowdops.gui.tasks import TaskRunner
from crowdops.services.events import EventBus, IncidentLogged, OutboxChanged


def test_work_runs_off_the_gui_thread_and_results_come_back_on_it(qtbot: QtBot):
    runner = TaskRunner()
    gui_thread = QThread.currentThread()
    seen: dict[str, object] = {}

    def work() -> str:
        seen["worker"] = threading.current_thread().name
        return "done"

    def on_done(result: str) -> None:
        seen["result"] = result
        seen["delivered_on_gui"] = QThread.currentThread() is gui_thread

    runner.read(work, on_done)
    qtbot.waitUntil(lambda: "result" in seen, timeout=2000)
    assert str(seen["worker"]).startswith("crowdops-read")
    assert seen["delivered_on_gui"] is True
    runner.shutdown()


def test_errors_reach_the_error_callback(qtbot: QtBot):
    runner = TaskRunner()
    errors: list[Exception] = []

    def fail() -> None:
        raise ValidationError("bad input")

    runner.write(fail, lambda _r: None, errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=2000)
    assert str(errors[0]) == "bad input"
    runner.shutdown()


def test_writes_run_in_the_order_they_were_asked(qtbot: QtBot):
    runner = TaskRunner()
    order: list[int] = []
    for i in range(20):
        runner.write(lambda i=i: i, order.append)
    qtbot.waitUntil(lambda: len(order) == 20, timeout=2000)
    assert order == list(range(20))
    runner.shutdown()


def test_after_shutdown_new_work_is_not_started(qtbot: QtBot):
    runner = TaskRunner()
    runner.shutdown()
    ran: list[bool] = []
    runner.read(lambda: ran.append(True), lambda _r: None)
    assert ran == [] and runner.pending == 0


def test_core_events_from_another_thread_arrive_as_signals_on_the_gui_thread(qtbot: QtBot):
    bus = EventBus()
    bridge = EventBridge()
    bridge.listen(bus)
    gui_thread = QThread.currentThread()
    received: list[tuple[uuid.UUID, uuid.UUID, bool]] = []
    bridge.incident_logged.connect(lambda op, inc: received.append((op, inc, QThread.currentThread() is gui_thread)))
    op, incident = uuid.uuid4(), uuid.uuid4()
    publisher = threading.Thread(target=bus.publish, args=(IncidentLogged(op, incident),))
    publisher.start()
    publisher.join()
    qtbot.waitUntil(lambda: bool(received), timeout=2000)
    assert received == [(op, incident, True)]
    bridge.close()
    bus.publish(IncidentLogged(op, incident))
    qtbot.wait(0)
    assert len(received) == 1, "a closed bridge no longer listens"


def test_a_burst_of_outbox_moves_becomes_one_signal_and_a_later_move_another(qtbot: QtBot):
    """The worker reports every quarter second while publishing; each report reloads three views."""
    bus = EventBus()
    bridge = EventBridge()
    bridge.listen(bus)
    received: list[bool] = []
    bridge.outbox_changed.connect(lambda: received.append(True))
    burst = threading.Thread(target=lambda: [bus.publish(OutboxChanged()) for _ in range(50)])
    burst.start()
    burst.join()
    qtbot.waitUntil(lambda: len(received) == 1, timeout=2000)
    bus.publish(OutboxChanged())  # after the signal went out: not lost
    qtbot.waitUntil(lambda: len(received) == 2, timeout=2000)
    bridge.close()


@pytest.mark.parametrize("module", ["crowdops.gui.launch", "crowdops.gui.main_window"])
def test_gui_modules_import(module: str):
    __import__(module)
