"""The Messages view: a status filter and a word search above the operation's messages, an empty state that says
what to do next, and the detail pane of the selected message."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableView,
    QWidget,
)

from crowdops.domain.audit import AuditEntry
from crowdops.domain.messages import MessageStatus
from crowdops.gui.dialogs.message_actions import BreakGlassDialog, WithdrawDialog
from crowdops.gui.link_titles import LinkText, read_link_texts
from crowdops.gui.models.message_model import Column, MessageFilter, MessageModel
from crowdops.gui.state import GuiState
from crowdops.gui.views.layouts import list_and_detail, with_empty_state
from crowdops.gui.views.message_detail import MessageDetail
from crowdops.gui.views.selection import KeepsSelection
from crowdops.gui.views.widgets import ChipDelegate, chip_width
from crowdops.services.records import OperationRecord

if TYPE_CHECKING:
    from crowdops.gui.dialogs.channel_text import ChannelTextDialog
    from crowdops.services.message_records import MessageRecord
    from crowdops.services.outbox import OutboxEntry

# The text gets the room: the purpose is the detail pane's title, and many languages show as a count.
COLUMNS = (Column.STATUS, Column.PRIORITY, Column.TEXT, Column.LANGUAGES, Column.UPDATED)


class MessagesView(KeepsSelection, QWidget):
    edit_requested = Signal(object)  # MessageRecord
    loaded = Signal()

    def __init__(self, state: GuiState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._keep: uuid.UUID | None = None  # the message to keep selected across reloads
        self._generation = 0
        self.model = MessageModel(COLUMNS, state.clock, self)
        self.proxy = MessageFilter(self)
        self.proxy.setSourceModel(self.model)

        self.status_filter = QComboBox()
        self.status_filter.setToolTip(self.tr("Show messages in one state only"))
        self.status_filter.addItem(self.tr("All messages"), None)
        for status in MessageStatus:
            self.status_filter.addItem(self.tr(status.label), status.value)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search message texts (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip(self.tr("Shows messages whose texts hold every word typed (Ctrl+F; Esc clears)"))
        bar = QWidget()
        bar.setObjectName("FilterBar")
        row = QHBoxLayout(bar)
        row.setContentsMargins(8, 8, 8, 4)
        row.addWidget(self.search, 3)
        row.addWidget(self.status_filter, 1)

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setItemDelegate(ChipDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COLUMNS.index(Column.UPDATED), Qt.SortOrder.DescendingOrder)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setHighlightSections(False)
        self.table.horizontalHeader().setSectionResizeMode(COLUMNS.index(Column.TEXT), QHeaderView.ResizeMode.Stretch)
        self._size_columns()
        self.stack, self.empty = with_empty_state(self.table)
        self.detail = MessageDetail()
        self.detail.edit_requested.connect(self.edit_requested)
        self.detail.withdraw_requested.connect(self.withdraw)
        self.detail.channel_text_requested.connect(self.channel_text)
        self.detail.break_glass_requested.connect(self.publish_unreviewed)

        list_and_detail(self, bar, self.stack, self.detail, (880, 380))

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(200)
        self._debounce.timeout.connect(self._apply_filter)
        self.search.textChanged.connect(self._debounce.start)
        self.status_filter.currentIndexChanged.connect(self._apply_filter)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        state.operation_changed.connect(self._operation_changed)
        state.bridge.message_changed.connect(self._changed)
        self._update_empty_state()

    # -- loading ----------------------------------------------------------------------------------------

    def reload(self) -> None:
        op = self._state.operation
        self._generation += 1
        if op is None or not self._state.ready:
            self._update_empty_state()
            return
        generation, messages = self._generation, self._state.app.messages
        self._state.tasks.read(lambda: messages.list(op.id), lambda rows: self._show(generation, op, rows))

    def _show(self, generation: int, op: OperationRecord, rows: list[MessageRecord]) -> None:
        if generation != self._generation:
            return  # a newer reload, or another operation, is on its way
        self.model.set_rows(rows, op.tz)
        self._restore_selection()
        self._update_empty_state()
        self.loaded.emit()

    def _apply_filter(self) -> None:
        self._debounce.stop()
        status = self.status_filter.currentData()  # Qt hands the enum back as its string value
        self.proxy.set_status(MessageStatus(status) if status else None)
        self.proxy.set_words(self.search.text())
        self._restore_selection()
        self._update_empty_state()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.proxy.filtered:
            self.search.clear()
            self.status_filter.setCurrentIndex(0)
            self._apply_filter()
            return
        super().keyPressEvent(event)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _update_empty_state(self) -> None:
        if self.proxy.rowCount():
            self.stack.setCurrentWidget(self.table)
            return
        if self._state.operation is None:
            text = self.tr("No operation is open. Choose one above.")
        elif self.model.rowCount():
            text = self.tr("No messages match this filter.\nPress Esc to show every message.")
        else:
            text = self.tr("No messages yet — press Ctrl+N to write one.")
        self.empty.setText(text)
        self.stack.setCurrentWidget(self.empty)

    # -- selection and detail -----------------------------------------------------------------------------

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            record = self.model.record(self.proxy.mapToSource(indexes[0]).row())
            if record.id != self._keep or self.detail.record is None:
                self._keep = record.id
                self._load_detail(record)

    def _load_detail(self, record: MessageRecord) -> None:
        op, app = self._state.operation, self._state.app
        if op is None:
            return

        def work() -> tuple[list[AuditEntry], list[OutboxEntry], list[LinkText]]:
            # Each channel's delivery with its link or error: the message record's outbox rows do not carry them.
            deliveries = app.outbox.list(message_id=record.id) if record.outbox else []
            return app.audit.trail(f"message:{record.id.hex}"), deliveries, read_link_texts(app, record.links)

        self._state.tasks.read(work, lambda found: self._show_detail(record, *found, op))

    def _show_detail(
        self,
        record: MessageRecord,
        trail: list[AuditEntry],
        deliveries: list[OutboxEntry],
        links: list[LinkText],
        op: OperationRecord,
    ) -> None:
        if self._keep == record.id:  # still the selected message when its trail arrived
            self.detail.show_message(record, trail, op.tz, self._state.clock(), deliveries, links)

    def withdraw(self, record: MessageRecord) -> WithdrawDialog:
        return self._open(WithdrawDialog(self._state, record, self))

    def channel_text(self, record: MessageRecord) -> ChannelTextDialog:
        # Imported here: the platforms' length rules (and their regular expressions) cost 30 ms at start-up.
        from crowdops.gui.dialogs.channel_text import ChannelTextDialog

        return self._open(ChannelTextDialog(self._state, record, self))

    def publish_unreviewed(self, record: MessageRecord) -> BreakGlassDialog:
        return self._open(BreakGlassDialog(self._state, record, self))

    def selected_record(self) -> MessageRecord | None:
        return self.detail.record

    def restyle(self) -> None:
        self.model.repaint()
        self._size_columns()

    def _size_columns(self) -> None:
        metrics = self.table.fontMetrics()
        char = metrics.horizontalAdvance("0")
        self.table.verticalHeader().setDefaultSectionSize(int(metrics.height() * 1.9))
        header = self.table.horizontalHeader()
        header.resizeSection(COLUMNS.index(Column.STATUS), chip_width(self.table.font(), "Waiting for approval"))
        header.resizeSection(COLUMNS.index(Column.PRIORITY), chip_width(self.table.font(), "LIFE-SAFETY"))
        widths = {Column.LANGUAGES: 13, Column.UPDATED: 16}  # in characters, so larger text widens them
        for column, chars in widths.items():
            header.resizeSection(COLUMNS.index(column), chars * char)
