"""What the desktop session knows: the services, the workers, who is signed in and which operation is open."""

from PySide6.QtCore import QObject, Signal

from crowdops.app import App
from crowdops.gui.bridge import EventBridge
from crowdops.gui.tasks import TaskRunner
from crowdops.services.records import OperationRecord, UserRecord


class GuiState(QObject):
    user_changed = Signal(object)  # UserRecord | None
    operation_changed = Signal(object)  # OperationRecord | None

    def __init__(self, app: App, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.tasks = TaskRunner(self)
        self.bridge = EventBridge(app.context.bus, self)
        self.user: UserRecord | None = None
        self.operation: OperationRecord | None = None
        self._closed = False

    def set_user(self, user: UserRecord | None) -> None:
        self.user = user
        self.user_changed.emit(user)

    def set_operation(self, operation: OperationRecord | None) -> None:
        self.operation = operation
        self.operation_changed.emit(operation)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.bridge.close()
            self.tasks.shutdown()
