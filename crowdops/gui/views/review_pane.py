"""The right-hand side of the Review queue: one submitted message as a commander must read it before approving —
what changed since the approved version, every language side by side, where it goes, what was flagged."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from crowdops.domain.languages import language
from crowdops.domain.times import format_local
from crowdops.gui.dialogs.common import error_label, show_error
from crowdops.gui.diff import changes_since, diff_html
from crowdops.gui.theme import current_colours
from crowdops.gui.views.widgets import chip, clear_layout, set_direction, text_label
from crowdops.gui.wording import (
    PRIORITY_CHIP,
    STATUS_CHIP,
    ago,
    channel_title,
    language_title,
    priority_label,
    purpose_label,
)

if TYPE_CHECKING:
    from crowdops.services.message_records import MessageRecord

CARD_WIDTH = 300  # a language column is at least this wide; at least two columns are shown side by side


class LanguageGrid(QWidget):
    """Each language's text in a card, two or more columns side by side, reflowed to the width."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(8)
        self.cards: dict[str, QFrame] = {}
        self.texts: dict[str, QLabel] = {}
        self._columns = 0

    def set_texts(self, texts: list[tuple[str, str]]) -> None:
        clear_layout(self._grid)
        self.cards, self.texts = {}, {}
        for code, text in texts:
            card = QFrame()
            card.setObjectName("LanguageCard")
            column = QVBoxLayout(card)
            column.addWidget(text_label(language_title(code), "LanguageTitle"))
            label = text_label(text)
            set_direction(label, code)
            column.addWidget(label)
            column.addStretch(1)
            self.cards[code], self.texts[code] = card, label
        self._columns = 0
        self._reflow()

    def columns(self) -> int:
        return max(2, self.width() // CARD_WIDTH)

    def _reflow(self) -> None:
        wanted = self.columns()
        if wanted == self._columns:
            return
        self._columns = wanted
        for card in self.cards.values():
            self._grid.removeWidget(card)
        for i, card in enumerate(self.cards.values()):
            self._grid.addWidget(card, i // wanted, i % wanted)
            card.show()
        for column in range(max(wanted, self._grid.columnCount())):
            self._grid.setColumnStretch(column, 1 if column < wanted else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._reflow()

    # A grid of wrapped labels tells its height for a width from its column widths before they are final, so
    # a scroll area could give it too little (text cut off at the bottom of a card): compute it for real.
    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        columns = max(2, width // CARD_WIDTH)
        spacing = self._grid.spacing()
        column_width = (width - spacing * (columns - 1)) // columns
        cards = list(self.cards.values())
        rows = [cards[i : i + columns] for i in range(0, len(cards), columns)]
        heights = [max(card.layout().totalHeightForWidth(column_width) for card in row) for row in rows]
        return sum(heights) + spacing * max(0, len(rows) - 1)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(hint.width(), self.heightForWidth(max(hint.width(), 2 * CARD_WIDTH)))


class ReviewPane(QWidget):
    approve_requested = Signal(object)  # MessageRecord
    reject_requested = Signal(object)  # MessageRecord

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DetailPane")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.record: MessageRecord | None = None
        self.diff_labels: dict[str, QLabel] = {}
        self.approve_button = QPushButton(self.tr("&Approve…"))
        self.approve_button.setObjectName("Primary")
        self.approve_button.setToolTip(self.tr("Approve exactly what is shown and queue it (Alt+A)"))
        self.approve_button.clicked.connect(lambda: self.record and self.approve_requested.emit(self.record))
        self.reject_button = QPushButton(self.tr("&Reject…"))
        self.reject_button.setToolTip(self.tr("Send it back to its author with a reason (Alt+R)"))
        self.reject_button.clicked.connect(lambda: self.record and self.reject_requested.emit(self.record))
        self.read_only = text_label("", "Notice")
        self.notice = text_label("", "Notice")
        self.error = error_label(self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.approve_button)
        buttons.addWidget(self.reject_button)
        buttons.addStretch(1)
        footer = QWidget()
        foot = QVBoxLayout(footer)
        foot.setContentsMargins(14, 6, 14, 10)
        foot.addWidget(self.read_only)
        foot.addWidget(self.error)
        foot.addLayout(buttons)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        scroll.setWidget(body)
        self._layout = QVBoxLayout(body)
        self._layout.setContentsMargins(14, 12, 14, 12)
        self._layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.languages = LanguageGrid()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.notice)
        outer.addWidget(scroll, 1)
        outer.addWidget(footer)
        self.show_notice(None)
        self.set_permission(None)
        self.show_nothing()

    # -- who may act ------------------------------------------------------------------------------------

    def set_permission(self, refusal: str | None) -> None:
        """None: the signed-in user may approve here; else the sentence that says who may."""
        self._refusal = refusal
        self.read_only.setText(refusal or "")
        self._update_buttons()

    def _update_buttons(self) -> None:
        allowed = self._refusal is None
        self.read_only.setVisible(not allowed)
        for button in (self.approve_button, self.reject_button):
            button.setVisible(allowed and self.record is not None)
            button.setEnabled(allowed and self.record is not None)

    def set_busy(self, busy: bool) -> None:
        for button in (self.approve_button, self.reject_button):
            button.setEnabled(not busy and self._refusal is None and self.record is not None)

    def show_error(self, message: str | None) -> None:
        show_error(self.error, message)

    def show_notice(self, message: str | None) -> None:
        self.notice.setText(message or "")
        self.notice.setVisible(bool(message))

    # -- what is shown ----------------------------------------------------------------------------------

    def show_nothing(self, text: str | None = None) -> None:
        self.record = None
        self._clear()
        self._layout.addWidget(text_label(text or self.tr("Select a message on the left to review it."), "Muted"))
        self._update_buttons()

    def show_message(self, record: MessageRecord, tz: ZoneInfo, now: datetime) -> None:
        self.record = record
        self._clear()
        add = self._layout.addWidget
        chips = QHBoxLayout()
        chips.setSpacing(6)
        chips.addWidget(chip(self.tr(record.status.label), STATUS_CHIP[record.status]))
        chips.addWidget(chip(priority_label(record.priority), PRIORITY_CHIP[record.priority]))
        chips.addStretch(1)
        self._layout.addLayout(chips)
        add(text_label(purpose_label(record.purpose), "DetailTitle"))
        others = [name for name in record.contributors if name != record.created_by]
        written = self.tr("Written by {who}").format(who=record.created_by)
        if others:
            written += self.tr(", edited by {names}").format(names=", ".join(others))
        add(
            text_label(
                self.tr("{written} · submitted {when} ({ago}) · version {version} · ID {id}").format(
                    written=written,
                    when=format_local(record.updated_at, tz),
                    ago=ago(record.updated_at, now),
                    version=record.version,
                    id=record.short_id,
                ),
                "Muted",
            )
        )
        goes = ", ".join(channel_title(c.name, c.platform) for c in record.channels) or self.tr("no channel")
        add(text_label(self.tr("Goes to: {channels}").format(channels=goes)))
        for flag in record.flags:
            who = flag.acknowledged_by or self.tr("nobody yet")
            add(text_label(f"⚠ {flag.flag.message} ({flag.language}) — {self.tr('checked by')} {who}", "FlagLine"))
        self._changes(record, tz)
        self._layout.addWidget(text_label(self.tr("Every language"), "SectionTitle"))
        self.languages.set_texts([(code, record.text(code) or "") for code in record.languages])
        add(self.languages)
        self.languages.show()
        self._update_buttons()

    def _changes(self, record: MessageRecord, tz: ZoneInfo) -> None:
        self.diff_labels = {}
        add = self._layout.addWidget
        approval = record.last_approval
        if approval is None:
            add(text_label(self.tr("Changes"), "SectionTitle"))
            add(text_label(self.tr("First version: nothing was approved before. Read every language below."), "Muted"))
            return
        add(text_label(self.tr("Changes since the approved version"), "SectionTitle"))
        when = format_local(approval.approved_at, tz)
        add(text_label(self.tr("Approved by {who} {when}.").format(who=approval.approved_by, when=when), "Muted"))
        changes = changes_since(approval.content, record)
        if changes.nothing:
            add(text_label(self.tr("Nothing changed since that approval."), "Muted"))
            return
        add(text_label(self.tr("+ added (green)   − removed (red, struck through)"), "Muted"))
        colours = current_colours()
        for code, runs in changes.texts.items():
            add(text_label(language_title(code), "LanguageTitle"))
            label = text_label(diff_html(runs, colours, language(code).rtl), rich=True)
            set_direction(label, code)
            self.diff_labels[code] = label
            add(label)
        same = [c for c in record.languages if c not in changes.texts and c not in changes.added_languages]
        if changes.texts and same:
            add(
                text_label(
                    self.tr("Unchanged since the approval: {languages}. Check that they still say the same.").format(
                        languages=", ".join(language(code).name for code in same)
                    ),
                    "Warning",
                )
            )
        for code in changes.added_languages:
            add(text_label(self.tr("+ {language} added (its text is below)").format(language=language(code).name)))
        for code in changes.removed_languages:
            add(text_label(self.tr("− {language} removed").format(language=language(code).name)))
        for name in changes.added_channels:
            add(text_label(self.tr("+ now also goes to {channel}").format(channel=name)))
        for name in changes.removed_channels:
            add(text_label(self.tr("− no longer goes to {channel}").format(channel=name)))
        for line in changes.other:
            add(text_label(line))

    def _clear(self) -> None:
        self.show_error(None)
        clear_layout(self._layout, keep=[self.languages])
