"""The Timeline view: filter bar, the lazily loaded incident table, an empty state, and the detail pane."""

import uuid

from PySide6.QtCore import QItemSelection, QModelIndex, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableView,
    QWidget,
)

from crowdops.gui.models.timeline_model import Column, TimelineModel
from crowdops.gui.state import GuiState
from crowdops.gui.theme import Colours
from crowdops.gui.views.filter_bar import FilterBar
from crowdops.gui.views.incident_detail import IncidentDetail
from crowdops.gui.views.layouts import list_and_detail, with_empty_state
from crowdops.services.inputs import TimelineQuery
from crowdops.services.records import IncidentRecord, OperationRecord
from crowdops.store.filters import PageKey, TimelineFilter


class TimelineView(QWidget):
    correct_requested = Signal(object)  # IncidentRecord
    message_requested = Signal(object)  # IncidentRecord: write a public message about it

    def __init__(self, state: GuiState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._keep_root: uuid.UUID | None = None  # the incident to keep selected across reloads
        self.model = TimelineModel(self._read_page, state.tasks, state.clock, self)
        self.filters = FilterBar()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        self._size_columns()
        self.table.setColumnHidden(Column.SOURCE, True)  # in the detail pane; the table keeps what a glance needs
        header.setSectionResizeMode(Column.DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        self.stack, self.empty = with_empty_state(self.table)
        self.detail = IncidentDetail()
        self.detail.correct_requested.connect(self.correct_requested)
        self.detail.message_requested.connect(self.message_requested)

        list_and_detail(self, self.filters, self.stack, self.detail, (1000, 320))

        self.filters.changed.connect(self.apply_filters)
        self.model.reloaded.connect(self._after_reload)
        self.model.rowsInserted.connect(self._update_empty_state)
        self.model.loading_changed.connect(self._update_empty_state)
        self.model.failed.connect(self.filters.show_error)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        state.operation_changed.connect(self._operation_changed)
        state.bridge.incident_logged.connect(self._incident_logged)

    def _read_page(self, flt: TimelineFilter, limit: int, after: PageKey | None) -> list[IncidentRecord]:
        return self._state.app.incidents.page(flt, limit, after)  # runs on the reader thread

    # -- operation and filters --------------------------------------------------------------------------

    def _operation_changed(self, op: OperationRecord | None) -> None:
        self._keep_root = None
        self.detail.show_nothing()
        if op is None:
            self.model.clear()
            return
        self.filters.blockSignals(True)
        self.filters.set_kind(op.kind)
        self.filters.blockSignals(False)
        self.filters.reset()

    def apply_filters(self) -> None:
        op = self._state.operation
        if op is None:
            return
        query = TimelineQuery(
            operation_id=op.id,
            category=self.filters.category.currentData(),
            min_severity=self.filters.severity.currentData(),
            since=self.filters.since(self._state.clock()),
            search=self.filters.search.text(),
        )
        self._state.tasks.read(
            lambda: self._state.app.incidents.store_filter(query),
            lambda flt: self._show(flt, op),
            lambda error: self.filters.show_error(str(error)),
        )

    def _show(self, flt: TimelineFilter, op: OperationRecord) -> None:
        if self._state.operation is None or self._state.operation.id != op.id:
            return  # the operation changed while the filter was checked
        self.filters.show_error(None)
        self.model.set_filter(flt, op.tz)

    def focus_search(self) -> None:
        self.filters.search.setFocus()
        self.filters.search.selectAll()

    # -- keeping the table live -------------------------------------------------------------------------

    def _incident_logged(self, operation_id: uuid.UUID, _incident_id: uuid.UUID) -> None:
        if self._state.operation is not None and operation_id == self._state.operation.id:
            self.model.refresh()

    def select_when_shown(self, root_id: uuid.UUID) -> None:
        """Select this incident now if it is shown, else once a reload shows it (after a quick log or a
        correction, the reload that the change's event starts may land before or after this call)."""
        self._keep_root = root_id
        if not self.model.loading and self.model.row_of(root_id) is not None:
            self._after_reload()

    def _after_reload(self) -> None:
        row = self.model.row_of(self._keep_root) if self._keep_root else None
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
            self._load_detail(self.model.record(row))
        else:
            # Filtered out (or not loaded): show nothing rather than details of a row that is not on screen; the
            # incident is selected again if a later reload brings it back.
            self.table.clearSelection()
            self.detail.show_nothing()
        self._update_empty_state()

    def _update_empty_state(self) -> None:
        if self.model.rowCount() or self.model.loading:
            self.stack.setCurrentWidget(self.table)
            return
        if self._state.operation is None:
            text = self.tr("No operation is open. Choose one above, or create one with: crowdops op create")
        elif self.filters.is_filtered():
            text = self.tr("No incidents match these filters.\nPress Esc in the filter bar to clear them.")
        else:
            text = self.tr("No incidents yet — press Ctrl+L to log one.")
        self.empty.setText(text)
        self.stack.setCurrentWidget(self.empty)

    # -- selection and detail ---------------------------------------------------------------------------

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if not indexes:
            return
        record = self.model.record(indexes[0].row())
        self._keep_root = record.root_id
        self._load_detail(record)

    def _load_detail(self, record: IncidentRecord) -> None:
        op = self._state.operation
        if op is None:
            return
        self._state.tasks.read(
            lambda: self._state.app.incidents.history(record.id),
            lambda versions: self._show_detail(record, versions, op),
        )

    def _show_detail(self, record: IncidentRecord, versions: list[IncidentRecord], op: OperationRecord) -> None:
        if self._keep_root == record.root_id:  # still the selected incident when its history arrived
            self.detail.show_incident(versions, op.tz)

    def selected_record(self) -> IncidentRecord | None:
        index: QModelIndex = self.table.currentIndex()
        rows = self.table.selectionModel().selectedRows()
        if rows:
            return self.model.record(rows[0].row())
        return self.model.record(index.row()) if index.isValid() else None

    def restyle(self, colours: Colours) -> None:
        """After a theme or text-size change: new severity colours, and columns sized for the new font."""
        self.model.set_colours(colours)
        self._size_columns()

    def _size_columns(self) -> None:
        metrics = self.table.fontMetrics()
        char = metrics.horizontalAdvance("0")
        self.table.verticalHeader().setDefaultSectionSize(int(metrics.height() * 1.9))
        widths = {
            Column.TIME: 11,
            Column.SEVERITY: 12,
            Column.CATEGORY: 16,
            Column.WHERE: 18,
            Column.SOURCE: 14,
            Column.LOGGED_BY: 12,
        }  # in characters, so larger text widens them
        for column, chars in widths.items():
            self.table.horizontalHeader().resizeSection(column, chars * char)
