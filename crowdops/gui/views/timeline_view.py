"""The Timeline view: filter bar, the lazily loaded incident table (with rumours, decisions and published messages
among the incidents when their toggles are on), an empty state, and the detail pane of the selected row."""

import uuid

from PySide6.QtCore import QItemSelection, QModelIndex, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStackedWidget,
    QTableView,
    QWidget,
)

from crowdops.gui.models.timeline_model import Column, TimelineModel
from crowdops.gui.state import GuiState
from crowdops.gui.theme import Colours
from crowdops.gui.views.filter_bar import FilterBar
from crowdops.gui.views.incident_detail import IncidentDetail
from crowdops.gui.views.layouts import list_and_detail, with_empty_state
from crowdops.gui.views.story_detail import StoryDetail
from crowdops.services.inputs import TimelineQuery
from crowdops.services.records import IncidentRecord, OperationRecord
from crowdops.services.story_records import StoryItem, TimelineRow
from crowdops.store.filters import DECISIONS, MESSAGES, RUMOURS, PageKey, TimelineFilter


class TimelineView(QWidget):
    correct_requested = Signal(object)  # IncidentRecord
    message_requested = Signal(object)  # IncidentRecord: write a public message about it
    rumour_requested = Signal(object)  # IncidentRecord: track a rumour heard in it
    decision_requested = Signal(object)  # IncidentRecord: log a decision about it
    open_requested = Signal(str, object)  # rumour, decision or message, and its id: open it in its own view

    def __init__(self, state: GuiState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._keep_root: uuid.UUID | None = None  # the incident (or story row) to keep selected across reloads
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
        self.detail.rumour_requested.connect(self.rumour_requested)
        self.detail.decision_requested.connect(self.decision_requested)
        # A rumour, decision or message row shows a summary here; its own view holds its detail and actions.
        self.story_detail = StoryDetail()
        self.story_detail.open_requested.connect(self.open_requested)
        self.details = QStackedWidget()
        self.details.addWidget(self.detail)
        self.details.addWidget(self.story_detail)

        list_and_detail(self, self.filters, self.stack, self.details, (1000, 320))

        self.filters.changed.connect(self.apply_filters)
        self.model.reloaded.connect(self._after_reload)
        self.model.rowsInserted.connect(self._update_empty_state)
        self.model.loading_changed.connect(self._update_empty_state)
        self.model.failed.connect(self.filters.show_error)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.activated.connect(self._activated)
        state.operation_changed.connect(self._operation_changed)
        state.bridge.incident_logged.connect(self._incident_logged)
        state.bridge.rumour_changed.connect(lambda op, _id: self._story_changed(op, RUMOURS))
        state.bridge.decision_changed.connect(lambda op, _id: self._story_changed(op, DECISIONS))
        state.bridge.message_changed.connect(lambda op, _id: self._story_changed(op, MESSAGES))
        state.bridge.outbox_changed.connect(self._outbox_changed)

    def _read_page(self, flt: TimelineFilter, limit: int, after: PageKey | None) -> list[TimelineRow]:
        # Runs on the reader thread. Without other kinds, the incident timeline's own query, as fast as ever.
        incidents = self._state.app.incidents
        return incidents.story_page(flt, limit, after) if flt.kinds else incidents.page(flt, limit, after)

    # -- operation and filters --------------------------------------------------------------------------

    def _operation_changed(self, op: OperationRecord | None) -> None:
        self._keep_root = None
        self._show_nothing()
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
            kinds=self.filters.kinds(),
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

    def _story_changed(self, operation_id: uuid.UUID, kind: str) -> None:
        flt = self.model.filter
        if flt is not None and kind in flt.kinds and operation_id == flt.operation_id:
            self.model.refresh()

    def _outbox_changed(self) -> None:
        # A post the sync worker sent may publish a message; the event names no operation, so refresh ours.
        flt = self.model.filter
        if flt is not None and MESSAGES in flt.kinds:
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
            self._show_nothing()
        self._update_empty_state()

    def _update_empty_state(self) -> None:
        if self.model.rowCount() or self.model.loading:
            self.stack.setCurrentWidget(self.table)
            return
        if self._state.operation is None:
            text = self.tr("No operation is open. Choose one above, or create one with: crowdops op create")
        elif self.filters.is_filtered():
            text = self.tr("No incidents match these filters.\nPress Esc in the filter bar to clear them.")
        elif self.filters.kinds():
            text = self.tr("Nothing logged yet — press Ctrl+L to log an incident.")
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
        self._keep_root = record.id if isinstance(record, StoryItem) else record.root_id
        self._load_detail(record)

    def _activated(self, index: QModelIndex) -> None:
        """Enter or a double-click on a rumour, decision or message row opens it in its own view."""
        record = self.model.record(index.row())
        if isinstance(record, StoryItem):
            self.open_requested.emit(record.opens, record.target_id)

    def open_incident(self, root_id: uuid.UUID) -> None:
        """Show this incident (followed from a link): selected if it is loaded, its detail in any case."""
        self._keep_root = root_id
        row = self.model.row_of(root_id)
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
            return
        self.table.clearSelection()
        op = self._state.operation
        if op is not None:
            incidents = self._state.app.incidents
            self._state.tasks.read(
                lambda: incidents.history(root_id), lambda versions: self._show_detail(versions[-1], versions, op)
            )

    def _load_detail(self, record: TimelineRow) -> None:
        op = self._state.operation
        if op is None:
            return
        if isinstance(record, StoryItem):
            self.details.setCurrentWidget(self.story_detail)
            self.story_detail.show_item(record, op.tz)
            return
        self._state.tasks.read(
            lambda: self._state.app.incidents.history(record.id),
            lambda versions: self._show_detail(record, versions, op),
        )

    def _show_detail(self, record: IncidentRecord, versions: list[IncidentRecord], op: OperationRecord) -> None:
        if self._keep_root == record.root_id:  # still the selected incident when its history arrived
            self.details.setCurrentWidget(self.detail)
            self.detail.show_incident(versions, op.tz)

    def _show_nothing(self) -> None:
        self.detail.show_nothing()
        self.story_detail.show_nothing()
        self.details.setCurrentWidget(self.detail)

    def selected_record(self) -> IncidentRecord | None:
        """The selected incident (None when nothing, or a rumour, decision or message row, is selected)."""
        index: QModelIndex = self.table.currentIndex()
        rows = self.table.selectionModel().selectedRows()
        if rows:
            record = self.model.record(rows[0].row())
        else:
            record = self.model.record(index.row()) if index.isValid() else None
        return record if isinstance(record, IncidentRecord) else None

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
