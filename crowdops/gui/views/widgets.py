"""Small widgets the message views share: plain-text labels, status chips (in panes and in tables), writing
direction for right-to-left languages, and emptying a pane."""

import html
import uuid
from collections.abc import Iterable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, SignalInstance
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QLabel,
    QLayout,
    QPlainTextEdit,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTextEdit,
    QWidget,
)

from crowdops.domain.languages import language
from crowdops.gui.models.message_model import CHIP_ROLE
from crowdops.gui.theme import Colours, current_colours
from crowdops.gui.wording import DANGER, NEUTRAL, OK, WAITING


def text_label(text: str = "", name: str | None = None, *, rich: bool = False) -> QLabel:
    """User text is shown as plain text, so a '<' in a message is never read as markup."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if name:
        label.setObjectName(name)
    return label


def link_label(target: str, link_text: str, rest: str = "") -> QLabel:
    """A link to another record ("rumour:<hex>") that a click, or Tab and Enter, follows; then plain text. Both
    texts are escaped: user text is never read as markup. The owner connects `linkActivated`."""
    tail = html.escape(rest)
    label = QLabel(f'<a href="{html.escape(target)}">{html.escape(link_text)}</a>{tail}')
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(
        Qt.TextInteractionFlag.LinksAccessibleByMouse | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
    )
    label.setObjectName("Link")
    return label


def follow(target: str, signal: SignalInstance) -> None:
    """A link's target, "kind:hex", emitted as (kind, id) for the main window to open."""
    kind, _, ref = target.partition(":")
    signal.emit(kind, uuid.UUID(ref))


def chip(text: str, kind: str) -> QLabel:
    """A word on a tint (status, priority): the colour never carries the meaning alone."""
    label = QLabel(text)
    label.setObjectName(kind)
    label.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
    return label


def set_direction(widget: QWidget, code: str) -> None:
    """Lay out a language's text in its own direction: Arabic, Farsi, Pashto and Urdu right to left."""
    rtl = language(code).rtl
    direction = Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
    widget.setLayoutDirection(direction)
    if isinstance(widget, QLabel):
        side = Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft
        widget.setAlignment(side | Qt.AlignmentFlag.AlignAbsolute | Qt.AlignmentFlag.AlignTop)
    elif isinstance(widget, QPlainTextEdit | QTextEdit):
        document = widget.document()
        option = document.defaultTextOption()
        option.setTextDirection(direction)
        option.setAlignment(Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft)
        document.setDefaultTextOption(option)


def clear_layout(layout: QLayout, keep: Iterable[QWidget] = ()) -> None:
    """Empty a pane at once (hidden now, deleted later); widgets in `keep` are only taken out."""
    kept = set(keep)
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget()
        child = item.layout()
        if widget is not None:
            widget.hide()
            if widget in kept:
                widget.setParent(None)
            else:
                widget.deleteLater()
        elif child is not None:
            clear_layout(child, kept)
            child.deleteLater()


def chip_colours(kind: str, colours: Colours) -> tuple[str, str]:
    return {
        NEUTRAL: (colours.chip_neutral, colours.chip_neutral_text),
        WAITING: (colours.chip_waiting, colours.chip_waiting_text),
        OK: (colours.chip_ok, colours.chip_ok_text),
        DANGER: (colours.chip_danger, colours.chip_danger_text),
    }[kind]


def chip_width(font: QFont, text: str) -> int:
    """The column width that shows this word whole in a chip."""
    bold = QFont(font)
    bold.setBold(True)
    return QFontMetrics(bold).horizontalAdvance(text) + 2 * ChipDelegate.PAD_X + 16


class ChipDelegate(QStyledItemDelegate):
    """Paints a cell whose model gives a CHIP_ROLE as a rounded chip with its word; other cells as usual."""

    PAD_X, PAD_Y = 8, 3

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex):
        kind = index.data(CHIP_ROLE)
        if not kind:
            super().paint(painter, option, index)
            return
        self.initStyleOption(option, index)
        text = option.text  # type: ignore[attr-defined]
        option.text = ""  # type: ignore[attr-defined]
        widget = option.widget  # type: ignore[attr-defined]
        style = widget.style() if widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, widget)
        background, foreground = chip_colours(kind, current_colours())
        font = QFont(option.font)  # type: ignore[attr-defined]
        font.setBold(True)
        painter.save()
        painter.setFont(font)
        metrics = painter.fontMetrics()
        cell: QRect = option.rect  # type: ignore[attr-defined]
        width = min(cell.width() - 4, metrics.horizontalAdvance(text) + 2 * self.PAD_X + 2)  # +2: rounding
        height = min(cell.height() - 4, metrics.height() + 2 * self.PAD_Y)
        box = QRect(cell.left() + 4, cell.top() + (cell.height() - height) // 2, width, height)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(background))
        painter.drawRoundedRect(box, height / 2, height / 2)
        painter.setPen(QColor(foreground))
        elided = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width - 2 * self.PAD_X + 2)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, elided)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(hint.width() + 2 * self.PAD_X + 8, hint.height())
