"""Start the desktop app over an opened core. `smoke` exits 0 once the main window has painted (installers, CI)."""

import os
import sys

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from crowdops.app import App
from crowdops.domain.errors import CrowdOpsError
from crowdops.gui.main_window import MainWindow
from crowdops.gui.preferences import Preferences
from crowdops.gui.state import GuiState
from crowdops.gui.theme import RESOURCES

SMOKE_TIMEOUT_MS = 30_000
PASSPHRASE_ENV = "CROWDOPS_PASSPHRASE"


def create_window(app: App, prefs: Preferences | None = None) -> MainWindow:
    """The main window over `app`, with its operations loading in the background (tests use this too)."""
    state = GuiState(app)
    window = MainWindow(state, prefs or Preferences())
    window.load_operations()
    return window


def _has_display() -> bool:
    if sys.platform != "linux" or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run(app: App, *, smoke: bool = False, actor: str | None = None, argv: list[str] | None = None) -> int:
    if not _has_display():
        if not smoke:
            print("crowdops: no display found; start CrowdOps from a desktop session (or under Xvfb).", file=sys.stderr)
            return 1
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # a smoke test on a headless machine still paints, off screen
    qt_app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    assert isinstance(qt_app, QApplication)
    qt_app.setApplicationName("CrowdOps")
    qt_app.setOrganizationName("CrowdOps")
    QGuiApplication.setDesktopFileName("crowdops")
    icon = RESOURCES / "icons" / "crowdops.svg"
    if icon.exists():
        qt_app.setWindowIcon(QIcon(str(icon)))
    window = create_window(app)
    if actor:
        try:
            window.state.set_user(app.users.authenticate(actor, os.environ.get(PASSPHRASE_ENV, "")))
        except CrowdOpsError as error:
            print(f"crowdops: {error}", file=sys.stderr)
            return 1
    exit_code = 0
    if smoke:

        def failed() -> None:
            nonlocal exit_code
            exit_code = 1
            print("crowdops: the main window was not painted in time.", file=sys.stderr)
            qt_app.quit()

        window.first_paint.connect(lambda: QTimer.singleShot(0, qt_app.quit))
        QTimer.singleShot(SMOKE_TIMEOUT_MS, failed)
    elif window.state.user is None:
        window.operations_loaded.connect(_offer_sign_in(window))
    window.show()
    try:
        result = qt_app.exec()
    finally:
        window.state.close()
    return exit_code or result


def _offer_sign_in(window: MainWindow):  # type: ignore[no-untyped-def]
    """Ask who is at the laptop once, after the first load; cancelling leaves the window read only."""
    asked = False

    def ask() -> None:
        nonlocal asked
        if asked:
            return
        asked = True
        if not window.sign_in():
            QMessageBox.information(
                window,
                window.tr("Read only"),
                window.tr("You are not signed in, so you can read but not log. Sign in any time with Ctrl+Shift+I."),
            )

    return ask
