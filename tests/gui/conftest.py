"""GUI fixtures: a main window over a staffed database, with preferences kept in a temporary file."""

import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from crowdops.app import App
from crowdops.gui.launch import create_window
from crowdops.gui.main_window import MainWindow
from crowdops.gui.preferences import Preferences
from crowdops.store.models import Incident, User
from tests.conftest import FakeClock


@pytest.fixture
def prefs(tmp_path: Path) -> Preferences:
    return Preferences(QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def make_window(qtbot: QtBot, prefs: Preferences) -> Iterator[Callable[[App], MainWindow]]:
    made: list[MainWindow] = []

    def make(app: App) -> MainWindow:
        window = create_window(app, prefs)
        qtbot.addWidget(window)
        with qtbot.waitSignal(window.operations_loaded, timeout=5000):
            window.show()
        made.append(window)
        return window

    yield make
    for window in made:
        window.state.close()


@pytest.fixture
def window(staffed: App, make_window: Callable[[App], MainWindow], qtbot: QtBot) -> MainWindow:
    """Signed in as the commander, on the current protest operation, timeline loaded."""
    win = make_window(staffed)
    win.state.set_user(staffed.users.get("cmdr"))
    qtbot.waitUntil(lambda: not win.timeline.model.loading and win.timeline.model.has_filter, timeout=5000)
    return win


def add_incidents(app: App, clock: FakeClock, count: int, *, text: str = "Crowd building at gate {i}") -> None:
    """Write many entries in one transaction (the service writes one per transaction, too slow for hundreds)."""
    op = app.operations.current()
    assert op is not None
    with app.db.write() as session:
        user = session.query(User).filter_by(name="cmdr").one()
        for i in range(count):
            new_id = uuid.uuid4()
            moment = clock.now - timedelta(minutes=i + 1)
            session.add(
                Incident(
                    id=new_id,
                    operation_id=op.id,
                    root_id=new_id,
                    corrects_id=None,
                    occurred_at=moment,
                    logged_at=moment,
                    logged_by=user.id,
                    category="crowd-density",
                    severity=1 + i % 5,
                    location=f"Gate {i % 7}",
                    latitude=None,
                    longitude=None,
                    source="officer",
                    description=text.format(i=i),
                    methane_json=None,
                    correction_reason="",
                )
            )
