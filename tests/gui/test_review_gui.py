"""The Review queue: the badge, four eyes with a passphrase, refusals shown inline, rejection reasons, the diff."""

import re
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from crowdops.app import App
from crowdops.domain.messages import MessageStatus
from crowdops.gui.main_window import REVIEW, MainWindow
from crowdops.gui.theme import LIGHT
from crowdops.services.message_records import MessageRecord
from tests.gui.messages_helpers import add_channels, add_second_commander, sign_in, submitted

OK = QDialogButtonBox.StandardButton.Ok


@pytest.fixture
def review_window(window: MainWindow, staffed: App) -> MainWindow:
    add_channels(staffed)
    add_second_commander(staffed)
    return window


def _open_review(window: MainWindow, qtbot: QtBot, count: int = 1):  # type: ignore[no-untyped-def]
    window.act_review.trigger()
    view = window.review
    assert window.views.currentWidget() is view
    qtbot.waitUntil(lambda: view.model.rowCount() == count and view.pane.record is not None, timeout=5000)
    return view


def _status(app: App, record: MessageRecord) -> MessageStatus:
    return app.messages.get(record.id.hex).status


def test_approving_as_a_second_commander_empties_the_queue_and_queues_the_posts(
    review_window: MainWindow, staffed: App, qtbot: QtBot
):
    assert review_window.nav.item(REVIEW).text() == "Review"
    record = submitted(staffed, "Syntagma metro station is closed until 18:00.")
    qtbot.waitUntil(lambda: review_window.nav.item(REVIEW).text() == "Review (1)", timeout=5000)
    sign_in(review_window, staffed, "cmdr2")
    view = _open_review(review_window, qtbot)
    pane = view.pane
    assert pane.record.id == record.id
    assert pane.languages.texts["en"].text() == "Syntagma metro station is closed until 18:00."
    assert pane.approve_button.isVisible() and not pane.read_only.isVisible()

    qtbot.mouseClick(pane.approve_button, Qt.MouseButton.LeftButton)
    dialog = view.passphrase_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.passphrase.setText("secret-5")
    qtbot.mouseClick(dialog.buttons.button(OK), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.model.rowCount() == 0, timeout=5000)
    assert review_window.nav.item(REVIEW).text() == "Review"
    assert view.stack.currentWidget() is view.empty and view.empty.text() == "Nothing waits for approval."
    approved = staffed.messages.get(record.id.hex)
    assert approved.status is MessageStatus.APPROVED
    assert approved.last_approval.approved_by == "cmdr2"
    assert sorted((o.channel, o.language, o.status) for o in approved.outbox) == [
        ("Police Mastodon", "en", "queued"),
        ("Training feed", "en", "queued"),
    ]


def test_the_author_cannot_approve_their_own_message(review_window: MainWindow, staffed: App, qtbot: QtBot):
    record = submitted(staffed, "Gate B is open again.", author="cmdr")  # the window is signed in as cmdr
    view = _open_review(review_window, qtbot)
    qtbot.mouseClick(view.pane.approve_button, Qt.MouseButton.LeftButton)
    assert view.passphrase_dialog is None  # not even asked
    assert view.pane.error.isVisible()
    assert "you may not approve it: a second commander must" in view.pane.error.text()
    assert _status(staffed, record) is MessageStatus.SUBMITTED
    assert staffed.messages.get(record.id.hex).outbox == []


def test_a_wrong_passphrase_is_shown_and_changes_nothing(review_window: MainWindow, staffed: App, qtbot: QtBot):
    record = submitted(staffed, "Gate B is open again.")
    sign_in(review_window, staffed, "cmdr2")
    view = _open_review(review_window, qtbot)
    qtbot.mouseClick(view.pane.approve_button, Qt.MouseButton.LeftButton)
    view.passphrase_dialog.passphrase.setText("not-my-passphrase")
    qtbot.mouseClick(view.passphrase_dialog.buttons.button(OK), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.pane.error.isVisible(), timeout=5000)
    assert view.pane.error.text() == "Wrong passphrase for cmdr2."
    assert _status(staffed, record) is MessageStatus.SUBMITTED
    assert view.model.rowCount() == 1 and view.pane.approve_button.isEnabled()


