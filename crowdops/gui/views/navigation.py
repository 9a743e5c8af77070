"""The navigation list on the left: one entry per view, some with a badge of what waits there ("Review (2)")."""

from PySide6.QtWidgets import QListWidget, QWidget


class NavList(QListWidget):
    def __init__(self, titles: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("NavList")
        self._titles = list(titles)
        for title in titles:
            self.addItem(title)
        self.setFixedWidth(132)
        self.setCurrentRow(0)

    def set_badge(self, row: int, count: int, tip: str = "", *, alert: bool = False) -> None:
        """`alert`: a problem that needs a person, not just work waiting; marked ⚠ as well as counted."""
        item = self.item(row)
        badge = f"⚠ {count}" if alert else str(count)
        item.setText(f"{self._titles[row]} ({badge})" if count else self._titles[row])
        item.setToolTip(tip)
