"""Messages of one operation as a Qt table model over rows already loaded, and a proxy that filters by status and
words and sorts raw values. One model serves the Messages list and the Review queue, each with its own columns."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from enum import IntEnum
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from crowdops.domain.languages import language
from crowdops.domain.messages import MessageStatus, Priority
from crowdops.gui.wording import (
    PRIORITY_CHIP,
    STATUS_CHIP,
    age,
    headline,
    priority_label,
    purpose_label,
    short_time,
    tr,
)

if TYPE_CHECKING:
    from crowdops.services.message_records import MessageRecord

RECORD_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
CHIP_ROLE = Qt.ItemDataRole.UserRole + 3  # the chip's object name in app.qss, or None for plain text

AnyIndex = QModelIndex | QPersistentModelIndex

STATUS_ORDER = {s: i for i, s in enumerate(MessageStatus)}
PRIORITY_RANK = {Priority.LIFE_SAFETY: 0, Priority.URGENT: 1, Priority.ROUTINE: 2}


class Column(IntEnum):
    STATUS = 0
    PRIORITY = 1
    PURPOSE = 2
    TEXT = 3
    LANGUAGES = 4
    AUTHOR = 5
    UPDATED = 6
    WAITING = 7


HEADERS = {
    Column.STATUS: "Status",
    Column.PRIORITY: "Priority",
    Column.PURPOSE: "Purpose",
    Column.TEXT: "Text",
    Column.LANGUAGES: "Languages",
    Column.AUTHOR: "Written by",
    Column.UPDATED: "Updated",
    Column.WAITING: "Waiting",
}


class MessageModel(QAbstractTableModel):
    def __init__(self, columns: Sequence[Column], clock: Callable[[], datetime], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._clock = clock
        self._rows: list[MessageRecord] = []
        self._tz = ZoneInfo("UTC")

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        column = self.columns[section]
        title = tr(HEADERS[column])
        if column == Column.UPDATED:
            return f"{title} ({self._clock().astimezone(self._tz).strftime('%Z')})"
        return title

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        record = self._rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(record, column)
        if role == RECORD_ROLE:
            return record
        if role == SORT_ROLE:
            return self._sort_key(record, column)
        if role == CHIP_ROLE:
            if column == Column.STATUS:
                return STATUS_CHIP[record.status]
            if column == Column.PRIORITY and record.priority is not Priority.ROUTINE:
                return PRIORITY_CHIP[record.priority]
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(record, column)
        return None

    def _display(self, record: MessageRecord, column: Column) -> str:
        match column:
            case Column.STATUS:
                return tr(record.status.label)
            case Column.PRIORITY:
                return priority_label(record.priority)
            case Column.PURPOSE:
                return purpose_label(record.purpose)
            case Column.TEXT:
                return headline(record)
            case Column.LANGUAGES:
                codes = record.languages
                if len(codes) > 3:
                    return tr("{n} languages").format(n=len(codes))
                return " ".join(code.upper() for code in codes)
            case Column.AUTHOR:
                return record.created_by
            case Column.UPDATED:
                return short_time(record.updated_at, self._tz, self._clock())
            case Column.WAITING:
                return age(record.updated_at, self._clock())

    def _sort_key(self, record: MessageRecord, column: Column) -> Any:
        match column:
            case Column.STATUS:
                return STATUS_ORDER[record.status]
            case Column.PRIORITY:
                return PRIORITY_RANK[record.priority]
            case Column.UPDATED | Column.WAITING:
                return record.updated_at.timestamp()
            case Column.LANGUAGES:
                return len(record.languages)
            case _:
                return self._display(record, column).lower()

    def _tooltip(self, record: MessageRecord, column: Column) -> str | None:
        if column == Column.TEXT:
            return "\n\n".join(f"[{v.language}] {v.text}" for v in record.variants if v.channel is None)
        if column == Column.LANGUAGES:
            return ", ".join(language(code).name for code in record.languages)
        if column in (Column.UPDATED, Column.WAITING):
            return record.updated_at.astimezone(self._tz).strftime("%Y-%m-%d %H:%M:%S %Z")
        if column == Column.STATUS and record.status_reason:
            return record.status_reason
        return None

    # -- changing what is shown -------------------------------------------------------------------------

    def set_rows(self, records: list[MessageRecord], tz: ZoneInfo) -> None:
        self.beginResetModel()
        self._rows, self._tz = list(records), tz
        self.endResetModel()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.columns) - 1)

    def repaint(self) -> None:
        """After a theme change, or as time passes (ages)."""
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self.columns) - 1))

    def record(self, row: int) -> MessageRecord:
        return self._rows[row]

    def records(self) -> list[MessageRecord]:
        return list(self._rows)

    def row_of(self, message_id: uuid.UUID | None) -> int | None:
        for row, record in enumerate(self._rows):
            if record.id == message_id:
                return row
        return None


class MessageFilter(QSortFilterProxyModel):
    """Shows one status (or all) and the messages whose text holds every word typed; sorts by SORT_ROLE."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self._status: MessageStatus | None = None
        self._words: list[str] = []

    def set_status(self, status: MessageStatus | None) -> None:
        self.beginFilterChange()
        self._status = status
        self.endFilterChange()

    def set_words(self, text: str) -> None:
        self.beginFilterChange()
        self._words = text.casefold().split()
        self.endFilterChange()

    @property
    def filtered(self) -> bool:
        return self._status is not None or bool(self._words)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        model = self.sourceModel()
        assert isinstance(model, MessageModel)
        record = model.record(source_row)
        if self._status is not None and record.status is not self._status:
            return False
        if self._words:
            haystack = " ".join(v.text for v in record.variants).casefold()
            return all(word in haystack for word in self._words)
        return True
