"""Start the desktop app. The window is painted first; the database is opened (checked, backed up, migrated)
on the writer thread meanwhile, so a large or old database never leaves the user looking at nothing.

`smoke` (installers, CI) prints a line when the main window first paints and exits 0 once the database is open
and the first data has loaded — or 1 with the reason. It never starts the sync worker, so it makes no network
calls; nor does a run with CROWDOPS_NO_SYNC set.
"""

import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from crowdops.domain.errors import CrowdOpsError
from crowdops.gui.main_window import MainWindow
from crowdops.gui.preferences import Preferences
from crowdops.gui.state import GuiState
from crowdops.gui.theme import RESOURCES

if TYPE_CHECKING:
    from crowdops.app import App

SMOKE_TIMEOUT_MS = 60_000
PASSPHRASE_ENV = "CROWDOPS_PASSPHRASE"
NO_SYNC_ENV = "CROWDOPS_NO_SYNC"  # set (to anything) to open the window without publishing, e.g. to look around


def create_window(app: "App | None" = None, prefs: Preferences | None = None) -> MainWindow:
    """The main window, over `app` if it is already open (tests), loading its operations in the background."""
    window = MainWindow(GuiState(), prefs or Preferences())
    if app is not None:
        window.attach(app)
    return window


def keep_long_lived_out_of_gc() -> None:
    """Everything built by now (Qt wrappers, SQLAlchemy's mappers, the services) lives as long as the window: keep
    it out of the cyclic collector's full passes, which otherwise scan it all and stall whichever thread triggers
    them — the GUI's included — for 50-80 ms (seen in `make bench`: the longest GUI stall fell from 83 to 27 ms)."""
    gc.freeze()


def _has_display() -> bool:
    if sys.platform != "linux" or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _open(db_path: Path | None, actor: str | None) -> "tuple[App, object]":
    """On the writer thread: open the core (SQLAlchemy is imported here, after the window is up)."""
    from crowdops.app import open_app

    app = open_app(db_path)
    user = None
    if actor:
        try:
            user = app.users.authenticate(actor, os.environ.get(PASSPHRASE_ENV, ""))
        except CrowdOpsError:
            app.close()
            raise
    return app, user


def run(db_path: Path | None, *, smoke: bool = False, actor: str | None = None, argv: list[str] | None = None) -> int:
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
    window = create_window()
    outcome = {"code": 0}

    def fail(message: str) -> None:
        outcome["code"] = 1
        print(f"crowdops: {message}", file=sys.stderr)
        if not smoke:
            QMessageBox.critical(window, window.tr("CrowdOps cannot start"), message)
        qt_app.quit()

    def opened(result: "tuple[App, object]") -> None:
        app, user = result
        window.attach(app)
        keep_long_lived_out_of_gc()
        if not smoke and not os.environ.get(NO_SYNC_ENV):
            app.sync.start()  # publishes on its own thread, woken by approvals; App.close() stops it
        if user is not None:
            window.state.set_user(user)  # type: ignore[arg-type]
        elif not smoke:
            window.operations_loaded.connect(_offer_sign_in(window))

    def not_opened(error: Exception) -> None:
        fail(str(error) if isinstance(error, CrowdOpsError) else f"{error.__class__.__name__}: {error}")

    if smoke:
        window.first_paint.connect(lambda: print("painted main window", flush=True))
        window.operations_loaded.connect(lambda: QTimer.singleShot(0, qt_app.quit))
        QTimer.singleShot(SMOKE_TIMEOUT_MS, lambda: fail("the app did not finish starting in time."))
    window.show()
    window.state.tasks.write(lambda: _open(db_path, actor), opened, not_opened)
    try:
        result = qt_app.exec()
    finally:
        window.state.close()
        if window.state.ready:
            window.state.app.close()
    return outcome["code"] or result


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
