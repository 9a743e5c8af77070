"""The filter bar above the timeline: search, category, minimum severity and time range; and which other kinds
(rumours, decisions, published messages) the timeline shows among its incidents."""

from datetime import datetime, timedelta

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QToolButton, QVBoxLayout, QWidget

from crowdops.domain.categories import categories_for
from crowdops.domain.enums import SEVERITY_LABELS, OperationKind
from crowdops.store.filters import DECISIONS, MESSAGES, RUMOURS

SEARCH_DELAY_MS = 250  # search as you type, without a query per keystroke
RANGES = (
    ("Any time", None),
    ("Last hour", timedelta(hours=1)),
    ("Last 6 hours", timedelta(hours=6)),
    ("Last 24 hours", timedelta(hours=24)),
)


# The toggles: kind, label (with its Alt key), what it shows.
KIND_TOGGLES = (
    (RUMOURS, "R&umours", "Show rumours when first seen and when their status changed (Alt+U)"),
    (DECISIONS, "&Decisions", "Show decisions and their revisions when made (Alt+D)"),
    (MESSAGES, "&Published messages", "Show public messages when their first post was sent (Alt+P)"),
)

TOGGLE_NOTE = "Search and time range apply to them too; category and severity narrow incidents only."


class FilterBar(QWidget):
    changed = Signal()
    kinds_changed = Signal(object)  # frozenset[str]: remembered in the preferences

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("FilterBar")
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search incidents (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip(self.tr("Words are searched as typed; every word must appear (Ctrl+F)"))
        self.category = QComboBox()
        self.category.setToolTip(self.tr("Show one category only"))
        self.severity = QComboBox()
        self.severity.setToolTip(self.tr("Show this severity or higher"))
        self.severity.addItem(self.tr("Any severity"), 1)
        for level in (2, 3, 4):
            self.severity.addItem(self.tr("{n} {label} or higher").format(n=level, label=SEVERITY_LABELS[level]), level)
        self.severity.addItem(self.tr("5 Critical only"), 5)
        self.time_range = QComboBox()
        self.time_range.setToolTip(self.tr("Show incidents from this period"))
        for label, span in RANGES:
            self.time_range.addItem(self.tr(label), span)
        self.reset_button = QToolButton()
        self.reset_button.setText(self.tr("Clear filters"))
        self.reset_button.setToolTip(self.tr("Show every incident again (Esc in the search field)"))
        self.reset_button.clicked.connect(self.reset)
        self.kind_buttons: dict[str, QPushButton] = {}
        kinds_row = QHBoxLayout()
        kinds_row.setContentsMargins(0, 0, 0, 0)
        kinds_row.addWidget(QLabel(self.tr("Also show:")))
        for kind, label, tip in KIND_TOGGLES:
            button = QPushButton()
            button.setObjectName("FilterChip")  # styled like the Outbox view's filters
            button.setToolTip(self.tr(tip) + "\n" + self.tr(TOGGLE_NOTE))
            button.setCheckable(True)
            button.toggled.connect(lambda on, b=button, text=label: self._mark(b, text, on))
            button.toggled.connect(self._kinds_toggled)
            self._mark(button, label, False)
            self.kind_buttons[kind] = button
            kinds_row.addWidget(button)
        kinds_row.addStretch(1)
        self.error = QLabel()
        self.error.setObjectName("FilterError")
        self.error.setWordWrap(True)
        self.error.hide()

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.search, 3)
        row.addWidget(self.category, 1)
        row.addWidget(self.severity, 1)
        row.addWidget(self.time_range, 1)
        row.addWidget(self.reset_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 8, 8, 4)
        column.addLayout(row)
        column.addLayout(kinds_row)
        column.addWidget(self.error)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.changed)
        self.search.textChanged.connect(self._debounce.start)
        self.search.returnPressed.connect(self._now)
        for combo in (self.category, self.severity, self.time_range):
            combo.currentIndexChanged.connect(self._now)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:  # Esc anywhere in the bar clears the filters
            self.reset()
            return
        super().keyPressEvent(event)

    def _now(self) -> None:
        self._debounce.stop()
        self.changed.emit()

    def kinds(self) -> frozenset[str]:
        """The kinds shown with the incidents (none: the incident timeline alone)."""
        return frozenset(kind for kind, button in self.kind_buttons.items() if button.isChecked())

    def set_kinds(self, kinds: frozenset[str]) -> None:
        """Restore the toggles (from the preferences) without a reload; the next filter change uses them."""
        for (kind, label, _tip), button in zip(KIND_TOGGLES, self.kind_buttons.values(), strict=True):
            button.blockSignals(True)
            button.setChecked(kind in kinds)
            button.blockSignals(False)
            self._mark(button, label, kind in kinds)

    def _mark(self, button: QPushButton, label: str, on: bool) -> None:
        """A tick says a kind is shown, in words as well as in the chip's colour."""
        button.setText(("✓ " if on else "") + self.tr(label))

    def _kinds_toggled(self) -> None:
        self.kinds_changed.emit(self.kinds())
        self._now()

    def set_kind(self, kind: OperationKind) -> None:
        """Offer the categories of this kind of operation."""
        self.category.blockSignals(True)
        self.category.clear()
        self.category.addItem(self.tr("All categories"), None)
        for category in categories_for(kind):
            self.category.addItem(category.label, category.slug)
        self.category.blockSignals(False)

    def reset(self) -> None:
        for widget in (self.search, self.category, self.severity, self.time_range):
            widget.blockSignals(True)
        self.search.clear()
        self.category.setCurrentIndex(0)
        self.severity.setCurrentIndex(0)
        self.time_range.setCurrentIndex(0)
        for widget in (self.search, self.category, self.severity, self.time_range):
            widget.blockSignals(False)
        self._now()

    def is_filtered(self) -> bool:
        return bool(
            self.search.text().strip()
            or self.category.currentData()
            or self.severity.currentData() != 1
            or self.time_range.currentData()
        )

    def since(self, now: datetime) -> str | None:
        span = self.time_range.currentData()
        return (now - span).isoformat() if span else None

    def show_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
