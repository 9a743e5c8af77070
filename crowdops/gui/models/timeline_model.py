"""The incident timeline as a Qt model that loads pages lazily, off the GUI thread, never the whole table. With
the kind toggles on, rumours, decisions and published messages are rows too, each saying what it is in words."""

from collections.abc import Callable
from datetime import datetime
from enum import IntEnum
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont

from crowdops.domain.enums import SEVERITY_LABELS
from crowdops.domain.messages import Purpose
from crowdops.domain.rumours import RumourStatus
from crowdops.gui.models.register_model import rumour_status_label
from crowdops.gui.tasks import TaskRunner
from crowdops.gui.theme import LIGHT, Colours
from crowdops.gui.wording import purpose_label, tr
from crowdops.services.records import IncidentRecord
from crowdops.services.story_records import StoryItem, TimelineRow, row_key
from crowdops.store.filters import (
    DECISION,
    DECISION_REVISED,
    MESSAGE_SENT,
    RUMOUR_SEEN,
    RUMOUR_STATUS,
    PageKey,
    TimelineFilter,
)

PAGE_SIZE = 200
RECORD_ROLE = Qt.ItemDataRole.UserRole + 1

AnyIndex = QModelIndex | QPersistentModelIndex
PageReader = Callable[[TimelineFilter, int, PageKey | None], list[TimelineRow]]  # IncidentService.page/story_page


class Column(IntEnum):
    TIME = 0
    SEVERITY = 1
    CATEGORY = 2
    DESCRIPTION = 3
    WHERE = 4
    SOURCE = 5
    LOGGED_BY = 6


HEADERS = {
    Column.TIME: "Time",
    Column.SEVERITY: "Severity",
    Column.CATEGORY: "Category",
    Column.DESCRIPTION: "What happened",
    Column.WHERE: "Where",
    Column.SOURCE: "Source",
    Column.LOGGED_BY: "Logged by",
}
# In the Severity column, the word that says what a row that is not an incident is (never colour alone).
KIND_WORDS = {
    RUMOUR_SEEN: "Rumour",
    RUMOUR_STATUS: "Rumour",
    DECISION: "Decision",
    DECISION_REVISED: "Decision",
    MESSAGE_SENT: "Published",
}


def kind_word(item: StoryItem) -> str:
    return tr(KIND_WORDS[item.kind])


EVENT_WORDS = {RUMOUR_SEEN: "First seen", DECISION: "Decided", DECISION_REVISED: "Revised"}


def story_event(item: StoryItem) -> str:
    """What happened to the item at that time, for the Category column."""
    if item.kind in EVENT_WORDS:
        return tr(EVENT_WORDS[item.kind])
    if item.kind == RUMOUR_STATUS:
        return tr("Now {status}").format(status=rumour_status_label(RumourStatus(item.status)).lower())
    try:
        return purpose_label(Purpose(item.status))  # a published message: what it is for
    except ValueError:
        return item.status


