"""Re-emit core events as Qt signals. Handlers run on the GUI thread whatever thread published the event."""

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from crowdops.services.events import (
    ConnectivityChanged,
    CurrentOperationChanged,
    DecisionChanged,
    Event,
    EventBus,
    IncidentLogged,
    MessageChanged,
    OperationsChanged,
    OutboxChanged,
    RumourChanged,
)


class EventBridge(QObject):
    incident_logged = Signal(object, object)  # operation id, incident id (uuid.UUID)
    operations_changed = Signal()
    current_operation_changed = Signal(object)  # uuid.UUID
    message_changed = Signal(object, object)  # operation id, message id (uuid.UUID)
    rumour_changed = Signal(object, object)  # operation id, rumour id
    decision_changed = Signal(object, object)  # operation id, id of the new decision entry
    outbox_changed = Signal()  # posts moved (by the sync worker or a person); counts may have changed
    connectivity_changed = Signal(str, object)  # online/degraded/offline, unreachable hosts (tuple[str, ...])
    _outbox_moved = Signal()  # internal: from any thread to the GUI thread, at most one queued at a time

    # While the worker publishes, it reports every quarter second; the outbox, its counts and the timeline each reload
    # on the signal, so the bridge passes on at most one per this many milliseconds.
    OUTBOX_COALESCE_MS = 300

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe: Callable[[], None] | None = None
        self._outbox_pending = threading.Lock()  # held from an OutboxChanged until the coalesced signal goes out
        self._outbox_timer = QTimer(self)
        self._outbox_timer.setSingleShot(True)
        self._outbox_timer.setInterval(self.OUTBOX_COALESCE_MS)
        self._outbox_timer.timeout.connect(self._emit_outbox_changed)
        self._outbox_moved.connect(self._outbox_timer.start)

    def listen(self, bus: EventBus) -> None:
        self.close()
        self._unsubscribe = bus.subscribe(self._on_event)

    def _on_event(self, event: Event) -> None:
        # Emitting from a worker thread queues the call into the receivers' (GUI) thread.
        match event:
            case IncidentLogged(operation_id=op, incident_id=incident):
                self.incident_logged.emit(op, incident)
            case OperationsChanged():
                self.operations_changed.emit()
            case CurrentOperationChanged(operation_id=op):
                self.current_operation_changed.emit(op)
            case MessageChanged(operation_id=op, message_id=message):
                self.message_changed.emit(op, message)
            case RumourChanged(operation_id=op, rumour_id=rumour):
                self.rumour_changed.emit(op, rumour)
            case DecisionChanged(operation_id=op, decision_id=decision):
                self.decision_changed.emit(op, decision)
            case OutboxChanged():
                if self._outbox_pending.acquire(blocking=False):  # else one is on its way already
                    self._outbox_moved.emit()
            case ConnectivityChanged(state=state, unreachable=hosts):
                self.connectivity_changed.emit(state, hosts)

    def _emit_outbox_changed(self) -> None:
        self._outbox_pending.release()  # first: a move recorded while receivers reload gets a signal of its own
        self.outbox_changed.emit()

    def close(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
