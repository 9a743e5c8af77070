"""The Outbox view: every post of the operation with its state in plain words, filter chips by state (with counts),
the selected post's detail and actions, and a second tab with the sandbox training feed (what exercises
'published'). Reloads when the worker or a person moves a post."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from crowdops.domain.audit import AuditEntry
from crowdops.gui.dialogs.outbox_dialogs import CancelDialog, ResolveDialog
from crowdops.gui.models.outbox_model import FILTERS, OutboxFilter, OutboxModel, SandboxFeedModel
from crowdops.gui.state import GuiState
from crowdops.gui.views.layouts import list_and_detail, with_empty_state
from crowdops.gui.views.outbox_detail import OutboxDetail
from crowdops.gui.views.selection import KeepsSelection
from crowdops.gui.views.widgets import ChipDelegate, chip_width, text_label
from crowdops.gui.wording import user_message
from crowdops.services.records import OperationRecord

if TYPE_CHECKING:
    from crowdops.services.outbox import OutboxEntry, SandboxEntry

LIMIT = 1000  # newest first; an operation rarely has more, and older ones are in the CLI (`crowdops outbox list`)


class MiddleElide(QStyledItemDelegate):
    """A link elided in the middle: its host and the post's own id stay readable."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideMiddle  # type: ignore[attr-defined]


def _table(model: object, stretch: int) -> QTableView:
    table = QTableView()
    table.setModel(model)  # type: ignore[arg-type]
    table.setItemDelegate(ChipDelegate(table))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setShowGrid(False)
    table.setSortingEnabled(True)
    table.verticalHeader().hide()
    table.horizontalHeader().setHighlightSections(False)
    table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


