"""METHANE major-incident report (Ctrl+Shift+M): the seven fields other services expect, in their order."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from crowdops.domain.categories import MAJOR_INCIDENT
from crowdops.domain.enums import SEVERITY_LABELS
from crowdops.domain.errors import CrowdOpsError
from crowdops.domain.incidents import MethaneReport
from crowdops.gui.dialogs.common import error_label, ok_cancel, show_error
from crowdops.gui.state import GuiState
from crowdops.services.inputs import IncidentInput
from crowdops.services.records import IncidentRecord, OperationRecord


class MethaneDialog(QDialog):
    logged = Signal(object)  # IncidentRecord

    def __init__(self, state: GuiState, op: OperationRecord, parent: QWidget | None = None):
        super().__init__(parent)
        self._state, self._op = state, op
        self.setWindowTitle(self.tr("METHANE report — {op}").format(op=op.name))
        self.declared = QCheckBox(self.tr("Major incident declared (leave unticked for standby)"))
        self.fields: dict[str, QLineEdit] = {}
        form = QFormLayout()
        form.addRow(self.tr("M — Major incident"), self.declared)
        letters = {
            "exact_location": "E",
            "incident_type": "T",
            "hazards": "H",
            "access": "A",
            "casualties": "N",
            "emergency_services": "E",
        }
        for name, title in MethaneReport.FIELDS[1:]:
            edit = QLineEdit()
            self.fields[name] = edit
            form.addRow(f"{letters[name]} — {self.tr(title)}", edit)
        self.severity = QComboBox()
        for level, label in SEVERITY_LABELS.items():
            self.severity.addItem(f"{level} {label}", level)
        self.severity.setCurrentIndex(4)
        form.addRow(self.tr("Severity"), self.severity)
        self.error = error_label(self)
        self.buttons = ok_cancel(self.tr("Log METHANE report"), self)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        intro = QLabel(self.tr("Every field is required. The report goes on the timeline as a major incident."))
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(560, 360)

    def submit(self) -> None:
        user = self._state.user
        if user is None:
            show_error(self.error, self.tr("Sign in first (File ▸ Sign in) so the report carries your name."))
            return
        try:
            report = MethaneReport(
                major_incident=self.declared.isChecked(), **{name: edit.text() for name, edit in self.fields.items()}
            )
        except CrowdOpsError as error:
            show_error(self.error, str(error))
            return
        entry = IncidentInput(
            category=MAJOR_INCIDENT,
            severity=self.severity.currentData(),
            description="",
            location=report.exact_location,
            methane=report,
        )
        self.buttons.setEnabled(False)
        op_id = self._op.id
        self._state.tasks.write(
            lambda: self._state.app.incidents.log(op_id, entry, actor=user.name), self._done, self._refused
        )

    def _done(self, record: IncidentRecord) -> None:
        self.logged.emit(record)
        self.accept()

    def _refused(self, error: Exception) -> None:
        self.buttons.setEnabled(True)
        show_error(self.error, str(error))
