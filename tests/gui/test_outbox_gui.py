"""The Outbox view, its loud failures (badge, status line, tray notice), the status bar's connectivity, the Channels
dialog and each channel's delivery in the message detail. Real services over the test database; posts are moved
by one real sync pass (sandbox: published; Mastodon without a server: failed) or written directly to `unknown`."""

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from crowdops.app import App
from crowdops.domain.outbox import OutboxStatus
from crowdops.gui.main_window import MESSAGES, OUTBOX, MainWindow
from crowdops.gui.models.channel_model import ChannelModel
from crowdops.gui.models.outbox_model import OutboxModel
from crowdops.services.events import ConnectivityChanged, OutboxChanged
from crowdops.services.inputs import DraftInput
from crowdops.services.message_records import MessageRecord
from crowdops.store.message_models import OutboxItem
from tests.conftest import MemoryKeyring
from tests.gui.messages_helpers import add_channels, sign_in, submitted

MASTODON, SANDBOX = "Police Mastodon", "Training feed"


def approved(app: App, text: str, channels: list[str]) -> MessageRecord:
    record = submitted(app, text, channels=channels)
    return app.approvals.approve(record.id.hex, actor="cmdr", passphrase="secret-1")


def states(window: MainWindow) -> list[str]:
    proxy = window.outbox.proxy
    return sorted(proxy.index(row, OutboxModel.STATE).data() for row in range(proxy.rowCount()))


def row_of(window: MainWindow, channel: str) -> int:
    proxy = window.outbox.proxy
    return next(r for r in range(proxy.rowCount()) if proxy.index(r, OutboxModel.CHANNEL).data() == channel)


def select(window: MainWindow, qtbot: QtBot, channel: str) -> None:
    window.outbox.table.selectRow(row_of(window, channel))
    detail = window.outbox.detail
    qtbot.waitUntil(lambda: detail.entry is not None and detail.entry.channel == channel, timeout=5000)


def make_unknown(app: App) -> None:
    """As if the worker died mid-request: the post may be out, and nobody can tell yet."""
    with app.db.write() as session:
        for item in session.query(OutboxItem).filter_by(status="queued"):
            item.status, item.maybe_sent = "unknown", True
    app.context.bus.publish(OutboxChanged())


@pytest.fixture
def posted(window: MainWindow, staffed: App, qtbot: QtBot) -> MainWindow:
    """One message to the sandbox (published by one sync pass) and to Mastodon without a server (failed)."""
    add_channels(staffed)
    approved(staffed, "Stadiou Street is closed until 18:00.", [SANDBOX, MASTODON])
    staffed.sync.once()
    window.act_outbox.trigger()
    qtbot.waitUntil(lambda: window.outbox.proxy.rowCount() == 2 and "Published" in states(window), timeout=5000)
    return window


def test_the_outbox_starts_empty_and_says_where_posts_come_from(window: MainWindow, qtbot: QtBot):
    window.act_outbox.trigger()
    assert window.views.currentWidget() is window.outbox
    assert window.nav.currentRow() == OUTBOX and window.nav.item(OUTBOX).text() == "Outbox"
    qtbot.waitUntil(lambda: "approved" in window.outbox.empty.text(), timeout=5000)
    assert window.outbox.stack.currentWidget() is window.outbox.empty
    assert "training feed is empty" in window.outbox.feed_empty.text()


def test_posts_show_their_state_in_plain_words_with_link_and_error(posted: MainWindow, staffed: App, qtbot: QtBot):
    assert states(posted) == ["Failed — not published", "Published"]
    proxy, sent, failed = posted.outbox.proxy, row_of(posted, SANDBOX), row_of(posted, MASTODON)
    assert proxy.index(sent, OutboxModel.LINK).data().startswith("sandbox://")
    no_server = f"'{MASTODON}' has no server address yet: set it in Channels."
    assert proxy.index(failed, OutboxModel.ERROR).data() == no_server
    assert proxy.index(failed, OutboxModel.LANGUAGE).data() == "EN"
    # The filter chips count and filter.
    buttons = posted.outbox.filter_buttons
    assert [b.text() for b in buttons] == [
        "All (2)",
        "Needs attention (1)",
        "Waiting (0)",
        "Published (1)",
        "Cancelled (0)",
    ]
    posted.outbox.set_filter(1)
    assert states(posted) == ["Failed — not published"]
    posted.outbox.set_filter(2)
    assert "No posts in this state" in posted.outbox.empty.text()
    posted.outbox.set_filter(0)
    # The training feed shows what the sandbox "published".
    feed = posted.outbox.feed_model
    assert feed.rowCount() == 1
    assert feed.index(0, feed.TEXT).data() == "Stadiou Street is closed until 18:00."
    # The detail: the text, the published link and the history.
    select(posted, qtbot, SANDBOX)
    detail = posted.outbox.detail
    assert not detail.retry_button.isEnabled() and not detail.cancel_button.isEnabled()
    assert not detail.resolve_button.isEnabled()


