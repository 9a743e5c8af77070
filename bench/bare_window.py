"""Baseline for the startup benchmark: a bare PySide6 main window with a QTableView over a 1,000,000-row model.
Prints "painted main window" on the first paint of the table's viewport and exits 0 (exit 3 if nothing is painted
within 60 s)."""

import sys

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

ROWS = 1_000_000
HEADERS = ("Time", "Category", "Severity", "Location", "Description")
Index = QModelIndex | QPersistentModelIndex


class Model(QAbstractTableModel):
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else ROWS

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            return f"row {index.row()} col {index.column()}"
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None


class FirstPaint(QObject):
    def __init__(self, app: QApplication) -> None:
        super().__init__()
        self._app = app
        self._seen = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._seen:
            self._seen = True
            print("painted main window", flush=True)  # the same line `crowdops gui --smoke` prints
            QTimer.singleShot(0, self._app.quit)
        return False


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("Bare 1M-row table")
    view = QTableView()
    model = Model(view)
    view.setModel(model)
    window.setCentralWidget(view)
    window.resize(1280, 800)
    first_paint = FirstPaint(app)
    view.viewport().installEventFilter(first_paint)
    QTimer.singleShot(60_000, lambda: app.exit(3))
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
