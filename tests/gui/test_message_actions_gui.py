"""Withdrawing a message and publishing a life-safety message unreviewed, from the Messages view."""

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from crowdops.app import App
from crowdops.domain.messages import MessageStatus
from crowdops.gui.dialogs.compose import ComposeWindow
from crowdops.gui.main_window import MESSAGES, MainWindow
from crowdops.services.inputs import DraftInput, IncidentInput
from tests.gui.messages_helpers import add_channels, sign_in, submitted


def _select(window: MainWindow, qtbot: QtBot, message_id) -> None:  # type: ignore[no-untyped-def]
    view = window.messages
    window.nav.setCurrentRow(MESSAGES)
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=5000)
    view.select_when_shown(message_id)
    view.reload()
    qtbot.waitUntil(lambda: view.detail.record is not None and view.detail.record.id == message_id, timeout=5000)
    qtbot.waitUntil(lambda: view.detail.withdraw_button.isVisible(), timeout=5000)  # the last reload has landed


def test_withdraw_from_the_detail_pane_cancels_the_message(window: MainWindow, staffed: App, qtbot: QtBot):
    add_channels(staffed)
    record = submitted(staffed, "Gates open at 18:00.")
    sign_in(window, staffed, "comms")
    _select(window, qtbot, record.id)
    assert window.messages.detail.withdraw_button.isVisible()
    assert not window.messages.detail.break_glass_button.isVisible()  # routine: never unreviewed
    dialog = window.messages.withdraw(window.messages.detail.record)
    dialog.reason.setPlainText("Gates open later than planned")
    with qtbot.waitSignal(dialog.done, timeout=5000):
        dialog.buttons.accepted.emit()
    after = staffed.messages.get(record.id.hex)
    assert after.status is MessageStatus.WITHDRAWN and after.status_reason == "Gates open later than planned"


def test_a_commander_publishes_their_own_life_safety_message_unreviewed_with_a_reason(
    window: MainWindow, staffed: App, qtbot: QtBot
):
    add_channels(staffed)
    record = submitted(staffed, "Move away from Gate C now: crush risk.", author="cmdr", priority="life-safety")
    sign_in(window, staffed, "cmdr")
    _select(window, qtbot, record.id)
    assert window.messages.detail.break_glass_button.isVisible()
    dialog = window.messages.publish_unreviewed(window.messages.detail.record)
    dialog.passphrase.setText("secret-1")
    dialog.buttons.accepted.emit()  # no reason yet
    assert "Write why" in dialog.error.text() and staffed.messages.get(record.id.hex).status is MessageStatus.SUBMITTED
    dialog.reason.setPlainText("No second commander reachable; crowd pressure rising")
    dialog.passphrase.setText("wrong")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: "Wrong passphrase" in dialog.error.text(), timeout=5000)
    dialog.passphrase.setText("secret-1")
    with qtbot.waitSignal(dialog.done, timeout=5000):
        dialog.buttons.accepted.emit()
    after = staffed.messages.get(record.id.hex)
    assert after.status is MessageStatus.APPROVED and after.last_approval.unreviewed
    assert after.outbox and all(o.status == "queued" for o in after.outbox)


def test_a_message_written_from_an_incident_is_linked_to_it(window: MainWindow, staffed: App, qtbot: QtBot):
    add_channels(staffed)
    sign_in(window, staffed, "comms")
    op = staffed.operations.current()
    incident = staffed.incidents.log(op.id, IncidentInput("road-closure", 2, "Stadiou closed by police"), actor="comms")
    timeline = window.timeline
    qtbot.waitUntil(lambda: timeline.model.rowCount() == 1, timeout=5000)
    timeline.table.selectRow(0)
    qtbot.waitUntil(lambda: timeline.detail.record is not None, timeout=5000)
    timeline.detail.message_button.click()
    compose = window.findChild(ComposeWindow)
    assert compose is not None
    qtbot.waitUntil(lambda: compose.save_button.isEnabled(), timeout=5000)
    assert compose.answers.id == incident.id
    compose.tabs_by_code()["en"].editor.setPlainText("Stadiou Street is closed. Use Panepistimiou.")
    with qtbot.waitSignal(compose.saved, timeout=5000):
        compose.save()
    [message] = staffed.messages.list(op.id)
    assert message.links == [("incident", incident.root_id)]


def test_a_channel_gets_its_own_shorter_text(window: MainWindow, staffed: App, qtbot: QtBot):
    add_channels(staffed)
    op = staffed.operations.current()

    record = staffed.messages.draft(
        op.id, DraftInput(text="Gates open at 18:00 today at every entrance."), actor="comms"
    )
    sign_in(window, staffed, "comms")
    _select(window, qtbot, record.id)
    assert window.messages.detail.channel_text_button.isVisible()
    dialog = window.messages.channel_text(window.messages.detail.record)
    dialog.channel.setCurrentIndex(dialog.channel.findText("Training feed", flags=Qt.MatchFlag.MatchStartsWith))
    assert dialog.text.toPlainText() == "Gates open at 18:00 today at every entrance."
    dialog.text.setPlainText("x" * 300)
    assert "too long" in dialog.counter.text()  # the sandbox counts as X: 280
    dialog.text.setPlainText("Gates open 18:00.")
    with qtbot.waitSignal(dialog.done, timeout=5000):
        dialog.buttons.accepted.emit()
    after = staffed.messages.get(record.id.hex)
    assert after.text("en", "Training feed") == "Gates open 18:00."
    assert after.text("en", "Police Mastodon") == "Gates open at 18:00 today at every entrance."
