"""Re-emit core events as Qt signals. Handlers run on the GUI thread whatever thread published the event."""

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

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

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe: Callable[[], None] | None = None

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
                self.outbox_changed.emit()
            case ConnectivityChanged(state=state, unreachable=hosts):
                self.connectivity_changed.emit(state, hosts)

    def close(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
