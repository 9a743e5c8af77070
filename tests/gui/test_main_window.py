"""The main window: status bar, exercise banner, operation switcher, themes, shortcuts and the smoke start."""

import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from crowdops.app import App
from crowdops.gui.main_window import MainWindow
from crowdops.gui.theme import DARK, LIGHT


def test_status_bar_shows_operation_phase_user_and_local_clock(window: MainWindow):
    status = window.status
    assert status.operation.text() == "Op: Athens March · During"
    assert status.user.text() == "cmdr (commander)"
    assert status.clock.text().startswith("15:00:00 EEST")  # the fake clock, in Athens
    assert status.connectivity.text() == "◌ Network not checked yet · 0 queued · nothing sent yet"


def test_signed_out_window_says_it_is_read_only(window: MainWindow):
    window.state.set_user(None)
    assert "Not signed in" in window.status.user.text()


def test_exercise_operation_shows_a_red_banner_and_title(staffed: App, make_window, qtbot: QtBot):
    staffed.operations.create("Drill", "event", timezone="Europe/Berlin", exercise=True, actor="trainer")
    staffed.operations.use("Drill")
    window = make_window(staffed)
    qtbot.waitUntil(lambda: window.state.operation is not None and window.state.operation.name == "Drill")
    assert window.banner.isVisible()
    assert "EXERCISE" in window.banner.text()
    assert window.windowTitle().startswith("[EXERCISE]")
    assert "EXERCISE" in window.status.operation.text()


def test_live_operation_has_no_banner(window: MainWindow):
    assert not window.banner.isVisible()
    assert not window.windowTitle().startswith("[EXERCISE]")


def test_switching_operation_is_shared_with_the_cli(window: MainWindow, staffed: App, qtbot: QtBot):
    staffed.operations.create("Cup Final", "event", timezone="Europe/Berlin", actor="cmdr")
    qtbot.waitUntil(lambda: window.op_switcher.count() == 2, timeout=5000)  # OperationsChanged reloads the list
    index = next(i for i in range(2) if window.op_switcher.itemData(i).name == "Cup Final")
    window.op_switcher.setCurrentIndex(index)
    window.op_switcher.activated.emit(index)
    qtbot.waitUntil(lambda: window.state.operation.name == "Cup Final", timeout=5000)
    assert staffed.operations.current().name == "Cup Final"
    # The filter bar now offers the event's categories.
    assert window.timeline.filters.category.findData("entry-gate") >= 0
    assert window.timeline.filters.category.findData("counter-protest") < 0


def test_dark_theme_and_larger_text(window: MainWindow, qtbot: QtBot):
    app = QApplication.instance()
    base_size = app.font().pointSizeF()
    window.act_dark.trigger()
    assert app.palette().color(QPalette.ColorRole.Window).name() == DARK.window
    assert window.prefs.theme.value == "dark"
    window.act_larger.trigger()
    assert app.font().pointSizeF() == pytest.approx(base_size * 1.25)
    window.act_dark.trigger()
    window.act_larger.trigger()
    assert app.palette().color(QPalette.ColorRole.Window).name() == LIGHT.window
    assert app.font().pointSizeF() == pytest.approx(base_size)


def test_every_action_has_a_shortcut_shown_in_its_tooltip(window: MainWindow):
    actions = [a for a in window.actions() if a.text()]
    assert len(actions) >= 10
    for action in actions:
        shortcut = action.shortcut().toString()
        assert shortcut, f"{action.text()} has no shortcut"
        assert action.toolTip().endswith(")"), f"{action.text()} does not show its shortcut in the tooltip"
    shortcuts = {a.shortcut().toString() for a in actions}
    assert {"Ctrl+L", "Ctrl+F", "Ctrl+1", "F5"} <= shortcuts
    assert len(shortcuts) == len(actions), "two actions share a shortcut"


def test_ctrl_f_focuses_the_search(window: MainWindow, qtbot: QtBot):
    window.activateWindow()
    window.act_find.trigger()
    assert window.timeline.filters.search.hasFocus() or QApplication.focusWidget() is window.timeline.filters.search


@pytest.mark.slow
def test_gui_smoke_start_paints_and_exits_zero(tmp_path: Path, shared_keyring: dict[str, str]):
    db = tmp_path / "smoke.db"
    env = {"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **shared_keyring}
    demo = subprocess.run([sys.executable, "-m", "crowdops", "--db", str(db), "demo"], env=env, capture_output=True)
    assert demo.returncode == 0, demo.stderr
    started = time.monotonic()
    smoke = subprocess.run(
        [sys.executable, "-m", "crowdops", "--db", str(db), "gui", "--smoke"], env=env, capture_output=True, timeout=60
    )
    assert smoke.returncode == 0, smoke.stderr
    assert time.monotonic() - started < 30


@pytest.mark.slow
def test_gui_smoke_without_a_display_falls_back_to_offscreen(tmp_path: Path, shared_keyring: dict[str, str]):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **shared_keyring}  # no DISPLAY, no QT_QPA_PLATFORM
    smoke = subprocess.run(
        [sys.executable, "-m", "crowdops", "--db", str(tmp_path / "x.db"), "gui", "--smoke"],
        env=env,
        capture_output=True,
        timeout=60,
    )
    assert smoke.returncode == 0, smoke.stderr
    plain = subprocess.run(
        [sys.executable, "-m", "crowdops", "--db", str(tmp_path / "x.db"), "gui"],
        env=env,
        capture_output=True,
        timeout=60,
        text=True,
    )
    assert plain.returncode == 1
    assert "no display" in plain.stderr


@pytest.mark.slow
def test_the_window_needs_no_database_code_before_its_first_paint():
    """SQLAlchemy and Alembic cost a quarter of a second to import: the GUI loads them after it has painted."""
    code = (
        "import sys; import crowdops.cli.main, crowdops.gui.launch; "
        "print(sorted(m for m in ('sqlalchemy', 'alembic') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.slow
def test_gui_smoke_reports_a_broken_database_and_exits_one(tmp_path: Path):
    broken = tmp_path / "notes.db"
    broken.write_text("these are my notes, not a database\n")
    env = {"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    smoke = subprocess.run(
        [sys.executable, "-m", "crowdops", "--db", str(broken), "gui", "--smoke"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert smoke.returncode == 1
    assert "is not a SQLite database" in smoke.stderr
    assert "Traceback" not in smoke.stderr
    assert broken.read_text() == "these are my notes, not a database\n"
