"""Dialogs of the rumour register and the decision log: each asks, writes through its service off the GUI thread,
and shows a refusal inline without closing (nothing changes until the service accepts). A rumour or decision begun
from a timeline incident shows the link it will be saved with."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from crowdops.domain.decisions import parse_option
from crowdops.domain.errors import CrowdOpsError
from crowdops.domain.rumours import Reach, RumourStatus, allowed_transitions
from crowdops.gui.dialogs.common import error_label, ok_cancel, show_error
from crowdops.gui.models.register_model import reach_label, rumour_status_label
from crowdops.gui.wording import user_message

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from crowdops.gui.state import GuiState
    from crowdops.services.decisions import DecisionRecord
    from crowdops.services.records import IncidentRecord
    from crowdops.services.rumours import RumourRecord, SimilarRumour


def incident_line(incident: IncidentRecord) -> str:
    """How a linked incident reads in a dialog: its id and what it said."""
    text = " ".join(incident.description.split()) or incident.category_label
    return f"{incident.root_id.hex[:8]} — {text[:100]}"


class _WriteDialog(QDialog):
    done = Signal(object)  # what the service returned

    def __init__(self, state: GuiState, title: str, ok: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.error = error_label(self)
        self.buttons = ok_cancel(ok, self)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        self._layout = QVBoxLayout(self)
        self._layout.addLayout(self.form)
        self._layout.addWidget(self.error)
        self._layout.addWidget(self.buttons)
        self.resize(520, 300)

    def _actor(self) -> str | None:
        user = self._state.user
        if user is None:
            show_error(self.error, self.tr("Sign in first (Ctrl+Shift+I)."))
            return None
        return user.name

    def _submit(self) -> None:
        raise NotImplementedError

    def _write(self, work: Any) -> None:
        self.buttons.setEnabled(False)
        show_error(self.error, None)
        self._state.tasks.write(work, self._finished, self._refused)

    def _finished(self, result: object) -> None:
        self.done.emit(result)
        self.accept()

    def _refused(self, error: Exception) -> None:
        self.buttons.setEnabled(True)
        show_error(self.error, user_message(error))


class NewRumourDialog(_WriteDialog):
    """Claim, source, reach, risk. Similar claims already tracked show as a warning first; saving again enters it."""

    def __init__(
        self,
        state: GuiState,
        operation_id: uuid.UUID,
        parent: QWidget | None = None,
        incident: IncidentRecord | None = None,
    ) -> None:
        super().__init__(state, self.tr("New rumour"), self.tr("Track rumour"), parent)
        self._operation_id = operation_id
        self.incident = incident  # saved as the rumour's first link
        self._checked_claim: str | None = None  # the claim whose similar ones were shown
        self.claim = QPlainTextEdit()
        self.claim.setTabChangesFocus(True)
        self.claim.setPlaceholderText(self.tr("What people are told, in one sentence"))
        self.source = QLineEdit()
        self.source.setPlaceholderText(self.tr("A URL, or where it was heard (radio, word of mouth)"))
        self.reach = QComboBox()
        for reach in Reach:
            self.reach.addItem(reach_label(reach), reach.value)
        self.risk = QSpinBox()
        self.risk.setRange(1, 5)
        self.risk.setValue(3)
        self.risk.setToolTip(self.tr("Risk to safety, 1 (none) to 5 (life-safety)"))
        self.similar = QLabel()
        self.similar.setObjectName("Warning")
        self.similar.setWordWrap(True)
        self.similar.hide()
        self.form.addRow(self.tr("&Claim"), self.claim)
        self.form.addRow(self.tr("&Source"), self.source)
        self.form.addRow(self.tr("R&each"), self.reach)
        self.form.addRow(self.tr("Ris&k (1–5)"), self.risk)
        if incident is not None:
            self.form.addRow(self.tr("Linked incident"), QLabel(incident_line(incident)))
        self._layout.insertWidget(1, self.similar)
        self.claim.setFocus()

    def _submit(self) -> None:
        actor = self._actor()
        claim = " ".join(self.claim.toPlainText().split())
        if actor is None:
            return
        if not claim:
            show_error(self.error, self.tr("The claim is empty: say in one sentence what people are told."))
            return
        if claim != self._checked_claim:
            rumours, op_id = self._state.app.rumours, self._operation_id
            self.buttons.setEnabled(False)
            self._state.tasks.read(
                lambda: rumours.similar(op_id, claim), lambda found: self._similar_read(claim, found), self._refused
            )
            return
        self._save(actor, claim)

    def _similar_read(self, claim: str, found: list[SimilarRumour]) -> None:
        self.buttons.setEnabled(True)
        self._checked_claim = claim
        if not found:
            actor = self._actor()
            if actor is not None:
                self._save(actor, claim)
            return
        lines = "\n".join(
            f"• {s.rumour.claim} ({rumour_status_label(s.rumour.status)}, {s.rumour.short_id})" for s in found
        )
        self.similar.setText(
            self.tr("Already tracked and alike:\n{lines}\nPress {ok} again to track it anyway.").format(
                lines=lines, ok=self.tr("Track rumour")
            )
        )
        self.similar.show()

    def _save(self, actor: str, claim: str) -> None:
        rumours, op_id = self._state.app.rumours, self._operation_id
        source, reach, risk = self.source.text(), self.reach.currentData(), self.risk.value()
        linked = self.incident.root_id.hex if self.incident else None
        self._write(
            lambda: (
                rumours.add(op_id, claim, actor=actor, source=source, reach=reach, risk=risk, incident=linked).rumour
            )
        )


class RumourStatusDialog(_WriteDialog):
    """Only the statuses the rumour may move to are offered; a note says why."""

    def __init__(self, state: GuiState, record: RumourRecord, parent: QWidget | None = None) -> None:
        super().__init__(state, self.tr("Update rumour {id}").format(id=record.short_id), self.tr("Update"), parent)
        self._record = record
        self.status = QComboBox()
        for status in sorted(allowed_transitions(record.status), key=list(RumourStatus).index):
            self.status.addItem(rumour_status_label(status), status.value)
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText(self.tr("Why: what was checked, who confirmed"))
        claim = QLabel(record.claim)
        claim.setWordWrap(True)
        self.form.addRow(self.tr("Claim"), claim)
        self.form.addRow(self.tr("Now"), QLabel(rumour_status_label(record.status)))
        self.form.addRow(self.tr("&New status"), self.status)
        self.form.addRow(self.tr("N&ote"), self.note)
        if not self.status.count():
            show_error(self.error, self.tr("The rumour is closed: that is final."))
            self.buttons.setEnabled(False)
        self.note.setFocus()

    def _submit(self) -> None:
        actor = self._actor()
        if actor is None or not self.status.count():
            return
        rumours, ref = self._state.app.rumours, self._record.id.hex
        status, note = str(self.status.currentData()), self.note.toPlainText()
        self._write(lambda: rumours.update(ref, status, note, actor=actor))


class NewDecisionDialog(_WriteDialog):
    """Decision, rationale, options considered ("option: why rejected", one a line) and an optional review time."""

    def __init__(
        self,
        state: GuiState,
        operation_id: uuid.UUID,
        parent: QWidget | None = None,
        incident: IncidentRecord | None = None,
    ) -> None:
        super().__init__(state, self.tr("New decision"), self.tr("Log decision"), parent)
        self._operation_id = operation_id
        self.incident = incident  # saved as the decision's link
        self.decision = QPlainTextEdit()
        self.decision.setTabChangesFocus(True)
        self.decision.setPlaceholderText(self.tr("What was decided"))
        self.rationale = QPlainTextEdit()
        self.rationale.setTabChangesFocus(True)
        self.rationale.setPlaceholderText(self.tr("Why"))
        self.options = QPlainTextEdit()
        self.options.setTabChangesFocus(True)
        self.options.setPlaceholderText(self.tr("One a line — option: why rejected"))
        self.review = QLineEdit()
        self.review.setPlaceholderText(self.tr("Review at, e.g. 2026-05-01 16:00 (optional, operation time)"))
        self.form.addRow(self.tr("&Decision"), self.decision)
        self.form.addRow(self.tr("&Rationale"), self.rationale)
        self.form.addRow(self.tr("&Options"), self.options)
        self.form.addRow(self.tr("Re&view at"), self.review)
        if incident is not None:
            self.form.addRow(self.tr("Linked incident"), QLabel(incident_line(incident)))
        self.resize(560, 460)
        self.decision.setFocus()

    def _submit(self) -> None:
        from crowdops.services.decisions import DecisionInput  # the services load after the first paint

        read = self._actor_and_options()
        if read is None:
            return
        actor, options = read
        entry = DecisionInput(
            decision=self.decision.toPlainText(),
            rationale=self.rationale.toPlainText(),
            options=options,
            review_at=self.review.text().strip() or None,
            links=[f"incident:{self.incident.root_id.hex}"] if self.incident else [],
        )
        decisions, op_id = self._state.app.decisions, self._operation_id
        self._write(lambda: decisions.add(op_id, entry, actor=actor))

    def _actor_and_options(self) -> tuple[str, list[tuple[str, str]]] | None:
        """Who decides, and the options one a line; None (the reason shown) when either cannot be had."""
        actor = self._actor()
        if actor is None:
            return None
        try:
            options = [parse_option(line) for line in self.options.toPlainText().splitlines() if line.strip()]
        except CrowdOpsError as refusal:
            show_error(self.error, str(refusal))
            return None
        return actor, options


class ReviseDecisionDialog(NewDecisionDialog):
    """The decision's latest version, filled in, to change; saved as a new version that points at it (the log is
    append-only). A review time left as it was is kept, even one that has passed."""

    def __init__(self, state: GuiState, record: DecisionRecord, tz: ZoneInfo, parent: QWidget | None = None) -> None:
        super().__init__(state, record.operation_id, parent)
        self._record = record
        self.setWindowTitle(self.tr("Revise decision {id}").format(id=record.short_id))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Save revision"))
        self.decision.setPlainText(record.decision)
        self.rationale.setPlainText(record.rationale)
        self.options.setPlainText("\n".join(f"{o}: {why}" if why else o for o, why in record.options))
        self._review_was = record.review_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if record.review_at else ""
        self.review.setText(self._review_was)
        self.review.setToolTip(self.tr("Empty it to drop the review"))

    def _submit(self) -> None:
        read = self._actor_and_options()
        if read is None:
            return
        actor, options = read
        review = self.review.text().strip()
        decisions, ref = self._state.app.decisions, self._record.id.hex
        decision, rationale = self.decision.toPlainText(), self.rationale.toPlainText()
        self._write(
            lambda: decisions.revise(
                ref,
                actor=actor,
                decision=decision,
                rationale=rationale,
                options=options,
                review_at=None if review == self._review_was else review,
            )
        )


class RumourEvidenceDialog(_WriteDialog):
    """One piece of evidence: a web link or an incident (each with an optional note of what it shows), or a note."""

    def __init__(self, state: GuiState, record: RumourRecord, parent: QWidget | None = None) -> None:
        title = self.tr("Evidence for rumour {id}").format(id=record.short_id)
        super().__init__(state, title, self.tr("Add evidence"), parent)
        self._record = record
        claim = QLabel(record.claim)
        claim.setWordWrap(True)
        self.url = QLineEdit()
        self.url.setPlaceholderText(self.tr("https://… where it was posted or reported"))
        self.incident = QLineEdit()
        self.incident.setPlaceholderText(self.tr("Incident ID, e.g. 3f2a9c1b (at the foot of its detail)"))
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText(self.tr("What it shows; on its own, the evidence itself"))
        self.form.addRow(self.tr("Claim"), claim)
        self.form.addRow(self.tr("&Link"), self.url)
        self.form.addRow(self.tr("or &incident"), self.incident)
        self.form.addRow(self.tr("N&ote"), self.note)
        self.url.setFocus()

    def _submit(self) -> None:
        actor = self._actor()
        if actor is None:
            return
        rumours, ref = self._state.app.rumours, self._record.id.hex
        url, incident, note = self.url.text(), self.incident.text(), self.note.toPlainText()
        self._write(lambda: rumours.add_evidence(ref, actor=actor, url=url, incident=incident, note=note))
