"""The rumour register and the decision log as Qt table models over rows already loaded; sorting by raw values.
Records are read under TYPE_CHECKING only: the services (and SQLAlchemy) load after the first paint."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from crowdops.domain.rumours import Reach, RumourStatus
from crowdops.domain.times import format_local
from crowdops.gui.models.message_model import CHIP_ROLE, RECORD_ROLE, SORT_ROLE
from crowdops.gui.wording import DANGER, NEUTRAL, OK, WAITING, age, tr

if TYPE_CHECKING:
    from crowdops.services.decisions import DecisionRecord
    from crowdops.services.rumours import RumourRecord

AnyIndex = QModelIndex | QPersistentModelIndex

RUMOUR_CHIP = {
    RumourStatus.NEW: WAITING,
    RumourStatus.VERIFYING: WAITING,
    RumourStatus.CONFIRMED: DANGER,
    RumourStatus.FALSE: WAITING,
    RumourStatus.PARTLY_TRUE: WAITING,
    RumourStatus.UNVERIFIABLE: WAITING,
    RumourStatus.RESPONDED: OK,
    RumourStatus.CLOSED: NEUTRAL,
}
RUMOUR_WORDS = {
    RumourStatus.NEW: "New",
    RumourStatus.VERIFYING: "Verifying",
    RumourStatus.CONFIRMED: "Confirmed",
    RumourStatus.FALSE: "False",
    RumourStatus.PARTLY_TRUE: "Partly true",
    RumourStatus.UNVERIFIABLE: "Unverifiable",
    RumourStatus.RESPONDED: "Responded",
    RumourStatus.CLOSED: "Closed",
}
REACH_WORDS = {Reach.LOW: "Low", Reach.MEDIUM: "Medium", Reach.HIGH: "High", Reach.VIRAL: "Viral"}
REACH_RANK = {r: i for i, r in enumerate(Reach)}
STATUS_RANK = {s: i for i, s in enumerate(RumourStatus)}


def rumour_status_label(status: RumourStatus) -> str:
    return tr(RUMOUR_WORDS[status])


def reach_label(reach: Reach) -> str:
    return tr(REACH_WORDS[reach])


R = TypeVar("R")


def _ids(records: Sequence[object]) -> list[object]:
    return [getattr(r, "id", None) for r in records]


class _RecordModel(QAbstractTableModel, Generic[R]):
    HEADERS: tuple[str, ...] = ()
    STRETCH = -1  # the column that takes the spare width (the text people read); -1: the last

    def __init__(self, clock: Callable[[], datetime], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._rows: list[R] = []
        self._tz = ZoneInfo("UTC")

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return self._header(section)

    def _header(self, section: int) -> str:
        return tr(self.HEADERS[section])

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        record = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(record, index.column())
        if role == RECORD_ROLE:
            return record
        if role == SORT_ROLE:
            return self._sort_key(record, index.column())
        if role == CHIP_ROLE:
            return self._chip(record, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(record, index.column())
        return None

    def _display(self, record: R, column: int) -> str:
        raise NotImplementedError

    def _sort_key(self, record: R, column: int) -> Any:
        return self._display(record, column).lower()

    def _chip(self, record: R, column: int) -> str | None:
        return None

    def _tooltip(self, record: R, column: int) -> str | None:
        return None

    def set_rows(self, records: Sequence[R], tz: ZoneInfo) -> None:
        """Show `records` (newest first). When they are the rows already shown, perhaps with newer ones on top —
        what a reload during publishing brings every quarter second — only what changed is signalled: a reset
        would make the view re-sort and re-measure every row on the GUI thread."""
        fresh = list(records)
        added = len(fresh) - len(self._rows)
        if tz != self._tz or added < 0 or _ids(fresh[added:]) != _ids(self._rows) or None in _ids(fresh):
            self.beginResetModel()
            self._rows, self._tz = fresh, tz
            self.endResetModel()
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.HEADERS) - 1)
            return
        if added:
            self.beginInsertRows(QModelIndex(), 0, added - 1)
            self._rows[0:0] = fresh[:added]
            self.endInsertRows()
        last = len(self.HEADERS) - 1
        for row in range(added, len(fresh)):
            if self._rows[row] != fresh[row]:
                self._rows[row] = fresh[row]
                self.dataChanged.emit(self.index(row, 0), self.index(row, last))

    def repaint(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self.HEADERS) - 1))

    def record(self, row: int) -> R:
        return self._rows[row]

    def records(self) -> list[R]:
        return list(self._rows)

    def row_of(self, record_id: uuid.UUID | None) -> int | None:
        for row, record in enumerate(self._rows):
            if record.id == record_id:  # type: ignore[attr-defined]
                return row
        return None


class RumourModel(_RecordModel["RumourRecord"]):
    STATUS, REACH, RISK, AGE, IDLE, CLAIM = range(6)
    HEADERS = ("Status", "Reach", "Risk", "Age", "Idle", "Claim")

    def _display(self, record: RumourRecord, column: int) -> str:
        match column:
            case self.STATUS:
                return rumour_status_label(record.status)
            case self.REACH:
                return reach_label(record.reach)
            case self.RISK:
                return f"{record.risk}/5"
            case self.AGE:
                return age(record.first_seen_at, self._clock())
            case self.IDLE:
                return age(record.last_action_at, self._clock())
            case _:
                return record.claim

    def _sort_key(self, record: RumourRecord, column: int) -> Any:
        match column:
            case self.STATUS:
                return STATUS_RANK[record.status]
            case self.REACH:
                return REACH_RANK[record.reach]
            case self.RISK:
                return record.risk
            case self.AGE:
                return -record.first_seen_at.timestamp()
            case self.IDLE:
                return -record.last_action_at.timestamp()
            case _:
                return record.claim.lower()

    def _chip(self, record: RumourRecord, column: int) -> str | None:
        if column == self.STATUS:
            return RUMOUR_CHIP[record.status]
        if column == self.RISK and record.risk >= 4:
            return DANGER
        if column == self.REACH and record.reach in (Reach.HIGH, Reach.VIRAL):
            return WAITING
        return None

    def _tooltip(self, record: RumourRecord, column: int) -> str | None:
        if column == self.CLAIM:
            return record.claim
        if column == self.AGE:
            return tr("First seen {when}").format(when=format_local(record.first_seen_at, self._tz))
        if column == self.IDLE:
            return tr("Last action {when}").format(when=format_local(record.last_action_at, self._tz))
        return None


class DecisionModel(_RecordModel["DecisionRecord"]):
    TIME, DECISION, BY, REVIEW = range(4)
    HEADERS = ("Time", "Decision", "Decided by", "Review")
    STRETCH = DECISION

    def _header(self, section: int) -> str:
        title = tr(self.HEADERS[section])
        if section in (self.TIME, self.REVIEW):
            return f"{title} ({self._clock().astimezone(self._tz).strftime('%Z')})"
        return title

    def _display(self, record: DecisionRecord, column: int) -> str:
        match column:
            case self.TIME:
                return record.decided_at.astimezone(self._tz).strftime("%d %b %H:%M")
            case self.DECISION:
                return record.decision
            case self.BY:
                return record.decided_by
            case _:
                if record.review_at is None:
                    return ""
                when = record.review_at.astimezone(self._tz).strftime("%d %b %H:%M")
                return tr("DUE {when}").format(when=when) if self.is_due(record) else when

    def is_due(self, record: DecisionRecord) -> bool:
        return record.review_at is not None and record.review_at <= self._clock()

    def _sort_key(self, record: DecisionRecord, column: int) -> Any:
        match column:
            case self.TIME:
                return record.decided_at.timestamp()
            case self.REVIEW:
                return record.review_at.timestamp() if record.review_at else float("inf")
            case _:
                return self._display(record, column).lower()

    def _chip(self, record: DecisionRecord, column: int) -> str | None:
        return WAITING if column == self.REVIEW and self.is_due(record) else None

    def _tooltip(self, record: DecisionRecord, column: int) -> str | None:
        if column == self.DECISION:
            return f"{record.decision}\n\n{record.rationale}"
        if column == self.REVIEW and record.review_at is not None:
            return format_local(record.review_at, self._tz)
        return None
