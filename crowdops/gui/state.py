"""What the desktop session knows: the services, the workers, who is signed in and which operation is open.

The window is shown before the database is opened (opening, and any migration, runs on the writer thread), so
`app` is attached a moment after start-up; nothing that needs it is enabled before then.
"""

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from crowdops.gui.bridge import EventBridge
from crowdops.gui.tasks import TaskRunner
from crowdops.services.records import OperationRecord, UserRecord

if TYPE_CHECKING:
    from crowdops.app import App


class GuiState(QObject):
    attached = Signal()
    user_changed = Signal(object)  # UserRecord | None
    operation_changed = Signal(object)  # OperationRecord | None

    def __init__(self, app: "App | None" = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._app: App | None = None
        self.tasks = TaskRunner(self)
        self.bridge = EventBridge(self)
        self.user: UserRecord | None = None
        self.operation: OperationRecord | None = None
        self._closed = False
        if app is not None:
            self.attach(app)

    def attach(self, app: "App") -> None:
        self._app = app
        self.bridge.listen(app.context.bus)
        self.attached.emit()

    @property
    def app(self) -> "App":
        if self._app is None:
            raise RuntimeError("the database is not open yet")
        return self._app

    @property
    def ready(self) -> bool:
        return self._app is not None

    def clock(self) -> datetime:
        return self._app.context.clock() if self._app is not None else datetime.now(UTC)

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
