"""One language of the message being composed: its editor (right to left for Arabic, Farsi…), the personal data
found in it as you type, and a preview for each chosen channel with its own counter ("123 / 500", red past the
limit). Counting is pure and fast, so counters follow every keystroke; the privacy scan waits for a pause."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from crowdops.domain.errors import CrowdOpsError
from crowdops.domain.privacy import PrivacyFlag, find_personal_data
from crowdops.domain.text import measure
from crowdops.gui.theme import current_colours
from crowdops.gui.views.widgets import clear_layout, set_direction, text_label
from crowdops.gui.wording import channel_title
from crowdops.services.records import ChannelRecord

FLAG_DELAY_MS = 150


def _utf16(text: str, index: int) -> int:
    """Qt positions count UTF-16 code units; Python's count code points."""
    return len(text[:index].encode("utf-16-le")) // 2


def _restyle(widget: QWidget, name: str) -> None:
    if widget.objectName() != name:
        widget.setObjectName(name)
        widget.style().unpolish(widget)
        widget.style().polish(widget)


class ChannelPreview(QFrame):
    """How the post looks on one channel, and whether it fits there."""

    def __init__(self, channel: ChannelRecord, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PreviewCard")
        self.channel = channel
        self.counter = QLabel()
        self.counter.setObjectName("Counter")
        self.text = text_label("")
        set_direction(self.text, code)
        head = QHBoxLayout()
        head.addWidget(text_label(channel_title(channel.name, channel.platform), "LanguageTitle"), 1)
        head.addWidget(self.counter)
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 6, 8, 6)
        column.addLayout(head)
        column.addWidget(self.text)
        self.fits = True

    def show_text(self, text: str) -> None:
        self.text.setText(text)
        try:
            fit = measure(text, self.channel.platform, limit=self.channel.char_limit)
        except CrowdOpsError as error:
            self.counter.setText("—")
            self.counter.setToolTip(str(error))
            self.fits = False
            return
        self.fits = fit.ok
        shown = f"{fit.length} / {fit.limit}"
        if fit.bytes_over:
            shown += self.tr(" — {n} bytes too long").format(n=fit.bytes_over)
        elif fit.over:
            shown += self.tr(" — {n} too long").format(n=fit.over)
        self.counter.setText(shown)
        self.counter.setToolTip(
            self.tr("Counted in {unit}, as {platform} counts").format(unit=fit.unit, platform=self.channel.platform)
        )
        _restyle(self.counter, "Counter" if fit.ok else "CounterOver")


