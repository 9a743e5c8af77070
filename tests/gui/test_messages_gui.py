"""The Messages view and the compose window: templates, languages (right to left too), counters, privacy flags."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from crowdops.app import App
from crowdops.domain.messages import MessageStatus
from crowdops.gui.dialogs.compose import ComposeWindow
from crowdops.gui.main_window import MESSAGES, MainWindow
from tests.gui.messages_helpers import add_channels, open_compose, sign_in, submitted

ALL_LANGUAGES = {"en", "el", "de", "fr", "ar", "uk", "fa"}


@pytest.fixture
def comms_window(window: MainWindow, staffed: App) -> MainWindow:
    add_channels(staffed)
    sign_in(window, staffed, "comms")
    return window


def test_compose_from_a_template_fills_every_language_and_saves_a_draft(
    comms_window: MainWindow, staffed: App, qtbot: QtBot
):
    compose = open_compose(comms_window, qtbot)
    compose.templates.choose("road-closure")
    assert set(compose.tabs_by_code()) == ALL_LANGUAGES
    fields = compose.templates.fields
    assert fields["road"].placeholderText() == "The closed road or street, as people know it"
    qtbot.keyClicks(fields["road"], "Panepistimiou")
    fields["until"].setText("18:00")
    fields["alternative"].setText("Akadimias")
    greek = compose.tabs_by_code()["el"].text()
    assert greek.startswith("Διακοπή κυκλοφορίας: Panepistimiou, έως τις 18:00")
    assert [box.isChecked() for box in compose.channels.boxes.values()] == [True, True]
    with qtbot.waitSignal(compose.saved, timeout=5000):
        qtbot.mouseClick(compose.save_button, Qt.MouseButton.LeftButton)

    [record] = staffed.messages.list(staffed.operations.current().id)
    assert record.status is MessageStatus.DRAFT
    assert set(record.languages) == ALL_LANGUAGES
    values = {"road": "Panepistimiou", "until": "18:00", "alternative": "Akadimias"}
    template = staffed.templates.get("road-closure")
    assert all(record.text(code) == template.fill(code, values) for code in ALL_LANGUAGES)
    assert [c.name for c in record.channels] == ["Police Mastodon", "Training feed"]
    assert record.purpose.value == "guidance"
    # The Messages view lists it, selected, with every language and the audit trail in the detail pane.
    comms_window.act_messages.trigger()
    assert comms_window.views.currentWidget() is comms_window.messages
    detail = comms_window.messages.detail
    qtbot.waitUntil(lambda: detail.record is not None and detail.record.id == record.id, timeout=5000)
    assert set(detail.text_labels) == ALL_LANGUAGES
    assert detail.text_labels["ar"].layoutDirection() == Qt.LayoutDirection.RightToLeft


def test_a_missing_field_is_named_and_nothing_is_saved(comms_window: MainWindow, staffed: App, qtbot: QtBot):
    compose = open_compose(comms_window, qtbot)
    compose.templates.choose("road-closure")
    compose.templates.fields["road"].setText("Panepistimiou")
    qtbot.mouseClick(compose.save_button, Qt.MouseButton.LeftButton)
    assert compose.error.isVisible()
    assert "Fill in first: until" in compose.error.text()
    assert staffed.messages.list(staffed.operations.current().id) == []


def test_a_counter_turns_red_past_the_limit(comms_window: MainWindow, qtbot: QtBot):
    compose = open_compose(comms_window, qtbot)
    english = compose.tabs_by_code()["en"]
    mastodon = next(p for p in english.previews if p.channel.platform == "mastodon")
    english.editor.setPlainText("a" * 500)
    assert mastodon.counter.text() == "500 / 500"
    assert mastodon.counter.objectName() == "Counter"
    english.editor.setPlainText("a" * 510)
    assert mastodon.counter.text() == "510 / 500 — 10 too long"
    assert mastodon.counter.objectName() == "CounterOver"  # red in app.qss, and the words say it too
    assert "(too long)" in compose.tabs.tabText(compose.tabs.indexOf(english))
    sandbox = next(p for p in english.previews if p.channel.platform == "sandbox")
    assert sandbox.counter.text().startswith("510 / 280")  # the sandbox applies the tightest platform (X)


def test_an_arabic_tab_is_written_right_to_left(comms_window: MainWindow, qtbot: QtBot):
    compose = open_compose(comms_window, qtbot)
    compose._fill_language_menu()
    titles = [action.text() for action in compose.language_menu.actions()]
    assert "Arabic · العربية" in titles and "English" not in titles
    arabic = compose.add_language_tab("ar")
    rtl = Qt.LayoutDirection.RightToLeft
    assert arabic.editor.layoutDirection() == rtl
    assert arabic.editor.document().defaultTextOption().textDirection() == rtl
    assert all(preview.text.layoutDirection() == rtl for preview in arabic.previews)
    assert compose.tabs_by_code()["en"].editor.layoutDirection() == Qt.LayoutDirection.LeftToRight


def test_a_privacy_flag_shows_inline_and_submit_waits_for_the_tick(
    comms_window: MainWindow, staffed: App, qtbot: QtBot
):
    compose = open_compose(comms_window, qtbot)
    english = compose.tabs_by_code()["en"]
    qtbot.keyClicks(english.editor, "Lost boy found. His father can call +30 697 123 4567.")
    qtbot.waitUntil(lambda: bool(english.flags), timeout=2000)
    shown = [english.flag_list.itemAt(i).widget().text() for i in range(english.flag_list.count())]
    assert shown == [f"⚠ {english.flags[0].message}"] and "phone number" in shown[0]
    assert compose.ack.isVisible() and not compose.ack.isChecked()

    qtbot.mouseClick(compose.submit_button, Qt.MouseButton.LeftButton)
    assert "I have checked each flagged item" in compose.error.text()
    assert staffed.messages.list(staffed.operations.current().id) == []  # nothing written

    compose.ack.setChecked(True)
    with qtbot.waitSignal(compose.saved, timeout=5000):
        qtbot.mouseClick(compose.submit_button, Qt.MouseButton.LeftButton)
    [record] = staffed.messages.list(staffed.operations.current().id)
    assert record.status is MessageStatus.SUBMITTED
    assert [f.acknowledged_by for f in record.flags] == ["comms"]


def test_a_refused_submit_keeps_the_saved_draft_and_edits_it_from_then_on(
    comms_window: MainWindow, staffed: App, qtbot: QtBot
):
    compose = open_compose(comms_window, qtbot)
    compose.tabs_by_code()["en"].editor.setPlainText("x" * 600)  # too long for Mastodon: submit is refused
    qtbot.mouseClick(compose.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: compose.error.isVisible(), timeout=5000)
    assert "Too long for Police Mastodon" in compose.error.text()
    [draft] = staffed.messages.list(staffed.operations.current().id)
    assert draft.status is MessageStatus.DRAFT and compose.record is not None and compose.record.id == draft.id
    compose.tabs_by_code()["en"].editor.setPlainText("Short enough now.")
    with qtbot.waitSignal(compose.saved, timeout=5000):
        qtbot.mouseClick(compose.submit_button, Qt.MouseButton.LeftButton)
    [record] = staffed.messages.list(staffed.operations.current().id)  # still one message
    assert record.status is MessageStatus.SUBMITTED and record.text("en") == "Short enough now."


def test_edit_a_draft_from_the_detail_pane(comms_window: MainWindow, staffed: App, qtbot: QtBot):
    op = staffed.operations.current()
    record = submitted(staffed, "Gate 3 is open.")
    staffed.approvals.reject(record.id.hex, actor="cmdr", reason="Say which gate exactly")
    comms_window.nav.setCurrentRow(MESSAGES)
    view = comms_window.messages
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=5000)
    view.table.selectRow(0)
    qtbot.waitUntil(lambda: view.detail.edit_button.isVisible(), timeout=5000)
    qtbot.mouseClick(view.detail.edit_button, Qt.MouseButton.LeftButton)
    compose = comms_window.findChild(ComposeWindow)
    assert compose is not None and compose.record.id == record.id
    qtbot.waitUntil(lambda: compose.save_button.isEnabled(), timeout=5000)
    assert not compose.purpose.isEnabled()  # fixed once saved
    english = compose.tabs_by_code()["en"]
    assert english.text() == "Gate 3 is open."
    english.editor.setPlainText("Gate 3 (Vas. Sofias) is open.")
    with qtbot.waitSignal(compose.saved, timeout=5000):
        qtbot.mouseClick(compose.save_button, Qt.MouseButton.LeftButton)
    [saved] = staffed.messages.list(op.id)
    assert saved.status is MessageStatus.DRAFT and saved.text("en") == "Gate 3 (Vas. Sofias) is open."


def test_messages_view_filters_by_status_and_says_what_to_do_when_empty(
    comms_window: MainWindow, staffed: App, qtbot: QtBot
):
    comms_window.nav.setCurrentRow(MESSAGES)
    view = comms_window.messages
    qtbot.waitUntil(lambda: view.stack.currentWidget() is view.empty, timeout=5000)
    assert view.empty.text() == "No messages yet — press Ctrl+N to write one."
    submitted(staffed, "Waiting one.")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=5000)  # MessageChanged reloads the list
    assert view.proxy.index(0, 0).data() == "Waiting for approval"
    view.status_filter.setCurrentIndex(view.status_filter.findData(MessageStatus.APPROVED))
    assert view.proxy.rowCount() == 0
    assert "No messages match this filter" in view.empty.text()
    view.status_filter.setCurrentIndex(view.status_filter.findData(MessageStatus.SUBMITTED))
    assert view.proxy.rowCount() == 1


def test_an_unreviewed_break_glass_approval_is_shown_in_red(comms_window: MainWindow, staffed: App, qtbot: QtBot):
    record = submitted(staffed, "Leave Omonia Square now by Athinas Street.", author="cmdr", priority="life-safety")
    staffed.approvals.approve(record.id.hex, actor="cmdr", passphrase="secret-1", break_glass_reason="Crush risk")
    comms_window.nav.setCurrentRow(MESSAGES)
    view = comms_window.messages
    # The list reloads on each event (submitted, then approved): wait for the approved version, not the first.
    qtbot.waitUntil(
        lambda: view.model.rowCount() == 1 and view.model.record(0).status is MessageStatus.APPROVED, timeout=5000
    )
    view.table.selectRow(0)
    qtbot.waitUntil(
        lambda: view.detail.record is not None and view.detail.record.status is MessageStatus.APPROVED, timeout=5000
    )

    def labels() -> list[QLabel]:
        return [w for w in view.detail.findChildren(QLabel) if w.isVisibleTo(view.detail)]

    # Labels added to a visible pane are shown by a queued call: wait for them, not just for the record.
    qtbot.waitUntil(lambda: any(w.text().startswith("UNREVIEWED") for w in labels()), timeout=5000)
    unreviewed = [w for w in labels() if w.text().startswith("UNREVIEWED")]
    assert unreviewed and unreviewed[0].objectName() == "Danger"
    assert any(w.text().startswith("Police Mastodon · Mastodon · EN · Waiting to send") for w in labels())  # delivery
    assert any(w.text().startswith("Published WITHOUT a second approver") for w in labels())  # the audit trail


def test_message_actions_have_their_keys(comms_window: MainWindow, qtbot: QtBot):
    assert comms_window.act_new_message.toolTip() == "Write a public message (Ctrl+N)"
    assert [comms_window.nav.item(row).text() for row in range(3)] == ["Timeline", "Messages", "Review"]
    comms_window.activateWindow()
    qtbot.keyClick(comms_window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert comms_window.views.currentWidget() is comms_window.messages
    qtbot.keyClick(comms_window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert comms_window.messages.search.hasFocus()
    qtbot.keyClick(comms_window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert comms_window.views.currentWidget() is comms_window.review
    qtbot.keyClick(comms_window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    compose = comms_window.findChild(ComposeWindow)
    assert compose is not None and compose.isVisible()


def test_an_exercise_offers_only_sandbox_channels(window: MainWindow, staffed: App, qtbot: QtBot):
    add_channels(staffed)
    staffed.operations.create("Drill", "event", timezone="Europe/Berlin", exercise=True, actor="trainer")
    staffed.operations.use("Drill")
    qtbot.waitUntil(lambda: window.state.operation.name == "Drill", timeout=5000)
    sign_in(window, staffed, "trainer")
    compose = open_compose(window, qtbot)
    assert list(compose.channels.boxes) == ["Training feed"]
    assert "only sandbox channels" in compose.channels.note.text()


def test_an_observer_is_told_at_once_that_they_do_not_write_messages(window: MainWindow, staffed: App, qtbot: QtBot):
    sign_in(window, staffed, "watcher")
    assert window.new_message() is None
    assert "may not write public messages" in window.statusBar().currentMessage()
    assert window.findChild(ComposeWindow) is None


def test_compose_saves_nothing_once_its_author_signed_out(comms_window: MainWindow, staffed: App, qtbot: QtBot):
    compose = open_compose(comms_window, qtbot)
    compose.tabs_by_code()["en"].editor.setPlainText("Gate 3 is open.")
    sign_in(comms_window, staffed, "cmdr")
    assert not compose.save_button.isEnabled() and not compose.submit_button.isEnabled()
    assert "comms signed out" in compose.error.text()
    compose.save()  # Ctrl+S as well
    assert staffed.messages.list(staffed.operations.current().id) == []
