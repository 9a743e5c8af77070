"""Take screenshots of the main window for a human to look at (not a test).

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshot.py --db demo.db --out shots/ [--as Papadaki]

Writes main-light.png, main-dark.png, quick-log.png, sign-in.png, exercise.png and no-match.png.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QSettings, QThread
from PySide6.QtWidgets import QApplication

from crowdops.app import open_app
from crowdops.gui.dialogs.sign_in import SignInDialog
from crowdops.gui.launch import create_window
from crowdops.gui.preferences import Preferences
from crowdops.gui.theme import ThemeName


def wait_until(app: QApplication, condition, timeout_s: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while not condition():
        app.processEvents()
        QThread.msleep(10)
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting for the window")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", default="shots")
    parser.add_argument("--as", dest="actor", default="Papadaki")
    parser.add_argument("--passphrase", default="demo")
    parser.add_argument("--larger", action="store_true")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    qt_app = QApplication(sys.argv[:1])
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "prefs.ini"), QSettings.Format.IniFormat)
    prefs = Preferences(settings)
    prefs.larger_text = args.larger
    core = open_app(Path(args.db))
    window = create_window(core, prefs)
    window.state.set_user(core.users.authenticate(args.actor, args.passphrase))
    window.show()
    timeline = window.timeline
    wait_until(qt_app, lambda: timeline.model.rowCount() > 0)
    timeline.table.selectRow(2)
    wait_until(qt_app, lambda: timeline.detail.record is not None)
    for theme in (ThemeName.LIGHT, ThemeName.DARK):
        prefs.theme = theme
        window.apply_preferences()
        qt_app.processEvents()
        window.grab().save(str(out / f"main-{theme.value}.png"))
    dialog = window.quick_log()
    if dialog is not None:
        qt_app.processEvents()
        dialog.grab().save(str(out / "quick-log.png"))
        dialog.reject()
    prefs.theme = ThemeName.LIGHT
    window.apply_preferences()
    sign_in = SignInDialog(window.state, core.users.list(), args.actor, window)
    sign_in.show()
    qt_app.processEvents()
    sign_in.grab().save(str(out / "sign-in.png"))
    sign_in.reject()
    exercise = next((op for op in core.operations.list() if op.exercise), None)
    if exercise is not None:
        window.state.set_operation(exercise)
        wait_until(
            qt_app,
            lambda: timeline.model.rowCount() > 0 and timeline.model.record(0).operation_id == exercise.id,
        )
        timeline.table.selectRow(0)
        wait_until(qt_app, lambda: timeline.detail.record is not None)
        window.grab().save(str(out / "exercise.png"))
    timeline.filters.search.setText("zzzz nothing matches")
    wait_until(qt_app, lambda: timeline.model.rowCount() == 0 and not timeline.model.loading)
    qt_app.processEvents()
    window.grab().save(str(out / "no-match.png"))
    window.close()
    core.close()
    print(f"screenshots in {out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