class TimelineModel(QAbstractTableModel):
    loading_changed = Signal(bool)
    reloaded = Signal()  # rows replaced (filter change or refresh); views restore their selection
    failed = Signal(str)

    def __init__(
        self, read_page: PageReader, tasks: TaskRunner, clock: Callable[[], datetime], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._read_page = read_page
        self._tasks = tasks
        self._rows: list[TimelineRow] = []
        self._filter: TimelineFilter | None = None
        self._tz = ZoneInfo("UTC")
        self._colours = LIGHT
        self._generation = 0  # answers for an older filter are dropped
        self._loading = False
        self._exhausted = True

    # -- what the view asks ----------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            title = self.tr(HEADERS[Column(section)])
            if section == Column.TIME:
                return f"{title} ({self._clock().astimezone(self._tz).strftime('%Z')})"
            return title
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        record = self._rows[index.row()]
        column = Column(index.column())
        if role == RECORD_ROLE:
            return record
        if isinstance(record, StoryItem):
            return self._story_data(record, column, role)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(record, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(record, column)
        if column == Column.SEVERITY:
            level = record.severity - 1
            if role == Qt.ItemDataRole.BackgroundRole:
                return QColor(self._colours.severity[level])
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor(self._colours.severity_text[level])
        if (
            role == Qt.ItemDataRole.FontRole
            and record.severity >= 4
            and column in (Column.SEVERITY, Column.DESCRIPTION)
        ):
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _display(self, record: IncidentRecord, column: Column) -> str:
        match column:
            case Column.TIME:
                return self._time(record.occurred_at)
            case Column.SEVERITY:
                return f"{record.severity} {SEVERITY_LABELS[record.severity]}"
            case Column.CATEGORY:
                return record.category_label
            case Column.WHERE:
                return record.location
            case Column.DESCRIPTION:
                return ("✎ " if record.is_correction else "") + record.description
            case Column.SOURCE:
                return record.source.label
            case Column.LOGGED_BY:
                return record.logged_by

    def _story_data(self, item: StoryItem, column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            match column:
                case Column.TIME:
                    return self._time(item.at)
                case Column.SEVERITY:
                    return kind_word(item)
                case Column.CATEGORY:
                    return story_event(item)
                case Column.DESCRIPTION:
                    return f"{item.title} — {item.note}" if item.kind == RUMOUR_STATUS and item.note else item.title
                case Column.WHERE:
                    return item.note if item.kind in (RUMOUR_SEEN, MESSAGE_SENT) else ""
                case Column.LOGGED_BY:
                    return item.by
            return ""
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == Column.TIME:
                return item.at.astimezone(self._tz).strftime("%Y-%m-%d %H:%M:%S %Z")
            if column in (Column.DESCRIPTION, Column.SEVERITY):
                return self.tr("{title}\n\nEnter or double-click opens it in its own view.").format(
                    title=f"{item.title}\n{item.note}".strip()
                )
        if column == Column.SEVERITY:
            if role == Qt.ItemDataRole.BackgroundRole:
                return QColor(self._colours.chip_neutral)
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor(self._colours.chip_neutral_text)
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
        return None

    def _time(self, moment: datetime) -> str:
        local = moment.astimezone(self._tz)
        today = self._clock().astimezone(self._tz).date()
        return local.strftime("%H:%M") if local.date() == today else local.strftime("%d %b %H:%M")

    def _tooltip(self, record: IncidentRecord, column: Column) -> str | None:
        if column == Column.TIME:
            return record.occurred_at.astimezone(self._tz).strftime("%Y-%m-%d %H:%M:%S %Z")
        if column == Column.DESCRIPTION:
            note = self.tr("\n\nCorrected entry: see its history in the detail pane.") if record.is_correction else ""
            return record.description + note
        return None

    # -- lazy loading -----------------------------------------------------------------------------------

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._filter is not None and not self._exhausted and not self._loading

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent) or self._filter is None:
            return
        after = row_key(self._rows[-1]) if self._rows else None
        flt, generation = self._filter, self._generation
        self._set_loading(True)
        self._tasks.read(
            lambda: self._read_page(flt, PAGE_SIZE, after),
            lambda rows: self._append(generation, rows),
            lambda error: self._fail(generation, error),
        )

    def _append(self, generation: int, rows: list[TimelineRow]) -> None:
        if generation != self._generation:
            return
        self._set_loading(False)
        self._exhausted = len(rows) < PAGE_SIZE
        if rows:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()

    # -- changing what is shown -------------------------------------------------------------------------

    def set_filter(self, flt: TimelineFilter, tz: ZoneInfo) -> None:
        """Show a new filter: the first page loads in the background, then `reloaded` fires."""
        self._generation += 1
        self._filter, self._tz = flt, tz
        self._load(max_rows=PAGE_SIZE)
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, Column.TIME, Column.TIME)

    def refresh(self) -> None:
        """Reload what is loaded (new entries and corrections appear in place); keeps the amount loaded."""
        if self._filter is not None:
            self._generation += 1
            self._load(max_rows=max(PAGE_SIZE, len(self._rows)))

    def clear(self) -> None:
        self._generation += 1
        self._filter = None
        self._set_loading(False)
        self.beginResetModel()
        self._rows = []
        self._exhausted = True
        self.endResetModel()
        self.reloaded.emit()

    def _load(self, max_rows: int) -> None:
        flt, generation = self._filter, self._generation
        assert flt is not None
        self._set_loading(True)
        self._tasks.read(
            lambda: self._read_page(flt, max_rows, None),
            lambda rows: self._replace(generation, rows, max_rows),
            lambda error: self._fail(generation, error),
        )

    def _replace(self, generation: int, rows: list[TimelineRow], asked: int) -> None:
        if generation != self._generation:
            return
        self._set_loading(False)
        self.beginResetModel()
        self._rows = rows
        self._exhausted = len(rows) < asked
        self.endResetModel()
        self.reloaded.emit()

    def _fail(self, generation: int, error: Exception) -> None:
        if generation == self._generation:
            self._set_loading(False)
            self._exhausted = True
            self.failed.emit(str(error))

    def _set_loading(self, loading: bool) -> None:
        if loading != self._loading:
            self._loading = loading
            self.loading_changed.emit(loading)

    # -- helpers for views ------------------------------------------------------------------------------

    @property
    def loading(self) -> bool:
        return self._loading

    @property
    def has_filter(self) -> bool:
        return self._filter is not None

    def set_colours(self, colours: Colours) -> None:
        self._colours = colours
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(Column) - 1))

    @property
    def filter(self) -> TimelineFilter | None:
        return self._filter

    def record(self, row: int) -> TimelineRow:
        return self._rows[row]

    def row_of(self, key: object) -> int | None:
        """The row showing the incident whose chain starts at `key` (its latest version), or the story row `key`."""
        for row, record in enumerate(self._rows):
            if (record.id if isinstance(record, StoryItem) else record.root_id) == key:
                return row
        return None
