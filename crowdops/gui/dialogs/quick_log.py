"""Quick log (Ctrl+L): category, severity, text, Enter. The entry is written off the GUI thread."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QDialog, QGridLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from crowdops.domain.categories import categories_for
from crowdops.domain.enums import SEVERITY_LABELS
from crowdops.gui.dialogs.common import error_label, show_error
from crowdops.gui.state import GuiState
from crowdops.services.inputs import IncidentInput
from crowdops.services.records import IncidentRecord, OperationRecord


class QuickLogDialog(QDialog):
    logged = Signal(object)  # IncidentRecord

    def __init__(self, state: GuiState, op: OperationRecord, last_category: str | None, parent: QWidget | None = None):
        super().__init__(parent)
        self._state = state
        self._op = op
        self.setObjectName("QuickLog")
        self.setWindowTitle(self.tr("Log an incident — {op}").format(op=op.name))
        self.category = QComboBox()
        for category in categories_for(op.kind):
            self.category.addItem(category.label, category.slug)
        self.category.removeItem(self.category.findData("major-incident"))  # has its own form (Ctrl+Shift+M)
        if last_category and self.category.findData(last_category) >= 0:
            self.category.setCurrentIndex(self.category.findData(last_category))
        self.category.setToolTip(self.tr("Category (type its first letters)"))
        self.severity = QComboBox()
        for level, label in SEVERITY_LABELS.items():
            self.severity.addItem(f"{level} {label}", level)
        self.severity.setCurrentIndex(2)
        self.severity.setToolTip(self.tr("Severity: 1 minimal to 5 critical (type the digit)"))
        self.text = QLineEdit()
        self.text.setPlaceholderText(self.tr("What happened? — Enter to log"))
        self.text.setMinimumWidth(380)
        self.where = QLineEdit()
        self.where.setPlaceholderText(self.tr("Where (optional)"))
        self.when = QLineEdit()
        self.when.setPlaceholderText(self.tr("When: now"))
        self.when.setToolTip(
            self.tr("Time in {zone}: leave empty for now, or type 14:30 or 2026-05-01T14:30").format(zone=op.timezone)
        )
        self.log_button = QPushButton(self.tr("Log"))
        self.log_button.setDefault(True)
        self.log_button.setToolTip(self.tr("Log the incident (Enter)"))
        self.log_button.clicked.connect(self.submit)
        self.error = error_label(self)

        grid = QGridLayout()
        for column, (title, widget) in enumerate(
            ((self.tr("Category"), self.category), (self.tr("Severity"), self.severity), (self.tr("Text"), self.text))
        ):
            grid.addWidget(QLabel(title), 0, column)
            grid.addWidget(widget, 1, column)
        grid.addWidget(self.log_button, 1, 3)
        grid.addWidget(self.when, 2, 0, 1, 2)
        grid.addWidget(self.where, 2, 2)
        grid.setColumnStretch(2, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.error)
        self.category.setFocus()

    def submit(self) -> None:
        user = self._state.user
        if user is None:
            show_error(self.error, self.tr("Sign in first (File ▸ Sign in) so the entry carries your name."))
            return
        entry = IncidentInput(
            category=self.category.currentData(),
            severity=self.severity.currentData(),
            description=self.text.text(),
            at=self.when.text().strip() or None,
            location=self.where.text(),
        )
        self.log_button.setEnabled(False)
        op_id = self._op.id
        self._state.tasks.write(
            lambda: self._state.app.incidents.log(op_id, entry, actor=user.name), self._done, self._refused
        )

    def _done(self, record: IncidentRecord) -> None:
        self.logged.emit(record)
        self.accept()

    def _refused(self, error: Exception) -> None:
        self.log_button.setEnabled(True)
        show_error(self.error, str(error))
