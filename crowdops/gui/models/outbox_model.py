"""The outbox as Qt table models: the operation's posts (a bounded list, newest first) with a proxy that filters
by a group of states, and the sandbox training feed. States are words on a chip, never colour alone."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSortFilterProxyModel, Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QApplication

from crowdops.domain.languages import language
from crowdops.domain.outbox import OutboxStatus
from crowdops.domain.times import format_local
from crowdops.gui.models.message_model import SORT_ROLE
from crowdops.gui.models.register_model import AnyIndex, _RecordModel
from crowdops.gui.wording import DANGER, NEUTRAL, OK, WAITING, channel_title, short_time, tr

if TYPE_CHECKING:
    from crowdops.services.outbox import OutboxEntry, SandboxEntry

OUTBOX_CHIP = {
    OutboxStatus.QUEUED: WAITING,
    OutboxStatus.SENDING: WAITING,
    OutboxStatus.SENT: OK,
    OutboxStatus.UNKNOWN: WAITING,
    OutboxStatus.HELD: DANGER,
    OutboxStatus.FAILED: DANGER,
    OutboxStatus.CANCELLED: NEUTRAL,
}
# The order a tired reader wants: what needs a person first, what is done last.
STATE_RANK = {
    OutboxStatus.FAILED: 0,
    OutboxStatus.HELD: 1,
    OutboxStatus.UNKNOWN: 2,
    OutboxStatus.SENDING: 3,
    OutboxStatus.QUEUED: 4,
    OutboxStatus.SENT: 5,
    OutboxStatus.CANCELLED: 6,
}

# The filter chips above the table: a title and the states it shows (None: all).
ATTENTION = frozenset({OutboxStatus.FAILED, OutboxStatus.HELD, OutboxStatus.UNKNOWN})
WAITING_STATES = frozenset({OutboxStatus.QUEUED, OutboxStatus.SENDING})
FILTERS: tuple[tuple[str, frozenset[OutboxStatus] | None], ...] = (
    ("All", None),
    ("Needs attention", ATTENTION),
    ("Waiting", WAITING_STATES),
    ("Published", frozenset({OutboxStatus.SENT})),
    ("Cancelled", frozenset({OutboxStatus.CANCELLED})),
)


def state_words(entry: OutboxEntry) -> str:
    return tr(entry.words)


class OutboxModel(_RecordModel["OutboxEntry"]):
    STATE, CHANNEL, LANGUAGE, ATTEMPTS, NEXT, ERROR, LINK = range(7)
    HEADERS = ("State", "Channel", "Lang.", "Tries", "Next try", "Last error", "Published at")
    STRETCH = ERROR

    def _header(self, section: int) -> str:
        title = tr(self.HEADERS[section])
        if section == self.NEXT:
            return f"{title} ({self._clock().astimezone(self._tz).strftime('%Z')})"
        return title

    def _display(self, record: OutboxEntry, column: int) -> str:
        match column:
            case self.STATE:
                return state_words(record)
            case self.CHANNEL:
                return record.channel
            case self.LANGUAGE:
                return record.language.upper()
            case self.ATTEMPTS:
                return str(record.attempts)
            case self.NEXT:
                return self._next(record)
            case self.ERROR:
                return record.last_error
            case _:
                return record.remote_url if record.status is OutboxStatus.SENT else ""

    def _next(self, record: OutboxEntry) -> str:
        if record.status not in (OutboxStatus.QUEUED, OutboxStatus.UNKNOWN):
            return ""
        held = self._held_until(record)
        if held is not None:
            return tr("Scheduled for {when}").format(when=short_time(held, self._tz, self._clock()))
        due = record.next_attempt_at
        if due is None or due <= self._clock():
            return tr("now")
        return short_time(due, self._tz, self._clock())

    def _held_until(self, record: OutboxEntry) -> datetime | None:
        """A queued post's scheduled time, while it is still ahead."""
        held = record.not_before
        return held if record.status is OutboxStatus.QUEUED and held is not None and held > self._clock() else None

    def _sort_key(self, record: OutboxEntry, column: int) -> Any:
        match column:
            case self.STATE:
                return STATE_RANK[record.status]
            case self.ATTEMPTS:
                return record.attempts
            case self.NEXT:
                due = max((t for t in (record.next_attempt_at, record.not_before) if t is not None), default=None)
                return due.timestamp() if due else 0.0
            case _:
                return self._display(record, column).lower()

    def _chip(self, record: OutboxEntry, column: int) -> str | None:
        return OUTBOX_CHIP[record.status] if column == self.STATE else None

    def _tooltip(self, record: OutboxEntry, column: int) -> str | None:
        match column:
            case self.STATE:
                return state_words(record)
            case self.CHANNEL:
                return channel_title(record.channel, record.platform)
            case self.LANGUAGE:
                return language(record.language).name
            case self.NEXT if (held := self._held_until(record)) is not None:
                return tr("Held until {when}, as the approver asked").format(when=format_local(held, self._tz))
            case self.NEXT if record.next_attempt_at is not None:
                return format_local(record.next_attempt_at, self._tz, seconds=True)
            case self.ERROR:
                return record.last_error or None
            case self.LINK if self._display(record, column):
                return tr("Click to open the post in your browser")
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and index.column() == self.LINK and index.row() < len(self._rows):
            # The link looks like one (underlined, link colour), so a click on it is expected to open it.
            if role == Qt.ItemDataRole.FontRole:
                font = QFont(QApplication.font())
                font.setUnderline(True)
                return font
            if role == Qt.ItemDataRole.ForegroundRole:
                return QApplication.palette().color(QPalette.ColorRole.Link)
        return super().data(index, role)

    def link(self, row: int) -> str:
        return self._display(self._rows[row], self.LINK)


class OutboxFilter(QSortFilterProxyModel):
    """Shows one group of states (or all); sorts raw values by SORT_ROLE."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.states: frozenset[OutboxStatus] | None = None

    def set_states(self, states: frozenset[OutboxStatus] | None) -> None:
        self.beginFilterChange()
        self.states = states
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        if self.states is None:
            return True
        model = self.sourceModel()
        assert isinstance(model, OutboxModel)
        return model.record(source_row).status in self.states


class SandboxFeedModel(_RecordModel["SandboxEntry"]):
    """What the exercises 'published': the training feed, newest first."""

    TIME, CHANNEL, LANGUAGE, TEXT = range(4)
    HEADERS = ("Time", "Channel", "Lang.", "Text")
    STRETCH = TEXT

    def _header(self, section: int) -> str:
        title = tr(self.HEADERS[section])
        if section == self.TIME:
            return f"{title} ({self._clock().astimezone(self._tz).strftime('%Z')})"
        return title

    def _display(self, record: SandboxEntry, column: int) -> str:
        match column:
            case self.TIME:
                return short_time(record.posted_at, self._tz, self._clock())
            case self.CHANNEL:
                return record.channel
            case self.LANGUAGE:
                return record.language.upper()
            case _:
                return " ".join(record.text.split())

    def _sort_key(self, record: SandboxEntry, column: int) -> Any:
        if column == self.TIME:
            return record.posted_at.timestamp()
        return self._display(record, column).lower()

    def _tooltip(self, record: SandboxEntry, column: int) -> str | None:
        if column == self.TEXT:
            return record.text
        if column == self.TIME:
            return format_local(record.posted_at, self._tz, seconds=True)
        return None