class OutboxView(KeepsSelection, QWidget):
    loaded = Signal()

    def __init__(self, state: GuiState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._keep: uuid.UUID | None = None
        self._generation = 0
        self.model = OutboxModel(state.clock, self)
        self.proxy = OutboxFilter(self)
        self.proxy.setSourceModel(self.model)

        bar = QWidget()
        bar.setObjectName("FilterBar")
        row = QHBoxLayout(bar)
        row.setContentsMargins(8, 8, 8, 4)
        self.filter_buttons: list[QPushButton] = []
        self._filter_group = QButtonGroup(self)
        for index, (title, _states) in enumerate(FILTERS):
            button = QPushButton(self.tr(title))
            button.setObjectName("FilterChip")
            button.setCheckable(True)
            button.setChecked(index == 0)
            button.setToolTip(self.tr("Show only these posts (Ctrl+F, then Tab to move between them)"))
            self._filter_group.addButton(button, index)
            self.filter_buttons.append(button)
            row.addWidget(button)
        row.addStretch(1)
        self._filter_group.idClicked.connect(self.set_filter)

        self.table = _table(self.proxy, OutboxModel.ERROR)
        self.table.sortByColumn(OutboxModel.STATE, Qt.SortOrder.AscendingOrder)
        self.table.setItemDelegateForColumn(OutboxModel.LINK, MiddleElide(self.table))
        self.table.clicked.connect(self._clicked)
        self.stack, self.empty = with_empty_state(self.table)
        self.detail = OutboxDetail()
        self.detail.retry_requested.connect(self.retry)
        self.detail.cancel_requested.connect(self.cancel)
        self.detail.resolve_requested.connect(self.resolve)
        posts = QWidget()
        list_and_detail(posts, bar, self.stack, self.detail, (880, 380))

        self.feed_model = SandboxFeedModel(state.clock, self)
        self.feed_table = _table(self.feed_model, SandboxFeedModel.TEXT)
        self.feed_table.sortByColumn(SandboxFeedModel.TIME, Qt.SortOrder.DescendingOrder)
        self.feed_stack, self.feed_empty = with_empty_state(self.feed_table)
        feed = QWidget()
        column = QVBoxLayout(feed)
        column.setContentsMargins(8, 8, 8, 8)
        column.addWidget(
            text_label(
                self.tr(
                    "The training feed: what this operation's sandbox channels 'published'. It never leaves this "
                    "computer; exercises can only publish here."
                ),
                "Muted",
            )
        )
        column.addWidget(self.feed_stack, 1)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(posts, self.tr("Posts"))
        self.tabs.addTab(feed, self.tr("Training feed (sandbox)"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

        self._size_columns()
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        state.operation_changed.connect(self._operation_changed)
        state.bridge.outbox_changed.connect(self.reload)
        state.bridge.message_changed.connect(lambda _op, _message: self.reload())  # an approval queues posts
        self._update_empty_state()

    # -- loading ----------------------------------------------------------------------------------------

    def _operation_changed(self, op: OperationRecord | None) -> None:
        self._keep = None
        self.detail.show_nothing()
        tz = op.tz if op else ZoneInfo("UTC")
        self.model.set_rows([], tz)
        self.feed_model.set_rows([], tz)
        self.reload()

    def reload(self) -> None:
        op = self._state.operation
        self._generation += 1
        if op is None or not self._state.ready:
            self._update_empty_state()
            return
        generation, outbox = self._generation, self._state.app.outbox
        self._state.tasks.read(
            lambda: (outbox.list(operation_id=op.id, limit=LIMIT), outbox.sandbox_feed(operation_id=op.id)),
            lambda rows: self._show(generation, op, *rows),
        )

    def sync_now(self) -> None:
        """F5 here: reload, and wake the worker so that what is due goes now."""
        if self._state.ready:
            self._state.app.sync.wake()
        self.reload()

    def _show(self, generation: int, op: OperationRecord, rows: list[OutboxEntry], feed: list[SandboxEntry]) -> None:
        if generation != self._generation:
            return
        self.model.set_rows(rows, op.tz)
        self.feed_model.set_rows(feed, op.tz)
        capped = len(rows) >= LIMIT  # older posts exist that this list does not show
        for button, (title, states) in zip(self.filter_buttons, FILTERS, strict=True):
            n = len(rows) if states is None else sum(1 for r in rows if r.status in states)
            button.setText(f"{self.tr(title)} ({n}{'+' if capped else ''})")
            tip = self.tr("Show only these posts (Ctrl+F, then Tab to move between them)")
            if capped:
                tip += "\n" + self.tr("Counting the newest {n} posts; `crowdops outbox list` shows every one.")
            button.setToolTip(tip.format(n=LIMIT))
        self._restore_selection()
        self._update_empty_state()
        self.loaded.emit()

    def set_filter(self, index: int) -> None:
        self.filter_buttons[index].setChecked(True)
        self.proxy.set_states(FILTERS[index][1])
        self._restore_selection()
        self._update_empty_state()

    def focus_search(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.filter_buttons[self._filter_group.checkedId()].setFocus()

    def _update_empty_state(self) -> None:
        if self._state.operation is None:
            text = self.tr("No operation is open. Choose one above.")
        elif self.model.rowCount():
            text = self.tr("No posts in this state. Choose All to see every post.")
        else:
            text = self.tr(
                "Nothing in the outbox yet. Posts appear here when a message is approved (Ctrl+3 opens Review)."
            )
        if self.proxy.rowCount():
            self.stack.setCurrentWidget(self.table)
        else:
            self.empty.setText(text)
            self.stack.setCurrentWidget(self.empty)
        if self.feed_model.rowCount():
            self.feed_stack.setCurrentWidget(self.feed_table)
        else:
            self.feed_empty.setText(
                self.tr("The training feed is empty. Posts to a sandbox channel appear here once 'published'.")
            )
            self.feed_stack.setCurrentWidget(self.feed_empty)

    # -- selection and detail -----------------------------------------------------------------------------

    def _load_detail(self, entry: OutboxEntry) -> None:
        op, audit = self._state.operation, self._state.app.audit
        if op is None:
            return
        subject = f"outbox:{entry.id.hex}"
        self._state.tasks.read(lambda: audit.trail(subject), lambda trail: self._show_detail(entry, trail, op))

    def _show_detail(self, entry: OutboxEntry, trail: list[AuditEntry], op: OperationRecord) -> None:
        if self._keep == entry.id:
            self.detail.show_entry(entry, trail, op.tz, self._state.clock())

    def selected_entry(self) -> OutboxEntry | None:
        row = self.model.row_of(self._keep)
        return self.model.record(row) if row is not None else None

    def _clicked(self, index: QModelIndex) -> None:
        if index.column() == OutboxModel.LINK:
            url = self.model.link(self.proxy.mapToSource(index).row())
            if url:
                QDesktopServices.openUrl(QUrl(url))

    # -- actions --------------------------------------------------------------------------------------------

    def retry(self, entry: OutboxEntry) -> None:
        user = self._state.user
        if user is None:
            self.detail.show_error(self.tr("Sign in first (Ctrl+Shift+I)."))
            return
        self.detail.show_error(None)
        outbox, ref = self._state.app.outbox, entry.id.hex
        self._state.tasks.write(
            lambda: outbox.retry(ref, actor=user.name),
            self._retried,
            lambda error: self.detail.show_error(user_message(error)),
        )

    def _retried(self, entry: OutboxEntry) -> None:
        self._say(
            self.tr("Trying again now: {language} post to {channel}").format(
                language=entry.language.upper(), channel=entry.channel
            )
        )
        self._state.app.sync.wake()
        self.select_when_shown(entry.id)

    def cancel(self, entry: OutboxEntry) -> CancelDialog:
        return self._open(CancelDialog(self._state, entry, self))

    def resolve(self, entry: OutboxEntry) -> ResolveDialog:
        return self._open(ResolveDialog(self._state, entry, self))

    def _say(self, text: str) -> None:
        bar = getattr(self.window(), "statusBar", None)
        if bar is not None:
            bar().showMessage(text, 6000)

    # -- looks ----------------------------------------------------------------------------------------------

    def restyle(self) -> None:
        self.model.repaint()
        self.feed_model.repaint()
        self._size_columns()

    def _size_columns(self) -> None:
        metrics = self.table.fontMetrics()
        char = metrics.horizontalAdvance("0")
        for table in (self.table, self.feed_table):
            table.verticalHeader().setDefaultSectionSize(int(metrics.height() * 1.9))
        header = self.table.horizontalHeader()
        # The commonest long state shows whole; the longest ("Unknown — checking…") elides, its tooltip whole.
        header.resizeSection(OutboxModel.STATE, chip_width(self.table.font(), "Failed — not published"))
        widths = {OutboxModel.CHANNEL: 16, OutboxModel.LANGUAGE: 6, OutboxModel.ATTEMPTS: 5, OutboxModel.NEXT: 17}
        widths[OutboxModel.LINK] = 24
        for column, chars in widths.items():
            header.resizeSection(column, chars * char)
        feed = self.feed_table.horizontalHeader()
        feed_widths = {SandboxFeedModel.TIME: 14, SandboxFeedModel.CHANNEL: 18, SandboxFeedModel.LANGUAGE: 9}
        for column, chars in feed_widths.items():
            feed.resizeSection(column, chars * char)
