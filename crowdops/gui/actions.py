"""Every action has a shortcut, shown in its menu entry and in its tooltip (UI.md)."""

from collections.abc import Callable, Iterable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenuBar, QWidget


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


def add_actions(target: QWidget, actions: "Iterable[QAction | None]") -> None:
    """Add actions to a menu or tool bar in order; None is a separator."""
    for action in actions:
        if action is None:
            target.addSeparator()  # type: ignore[attr-defined]
        else:
            target.addAction(action)


def fill_menu_bar(bar: QMenuBar, menus: "Iterable[tuple[str, Iterable[QAction | None]]]") -> None:
    for title, actions in menus:
        add_actions(bar.addMenu(title), actions)
