"""Keeps the window loud about the outbox: counts for the open operation (read off the GUI thread whenever posts
move), the connectivity the sync worker last saw, and a tray notification when posts needing a person grow.

It only reads and announces; the navigation badge and the status bar paint what it says.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from crowdops.domain.outbox import OutboxStatus
from crowdops.gui.wording import short_time, tr

if TYPE_CHECKING:
    from datetime import datetime

    from crowdops.gui.state import GuiState
    from crowdops.services.outbox import OutboxCounts
    from crowdops.services.records import OperationRecord

# Object names in app.qss; the symbol and the word say the same as the colour.
ONLINE, DEGRADED, OFFLINE, UNCHECKED = "StatusOnline", "StatusDegraded", "StatusOffline", "StatusConnectivity"


@dataclass(frozen=True, slots=True)
class ConnectivityLine:
    text: str
    kind: str
    tip: str


def connectivity_line(
    state: str | None,
    unreachable: tuple[str, ...],
    counts: OutboxCounts | None,
    tz: ZoneInfo,
    now: datetime,
    *,
    busy: bool = False,
) -> ConnectivityLine:
    """'● Online · 3 queued · 1 unknown · last sent 14:32'."""
    if busy:
        head, kind = tr("◐ Another CrowdOps is publishing"), DEGRADED
        tip = tr("Another CrowdOps on this computer sends these posts (the app or `crowdops sync --watch`).")
    elif state == "online":
        head, kind, tip = tr("● Online"), ONLINE, tr("Every channel's server answered.")
    elif state == "degraded":
        head, kind = tr("◐ Degraded"), DEGRADED
        tip = tr("Not reachable: {hosts}. Posts to them wait and are tried again.").format(hosts=", ".join(unreachable))
    elif state == "offline":
        head, kind = tr("○ Offline"), OFFLINE
        tip = tr("No channel's server answered. Posts wait in the outbox and go when the network returns.")
    else:
        head, kind = tr("◌ Network not checked yet"), UNCHECKED
        tip = tr("CrowdOps checks the channels' servers when it sends.")
    parts = [head]
    if counts is not None:
        queued = counts[OutboxStatus.QUEUED] + counts[OutboxStatus.SENDING]
        parts.append(tr("{n} queued").format(n=queued))
        if counts[OutboxStatus.UNKNOWN]:
            parts.append(tr("{n} unknown").format(n=counts[OutboxStatus.UNKNOWN]))
        if counts.last_sent_at is not None:
            when = short_time(counts.last_sent_at, tz, now)
            parts.append(tr("last sent {when}").format(when=when))
        else:
            parts.append(tr("nothing sent yet"))
    return ConnectivityLine(" · ".join(parts), kind, tip)


def attention_text(count: int) -> str:
    if not count:
        return ""
    if count == 1:
        return tr("⚠ 1 post needs a person — see Outbox (Ctrl+4)")
    return tr("⚠ {n} posts need a person — see Outbox (Ctrl+4)").format(n=count)


class OutboxWatch(QObject):
    counts_changed = Signal(object)  # OutboxCounts | None
    connectivity_changed = Signal(object)  # ConnectivityLine
    attention_rose = Signal(int)  # posts needing a person now

    def __init__(self, state: GuiState, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._generation = 0
        self.counts: OutboxCounts | None = None
        self._baseline: int | None = None  # needs_attention at the last read for this operation
        self._connectivity: tuple[str | None, tuple[str, ...]] = (None, ())
        self._tray: QSystemTrayIcon | None = None
        self.last_notice = ""  # what the tray said last (also when there is no tray to say it)
        state.operation_changed.connect(self._operation_changed)
        state.bridge.outbox_changed.connect(self.refresh)
        state.bridge.message_changed.connect(lambda _op, _message: self.refresh())
        state.bridge.connectivity_changed.connect(self._connectivity_seen)

    def _operation_changed(self, _op: OperationRecord | None) -> None:
        self._baseline = None  # a switch is not news: only a rise within one operation notifies
        self.counts = None
        self.refresh()

    def refresh(self) -> None:
        op = self._state.operation
        self._generation += 1
        if op is None or not self._state.ready:
            self.counts_changed.emit(None)
            self._announce_connectivity()
            return
        generation, outbox, sync = self._generation, self._state.app.outbox, self._state.app.sync
        if sync.connectivity is not None and self._connectivity[0] is None:
            self._connectivity = (sync.connectivity.state.value, sync.connectivity.unreachable)
        self._state.tasks.read(lambda: outbox.counts(op.id), lambda counts: self._read(generation, counts))

    def _read(self, generation: int, counts: OutboxCounts) -> None:
        if generation != self._generation:
            return
        self.counts = counts
        now = counts.needs_attention
        if self._baseline is not None and now > self._baseline:
            self.attention_rose.emit(now)
            self._notify(now)
        self._baseline = now
        self.counts_changed.emit(counts)
        self._announce_connectivity()

    def _connectivity_seen(self, state: str, unreachable: tuple[str, ...]) -> None:
        self._connectivity = (state, tuple(unreachable or ()))
        self.refresh()  # the last send time and the queue move with it

    def _announce_connectivity(self) -> None:
        op = self._state.operation
        tz = op.tz if op is not None else ZoneInfo("UTC")
        state, hosts = self._connectivity
        busy = self._state.ready and self._state.app.sync.lock_busy
        line = connectivity_line(state, hosts, self.counts, tz, self._state.clock(), busy=busy)
        self.connectivity_changed.emit(line)

    def _notify(self, count: int) -> None:
        self.last_notice = attention_text(count)
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return  # no tray on this desktop (or off screen): the badge and the status bar still say it
        if self._tray is None:
            self._tray = QSystemTrayIcon(QApplication.windowIcon(), self)
            self._tray.setToolTip("CrowdOps")
            self._tray.show()
        self._tray.showMessage(
            tr("CrowdOps: posts need a person"), self.last_notice, QSystemTrayIcon.MessageIcon.Warning, 15_000
        )

    def close(self) -> None:
        if self._tray is not None:
            self._tray.hide()
