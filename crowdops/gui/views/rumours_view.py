"""The Rumours view: the register of the operation (the longest without action first), the selected rumour's claim,
source, status history with notes and the responses drafted for it; new rumour, update status and respond."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QInputDialog, QPushButton, QWidget

from crowdops.domain.rumours import RumourStatus
from crowdops.domain.times import format_local
from crowdops.gui.dialogs.registers import NewRumourDialog, RumourStatusDialog
from crowdops.gui.models.register_model import RUMOUR_CHIP, RumourModel, reach_label, rumour_status_label
from crowdops.gui.state import GuiState
from crowdops.gui.views.layouts import scrolling_pane
from crowdops.gui.views.register_view import RegisterView, section
from crowdops.gui.views.widgets import chip, clear_layout, text_label
from crowdops.gui.wording import age, user_message
from crowdops.services.records import OperationRecord

if TYPE_CHECKING:
    from crowdops.services.message_records import MessageRecord
    from crowdops.services.rumours import RumourDetail, RumourRecord

NEEDED = re.compile(r"(\w+) \(([^()]*)\)")  # "facts (What is true, …)" in the service's refusal


class RumourDetailPane(QWidget):
    update_requested = Signal(object)  # RumourRecord
    respond_requested = Signal(object)  # RumourRecord

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = scrolling_pane(self, 340)
        self.detail: RumourDetail | None = None
        self.update_button = QPushButton(self.tr("&Update status…"))
        self.update_button.setToolTip(self.tr("Move this rumour on, with a note (Alt+U)"))
        self.update_button.clicked.connect(lambda: self.detail and self.update_requested.emit(self.detail.rumour))
        self.respond_button = QPushButton(self.tr("&Respond"))
        self.respond_button.setToolTip(self.tr("Draft a public response from the fitting template (Alt+R)"))
        self.respond_button.clicked.connect(lambda: self.detail and self.respond_requested.emit(self.detail.rumour))
        self.show_nothing()

    def show_nothing(self) -> None:
        self.detail = None
        clear_layout(self._layout, keep=[self.update_button, self.respond_button])
        self._layout.addWidget(text_label(self.tr("Select a rumour to see its history and responses."), "Muted"))

    def show_rumour(self, detail: RumourDetail, tz: ZoneInfo, now: Any) -> None:
        self.detail = detail
        rumour = detail.rumour
        clear_layout(self._layout, keep=[self.update_button, self.respond_button])
        add = self._layout.addWidget
        chips = QHBoxLayout()
        chips.addWidget(chip(rumour_status_label(rumour.status), RUMOUR_CHIP[rumour.status]))
        chips.addStretch(1)
        self._layout.addLayout(chips)
        add(text_label(rumour.claim, "DetailTitle"))
        add(
            text_label(
                self.tr("Reach {reach} · risk {risk}/5 · owner {owner} · ID {id}").format(
                    reach=reach_label(rumour.reach), risk=rumour.risk, owner=rumour.owner, id=rumour.short_id
                ),
                "Muted",
            )
        )
        add(
            text_label(
                self.tr("First seen {when} ({age} ago) · idle {idle}").format(
                    when=format_local(rumour.first_seen_at, tz),
                    age=age(rumour.first_seen_at, now),
                    idle=age(rumour.last_action_at, now),
                ),
                "Muted",
            )
        )
        add(section(self.tr("Source")))
        add(text_label(rumour.source or self.tr("Not recorded"), None if rumour.source else "Muted"))
        actions = QHBoxLayout()
        if rumour.status is not RumourStatus.CLOSED:
            for button in (self.update_button, self.respond_button):
                actions.addWidget(button)
                button.show()
        actions.addStretch(1)
        self._layout.addLayout(actions)
        add(section(self.tr("Responses")))
        if detail.responses:
            for message in detail.responses:
                add(text_label(self._response_line(message)))
        else:
            add(text_label(self.tr("No response yet — press Respond to draft one."), "Muted"))
        add(section(self.tr("History")))
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        for row, event in enumerate(reversed(detail.events)):
            when = format_local(event.at, tz)
            what = f"{rumour_status_label(event.status)} — {event.note}"
            for column, value in enumerate((when, event.by, what)):
                label = text_label(value, "Muted" if column < 2 else None)
                grid.addWidget(label, row, column, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(2, 1)
        self._layout.addLayout(grid)

    def _response_line(self, message: MessageRecord) -> str:
        return self.tr("Message {id} · {status}").format(id=message.short_id, status=self.tr(message.status.label))


class RumoursView(RegisterView):
    EMPTY = "No rumours tracked — press Ctrl+Shift+R to add one"
    SEARCH = "Search claims (Ctrl+F)"
    responded = Signal(object)  # the draft MessageRecord

    def __init__(self, state: GuiState, parent: QWidget | None = None) -> None:
        self.pane = RumourDetailPane()
        super().__init__(state, RumourModel(state.clock), self.pane, parent)
        self.table.sortByColumn(RumourModel.IDLE, Qt.SortOrder.DescendingOrder)
        self.pane.update_requested.connect(self.update_status)
        self.pane.respond_requested.connect(self.respond)
        state.bridge.rumour_changed.connect(self._changed)
        self.value_dialog: QInputDialog | None = None

    def _list_work(self, op: OperationRecord) -> Any:
        rumours = self._state.app.rumours
        return lambda: rumours.list(op.id)

    def _load_detail(self, record: RumourRecord) -> None:
        op, rumours = self._state.operation, self._state.app.rumours
        if op is None:
            return
        ref = record.id.hex
        self._state.tasks.read(lambda: rumours.get(ref), lambda detail: self._show_detail(detail, op))

    def _show_detail(self, detail: RumourDetail, op: OperationRecord) -> None:
        if self._keep == detail.rumour.id:
            self.pane.show_rumour(detail, op.tz, self._state.clock())

    # -- actions ------------------------------------------------------------------------------------------

    def new_rumour(self) -> NewRumourDialog | None:
        op = self._state.operation
        if op is None:
            return None
        dialog = NewRumourDialog(self._state, op.id, self)
        dialog.done.connect(self._written)
        dialog.open()
        return dialog

    def update_status(self, record: RumourRecord) -> RumourStatusDialog:
        dialog = RumourStatusDialog(self._state, record, self)
        dialog.done.connect(self._written)
        dialog.open()
        return dialog

    def respond(self, record: RumourRecord, values: dict[str, str] | None = None) -> None:
        """Draft the fitting response; when its template asks for what the claim cannot say (the facts, the
        advice), ask for each in turn and try again."""
        user = self._state.user
        if user is None:
            self._say(self.tr("Sign in first (Ctrl+Shift+I)."))
            return
        rumours, ref, rumour_id, given = self._state.app.rumours, record.id.hex, record.id, dict(values or {})
        self._state.tasks.write(
            lambda: rumours.respond(ref, actor=user.name, values=given),
            lambda draft: self._responded(rumour_id, draft),
            lambda error: self._respond_refused(record, given, error),
        )

    def _respond_refused(self, record: RumourRecord, given: dict[str, str], error: Exception) -> None:
        _, needs, rest = str(error).partition(" needs: ")
        missing = [(n, d) for n, d in NEEDED.findall(rest) if n not in given] if needs else []
        if not missing:
            self._say(self.tr("Could not draft a response: {why}").format(why=user_message(error)))
            return
        name, description = missing[0]
        dialog = QInputDialog(self)
        dialog.setWindowTitle(self.tr("Respond to rumour {id}").format(id=record.short_id))
        dialog.setLabelText(f"{self.tr(name.capitalize())}: {description}")
        dialog.setInputMode(QInputDialog.InputMode.TextInput)
        dialog.textValueSelected.connect(
            lambda text: text.strip() and self.respond(record, {**given, name: text.strip()})
        )
        self.value_dialog = dialog
        dialog.open()

    def _responded(self, rumour_id: Any, draft: MessageRecord) -> None:
        self._say(self.tr("Response drafted: message {id} — find it in Messages").format(id=draft.short_id))
        self.responded.emit(draft)
        self.select_when_shown(rumour_id)  # the reload that RumourChanged starts keeps it selected

    def _written(self, record: RumourRecord) -> None:
        self.select_when_shown(record.id)
