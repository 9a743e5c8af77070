"""Quick log, METHANE, correction and sign-in dialogs: the happy path and every refusal."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from crowdops.app import App
from crowdops.gui.dialogs.quick_log import QuickLogDialog
from crowdops.gui.dialogs.sign_in import SignInDialog
from crowdops.gui.main_window import MainWindow
from crowdops.services.incidents import IncidentInput, TimelineQuery


def _count(app: App) -> int:
    op = app.operations.current()
    return len(app.incidents.list(TimelineQuery(op.id), 0))


def test_quick_log_puts_the_entry_on_the_timeline_within_a_second(window: MainWindow, staffed: App, qtbot: QtBot):
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    dialog = window.findChild(QuickLogDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.category.setCurrentIndex(dialog.category.findData("medical"))
    dialog.severity.setCurrentIndex(3)
    qtbot.keyClicks(dialog.text, "Woman fainted at Syntagma metro")
    qtbot.keyClick(dialog.text, Qt.Key.Key_Return)
    model = window.timeline.model
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=1000)
    record = model.record(0)
    assert (record.category, record.severity, record.logged_by) == ("medical", 4, "cmdr")
    assert record.occurred_at == staffed.context.clock()  # time defaults to now
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: window.timeline.table.selectionModel().hasSelection(), timeout=1000)
    assert window.prefs.last_category == "medical"


def test_quick_log_refusals_show_inline_and_write_nothing(window: MainWindow, staffed: App, qtbot: QtBot):
    dialog = window.quick_log()
    dialog.text.setText("   ")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=2000)
    assert "description is empty" in dialog.error.text()
    dialog.text.setText("Something")
    dialog.when.setText("2026-02-30T10:00")
    dialog.submit()
    qtbot.waitUntil(lambda: "not a real date" in dialog.error.text(), timeout=2000)
    dialog.when.setText("25:99")
    dialog.submit()
    qtbot.waitUntil(lambda: "not a time of day" in dialog.error.text(), timeout=2000)
    assert dialog.isVisible()
    assert _count(staffed) == 0


def test_observer_is_refused_by_the_service_not_by_a_hidden_button(window: MainWindow, staffed: App, qtbot: QtBot):
    window.state.set_user(staffed.users.get("watcher"))
    dialog = window.quick_log()
    dialog.text.setText("Trying to log")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=2000)
    assert "may not log incidents" in dialog.error.text()
    assert _count(staffed) == 0


def test_methane_report_requires_every_field(window: MainWindow, staffed: App, qtbot: QtBot):
    dialog = window.methane_report()
    dialog.submit()
    assert "Exact location" in dialog.error.text()
    values = {
        "exact_location": "Syntagma east",
        "incident_type": "Crush",
        "hazards": "Barrier down",
        "access": "Amalias Ave",
        "casualties": "3",
        "emergency_services": "2 ambulances",
    }
    for name, value in values.items():
        dialog.fields[name].setText(value)
    dialog.declared.setChecked(True)
    dialog.submit()
    qtbot.waitUntil(lambda: window.timeline.model.rowCount() == 1, timeout=2000)
    record = window.timeline.model.record(0)
    assert record.category == "major-incident"
    assert record.methane["major_incident"] is True and record.methane["hazards"] == "Barrier down"


def test_correction_dialog_appends_a_version(window: MainWindow, staffed: App, qtbot: QtBot):
    op = staffed.operations.current()
    first = staffed.incidents.log(op.id, IncidentInput("medical", 2, "Man down"), actor="comms")
    qtbot.waitUntil(lambda: window.timeline.model.rowCount() == 1, timeout=2000)
    dialog = window.correct_incident(first)
    dialog.submit()  # nothing changed
    qtbot.waitUntil(lambda: "changes nothing" in dialog.error.text(), timeout=2000)
    dialog.severity.setCurrentIndex(4)
    dialog.reason.setText("Cardiac arrest confirmed")
    dialog.submit()
    qtbot.waitUntil(lambda: window.timeline.model.record(0).severity == 5, timeout=2000)
    versions = staffed.incidents.history(first.id)
    assert [v.severity for v in versions] == [2, 5]
    assert versions[1].correction_reason == "Cardiac arrest confirmed"
    assert versions[1].occurred_at == first.occurred_at  # untouched time field keeps the exact original


def test_sign_in_refuses_a_wrong_passphrase_and_accepts_the_right_one(window: MainWindow, staffed: App, qtbot):
    dialog = SignInDialog(window.state, staffed.users.list(), "comms", window)
    qtbot.addWidget(dialog)
    assert dialog.who.currentData() == "comms"  # the last user is offered first
    dialog.passphrase.setText("wrong")
    dialog._check()
    qtbot.waitUntil(lambda: not dialog.error.isHidden(), timeout=3000)
    assert "Wrong passphrase for comms" in dialog.error.text()
    assert dialog.user is None
    dialog.passphrase.setText("secret-2")
    with qtbot.waitSignal(dialog.accepted, timeout=3000):
        dialog._check()
    assert dialog.user.name == "comms"


def test_sign_in_with_no_users_explains_how_to_add_one(app: App, make_window, qtbot: QtBot):
    window = make_window(app)
    dialog = SignInDialog(window.state, [], None, window)
    qtbot.addWidget(dialog)
    text = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "crowdops user add" in text
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