def test_approving_what_changed_since_it_was_shown_is_refused(review_window: MainWindow, staffed: App, qtbot: QtBot):
    record = submitted(staffed, "Gate B is open again.")
    sign_in(review_window, staffed, "cmdr2")
    view = _open_review(review_window, qtbot)
    shown = view.pane.record
    changed = staffed.messages.translate(record.id.hex, "en", "Gate C is open again.", actor="comms")
    staffed.approvals.submit(changed.id.hex, actor="comms")
    view._approve(shown, staffed.users.get("cmdr2"), "secret-5")  # what the pane showed before the change
    qtbot.waitUntil(lambda: "changed after you reviewed it" in view.pane.error.text(), timeout=5000)
    assert _status(staffed, record) is MessageStatus.SUBMITTED
    qtbot.waitUntil(lambda: view.pane.notice.isVisible(), timeout=5000)  # and the pane says to read it again
    assert view.pane.languages.texts["en"].text() == "Gate C is open again."


def test_rejecting_needs_a_reason(review_window: MainWindow, staffed: App, qtbot: QtBot):
    record = submitted(staffed, "Gate B is open again.")
    view = _open_review(review_window, qtbot)
    qtbot.mouseClick(view.pane.reject_button, Qt.MouseButton.LeftButton)
    dialog = view.reject_dialog
    qtbot.mouseClick(dialog.buttons.button(OK), Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.error.isVisible()
    assert "Say why the message is rejected" in dialog.error.text()
    assert _status(staffed, record) is MessageStatus.SUBMITTED
    qtbot.keyClicks(dialog.reason, "Gate B is still closed: check with the gate team")
    qtbot.mouseClick(dialog.buttons.button(OK), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.model.rowCount() == 0, timeout=5000)
    rejected = staffed.messages.get(record.id.hex)
    assert rejected.status is MessageStatus.REJECTED
    assert rejected.status_reason == "Gate B is still closed: check with the gate team"


def test_the_diff_marks_a_changed_word_against_the_approved_version(
    review_window: MainWindow, staffed: App, qtbot: QtBot
):
    record = submitted(staffed, "Road closed at Omonia until 18:00.")
    staffed.approvals.approve(record.id.hex, actor="cmdr", passphrase="secret-1")
    staffed.messages.translate(record.id.hex, "en", "Road closed at Syntagma until 18:00.", actor="comms")
    staffed.approvals.submit(record.id.hex, actor="comms")
    sign_in(review_window, staffed, "cmdr2")
    view = _open_review(review_window, qtbot)
    label = view.pane.diff_labels["en"]
    document = QTextDocument()
    document.setHtml(label.text())
    assert re.fullmatch(r"Road closed at −Omonia\s\+Syntagma until 18:00\.", document.toPlainText())
    assert LIGHT.diff_add in label.text() and LIGHT.diff_del in label.text()  # colour as well as the sign
    assert "line-through" in label.text()


def test_others_read_the_queue_and_are_told_who_approves(review_window: MainWindow, staffed: App, qtbot: QtBot):
    submitted(staffed, "Gate B is open again.")
    sign_in(review_window, staffed, "watcher")
    view = _open_review(review_window, qtbot)
    assert not view.pane.approve_button.isVisible() and not view.pane.reject_button.isVisible()
    assert view.pane.read_only.isVisible()
    assert view.pane.read_only.text() == "Only a commander approves public messages. You can read what waits here."


def test_languages_are_side_by_side_and_arabic_reads_right_to_left(
    review_window: MainWindow, staffed: App, qtbot: QtBot
):
    record = submitted(staffed, "Gate B is open again.")
    staffed.messages.translate(record.id.hex, "ar", "البوابة ب مفتوحة مرة أخرى.", actor="comms")
    staffed.approvals.submit(record.id.hex, actor="comms")
    sign_in(review_window, staffed, "cmdr2")
    view = _open_review(review_window, qtbot)
    grid = view.pane.languages
    assert grid.columns() >= 2
    assert grid.cards["ar"].y() == grid.cards["en"].y()  # one row, two columns
    assert grid.texts["ar"].layoutDirection() == Qt.LayoutDirection.RightToLeft


def test_the_badge_follows_the_operation(review_window: MainWindow, staffed: App, qtbot: QtBot):
    submitted(staffed, "Gate B is open again.")
    qtbot.waitUntil(lambda: review_window.nav.item(REVIEW).text() == "Review (1)", timeout=5000)
    staffed.operations.create("Cup Final", "event", timezone="Europe/Berlin", actor="cmdr")
    staffed.operations.use("Cup Final")  # shared with the CLI: the window follows
    qtbot.waitUntil(lambda: review_window.state.operation.name == "Cup Final", timeout=5000)
    qtbot.waitUntil(lambda: review_window.nav.item(REVIEW).text() == "Review", timeout=5000)
    staffed.operations.use("Athens March")
    qtbot.waitUntil(lambda: review_window.nav.item(REVIEW).text() == "Review (1)", timeout=5000)


def test_approving_with_a_publish_time_holds_the_posts_until_then(
    review_window: MainWindow, staffed: App, qtbot: QtBot
):
    record = submitted(staffed, "Syntagma metro station is closed until 20:00.")
    sign_in(review_window, staffed, "cmdr2")
    view = _open_review(review_window, qtbot)
    qtbot.mouseClick(view.pane.approve_button, Qt.MouseButton.LeftButton)
    dialog = view.passphrase_dialog
    assert dialog.when.text() == "HH:MM or 2026-05-01T18:00; empty: as soon as possible"
    dialog.passphrase.setText("secret-5")
    qtbot.keyClicks(dialog.publish_at, "18:00")  # the clock says 15:00 in Athens
    assert dialog.when.text() == "Goes out 2026-05-01 18:00 EEST (in 3 h 00 min)"
    assert dialog.buttons.button(OK).text() == "Approve and schedule"
    qtbot.mouseClick(dialog.buttons.button(OK), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.model.rowCount() == 0, timeout=5000)
    entries = staffed.outbox.list(message_id=record.id)
    assert len(entries) == 2
    assert {e.not_before for e in entries} == {datetime(2026, 5, 1, 15, 0, tzinfo=UTC)}
    assert _status(staffed, record) is MessageStatus.APPROVED
    message = review_window.statusBar().currentMessage()
    assert message.startswith("Approved; held until 2026-05-01 18:00 EEST: ")


def test_a_publish_time_in_the_past_is_refused_and_nothing_is_approved(
    review_window: MainWindow, staffed: App, qtbot: QtBot
):
    record = submitted(staffed, "Syntagma metro station is closed until 20:00.")
    sign_in(review_window, staffed, "cmdr2")
    view = _open_review(review_window, qtbot)
    qtbot.mouseClick(view.pane.approve_button, Qt.MouseButton.LeftButton)
    dialog = view.passphrase_dialog
    dialog.passphrase.setText("secret-5")
    dialog.publish_at.setText("2026-05-01T10:00")
    qtbot.mouseClick(dialog.buttons.button(OK), Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.passphrase.text() == "secret-5"  # fix the time, keep the rest
    assert dialog.error.text() == "2026-05-01 10:00 EEST has passed: a post can be scheduled only ahead."
    dialog.reject()
    # The service refuses it too (say the clock moved on while the dialog was open): shown in the pane.
    view._approve(view.pane.record, staffed.users.get("cmdr2"), "secret-5", "2026-05-01T10:00")
    qtbot.waitUntil(lambda: view.pane.error.isVisible(), timeout=5000)
    assert view.pane.error.text() == "2026-05-01 10:00 EEST has passed: a post can be scheduled only ahead."
    assert _status(staffed, record) is MessageStatus.SUBMITTED
    assert staffed.outbox.list(message_id=record.id) == []
    assert view.model.rowCount() == 1 and view.pane.approve_button.isEnabled()
