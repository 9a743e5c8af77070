"""What the Rumours and the Decisions views share: a search bar over a sortable table (or its empty state), the
detail pane of the selected row, reloads when the core announces a change and on an operation switch."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QTableView, QWidget

from crowdops.gui.models.message_model import SORT_ROLE
from crowdops.gui.state import GuiState
from crowdops.gui.views.layouts import list_and_detail, with_empty_state
from crowdops.gui.views.selection import KeepsSelection
from crowdops.gui.views.widgets import ChipDelegate, text_label
from crowdops.services.records import OperationRecord


class RegisterView(KeepsSelection, QWidget):
    loaded = Signal()
    EMPTY = ""
    SEARCH = ""

    def __init__(self, state: GuiState, model: Any, detail: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._keep: uuid.UUID | None = None
        self._generation = 0
        self.model = model
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr(self.SEARCH))
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip(self.tr("Shows the rows holding this text (Ctrl+F)"))
        self.search.textChanged.connect(self._apply_filter)
        bar = QWidget()
        bar.setObjectName("FilterBar")
        row = QHBoxLayout(bar)
        row.setContentsMargins(8, 8, 8, 4)
        row.addWidget(self.search)

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setItemDelegate(ChipDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().hide()
        stretch = model.STRETCH if model.STRETCH >= 0 else len(model.HEADERS) - 1
        self.table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        self.stack, self.empty = with_empty_state(self.table)
        self.detail = detail
        list_and_detail(self, bar, self.stack, detail, (880, 380))
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        state.operation_changed.connect(self._operation_changed)
        self._ticker = QTimer(self)  # ages and idle times ("12 min") move on without a reload
        self._ticker.setInterval(60_000)
        self._ticker.timeout.connect(self.model.repaint)
        self._ticker.start()
        self._update_empty_state()

    # -- loading ----------------------------------------------------------------------------------------

    def reload(self) -> None:
        op = self._state.operation
        self._generation += 1
        if op is None or not self._state.ready:
            self._update_empty_state()
            return
        generation = self._generation
        self._state.tasks.read(self._list_work(op), lambda rows: self._show(generation, op, rows))

    def _list_work(self, op: OperationRecord) -> Any:
        raise NotImplementedError

    def _show(self, generation: int, op: OperationRecord, rows: list[Any]) -> None:
        if generation != self._generation:
            return
        self.model.set_rows(rows, op.tz)
        self._restore_selection()
        self._update_empty_state()
        self.loaded.emit()

    def _apply_filter(self) -> None:
        self.proxy.setFilterFixedString(self.search.text())
        self._update_empty_state()

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
            text = self.tr("Nothing matches this search.")
        else:
            text = self.tr(self.EMPTY)
        self.empty.setText(text)
        self.stack.setCurrentWidget(self.empty)

    # -- selection ----------------------------------------------------------------------------------------

    def selected_record(self) -> Any:
        row = self.model.row_of(self._keep)
        return self.model.record(row) if row is not None else None

    def _load_detail(self, record: Any) -> None:
        raise NotImplementedError

    def _show_nothing(self) -> None:
        self.detail.show_nothing()  # type: ignore[attr-defined]

    def _say(self, text: str) -> None:
        window = self.window()
        bar = getattr(window, "statusBar", None)
        if bar is not None:
            bar().showMessage(text, 8000)

    def restyle(self) -> None:
        self.model.repaint()


def section(title: str) -> QLabel:
    return text_label(title, "SectionTitle")
