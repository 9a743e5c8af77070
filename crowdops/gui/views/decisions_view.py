"""The Decisions view: the operation's decision log in order (latest version of each), reviews that are due, the
selected decision's rationale, options and why rejected, information, powers, links (a click opens the incident,
rumour or message) and versions; new decision, revise (a new version, filled in from the latest) and explain
publicly (a linked draft message)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QInputDialog, QPushButton, QWidget

from crowdops.domain.times import format_local
from crowdops.gui.dialogs.registers import NewDecisionDialog, ReviseDecisionDialog
from crowdops.gui.link_titles import LinkText, link_title, read_link_texts
from crowdops.gui.models.register_model import DecisionModel
from crowdops.gui.state import GuiState
from crowdops.gui.views.layouts import scrolling_pane
from crowdops.gui.views.register_view import RegisterView, section
from crowdops.gui.views.widgets import chip, clear_layout, follow, link_label, text_label
from crowdops.gui.wording import WAITING, user_message
from crowdops.services.records import OperationRecord

if TYPE_CHECKING:
    from crowdops.services.decisions import DecisionRecord
    from crowdops.services.message_records import MessageRecord
    from crowdops.services.records import IncidentRecord

ADVICE = "advice"  # what the explanation template asks that a decision does not say


class DecisionDetailPane(QWidget):
    explain_requested = Signal(object)  # DecisionRecord
    revise_requested = Signal(object)  # DecisionRecord
    open_requested = Signal(str, object)  # incident, rumour or message, its id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = scrolling_pane(self, 340)
        self.record: DecisionRecord | None = None
        self.explain_button = QPushButton(self.tr("E&xplain publicly…"))
        self.explain_button.setToolTip(self.tr("Draft a public message explaining this decision (Alt+X)"))
        self.explain_button.clicked.connect(lambda: self.record and self.explain_requested.emit(self.record))
        self.revise_button = QPushButton(self.tr("Re&vise…"))
        self.revise_button.setToolTip(self.tr("Log a new version of this decision; the earlier one stays (Alt+V)"))
        self.revise_button.clicked.connect(lambda: self.record and self.revise_requested.emit(self.record))
        self.show_nothing()

    def show_nothing(self) -> None:
        self.record = None
        clear_layout(self._layout, keep=[self.explain_button, self.revise_button])
        self._layout.addWidget(text_label(self.tr("Select a decision to see its rationale and versions."), "Muted"))

    def show_decision(
        self,
        record: DecisionRecord,
        versions: list[DecisionRecord],
        tz: ZoneInfo,
        due: bool,
        links: list[LinkText] | None = None,
    ) -> None:
        """`links`: the linked records with what they say (else titled by their ids)."""
        self.record = record
        clear_layout(self._layout, keep=[self.explain_button, self.revise_button])
        add = self._layout.addWidget
        if due and record.review_at is not None:
            chips = QHBoxLayout()
            chips.addWidget(chip(self.tr("DUE"), WAITING))
            chips.addWidget(
                text_label(self.tr("Review was due {when}").format(when=format_local(record.review_at, tz)))
            )
            chips.addStretch(1)
            self._layout.addLayout(chips)
        add(text_label(record.decision, "DetailTitle"))
        add(
            text_label(
                self.tr("Decided by {who} · {when} · ID {id}").format(
                    who=record.decided_by, when=format_local(record.decided_at, tz), id=record.short_id
                ),
                "Muted",
            )
        )
        if record.review_at is not None and not due:
            add(text_label(self.tr("Review at {when}").format(when=format_local(record.review_at, tz)), "Muted"))
        actions = QHBoxLayout()
        for button in (self.revise_button, self.explain_button):
            actions.addWidget(button)
            button.show()
        actions.addStretch(1)
        self._layout.addLayout(actions)
        add(section(self.tr("Rationale")))
        add(text_label(record.rationale))
        add(section(self.tr("Options considered")))
        if record.options:
            for option, why in record.options:
                line = f"• {option} — {self.tr('rejected')}: {why}" if why else f"• {option}"
                add(text_label(line))
        else:
            add(text_label(self.tr("None recorded"), "Muted"))
        if record.information:
            add(section(self.tr("Information relied on")))
            add(text_label(record.information))
        if record.powers:
            add(section(self.tr("Powers and policies")))
            add(text_label(record.powers))
        if record.links:
            add(section(self.tr("Links")))
            for link in links if links is not None else [LinkText(k, r, None) for k, r in record.links]:
                label = link_label(link.target, link_title(link))
                label.setToolTip(link.text or "")
                label.linkActivated.connect(lambda href: follow(href, self.open_requested))
                add(label)
        add(section(self.tr("Versions")))
        for number, version in enumerate(reversed(versions)):
            text = self.tr("Version {n} · {when} · {who}: {what}").format(
                n=len(versions) - number,
                when=format_local(version.decided_at, tz),
                who=version.decided_by,
                what=version.decision,
            )
            add(text_label(text, None if version.id == record.id else "Muted"))


class DecisionsView(RegisterView):
    EMPTY = "No decisions logged — press Ctrl+Shift+D to log one"
    SEARCH = "Search decisions (Ctrl+F)"
    explained = Signal(object)  # the draft MessageRecord

    def __init__(self, state: GuiState, parent: QWidget | None = None) -> None:
        self.pane = DecisionDetailPane()
        super().__init__(state, DecisionModel(state.clock), self.pane, parent)
        self.table.sortByColumn(DecisionModel.TIME, Qt.SortOrder.AscendingOrder)
        self.pane.explain_requested.connect(self.explain)
        self.pane.revise_requested.connect(self.revise)
        state.bridge.decision_changed.connect(self._changed)
        self.advice_dialog: QInputDialog | None = None

    def _list_work(self, op: OperationRecord) -> Any:
        decisions = self._state.app.decisions
        return lambda: decisions.list(op.id)

    def _load_detail(self, record: DecisionRecord) -> None:
        op, app = self._state.operation, self._state.app
        if op is None:
            return
        ref = record.id.hex
        self._state.tasks.read(
            lambda: (app.decisions.history(ref), read_link_texts(app, record.links)),
            lambda found: self._show_detail(record, *found, op),
        )

    def _show_detail(
        self, record: DecisionRecord, versions: list[DecisionRecord], links: list[LinkText], op: OperationRecord
    ) -> None:
        if self._keep == record.id:
            self.pane.show_decision(record, versions, op.tz, self.model.is_due(record), links)

    # -- actions ------------------------------------------------------------------------------------------

    def new_decision(self, incident: IncidentRecord | None = None) -> NewDecisionDialog | None:
        op = self._state.operation
        if op is None:
            return None
        dialog = NewDecisionDialog(self._state, op.id, self, incident=incident)
        dialog.done.connect(self._written)
        dialog.open()
        return dialog

    def revise(self, record: DecisionRecord) -> ReviseDecisionDialog | None:
        op = self._state.operation
        if op is None:
            return None
        dialog = ReviseDecisionDialog(self._state, record, op.tz, self)
        dialog.done.connect(self._written)
        dialog.open()
        return dialog

    def select_decision(self, decision_id: uuid.UUID) -> None:
        """Select the decision that has this id or whose first version has it (links and the timeline name a
        decision by its first version; the list shows the latest)."""
        latest = next((r.id for r in self.model.records() if decision_id in (r.id, r.root_id)), decision_id)
        self.select_when_shown(latest)

    def _written(self, record: DecisionRecord) -> None:
        self.select_when_shown(record.id)  # the reload that DecisionChanged starts keeps it selected

    def explain(self, record: DecisionRecord, values: dict[str, str] | None = None) -> None:
        """Draft the explanation; when the template asks what the decision cannot say, ask for it and try again."""
        user = self._state.user
        if user is None:
            self._say(self.tr("Sign in first (Ctrl+Shift+I)."))
            return
        decisions, ref, given = self._state.app.decisions, record.id.hex, dict(values or {})
        self._state.tasks.write(
            lambda: decisions.explain(ref, actor=user.name, values=given),
            self._explained,
            lambda error: self._explain_refused(record, given, error),
        )

    def _explain_refused(self, record: DecisionRecord, given: dict[str, str], error: Exception) -> None:
        if ADVICE not in given and f"--set {ADVICE}=" in str(error):
            self._ask_advice(record, given)
            return
        self._say(self.tr("Could not draft the explanation: {why}").format(why=user_message(error)))

    def _ask_advice(self, record: DecisionRecord, given: dict[str, str]) -> None:
        dialog = QInputDialog(self)
        dialog.setWindowTitle(self.tr("Explain decision {id}").format(id=record.short_id))
        dialog.setLabelText(self.tr("What should people do now? (a few plain words, no full stop)"))
        dialog.setInputMode(QInputDialog.InputMode.TextInput)
        dialog.textValueSelected.connect(
            lambda text: text.strip() and self.explain(record, {**given, ADVICE: text.strip()})
        )
        self.advice_dialog = dialog
        dialog.open()

    def _explained(self, draft: MessageRecord) -> None:
        self._say(self.tr("Explanation drafted: message {id} — find it in Messages").format(id=draft.short_id))
        self.explained.emit(draft)
