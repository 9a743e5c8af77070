"""The detail pane of the Messages view: every language's text, channels, the records it answers (incidents,
rumours, decisions: a click opens them), privacy flags, approvals, outbox rows and the message's whole audit
trail."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QPushButton, QWidget

from crowdops.domain.audit import AuditEntry
from crowdops.domain.messages import MessageStatus, Priority
from crowdops.domain.times import format_local
from crowdops.gui.link_titles import LinkText, link_title
from crowdops.gui.views.layouts import scrolling_pane
from crowdops.gui.views.outbox_detail import web_link
from crowdops.gui.views.widgets import chip, clear_layout, follow, link_label, set_direction, text_label
from crowdops.gui.wording import (
    OUTBOX_WORDS,
    PRIORITY_CHIP,
    STATUS_CHIP,
    audit_line,
    channel_title,
    language_title,
    priority_label,
    purpose_label,
    short_time,
)

if TYPE_CHECKING:
    from crowdops.services.message_records import MessageRecord
    from crowdops.services.outbox import OutboxEntry

DELIVERY_STYLE = {"sent": "Ok", "failed": "Danger", "held": "Danger", "unknown": "Warning", "cancelled": "Muted"}

EDITABLE = (MessageStatus.DRAFT, MessageStatus.REJECTED)
WITHDRAWABLE = (MessageStatus.DRAFT, MessageStatus.SUBMITTED, MessageStatus.APPROVED, MessageStatus.REJECTED)
UNREVIEWED_ALLOWED = (MessageStatus.DRAFT, MessageStatus.SUBMITTED)


class MessageDetail(QWidget):
    edit_requested = Signal(object)  # MessageRecord
    withdraw_requested = Signal(object)  # MessageRecord
    channel_text_requested = Signal(object)  # MessageRecord
    break_glass_requested = Signal(object)  # MessageRecord
    open_requested = Signal(str, object)  # a linked incident, rumour or decision, its id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = scrolling_pane(self, 340)
        self._record: MessageRecord | None = None
        self.edit_button = QPushButton(self.tr("&Edit…"))
        self.edit_button.setToolTip(self.tr("Change the text or the channels of this message (Alt+E)"))
        self.edit_button.clicked.connect(lambda: self._record and self.edit_requested.emit(self._record))
        self.withdraw_button = QPushButton(self.tr("&Withdraw…"))
        self.withdraw_button.setToolTip(self.tr("Stop this message before it is published (Alt+W)"))
        self.withdraw_button.clicked.connect(lambda: self._record and self.withdraw_requested.emit(self._record))
        self.break_glass_button = QPushButton(self.tr("Publish &unreviewed…"))
        self.break_glass_button.setObjectName("Danger")
        self.break_glass_button.setToolTip(
            self.tr("A commander's own life-safety message, without a second approver, with a reason (Alt+U)")
        )
        self.break_glass_button.clicked.connect(lambda: self._record and self.break_glass_requested.emit(self._record))
        self.channel_text_button = QPushButton(self.tr("&Channel text…"))
        self.channel_text_button.setToolTip(
            self.tr("Give one channel its own text in a language, e.g. shorter for X (Alt+C)")
        )
        self.channel_text_button.clicked.connect(
            lambda: self._record and self.channel_text_requested.emit(self._record)
        )
        self.text_labels: dict[str, QWidget] = {}
        self.show_nothing()

    @property
    def record(self) -> MessageRecord | None:
        return self._record

    def show_nothing(self) -> None:
        self._record = None
        self._clear()
        self._layout.addWidget(
            text_label(self.tr("Select a message to see its texts, approvals and history."), "Muted")
        )

    def show_message(
        self,
        record: MessageRecord,
        trail: list[AuditEntry],
        tz: ZoneInfo,
        now: datetime,
        deliveries: list[OutboxEntry] | None = None,
        links: list[LinkText] | None = None,
    ) -> None:
        """`deliveries`: the message's outbox posts with their links and errors (else the record's bare rows);
        `links`: the records it answers with what they say (else titled by their ids)."""
        self._record = record
        self._clear()
        add = self._layout.addWidget
        chips = QHBoxLayout()
        chips.setSpacing(6)
        chips.addWidget(chip(self.tr(record.status.label), STATUS_CHIP[record.status]))
        chips.addWidget(chip(priority_label(record.priority), PRIORITY_CHIP[record.priority]))
        chips.addStretch(1)
        self._layout.addLayout(chips)
        add(text_label(purpose_label(record.purpose), "DetailTitle"))
        add(
            text_label(
                self.tr("Written by {who} · {when} · version {version} · ID {id}").format(
                    who=record.created_by,
                    when=format_local(record.created_at, tz),
                    version=record.version,
                    id=record.short_id,
                ),
                "Muted",
            )
        )
        if record.status_reason:
            name = "Danger" if record.status is MessageStatus.REJECTED else "Muted"
            add(text_label(f"{self.tr(record.status.label)}: {record.status_reason}", name))
        actions = QHBoxLayout()
        if record.status in EDITABLE:
            actions.addWidget(self.edit_button)
            self.edit_button.show()
            if record.channels:
                actions.addWidget(self.channel_text_button)
                self.channel_text_button.show()
        if record.priority is Priority.LIFE_SAFETY and record.status in UNREVIEWED_ALLOWED:
            actions.addWidget(self.break_glass_button)
            self.break_glass_button.show()
        if record.status in WITHDRAWABLE:
            actions.addWidget(self.withdraw_button)
            self.withdraw_button.show()
        actions.addStretch(1)
        self._layout.addLayout(actions)
        self._texts(record)
        self._section(self.tr("Channels"))
        if record.channels:
            for channel in record.channels:
                add(text_label(channel_title(channel.name, channel.platform)))
        else:
            add(text_label(self.tr("No channel chosen yet — press Edit to choose where it goes."), "Warning"))
        if record.links:
            self._links(links if links is not None else [LinkText(k, r, None) for k, r in record.links])
        if record.flags:
            self._section(self.tr("Privacy flags"))
            for flag in record.flags:
                if flag.acknowledged_by:
                    state, name = self.tr("checked by {who}").format(who=flag.acknowledged_by), "Muted"
                else:
                    state, name = self.tr("not checked yet"), "FlagLine"
                add(text_label(f"⚠ {flag.flag.message} ({flag.language}) — {state}", name))
        self._approvals(record, tz)
        if deliveries is not None:
            self._deliveries(deliveries, tz, now)
        else:
            self._outbox(record)
        self._section(self.tr("History ({zone})").format(zone=now.astimezone(tz).strftime("%Z")))
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        for row, entry in enumerate(reversed(trail)):
            for column, value in enumerate(audit_line(entry, tz, now)):
                label = text_label(value, "Muted" if column < 2 else None)
                label.setWordWrap(column == 2)
                grid.addWidget(label, row, column, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(2, 1)
        self._layout.addLayout(grid)

    def _texts(self, record: MessageRecord) -> None:
        self.text_labels = {}
        self._section(self.tr("Texts"))
        for code in record.languages:
            self._layout.addWidget(text_label(language_title(code), "LanguageTitle"))
            label = text_label(record.text(code) or "")
            set_direction(label, code)
            self.text_labels[code] = label
            self._layout.addWidget(label)
            for variant in record.variants:
                if variant.language == code and variant.channel:
                    own = text_label(self.tr("Own text for {channel}:").format(channel=variant.channel), "Muted")
                    self._layout.addWidget(own)
                    text = text_label(variant.text)
                    set_direction(text, code)
                    self._layout.addWidget(text)

    def _links(self, links: list[LinkText]) -> None:
        self._section(self.tr("Links"))
        for link in links:
            label = link_label(link.target, link_title(link))
            label.setToolTip(link.text or "")
            label.linkActivated.connect(lambda href: follow(href, self.open_requested))
            self._layout.addWidget(label)

    def _approvals(self, record: MessageRecord, tz: ZoneInfo) -> None:
        if not record.approvals:
            return
        self._section(self.tr("Approvals"))
        for approval in reversed(record.approvals):
            when = format_local(approval.approved_at, tz)
            if approval.unreviewed:
                text = self.tr("UNREVIEWED — published by {who} {when} without a second approver: {reason}").format(
                    who=approval.approved_by, when=when, reason=approval.break_glass_reason
                )
                self._layout.addWidget(text_label(text, "Danger"))
            else:
                text = self.tr("Approved by {who} {when}").format(who=approval.approved_by, when=when)
                self._layout.addWidget(text_label(text, "Ok"))

    def _outbox(self, record: MessageRecord) -> None:
        if not record.outbox:
            return
        self._section(self.tr("Outbox"))
        for row in record.outbox:
            status = self.tr(OUTBOX_WORDS.get(row.status, row.status))  # the outbox will add times and errors
            name = {"sent": "Ok", "failed": "Danger", "unknown": "Warning", "held": "Warning"}.get(row.status)
            self._layout.addWidget(text_label(f"{row.channel} · {row.language} · {status}", name))

    def _deliveries(self, deliveries: list[OutboxEntry], tz: ZoneInfo, now: datetime) -> None:
        """Each channel's delivery: where it was published (a link to open), or why not yet."""
        if not deliveries:
            return
        self._section(self.tr("Delivery"))
        for entry in sorted(deliveries, key=lambda e: (e.channel, e.language)):
            status = self.tr(entry.words)
            if entry.status.value == "sent" and entry.sent_at is not None:
                status = f"{status} {short_time(entry.sent_at, tz, now)}"
            line = f"{channel_title(entry.channel, entry.platform)} · {entry.language.upper()} · {status}"
            self._layout.addWidget(text_label(line, DELIVERY_STYLE.get(entry.status.value)))
            if entry.status.value == "sent" and entry.remote_url:
                self._layout.addWidget(web_link(entry.remote_url))
            elif entry.last_error and entry.status.value != "sent":
                self._layout.addWidget(text_label(entry.last_error, "Muted"))

    def _section(self, title: str) -> None:
        self._layout.addWidget(text_label(title, "SectionTitle"))

    def _clear(self) -> None:
        clear_layout(
            self._layout,
            keep=[self.edit_button, self.channel_text_button, self.withdraw_button, self.break_glass_button],
        )
