"""Every action has a shortcut, shown in its menu entry and in its tooltip (UI.md)."""

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


def make_action(
    parent: QWidget,
    text: str,
    shortcut: str | QKeySequence.StandardKey,
    tip: str,
    slot: Callable[[], object],
    *,
    checkable: bool = False,
) -> QAction:
    action = QAction(text, parent)
    sequence = QKeySequence(shortcut)
    action.setShortcut(sequence)
    shown = sequence.toString(QKeySequence.SequenceFormat.NativeText)
    action.setToolTip(f"{tip} ({shown})" if shown else tip)
    action.setStatusTip(tip)
    action.setCheckable(checkable)
    action.triggered.connect(lambda _checked=False: slot())
    parent.addAction(action)  # shortcuts work from anywhere in the window
    return action


def shortcut_text(action: QAction) -> str:
    return action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