def test_badge_status_line_and_notice_say_what_needs_a_person(posted: MainWindow, staffed: App, qtbot: QtBot):
    qtbot.waitUntil(lambda: posted.nav.item(OUTBOX).text() == "Outbox (⚠ 1)", timeout=5000)
    assert posted.status.attention.text() == "⚠ 1 post needs a person — see Outbox (Ctrl+4)"
    assert posted.outbox_watch.last_notice == "⚠ 1 post needs a person — see Outbox (Ctrl+4)"  # it rose: 0 → 1
    approved(staffed, "Akadimias Street is open again.", [MASTODON])
    staffed.sync.once()
    qtbot.waitUntil(lambda: posted.nav.item(OUTBOX).text() == "Outbox (⚠ 2)", timeout=5000)
    assert posted.outbox_watch.last_notice == "⚠ 2 posts need a person — see Outbox (Ctrl+4)"
    assert "2 posts need a person" in posted.status.attention.text()


def test_retry_puts_a_failed_post_back_in_the_queue(posted: MainWindow, staffed: App, qtbot: QtBot):
    select(posted, qtbot, MASTODON)
    detail = posted.outbox.detail
    assert detail.retry_button.isEnabled() and detail.cancel_button.isEnabled()
    assert not detail.resolve_button.isEnabled()
    qtbot.mouseClick(detail.retry_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: states(posted) == ["Published", "Waiting to send"], timeout=5000)
    qtbot.waitUntil(lambda: posted.nav.item(OUTBOX).text() == "Outbox", timeout=5000)
    assert not posted.status.attention.isVisible()
    [entry] = staffed.outbox.list(status="queued")
    assert entry.channel == MASTODON and entry.attempts == 0


def test_cancel_is_refused_to_a_comms_officer_and_done_for_a_commander(posted: MainWindow, staffed: App, qtbot: QtBot):
    sign_in(posted, staffed, "comms")
    select(posted, qtbot, MASTODON)
    dialog = posted.outbox.cancel(posted.outbox.detail.entry)
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=5000)
    assert "comms" in dialog.error.text() and dialog.isVisible()
    assert [e.status for e in staffed.outbox.list(status="failed")] == [OutboxStatus.FAILED]  # nothing changed
    dialog.reject()
    sign_in(posted, staffed, "cmdr")
    dialog = posted.outbox.cancel(posted.outbox.detail.entry)
    with qtbot.waitSignal(dialog.done, timeout=5000):
        dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: states(posted) == ["Cancelled", "Published"], timeout=5000)
    detail = posted.outbox.detail  # the detail follows the row, once its history is read
    qtbot.waitUntil(lambda: detail.entry is not None and detail.entry.status is OutboxStatus.CANCELLED, timeout=5000)
    assert "Cancelled by cmdr." in posted.outbox.proxy.index(row_of(posted, MASTODON), OutboxModel.ERROR).data()


def test_an_unknown_post_is_resolved_as_published_at_its_address(window: MainWindow, staffed: App, qtbot: QtBot):
    add_channels(staffed)
    approved(staffed, "Stadiou Street is closed until 18:00.", [MASTODON])
    make_unknown(staffed)
    window.act_outbox.trigger()
    qtbot.waitUntil(lambda: states(window) == ["Unknown — checking whether it went out"], timeout=5000)
    qtbot.waitUntil(lambda: window.nav.item(OUTBOX).text() == "Outbox (⚠ 1)", timeout=5000)
    select(window, qtbot, MASTODON)
    detail = window.outbox.detail
    assert detail.resolve_button.isEnabled() and detail.retry_button.isEnabled()
    assert not detail.cancel_button.isEnabled()  # it may be out: it cannot be cancelled
    dialog = window.outbox.resolve(detail.entry)
    dialog.url.setText("not a link")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=5000)
    assert "is not the address of a post" in dialog.error.text()
    dialog.url.setText("https://social.example/@police/1")
    with qtbot.waitSignal(dialog.done, timeout=5000):
        dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: states(window) == ["Published"], timeout=5000)
    assert window.outbox.proxy.index(0, OutboxModel.LINK).data() == "https://social.example/@police/1"
    qtbot.waitUntil(lambda: window.nav.item(OUTBOX).text() == "Outbox", timeout=5000)


def test_an_unknown_post_resolved_as_not_published_waits_to_send(window: MainWindow, staffed: App, qtbot: QtBot):
    add_channels(staffed)
    approved(staffed, "Stadiou Street is closed until 18:00.", [MASTODON])
    make_unknown(staffed)
    window.act_outbox.trigger()
    qtbot.waitUntil(lambda: window.outbox.proxy.rowCount() == 1, timeout=5000)
    select(window, qtbot, MASTODON)
    dialog = window.outbox.resolve(window.outbox.detail.entry)
    dialog.not_published.setChecked(True)
    with qtbot.waitSignal(dialog.done, timeout=5000):
        dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: states(window) == ["Waiting to send"], timeout=5000)


