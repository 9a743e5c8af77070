"""The timeline: lazy pages, filters (including hostile search text), live updates and the detail pane."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from crowdops.app import App
from crowdops.domain.incidents import MethaneReport
from crowdops.gui.main_window import MainWindow
from crowdops.gui.models.timeline_model import PAGE_SIZE, RECORD_ROLE, Column
from crowdops.services.incidents import IncidentInput
from tests.conftest import FakeClock
from tests.gui.conftest import add_incidents


def _loaded(window: MainWindow) -> bool:
    return not window.timeline.model.loading


def test_loads_one_page_at_a_time_never_the_whole_table(staffed: App, clock: FakeClock, make_window, qtbot: QtBot):
    add_incidents(staffed, clock, PAGE_SIZE * 2 + 50)
    window = make_window(staffed)
    model = window.timeline.model
    qtbot.waitUntil(lambda: model.rowCount() == PAGE_SIZE, timeout=5000)
    assert model.canFetchMore()
    model.fetchMore()
    qtbot.waitUntil(lambda: model.rowCount() == 2 * PAGE_SIZE, timeout=5000)
    model.fetchMore()
    qtbot.waitUntil(lambda: model.rowCount() == 2 * PAGE_SIZE + 50, timeout=5000)
    assert not model.canFetchMore()
    times = [model.record(row).occurred_at for row in range(model.rowCount())]
    assert times == sorted(times, reverse=True), "newest first"
    assert len({model.record(row).id for row in range(model.rowCount())}) == model.rowCount(), "no duplicates"


def test_scrolling_to_the_bottom_fetches_more(staffed: App, clock: FakeClock, make_window, qtbot: QtBot):
    add_incidents(staffed, clock, PAGE_SIZE + 10)
    window = make_window(staffed)
    model = window.timeline.model
    qtbot.waitUntil(lambda: model.rowCount() == PAGE_SIZE, timeout=5000)
    window.timeline.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() == PAGE_SIZE + 10, timeout=5000)


def test_cells_show_local_time_severity_words_and_the_record(window: MainWindow, staffed: App, qtbot: QtBot):
    op = staffed.operations.current()
    staffed.incidents.log(op.id, IncidentInput("medical", 4, "Collapsed runner", location="Syntagma"), actor="cmdr")
    model = window.timeline.model
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=5000)
    index = model.index(0, Column.TIME)
    assert model.data(index) == "15:00"  # 12:00 UTC is 15:00 in Athens in May (EEST)
    assert "EEST" in model.data(index, role=3)  # tooltip: full time with the zone
    assert model.data(model.index(0, Column.SEVERITY)) == "4 Serious"  # colour is never alone: a word says it
    assert model.data(model.index(0, Column.CATEGORY)) == "Medical"
    assert model.data(model.index(0, Column.WHERE)) == "Syntagma"
    assert model.data(index, RECORD_ROLE).description == "Collapsed runner"
    assert model.headerData(Column.TIME, Qt.Orientation.Horizontal) == "Time (EEST)"


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ('"', 0),
        ("*", 0),
        ("NEAR(", 0),
        ("-", 0),
        ("AND", 0),
        ("(((", 0),
        ("'; DROP", 0),
        ("^gate", 5),
        ("gate:*", 5),
        ('"gate"', 5),
        ("gate 3", 1),
        ('gate" OR "x', 0),
    ],
)
def test_hostile_search_text_is_searched_literally(
    window: MainWindow, staffed: App, clock: FakeClock, qtbot: QtBot, query: str, found: int
):
    add_incidents(staffed, clock, 5)
    window.timeline.model.refresh()
    qtbot.waitUntil(lambda: window.timeline.model.rowCount() == 5, timeout=5000)
    bar = window.timeline.filters
    bar.search.setText(query)
    bar.search.returnPressed.emit()
    qtbot.waitUntil(lambda: window.timeline.model.rowCount() == found and _loaded(window), timeout=5000)
    assert not bar.error.isVisible()
    if not found:
        assert window.timeline.stack.currentWidget() is window.timeline.empty
        assert "No incidents match" in window.timeline.empty.text()


def test_search_category_and_severity_filters(window: MainWindow, staffed: App, qtbot: QtBot):
    op = staffed.operations.current()
    log = staffed.incidents.log
    log(op.id, IncidentInput("medical", 2, "Ambulance at Syntagma"), actor="cmdr")
    log(op.id, IncidentInput("disorder", 4, "Bottles thrown at Omonia"), actor="cmdr")
    log(op.id, IncidentInput("medical", 5, "Cardiac arrest at Omonia"), actor="cmdr")
    model, bar = window.timeline.model, window.timeline.filters
    qtbot.waitUntil(lambda: model.rowCount() == 3, timeout=5000)

    bar.search.setText("omon")  # prefix search as you type
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=5000)
    bar.category.setCurrentIndex(bar.category.findData("medical"))
    qtbot.waitUntil(lambda: model.rowCount() == 1 and "Cardiac" in model.record(0).description, timeout=5000)
    bar.reset()
    qtbot.waitUntil(lambda: model.rowCount() == 3, timeout=5000)
    bar.severity.setCurrentIndex(bar.severity.findData(4))
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=5000)
    assert all(model.record(r).severity >= 4 for r in range(2))


def test_time_range_filter(window: MainWindow, staffed: App, clock: FakeClock, qtbot: QtBot):
    add_incidents(staffed, clock, 120)  # one a minute, going back two hours
    window.timeline.model.refresh()
    model, bar = window.timeline.model, window.timeline.filters
    qtbot.waitUntil(lambda: model.rowCount() == 120, timeout=5000)
    bar.time_range.setCurrentIndex(1)  # last hour
    qtbot.waitUntil(lambda: model.rowCount() == 60, timeout=5000)


def test_empty_operation_says_what_to_do_next(window: MainWindow):
    assert window.timeline.stack.currentWidget() is window.timeline.empty
    assert "Ctrl+L" in window.timeline.empty.text()


def test_an_entry_logged_elsewhere_appears_and_a_correction_replaces_it(window: MainWindow, staffed: App, qtbot: QtBot):
    op = staffed.operations.current()
    first = staffed.incidents.log(op.id, IncidentInput("medical", 2, "Man down at Propylaia"), actor="comms")
    model = window.timeline.model
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=5000)
    window.timeline.table.selectRow(0)
    detail = window.timeline.detail
    qtbot.waitUntil(lambda: detail.record is not None and detail.record.id == first.id, timeout=5000)

    fixed = staffed.incidents.correct(first.short_id, actor="cmdr", severity=4, reason="Confirmed cardiac")
    qtbot.waitUntil(lambda: model.rowCount() == 1 and model.record(0).id == fixed.id, timeout=5000)
    # The selection follows the incident across the reload, and the detail shows both versions.
    qtbot.waitUntil(lambda: detail.record is not None and detail.record.id == fixed.id, timeout=5000)
    texts = [w.text() for w in detail.findChildren(QLabel)]
    assert any("Corrected" in t and "Confirmed cardiac" in t for t in texts)
    assert any(t.startswith("Logged") and "comms" in t for t in texts)


def test_methane_fields_show_in_the_detail(window: MainWindow, staffed: App, qtbot: QtBot):
    op = staffed.operations.current()
    report = MethaneReport(
        True, "Syntagma east side", "Crowd crush", "Collapsed barrier", "From Amalias", "4 injured", "2 ambulances"
    )
    staffed.incidents.log(op.id, IncidentInput("major-incident", 5, "", methane=report), actor="cmdr")
    qtbot.waitUntil(lambda: window.timeline.model.rowCount() == 1, timeout=5000)
    window.timeline.table.selectRow(0)
    detail = window.timeline.detail
    qtbot.waitUntil(lambda: detail.record is not None, timeout=5000)
    texts = " ".join(w.text() for w in detail.findChildren(QLabel))
    assert "METHANE report" in texts and "Collapsed barrier" in texts and "Declared" in texts


def test_the_detail_clears_when_the_selected_incident_is_filtered_out_and_returns_with_it(
    window: MainWindow, staffed: App, qtbot: QtBot
):
    op = staffed.operations.current()
    staffed.incidents.log(op.id, IncidentInput("medical", 2, "Ambulance at Syntagma"), actor="cmdr")
    model, detail, bar = window.timeline.model, window.timeline.detail, window.timeline.filters
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=5000)
    window.timeline.table.selectRow(0)
    qtbot.waitUntil(lambda: detail.record is not None, timeout=5000)
    bar.search.setText("nothing like this")
    qtbot.waitUntil(lambda: model.rowCount() == 0 and detail.record is None, timeout=5000)
    bar.reset()
    qtbot.waitUntil(lambda: model.rowCount() == 1 and detail.record is not None, timeout=5000)
    assert window.timeline.table.selectionModel().hasSelection()


def test_selecting_an_entry_that_is_already_shown_needs_no_further_reload(
    window: MainWindow, staffed: App, qtbot: QtBot
):
    """After a quick log, the reload started by the change's event may land before the dialog reports back."""
    op = staffed.operations.current()
    logged = staffed.incidents.log(op.id, IncidentInput("medical", 2, "Ambulance at Syntagma"), actor="cmdr")
    qtbot.waitUntil(lambda: window.timeline.model.rowCount() == 1 and not window.timeline.model.loading, timeout=5000)
    window.timeline.table.clearSelection()
    window.timeline.select_when_shown(logged.root_id)
    assert window.timeline.selected_record().id == logged.id
