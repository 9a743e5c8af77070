"""The Review queue: what waits for approval (life-safety first, then oldest first) and the review pane. A
commander approves with a passphrase or rejects with a reason; everyone else reads, told who may act."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import QItemSelection, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crowdops.domain.enums import Role
from crowdops.domain.messages import MessageStatus
from crowdops.domain.times import format_local
from crowdops.gui.dialogs.review_dialogs import PassphraseDialog, RejectDialog
from crowdops.gui.models.message_model import PRIORITY_RANK, Column, MessageModel
from crowdops.gui.state import GuiState
from crowdops.gui.views.review_pane import ReviewPane
from crowdops.gui.views.widgets import ChipDelegate, chip_width
from crowdops.gui.wording import headline, user_message
from crowdops.services.records import OperationRecord, UserRecord

if TYPE_CHECKING:
    from crowdops.services.message_records import MessageRecord

COLUMNS = (Column.PRIORITY, Column.TEXT, Column.AUTHOR, Column.WAITING)  # the purpose is the pane's title


class ReviewView(QWidget):
    waiting_changed = Signal(int)
    loaded = Signal()
    approved = Signal(object)  # MessageRecord
    rejected = Signal(object)  # MessageRecord

    def __init__(self, state: GuiState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._generation = 0
        self._selected: uuid.UUID | None = None
        self._acted_on: uuid.UUID | None = None
        self.passphrase_dialog: PassphraseDialog | None = None
        self.reject_dialog: RejectDialog | None = None
        self.model = MessageModel(COLUMNS, state.clock, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setItemDelegate(ChipDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setHighlightSections(False)
        self.table.horizontalHeader().setSectionResizeMode(COLUMNS.index(Column.TEXT), QHeaderView.ResizeMode.Stretch)
        self._size_columns()
        self.empty = QLabel(self.tr("Nothing waits for approval."))
        self.empty.setObjectName("EmptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        self.pane = ReviewPane()
        self.pane.approve_requested.connect(self.approve)
        self.pane.reject_requested.connect(self.reject)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.stack)
        splitter.addWidget(self.pane)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([580, 660])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        self._ages = QTimer(self)  # "Waiting 12 min" keeps counting
        self._ages.setInterval(30_000)
        self._ages.timeout.connect(self.model.repaint)
        self._ages.start()
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        state.operation_changed.connect(self._operation_changed)
        state.user_changed.connect(self._user_changed)
        state.bridge.message_changed.connect(self._message_changed)
        self._user_changed(state.user)
        self.stack.setCurrentWidget(self.empty)

    # -- loading ----------------------------------------------------------------------------------------

    def _operation_changed(self, op: OperationRecord | None) -> None:
        self._selected = None
        self.model.set_rows([], op.tz if op else ZoneInfo("UTC"))
        self.pane.show_notice(None)
        self._user_changed(self._state.user)
        self.reload()

    def _message_changed(self, operation_id: uuid.UUID, _message_id: uuid.UUID) -> None:
        if self._state.operation is not None and operation_id == self._state.operation.id:
            self.reload()

    def reload(self) -> None:
        op = self._state.operation
        self._generation += 1
        if op is None or not self._state.ready:
            self._show(self._generation, None, [])
            return
        generation, messages = self._generation, self._state.app.messages
        waiting = MessageStatus.SUBMITTED.value
        self._state.tasks.read(lambda: messages.list(op.id, waiting), lambda rows: self._show(generation, op, rows))

    def _show(self, generation: int, op: OperationRecord | None, rows: list[MessageRecord]) -> None:
        if generation != self._generation:
            return
        rows.sort(key=lambda r: (PRIORITY_RANK[r.priority], r.updated_at))
        shown = self.pane.record
        self.model.set_rows(rows, op.tz if op else ZoneInfo("UTC"))
        self.stack.setCurrentWidget(self.table if rows else self.empty)
        self.waiting_changed.emit(len(rows))
        row = self.model.row_of(self._selected)
        if row is None and self._selected is not None and self._selected != self._acted_on:
            self.pane.show_notice(
                self.tr("The message you were reading no longer waits: it was approved, rejected, withdrawn or edited.")
            )
        elif row is not None and shown is not None and shown.content_hash != self.model.record(row).content_hash:
            self.pane.show_notice(self.tr("This message changed while you were reading it. Read it again."))
        self._select(row if row is not None else (0 if rows else None))
        self.loaded.emit()

    def _select(self, row: int | None) -> None:
        selection = self.table.selectionModel()
        selection.blockSignals(True)
        if row is None:
            self.table.clearSelection()
        else:
            self.table.selectRow(row)
        selection.blockSignals(False)
        self.table.viewport().update()
        self._show_record(self.model.record(row) if row is not None else None)

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            self.pane.show_notice(None)
            self._show_record(self.model.record(indexes[0].row()))

    def _show_record(self, record: MessageRecord | None) -> None:
        op = self._state.operation
        if record is None or op is None:
            self._selected = None
            self.pane.show_nothing(
                self.tr("Submitted messages appear on the left, most urgent first; select one to review it.")
                if op
                else None
            )
            return
        self._selected = record.id
        self.pane.show_message(record, op.tz, self._state.clock())

    # -- who may act ------------------------------------------------------------------------------------

    def _user_changed(self, user: UserRecord | None) -> None:
        op = self._state.operation
        exercise = bool(op and op.exercise)
        who = self.tr("a commander or a trainer") if exercise else self.tr("a commander")
        if user is None:
            refusal = self.tr("You are not signed in. Only {who} approves public messages: sign in (Ctrl+Shift+I).")
        elif user.role is Role.COMMANDER or (exercise and user.role is Role.TRAINER):
            refusal = None
        else:
            refusal = self.tr("Only {who} approves public messages. You can read what waits here.")
        self.pane.set_permission(refusal.format(who=who) if refusal else None)

    # -- approving and rejecting -----------------------------------------------------------------------

    def approve(self, record: MessageRecord) -> None:
        user = self._state.user
        if user is None:
            return
        if user.name in record.contributors:
            self.pane.show_error(
                self.tr("You wrote or edited this message, so you may not approve it: a second commander must.")
            )
            return
        op = self._state.operation
        if op is None:
            return
        self.pane.show_error(None)
        dialog = self.passphrase_dialog = PassphraseDialog(record, user.name, op.tz, self._state.clock, self)
        dialog.given.connect(lambda passphrase, when: self._approve(record, user, passphrase, when))
        dialog.open()

    def _approve(self, record: MessageRecord, user: UserRecord, passphrase: str, publish_at: str = "") -> None:
        """`publish_at`: as typed ("18:00", an ISO time); empty for as soon as possible."""
        approvals, outbox = self._state.app.approvals, self._state.app.outbox

        def work() -> tuple[MessageRecord, datetime | None]:
            approved = approvals.approve(
                record.id.hex,
                actor=user.name,
                passphrase=passphrase,
                expected_hash=record.content_hash,
                publish_at=publish_at or None,
            )
            times = [e.not_before for e in outbox.list(message_id=approved.id) if e.not_before is not None]
            return approved, max(times, default=None)

        self.pane.set_busy(True)
        self._state.tasks.write(work, self._approved, self._refused)

    def _approved(self, outcome: tuple[MessageRecord, datetime | None]) -> None:
        record, scheduled = outcome
        self._acted_on = record.id
        self.pane.set_busy(False)
        self.approved.emit(record)
        op, bar = self._state.operation, getattr(self.window(), "statusBar", None)
        if scheduled is not None and op is not None and bar is not None:
            when = format_local(scheduled, op.tz)
            bar().showMessage(
                self.tr("Approved; held until {when}: {what}").format(when=when, what=headline(record)[:80]), 8000
            )

    def reject(self, record: MessageRecord) -> None:
        user = self._state.user
        if user is None:
            return
        self.pane.show_error(None)
        dialog = self.reject_dialog = RejectDialog(record, self)
        dialog.given.connect(lambda reason: self._reject(record, user, reason))
        dialog.open()

    def _reject(self, record: MessageRecord, user: UserRecord, reason: str) -> None:
        approvals = self._state.app.approvals
        self.pane.set_busy(True)
        self._state.tasks.write(
            lambda: approvals.reject(record.id.hex, actor=user.name, reason=reason), self._rejected, self._refused
        )

    def _rejected(self, record: MessageRecord) -> None:
        self._acted_on = record.id
        self.pane.set_busy(False)
        self.rejected.emit(record)

    def _refused(self, error: Exception) -> None:
        self.pane.set_busy(False)
        self.pane.show_error(user_message(error))

    def focus_search(self) -> None:
        """Ctrl+F: the queue has no search (it is short); the keyboard goes to the queue."""
        self.table.setFocus()

    # -- look -------------------------------------------------------------------------------------------

    def restyle(self) -> None:
        self.model.repaint()
        self._size_columns()
        if self.pane.record is not None and self._state.operation is not None:
            self.pane.show_message(self.pane.record, self._state.operation.tz, self._state.clock())

    def _size_columns(self) -> None:
        metrics = self.table.fontMetrics()
        char = metrics.horizontalAdvance("0")
        self.table.verticalHeader().setDefaultSectionSize(int(metrics.height() * 1.9))
        header = self.table.horizontalHeader()
        header.resizeSection(COLUMNS.index(Column.PRIORITY), chip_width(self.table.font(), "LIFE-SAFETY"))
        for column, chars in ((Column.AUTHOR, 10), (Column.WAITING, 11)):
            header.resizeSection(COLUMNS.index(column), chars * char)