class LanguageTab(QWidget):
    edited = Signal()  # typed by hand (not filled from the template)
    flags_changed = Signal()
    fit_changed = Signal()

    def __init__(self, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code = code
        self.hand_edited = False
        self.flags: list[PrivacyFlag] = []
        self._filling = False
        self.editor = QPlainTextEdit()
        self.editor.setTabChangesFocus(True)
        self.editor.setPlaceholderText(self.tr("Write the message in this language"))
        set_direction(self.editor, code)
        self.refill_note = QWidget()
        note_row = QHBoxLayout(self.refill_note)
        note_row.setContentsMargins(0, 0, 0, 0)
        note_row.addWidget(
            text_label(self.tr("Edited by hand: the template fields no longer change this text."), "Muted"), 1
        )
        self.refill_button = QPushButton(self.tr("Refill from template"))
        self.refill_button.setToolTip(self.tr("Replace this text with the template filled with the fields above"))
        note_row.addWidget(self.refill_button)
        self.refill_note.hide()
        self.flag_list = QVBoxLayout()
        self.flag_list.setContentsMargins(0, 0, 0, 0)
        self.no_channels = text_label(self.tr("Choose a channel below to see how long the post may be there."), "Muted")
        self.previews: list[ChannelPreview] = []
        self._preview_box = QVBoxLayout()
        self._preview_box.setContentsMargins(0, 0, 0, 0)
        self.overrides: dict[str, str] = {}
        preview_body = QWidget()
        preview_column = QVBoxLayout(preview_body)
        preview_column.setContentsMargins(0, 0, 0, 0)
        preview_column.addWidget(text_label(self.tr("How it will look"), "SectionTitle"))
        preview_column.addWidget(self.no_channels)
        preview_column.addLayout(self._preview_box)
        preview_column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(preview_body)

        editor_side = QVBoxLayout()
        editor_side.addWidget(self.editor, 1)
        editor_side.addWidget(self.refill_note)
        editor_side.addLayout(self.flag_list)
        layout = QHBoxLayout(self)
        layout.addLayout(editor_side, 3)
        layout.addWidget(scroll, 2)

        self._flag_timer = QTimer(self)
        self._flag_timer.setSingleShot(True)
        self._flag_timer.setInterval(FLAG_DELAY_MS)
        self._flag_timer.timeout.connect(self.scan_flags)
        self.editor.textChanged.connect(self._text_changed)

    # -- text -----------------------------------------------------------------------------------------------

    def text(self) -> str:
        return self.editor.toPlainText()

    def set_text(self, text: str, *, by_hand: bool) -> None:
        self._filling = not by_hand
        self.editor.setPlainText(text)
        self._filling = False
        self.hand_edited = by_hand and bool(text)

    def fill(self, text: str) -> None:
        """Text filled from the template; a text typed by hand is never overwritten."""
        if not self.hand_edited and text != self.text():
            self.set_text(text, by_hand=False)

    def _text_changed(self) -> None:
        if not self._filling:
            self.hand_edited = True
            self.edited.emit()
        self.refill_note.setVisible(self.hand_edited and self.refill_button.isEnabled())
        self._update_previews()
        self._flag_timer.start()

    # -- channels and counters ------------------------------------------------------------------------------

    def set_channels(self, channels: list[ChannelRecord], overrides: dict[str, str] | None = None) -> None:
        self.overrides = overrides or {}
        clear_layout(self._preview_box)
        self.previews = [ChannelPreview(channel, self.code) for channel in channels]
        for preview in self.previews:
            self._preview_box.addWidget(preview)
        self.no_channels.setVisible(not channels)
        self._update_previews()

    def _update_previews(self) -> None:
        before = self.fits
        text = self.text()
        for preview in self.previews:
            own = self.overrides.get(preview.channel.name)
            preview.show_text(own if own else text)
        if self.fits != before:
            self.fit_changed.emit()

    @property
    def fits(self) -> bool:
        return all(preview.fits for preview in self.previews)

    # -- privacy flags --------------------------------------------------------------------------------------

    def scan_flags(self) -> None:
        self._flag_timer.stop()
        text = self.text()
        found = find_personal_data(text) if text.strip() else []
        if [f.key for f in found] == [f.key for f in self.flags] and [f.start for f in found] == [
            f.start for f in self.flags
        ]:
            return
        self.flags = found
        clear_layout(self.flag_list)
        for flag in found:
            self.flag_list.addWidget(text_label(f"⚠ {flag.message}", "FlagLine"))
        self._mark(text)
        self.flags_changed.emit()

    def _mark(self, text: str) -> None:
        """Underline each finding in the editor, in the warning colour."""
        marks = []
        colour = QColor(current_colours().warning)
        for flag in self.flags:
            mark = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.editor.document())
            cursor.setPosition(_utf16(text, flag.start))
            cursor.setPosition(_utf16(text, flag.end), QTextCursor.MoveMode.KeepAnchor)
            mark.cursor = cursor  # type: ignore[attr-defined]
            fmt = QTextCharFormat()
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            fmt.setUnderlineColor(colour)
            fmt.setFontWeight(700)
            mark.format = fmt  # type: ignore[attr-defined]
            marks.append(mark)
        self.editor.setExtraSelections(marks)

    def focus_editor(self) -> None:
        self.editor.setFocus()
        self.editor.moveCursor(QTextCursor.MoveOperation.End)
