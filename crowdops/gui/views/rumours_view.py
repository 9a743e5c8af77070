"""The Rumours view: the register of the operation (the longest without action first), the selected rumour's claim,
source, evidence, status history with notes and the responses drafted for it (linked incidents and responses open
with a click); new rumour, update status, add evidence and respond."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QInputDialog, QPushButton, QWidget

from crowdops.domain.rumours import RumourStatus
from crowdops.domain.times import format_local
from crowdops.gui.dialogs.registers import NewRumourDialog, RumourEvidenceDialog, RumourStatusDialog
from crowdops.gui.link_titles import LinkText, link_title, read_link_texts
from crowdops.gui.models.register_model import RUMOUR_CHIP, RumourModel, reach_label, rumour_status_label
from crowdops.gui.state import GuiState
from crowdops.gui.views.layouts import scrolling_pane
from crowdops.gui.views.register_view import RegisterView, section
from crowdops.gui.views.widgets import chip, clear_layout, follow, link_label, text_label
from crowdops.gui.wording import age, headline, user_message
from crowdops.services.records import OperationRecord

if TYPE_CHECKING:
    from crowdops.services.message_records import MessageRecord
    from crowdops.services.records import IncidentRecord
    from crowdops.services.rumours import ResponseNeeds, RumourDetail, RumourLinkRecord, RumourRecord


class RumourDetailPane(QWidget):
    update_requested = Signal(object)  # RumourRecord
    respond_requested = Signal(object)  # RumourRecord
    evidence_requested = Signal(object)  # RumourRecord
    open_requested = Signal(str, object)  # incident or message, its id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = scrolling_pane(self, 340)
        self.detail: RumourDetail | None = None
        self._incidents: dict[uuid.UUID, LinkText] = {}
        self.update_button = QPushButton(self.tr("&Update status…"))
        self.update_button.setToolTip(self.tr("Move this rumour on, with a note (Alt+U)"))
        self.update_button.clicked.connect(lambda: self.detail and self.update_requested.emit(self.detail.rumour))
        self.respond_button = QPushButton(self.tr("&Respond"))
        self.respond_button.setToolTip(self.tr("Draft a public response from the fitting template (Alt+R)"))
        self.respond_button.clicked.connect(lambda: self.detail and self.respond_requested.emit(self.detail.rumour))
        self.evidence_button = QPushButton(self.tr("Add &evidence…"))
        self.evidence_button.setToolTip(self.tr("A link, a note or an incident that bears on the claim (Alt+E)"))
        self.evidence_button.clicked.connect(lambda: self.detail and self.evidence_requested.emit(self.detail.rumour))
        self.show_nothing()

    def _buttons(self) -> list[QPushButton]:
        return [self.update_button, self.evidence_button, self.respond_button]

    def show_nothing(self) -> None:
        self.detail = None
        clear_layout(self._layout, keep=self._buttons())
        self._layout.addWidget(text_label(self.tr("Select a rumour to see its history and responses."), "Muted"))

    def show_rumour(
        self, detail: RumourDetail, tz: ZoneInfo, now: Any, incidents: list[LinkText] | None = None
    ) -> None:
        """`incidents`: the incidents given as evidence with what they say (else titled by their ids)."""
        self.detail = detail
        self._incidents = {link.ref: link for link in incidents or []}
        rumour = detail.rumour
        clear_layout(self._layout, keep=self._buttons())
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
            for button in self._buttons():
                actions.addWidget(button)
                button.show()
        actions.addStretch(1)
        self._layout.addLayout(actions)
        evidence = [link for link in detail.links if link.kind != "message"]
        if evidence:
            add(section(self.tr("Evidence")))
            for link in evidence:
                add(self._evidence_line(link, tz))
        add(section(self.tr("Responses")))
        if detail.responses:
            for message in detail.responses:
                title = link_title(LinkText("message", message.id, headline(message)))
                add(self._link(f"message:{message.id.hex}", title, " · " + self.tr(message.status.label)))
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

    def _evidence_line(self, link: RumourLinkRecord, tz: ZoneInfo) -> QWidget:
        added = self.tr("added by {who} {when}").format(who=link.added_by, when=format_local(link.added_at, tz))
        if link.kind == "incident" and link.ref_id is not None:
            title = link_title(self._incidents.get(link.ref_id) or LinkText("incident", link.ref_id, None))
            return self._link(f"incident:{link.ref_id.hex}", title, f" — {link.text} ({added})")
        # A web link stays text to copy, not a click: a link from social media may be hostile.
        return text_label(f"{link.text} ({added})")

    def _link(self, target: str, title: str, rest: str) -> QWidget:
        label = link_label(target, title, rest)
        label.linkActivated.connect(lambda href: follow(href, self.open_requested))
        return label


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
        self.pane.evidence_requested.connect(self.add_evidence)
        state.bridge.rumour_changed.connect(self._changed)
        self.value_dialog: QInputDialog | None = None

    def _list_work(self, op: OperationRecord) -> Any:
        rumours = self._state.app.rumours
        return lambda: rumours.list(op.id)

    def _load_detail(self, record: RumourRecord) -> None:
        op, rumours = self._state.operation, self._state.app.rumours
        if op is None:
            return
        ref, app = record.id.hex, self._state.app

        def work() -> tuple[RumourDetail, list[LinkText]]:
            detail = rumours.get(ref)
            evidence = [("incident", link.ref_id) for link in detail.links if link.kind == "incident" and link.ref_id]
            return detail, read_link_texts(app, evidence)

        self._state.tasks.read(work, lambda found: self._show_detail(*found, op))

    def _show_detail(self, detail: RumourDetail, incidents: list[LinkText], op: OperationRecord) -> None:
        if self._keep == detail.rumour.id:
            self.pane.show_rumour(detail, op.tz, self._state.clock(), incidents)

    # -- actions ------------------------------------------------------------------------------------------

    def new_rumour(self, incident: IncidentRecord | None = None) -> NewRumourDialog | None:
        op = self._state.operation
        if op is None:
            return None
        dialog = NewRumourDialog(self._state, op.id, self, incident=incident)
        dialog.done.connect(self._written)
        dialog.open()
        return dialog

    def update_status(self, record: RumourRecord) -> RumourStatusDialog:
        dialog = RumourStatusDialog(self._state, record, self)
        dialog.done.connect(self._written)
        dialog.open()
        return dialog

    def add_evidence(self, record: RumourRecord) -> RumourEvidenceDialog:
        dialog = RumourEvidenceDialog(self._state, record, self)
        dialog.done.connect(
            lambda _link: self._say(self.tr("Evidence added to rumour {id}").format(id=record.short_id))
        )
        dialog.open()
        return dialog

    def respond(self, record: RumourRecord) -> None:
        """Draft the fitting response; first ask for what its template needs that the claim cannot say (the facts,
        the advice), one value at a time, as the service lists them."""
        if self._state.user is None:
            self._say(self.tr("Sign in first (Ctrl+Shift+I)."))
            return
        rumours, ref = self._state.app.rumours, record.id.hex
        self._state.tasks.read(
            lambda: rumours.response_needs(ref),
            lambda needs: self._ask_or_draft(record, needs, {}),
            lambda error: self._say(self.tr("Could not draft a response: {why}").format(why=user_message(error))),
        )

    def _ask_or_draft(self, record: RumourRecord, needs: ResponseNeeds, given: dict[str, str]) -> None:
        missing = [(name, what) for name, what in needs.needed if name not in given]
        if missing:
            name, description = missing[0]
            dialog = QInputDialog(self)
            dialog.setWindowTitle(self.tr("Respond to rumour {id}").format(id=record.short_id))
            dialog.setLabelText(f"{self.tr(name.capitalize())}: {description}")
            dialog.setInputMode(QInputDialog.InputMode.TextInput)
            dialog.textValueSelected.connect(
                lambda text: text.strip() and self._ask_or_draft(record, needs, {**given, name: text.strip()})
            )
            self.value_dialog = dialog
            dialog.open()
            return
        user = self._state.user
        if user is None:
            return
        rumours, ref, rumour_id, template = self._state.app.rumours, record.id.hex, record.id, needs.template
        self._state.tasks.write(
            lambda: rumours.respond(ref, actor=user.name, template=template, values=given),
            lambda draft: self._responded(rumour_id, draft),
            lambda error: self._say(self.tr("Could not draft a response: {why}").format(why=user_message(error))),
        )

    def _responded(self, rumour_id: Any, draft: MessageRecord) -> None:
        self._say(self.tr("Response drafted: message {id} — find it in Messages").format(id=draft.short_id))
        self.responded.emit(draft)
        self.select_when_shown(rumour_id)  # the reload that RumourChanged starts keeps it selected

    def _written(self, record: RumourRecord) -> None:
        self.select_when_shown(record.id)
