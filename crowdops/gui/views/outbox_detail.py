"""The detail pane of the Outbox view: the post's state and text, where it was published (or why not), what a person
may do about it (retry now, cancel, resolve) and its history."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QWidget

from crowdops.domain.audit import AuditEntry
from crowdops.domain.outbox import CANCELLABLE, OutboxStatus
from crowdops.domain.times import format_local
from crowdops.gui.dialogs.common import error_label, show_error
from crowdops.gui.models.outbox_model import OUTBOX_CHIP, state_words
from crowdops.gui.views.layouts import scrolling_pane
from crowdops.gui.views.widgets import chip, clear_layout, set_direction, text_label
from crowdops.gui.wording import audit_line, channel_title, language_title, tr

if TYPE_CHECKING:
    from crowdops.services.outbox import OutboxEntry

RETRYABLE = (OutboxStatus.QUEUED, OutboxStatus.UNKNOWN, OutboxStatus.FAILED, OutboxStatus.HELD)
RESOLVABLE = (OutboxStatus.UNKNOWN, OutboxStatus.HELD)


def web_link(url: str) -> QLabel:
    """A published post's address, opened in the browser on a click."""
    label = text_label(f'<a href="{escape(url, quote=True)}">{escape(url)}</a>', rich=True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
    label.setOpenExternalLinks(True)
    label.setToolTip(label.tr("Open the post in your browser"))
    return label


def tries(attempts: int) -> str:
    if attempts == 0:
        return tr("not tried yet")
    if attempts == 1:
        return tr("tried once")
    return tr("tried {n} times").format(n=attempts)


def is_scheduled(entry: OutboxEntry, now: datetime) -> bool:
    """Queued and held until the time the approver gave."""
    return entry.status is OutboxStatus.QUEUED and entry.not_before is not None and entry.not_before > now


def untried_history(entry: OutboxEntry, tz: ZoneInfo, now: datetime) -> str:
    """What a post with no history of its own went through, in its state's words."""
    if entry.status is OutboxStatus.CANCELLED:
        if entry.last_error:
            return tr("Cancelled before it was tried: {why}").format(why=entry.last_error)
        return tr("Cancelled before it was tried.")
    if is_scheduled(entry, now):
        assert entry.not_before is not None
        return tr("Queued when the message was approved; held until {when}.").format(
            when=format_local(entry.not_before, tz)
        )
    if entry.status is OutboxStatus.QUEUED:
        return tr("Queued when the message was approved; nothing tried yet.")
    return tr("Nothing recorded for this post yet.")


class OutboxDetail(QWidget):
    retry_requested = Signal(object)  # OutboxEntry
    cancel_requested = Signal(object)
    resolve_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = scrolling_pane(self, 340)
        self.entry: OutboxEntry | None = None
        self.retry_button = QPushButton(self.tr("&Retry now"))
        self.retry_button.setToolTip(
            self.tr("Try this post again now; one that may already be out is checked first, never sent twice (Alt+R)")
        )
        self.retry_button.clicked.connect(lambda: self.entry and self.retry_requested.emit(self.entry))
        self.cancel_button = QPushButton(self.tr("&Cancel post…"))
        self.cancel_button.setToolTip(self.tr("Stop this post for good; it will not be published (Alt+C)"))
        self.cancel_button.clicked.connect(lambda: self.entry and self.cancel_requested.emit(self.entry))
        self.resolve_button = QPushButton(self.tr("Re&solve…"))
        self.resolve_button.setToolTip(self.tr("You looked at the channel: say whether the post is there (Alt+S)"))
        self.resolve_button.clicked.connect(lambda: self.entry and self.resolve_requested.emit(self.entry))
        self.error = error_label()
        self._buttons = [self.retry_button, self.cancel_button, self.resolve_button, self.error]
        self.show_nothing()

    def show_nothing(self) -> None:
        self.entry = None
        clear_layout(self._layout, keep=self._buttons)
        self._layout.addWidget(
            text_label(self.tr("Select a post to see its text, where it went and its history."), "Muted")
        )

    def show_error(self, message: str | None) -> None:
        show_error(self.error, message)

    def show_entry(self, entry: OutboxEntry, trail: list[AuditEntry], tz: ZoneInfo, now: datetime) -> None:
        keep_error = self.entry is not None and self.entry.id == entry.id and self.error.isVisible()
        self.entry = entry
        clear_layout(self._layout, keep=self._buttons)
        add = self._layout.addWidget
        chips = QHBoxLayout()
        chips.addWidget(chip(state_words(entry), OUTBOX_CHIP[entry.status]))
        chips.addStretch(1)
        self._layout.addLayout(chips)
        add(text_label(channel_title(entry.channel, entry.platform), "DetailTitle"))
        add(
            text_label(
                self.tr("{language} · {tries} · queued {when} · ID {id}").format(
                    language=language_title(entry.language),
                    tries=tries(entry.attempts),
                    when=format_local(entry.created_at, tz),
                    id=entry.id.hex[:8],
                ),
                "Muted",
            )
        )
        if is_scheduled(entry, now):
            assert entry.not_before is not None
            when = format_local(entry.not_before, tz)
            add(text_label(self.tr("Scheduled for {when}, as the approver asked.").format(when=when), "Warning"))
        self._outcome(entry, tz)
        actions = QHBoxLayout()
        for button, allowed in (
            (self.retry_button, entry.status in RETRYABLE and not is_scheduled(entry, now)),  # it would still wait
            (self.cancel_button, entry.status.value in CANCELLABLE),
            (self.resolve_button, entry.status in RESOLVABLE),
        ):
            button.setEnabled(allowed)
            actions.addWidget(button)
            button.show()
        actions.addStretch(1)
        self._layout.addLayout(actions)
        add(self.error)
        if not keep_error:
            self.show_error(None)
        add(text_label(self.tr("Text"), "SectionTitle"))
        text = text_label(entry.text)
        set_direction(text, entry.language)
        add(text)
        add(text_label(self.tr("History ({zone})").format(zone=now.astimezone(tz).strftime("%Z")), "SectionTitle"))
        if not trail:
            add(text_label(untried_history(entry, tz, now), "Muted"))
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        for row, item in enumerate(reversed(trail)):
            for column, value in enumerate(audit_line(item, tz, now)):
                label = text_label(value, "Muted" if column < 2 else None)
                label.setWordWrap(column == 2)
                grid.addWidget(label, row, column, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(2, 1)
        self._layout.addLayout(grid)

    def _outcome(self, entry: OutboxEntry, tz: ZoneInfo) -> None:
        add = self._layout.addWidget
        if entry.status is OutboxStatus.SENT:
            when = format_local(entry.sent_at, tz) if entry.sent_at else ""
            add(text_label(self.tr("Published {when} at:").format(when=when), "Ok"))
            if entry.remote_url:
                add(web_link(entry.remote_url))
            return
        if entry.status is OutboxStatus.UNKNOWN:
            add(
                text_label(
                    self.tr(
                        "It may already be on {channel}. CrowdOps checks before sending again; if it cannot tell, "
                        "look at the channel and press Resolve."
                    ).format(channel=entry.channel),
                    "Warning",
                )
            )
        if entry.last_error:
            name = "Danger" if entry.status in (OutboxStatus.FAILED, OutboxStatus.HELD) else "Muted"
            add(text_label(entry.last_error, name))
