"""The detail pane: the selected incident's latest version, its METHANE fields and its whole history."""

import html
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from crowdops.domain.enums import SEVERITY_LABELS
from crowdops.domain.incidents import MethaneReport
from crowdops.domain.times import format_local
from crowdops.gui.views.layouts import scrolling_pane
from crowdops.gui.views.widgets import clear_layout
from crowdops.services.records import IncidentRecord


def _label(text: str = "", name: str | None = None, rich: bool = False) -> QLabel:
    """Labels show user text as plain text, so a '<' in a description is never read as markup."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if name:
        label.setObjectName(name)
    return label


class IncidentDetail(QWidget):
    correct_requested = Signal(object)  # IncidentRecord
    message_requested = Signal(object)  # IncidentRecord
    rumour_requested = Signal(object)  # IncidentRecord
    decision_requested = Signal(object)  # IncidentRecord

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = scrolling_pane(self, 280)
        self._record: IncidentRecord | None = None
        self.correct_button = QPushButton(self.tr("Correct…"))
        self.correct_button.setToolTip(self.tr("Append a corrected version (Ctrl+E); the original stays in history"))
        self.correct_button.clicked.connect(self._request_correction)
        self.message_button = QPushButton(self.tr("Write a public message about this…"))
        self.message_button.setToolTip(self.tr("A new message that answers this incident (Ctrl+N with it linked)"))
        self.message_button.clicked.connect(lambda: self._record and self.message_requested.emit(self._record))
        self.rumour_button = QPushButton(self.tr("Track a rumour heard here…"))
        self.rumour_button.setToolTip(self.tr("A new rumour linked to this incident (Ctrl+Shift+R with it linked)"))
        self.rumour_button.clicked.connect(lambda: self._record and self.rumour_requested.emit(self._record))
        self.decision_button = QPushButton(self.tr("Log a decision about this…"))
        self.decision_button.setToolTip(self.tr("A new decision linked to this incident (Ctrl+Shift+D with it linked)"))
        self.decision_button.clicked.connect(lambda: self._record and self.decision_requested.emit(self._record))
        self.show_nothing()

    def _request_correction(self) -> None:
        if self._record is not None:
            self.correct_requested.emit(self._record)

    def show_nothing(self) -> None:
        self._record = None
        self._clear()
        self._layout.addWidget(_label(self.tr("Select an incident to see its details and history."), "Muted"))

    def show_incident(self, versions: list[IncidentRecord], tz: ZoneInfo) -> None:
        latest = versions[-1]
        self._record = latest
        self._clear()
        add = self._layout.addWidget
        add(_label(latest.category_label, "DetailTitle"))
        add(_label(f"{self.tr('Severity')} {latest.severity} · {SEVERITY_LABELS[latest.severity]}"))
        add(_label(format_local(latest.occurred_at, tz, seconds=True), "Muted"))
        if latest.location:
            add(_label(f"{self.tr('Where')}: {latest.location}"))
        if latest.latitude is not None:
            add(_label(f"{latest.latitude:.5f}, {latest.longitude:.5f}", "Muted"))
        add(_label(f"{self.tr('Source')}: {latest.source.label}"))
        add(_label(latest.description))
        if latest.methane:
            self._methane(latest.methane)
        for button in self._buttons():
            add(button)
            button.show()
        add(_label(self.tr("History"), "SectionTitle"))
        for version in reversed(versions):
            self._version(version, tz)
        add(_label(f"ID {latest.root_id.hex[:8]}", "Muted"))

    def _methane(self, data: dict[str, object]) -> None:
        self._layout.addWidget(_label(self.tr("METHANE report"), "SectionTitle"))
        report = MethaneReport.from_dict(data)
        for name, title in MethaneReport.FIELDS:
            value = getattr(report, name)
            if isinstance(value, bool):
                value = self.tr("Declared") if value else self.tr("Standby (not declared)")
            self._layout.addWidget(_label(f"<b>{html.escape(title)}</b>: {html.escape(str(value))}", rich=True))

    def _version(self, version: IncidentRecord, tz: ZoneInfo) -> None:
        when = format_local(version.logged_at, tz)
        if version.corrects_id is None:
            head = self.tr("Logged {when} by {who}").format(when=when, who=version.logged_by)
        else:
            reason = version.correction_reason or self.tr("no reason given")
            head = self.tr("Corrected {when} by {who} ({reason})").format(
                when=when, who=version.logged_by, reason=reason
            )
        text = f"{head}\n{version.severity} {SEVERITY_LABELS[version.severity]} · {version.category_label}"
        if version.location:
            text += f" · {version.location}"
        self._layout.addWidget(_label(f"{text}\n{version.description}"))

    def _clear(self) -> None:
        # Hidden at once (deleteLater waits for the event loop, and the pane must not show both); the buttons stay.
        clear_layout(self._layout, keep=self._buttons())

    def _buttons(self) -> list[QPushButton]:
        return [self.correct_button, self.message_button, self.rumour_button, self.decision_button]

    @property
    def record(self) -> IncidentRecord | None:
        return self._record
