"""Keeping a list's selection across reloads and filters: the list views select "the same record" again after the
model was refilled, without their selection signal firing (which would load its detail a second time)."""

import uuid
from typing import Protocol

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel
from PySide6.QtWidgets import QTableView


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
