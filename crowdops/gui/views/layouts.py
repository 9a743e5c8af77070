"""The layout every list view shares (UI.md): a filter bar over a list (or its empty state) on the left, the
selected item's detail on the right, in a splitter that never collapses either side."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QSplitter, QStackedWidget, QVBoxLayout, QWidget


def list_and_detail(view: QWidget, bar: QWidget, body: QWidget, detail: QWidget, sizes: tuple[int, int]) -> None:
    left = QWidget()
    column = QVBoxLayout(left)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(0)
    column.addWidget(bar)
    column.addWidget(body, 1)
    splitter = QSplitter(Qt.Orientation.Horizontal)
    splitter.addWidget(left)
    splitter.addWidget(detail)
    splitter.setStretchFactor(0, 3)
    splitter.setStretchFactor(1, 1)
    splitter.setChildrenCollapsible(False)
    splitter.setSizes(list(sizes))
    layout = QVBoxLayout(view)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(splitter)


def scrolling_pane(pane: QWidget, min_width: int) -> QVBoxLayout:
    """Make `pane` a detail pane that scrolls; returns the layout its content goes into, top-aligned."""
    pane.setObjectName("DetailPane")
    pane.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
    pane.setMinimumWidth(min_width)
    outer = QVBoxLayout(pane)
    outer.setContentsMargins(0, 0, 0, 0)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    outer.addWidget(scroll)
    body = QWidget()
    scroll.setWidget(body)
    layout = QVBoxLayout(body)
    layout.setContentsMargins(14, 12, 14, 12)
    layout.setAlignment(Qt.AlignmentFlag.AlignTop)
    return layout


def with_empty_state(table: QWidget) -> tuple[QStackedWidget, QLabel]:
    """The list, and in its place when there is nothing to list, a sentence saying what to do next."""
    empty = QLabel()
    empty.setObjectName("EmptyState")
    empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
    empty.setWordWrap(True)
    stack = QStackedWidget()
    stack.addWidget(table)
    stack.addWidget(empty)
    return stack, empty
