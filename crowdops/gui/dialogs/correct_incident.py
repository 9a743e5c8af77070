"""Correct an incident: a new version is appended; the original stays in the history."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from crowdops.domain.categories import MAJOR_INCIDENT, categories_for
from crowdops.domain.enums import SEVERITY_LABELS
from crowdops.domain.times import format_local
from crowdops.gui.dialogs.common import error_label, ok_cancel, show_error
from crowdops.gui.state import GuiState
from crowdops.services.records import IncidentRecord, OperationRecord


class CorrectIncidentDialog(QDialog):
    corrected = Signal(object)  # IncidentRecord

    def __init__(self, state: GuiState, op: OperationRecord, record: IncidentRecord, parent: QWidget | None = None):
        super().__init__(parent)
        self._state, self._record = state, record
        self.setWindowTitle(self.tr("Correct incident {id}").format(id=record.root_id.hex[:8]))
        self.category = QComboBox()
        for category in categories_for(op.kind):
            if category.slug != MAJOR_INCIDENT or record.category == MAJOR_INCIDENT:
                self.category.addItem(category.label, category.slug)
        self.category.setCurrentIndex(max(0, self.category.findData(record.category)))
        self.severity = QComboBox()
        for level, label in SEVERITY_LABELS.items():
            self.severity.addItem(f"{level} {label}", level)
        self.severity.setCurrentIndex(record.severity - 1)
        self.text = QPlainTextEdit(record.description)
        self.text.setTabChangesFocus(True)
        self.where = QLineEdit(record.location)
        self._original_when = record.occurred_at.astimezone(op.tz).strftime("%Y-%m-%dT%H:%M")
        self.when = QLineEdit(self._original_when)
        self.when.setToolTip(self.tr("Time in {zone}").format(zone=op.timezone))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("Why is it corrected? (shown in the history)"))
        self.error = error_label(self)
        self.buttons = ok_cancel(self.tr("Save correction"), self)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        note = QLabel(
            self.tr(
                "Logged {when} by {who}. The original stays in the history; the timeline shows the new version."
            ).format(when=format_local(record.logged_at, op.tz), who=record.logged_by)
        )
        note.setWordWrap(True)
        note.setObjectName("Muted")
        form = QFormLayout()
        form.addRow(self.tr("Category"), self.category)
        form.addRow(self.tr("Severity"), self.severity)
        form.addRow(self.tr("What happened"), self.text)
        form.addRow(self.tr("Where"), self.where)
        form.addRow(self.tr("When"), self.when)
        form.addRow(self.tr("Reason"), self.reason)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(520, 380)

    def submit(self) -> None:
        user = self._state.user
        if user is None:
            show_error(self.error, self.tr("Sign in first (File ▸ Sign in) so the correction carries your name."))
            return
        at = self.when.text().strip()
        changes = {
            "description": self.text.toPlainText(),
            "category": self.category.currentData(),
            "severity": self.severity.currentData(),
            "at": at if at != self._original_when else None,  # unchanged: keep the exact original time
            "location": self.where.text(),
            "reason": self.reason.text(),
        }
        ref = self._record.id.hex
        self.buttons.setEnabled(False)
        self._state.tasks.write(
            lambda: self._state.app.incidents.correct(ref, actor=user.name, **changes), self._done, self._refused
        )

    def _done(self, record: IncidentRecord) -> None:
        self.corrected.emit(record)
        self.accept()

    def _refused(self, error: Exception) -> None:
        self.buttons.setEnabled(True)
        show_error(self.error, str(error))