def test_status_bar_says_connectivity_queue_and_last_send(posted: MainWindow, staffed: App, qtbot: QtBot):
    status = posted.status.connectivity
    qtbot.waitUntil(lambda: "0 queued" in status.text() and "last sent 15:00" in status.text(), timeout=5000)
    assert status.text().startswith("◌ Network not checked yet")
    staffed.context.bus.publish(ConnectivityChanged("degraded", ("social.example:443",)))
    qtbot.waitUntil(lambda: status.text().startswith("◐ Degraded"), timeout=5000)
    assert "social.example:443" in status.toolTip() and status.objectName() == "StatusDegraded"
    staffed.context.bus.publish(ConnectivityChanged("offline"))
    qtbot.waitUntil(lambda: status.text().startswith("○ Offline · 0 queued"), timeout=5000)


def test_channels_dialog_adds_a_channel_stores_its_token_and_tests(
    window: MainWindow, staffed: App, qtbot: QtBot, memory_keyring: MemoryKeyring
):
    dialog = window.show_channels()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.empty.isVisible(), timeout=5000)
    dialog.kind.setCurrentIndex(dialog.kind.findData("telegram"))
    assert not dialog.form.isRowVisible(dialog.fields["base_url"])
    assert dialog.form.isRowVisible(dialog.fields["chat_id"])
    dialog.name.setText("Police Telegram")
    dialog.fields["chat_id"].setText("@athenspolice")
    dialog.add_channel()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1 and dialog.selected is not None, timeout=5000)
    assert dialog.model.index(0, ChannelModel.TOKEN).data() == "No token yet"
    assert dialog.model.index(0, ChannelModel.WHERE).data() == "@athenspolice"
    dialog.token.setText("123456:secret-token")
    dialog.store_token()
    assert dialog.token.text() == ""  # never kept in the window
    qtbot.waitUntil(lambda: dialog.model.index(0, ChannelModel.TOKEN).data() == "Token set", timeout=5000)
    assert "123456:secret-token" in memory_keyring._store.values()
    assert staffed.channels.has_secret("Police Telegram")
    # A sandbox channel tests without leaving the computer.
    dialog.kind.setCurrentIndex(dialog.kind.findData("sandbox"))
    dialog.name.setText("Training feed")
    dialog.add_channel()
    qtbot.waitUntil(lambda: dialog.selected is not None and dialog.selected.name == "Training feed", timeout=5000)
    assert not dialog.token.isEnabled()
    with qtbot.waitSignal(dialog.tested, timeout=5000) as tested:
        dialog.test_selected()
    assert tested.args[0].ok
    assert dialog.result.text().startswith("✓ Works: The training feed")


def test_channels_dialog_shows_the_refusal_to_a_comms_officer(window: MainWindow, staffed: App, qtbot: QtBot):
    sign_in(window, staffed, "comms")
    dialog = window.show_channels()
    assert dialog is not None
    dialog.name.setText("Police Mastodon")
    dialog.fields["base_url"].setText("https://social.example")
    dialog.add_channel()
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=5000)
    assert "only a commander may set up publishing channels" in dialog.error.text()
    assert staffed.channels.list() == []


def test_message_detail_shows_each_channels_delivery(posted: MainWindow, staffed: App, qtbot: QtBot):
    posted.nav.setCurrentRow(MESSAGES)
    view = posted.messages
    qtbot.waitUntil(lambda: view.proxy.rowCount() == 1, timeout=5000)
    view.table.selectRow(0)
    texts: list[str] = []

    def delivery_shown() -> bool:
        from PySide6.QtWidgets import QLabel

        texts[:] = [label.text() for label in view.detail.findChildren(QLabel) if label.isVisibleTo(view.detail)]
        return any("Delivery" in t for t in texts)

    qtbot.waitUntil(delivery_shown, timeout=5000)
    assert any(t.startswith("Training feed · Sandbox (training) · EN · Published 15:00") for t in texts)
    assert any("sandbox://" in t for t in texts)  # the link
    assert any(t == "Police Mastodon · Mastodon · EN · Failed — not published" for t in texts)
    assert f"'{MASTODON}' has no server address yet: set it in Channels." in texts


def test_a_list_cut_at_its_limit_says_so(window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    from crowdops.gui.views import outbox_view

    monkeypatch.setattr(outbox_view, "LIMIT", 2)
    app = window.state.app
    app.channels.add("Feed", "sandbox", actor="cmdr")
    op = app.operations.current()
    assert op is not None
    for gate in (3, 4):
        entry = DraftInput(text=f"Gate {gate} is open.", language="en", channels=["Feed"])
        draft = app.messages.draft(op.id, entry, actor="comms")
        app.approvals.submit(draft.short_id, actor="comms")
        app.approvals.approve(draft.short_id, actor="cmdr", passphrase="secret-1")
    view = window.outbox
    view.reload()
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=5000)
    all_button = view.filter_buttons[0]
    assert all_button.text().endswith("(2+)") and "outbox list" in all_button.toolTip()
