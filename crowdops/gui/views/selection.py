"""Keeping a list's selection across reloads and filters: the list views select "the same record" again after the
model was refilled, without their selection signal firing (which would load its detail a second time)."""

import uuid
from typing import Any, Protocol, TypeVar
from zoneinfo import ZoneInfo

from PySide6.QtCore import QItemSelection, QModelIndex, QSortFilterProxyModel
from PySide6.QtWidgets import QDialog, QTableView


class RowsById(Protocol):
    def row_of(self, record_id: uuid.UUID | None) -> int | None: ...

    def index(self, row: int, column: int, parent: QModelIndex = ...) -> QModelIndex: ...


def reselect(
    table: QTableView, proxy: QSortFilterProxyModel, model: RowsById, record_id: uuid.UUID | None
) -> int | None:
    """Select the row showing `record_id`, quietly; return its row in `model`, or None (selection cleared) when the
    record is gone or filtered out."""
    row = model.row_of(record_id) if record_id is not None else None
    index = proxy.mapFromSource(model.index(row, 0)) if row is not None else None
    if row is None or index is None or not index.isValid():
        table.clearSelection()
        return None
    selection = table.selectionModel()
    selection.blockSignals(True)  # the caller loads the detail once
    table.selectRow(index.row())
    selection.blockSignals(False)
    table.viewport().update()
    table.scrollTo(index)
    return row


D = TypeVar("D", bound=QDialog)


class KeepsSelection:
    """The list-and-detail views' selection: which record is shown (`_keep`), kept across reloads and filters.
    Expects `table`, `proxy`, `model` (with `row_of` and `record`), `_keep` and `_load_detail(record)`."""

    table: QTableView
    proxy: QSortFilterProxyModel
    model: Any
    _keep: uuid.UUID | None

    def select_when_shown(self, record_id: uuid.UUID) -> None:
        """Select this record now if it is listed, else when the next reload lists it."""
        self._keep = record_id
        self._restore_selection()

    def _restore_selection(self) -> None:
        row = reselect(self.table, self.proxy, self.model, self._keep)
        if row is None:
            self._show_nothing()
        else:
            self._load_detail(self.model.record(row))

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            record = self.model.record(self.proxy.mapToSource(indexes[0]).row())
            self._keep = record.id
            self._load_detail(record)

    def _open(self, dialog: D) -> D:
        """Open a dialog about the selected record; when it changes the record, show it changed."""
        dialog.done.connect(lambda changed: self.select_when_shown(changed.id))  # type: ignore[attr-defined]
        dialog.open()
        return dialog

    def _operation_changed(self, op: Any) -> None:
        """Another operation (or none): nothing selected, an empty list in its zone, then its records."""
        self._keep = None
        self._show_nothing()
        self.model.set_rows([], op.tz if op else ZoneInfo("UTC"))
        self.reload()

    def _changed(self, operation_id: uuid.UUID, _record_id: uuid.UUID) -> None:
        """A change the core announced (from this view, another one or a background job): reload if it is ours."""
        operation = self._state.operation  # type: ignore[attr-defined]
        if operation is not None and operation_id == operation.id:
            self.reload()

    def reload(self) -> None:
        raise NotImplementedError

    def _show_nothing(self) -> None:
        self.detail.show_nothing()  # type: ignore[attr-defined]

    def _load_detail(self, record: Any) -> None:
        raise NotImplementedError
