"""Status bar: operation and phase, who is signed in, a clock in the operation's zone, connectivity."""

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from crowdops.services.records import OperationRecord, UserRecord


class StatusBar(QStatusBar):
    def __init__(self, clock: Callable[[], datetime], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._op: OperationRecord | None = None
        self.operation = QLabel()
        self.operation.setObjectName("StatusOperation")
        self.user = QLabel()
        self.clock = QLabel()
        self.clock.setObjectName("StatusClock")
        # Until handled, posts that need a person are said here too (not only on the Outbox badge).
        self.attention = QLabel()
        self.attention.setObjectName("StatusAlert")
        self.attention.hide()
        self.connectivity = QLabel(self.tr("◌ Network not checked yet"))
        self.connectivity.setObjectName("StatusConnectivity")
        for widget in (self.operation, self.user, self.clock):
            widget.setContentsMargins(8, 0, 12, 0)
            self.addWidget(widget)
        self.attention.setContentsMargins(8, 0, 12, 0)
        self.connectivity.setContentsMargins(8, 0, 8, 0)
        self.addPermanentWidget(self.attention)
        self.addPermanentWidget(self.connectivity)
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.tick)
        self._timer.start()
        self.set_operation(None)
        self.set_user(None)

    def set_operation(self, op: OperationRecord | None) -> None:
        self._op = op
        if op is None:
            self.operation.setText(self.tr("No operation open"))
        else:
            mode = self.tr(" · EXERCISE") if op.exercise else ""
            self.operation.setText(f"{self.tr('Op')}: {op.name} · {op.phase.label}{mode}")
        self.tick()

    def set_user(self, user: UserRecord | None) -> None:
        if user is None:
            self.user.setText(self.tr("Not signed in (read only)"))
        else:
            self.user.setText(f"{user.name} ({user.role.label.lower()})")

    def tick(self) -> None:
        now = self._clock()
        if self._op is not None:
            local = now.astimezone(self._op.tz)
            self.clock.setText(f"{local:%H:%M:%S} {local.tzname()} · {self._op.timezone}")
        else:
            self.clock.setText(f"{now:%H:%M:%S} UTC")

    def set_connectivity(self, text: str, kind: str, tip: str) -> None:
        """'● Online · 3 queued · 1 unknown · last sent 14:32'; `kind` is its object name in app.qss."""
        self.connectivity.setText(text)
        self.connectivity.setToolTip(tip)
        if self.connectivity.objectName() != kind:
            self.connectivity.setObjectName(kind)
            self.connectivity.style().unpolish(self.connectivity)  # the stylesheet follows the new name
            self.connectivity.style().polish(self.connectivity)

    def set_attention(self, text: str) -> None:
        self.attention.setText(text)
        self.attention.setVisible(bool(text))
