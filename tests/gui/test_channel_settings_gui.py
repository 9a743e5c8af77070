"""The Channels dialog's settings of the selected channel: only the fields its kind uses, saved by a commander
(audited), refusals in the service's words with nothing changed, and a pointer to the failed posts to retry."""

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from crowdops.app import App
from crowdops.gui.dialogs.channels import ChannelsDialog
from crowdops.gui.main_window import MainWindow
from crowdops.gui.models.channel_model import ChannelModel
from tests.gui.messages_helpers import add_channels, sign_in, submitted

MASTODON = "Police Mastodon"


def open_on(window: MainWindow, qtbot: QtBot, name: str) -> ChannelsDialog:
    dialog = window.show_channels()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0, timeout=5000)
    row = next(r for r in range(dialog.model.rowCount()) if dialog.model.record(r).channel.name == name)
    dialog.table.selectRow(row)
    assert dialog.selected is not None and dialog.selected.name == name
    return dialog


def test_a_commander_sets_a_mastodon_server_and_is_told_to_retry_the_failed_post(
    window: MainWindow, staffed: App, qtbot: QtBot
):
    add_channels(staffed)
    record = submitted(staffed, "Stadiou Street is closed until 18:00.", channels=[MASTODON])
    staffed.approvals.approve(record.id.hex, actor="cmdr", passphrase="secret-1")
    staffed.sync.once()  # fails: no server address yet
    [failed] = staffed.outbox.list(status="failed")
    assert "set it in Channels" in failed.last_error

    dialog = open_on(window, qtbot, MASTODON)
    settings = dialog.settings
    assert settings.form.isRowVisible(settings.fields["base_url"])
    for field in ("account", "page_id", "chat_id"):
        assert not settings.form.isRowVisible(settings.fields[field])
    assert settings.fields["base_url"].text() == ""
    assert settings.save_button.toolTip().endswith("(Alt+V)")
    settings.fields["base_url"].setText("https://social.example/")
    qtbot.mouseClick(settings.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: settings.result.isVisible(), timeout=5000)
    assert settings.result.text() == (
        "✓ Saved. 1 failed post to Police Mastodon can be retried from the Outbox (Ctrl+4)."
    )
    assert staffed.channels.get(MASTODON).base_url == "https://social.example"
    qtbot.waitUntil(lambda: dialog.model.index(0, ChannelModel.WHERE).data() == "https://social.example", timeout=5000)
    assert settings.fields["base_url"].text() == "https://social.example"  # what was stored, cleaned
    channel_id = staffed.channels.get(MASTODON).id
    [entry] = [e for e in staffed.audit.trail(f"channel:{channel_id.hex}") if e.action == "channel.update"]
    assert entry.actor == "cmdr"


def test_each_kind_shows_only_its_own_settings(window: MainWindow, staffed: App, qtbot: QtBot):
    staffed.channels.add("Police Bluesky", "bluesky", actor="cmdr", account="police.bsky.social")
    staffed.channels.add("Police Telegram", "telegram", actor="cmdr", chat_id="@police")
    staffed.channels.add("Training feed", "sandbox", actor="cmdr")
    dialog = open_on(window, qtbot, "Police Bluesky")
    settings = dialog.settings
    visible = {f for f, edit in settings.fields.items() if settings.form.isRowVisible(edit)}
    assert visible == {"account", "base_url"}
    assert settings.fields["account"].text() == "police.bsky.social"
    assert settings.form.labelForField(settings.fields["base_url"]).text() == "Server (optional)"
    dialog.table.selectRow(next(r for r in range(3) if dialog.model.record(r).channel.name == "Police Telegram"))
    visible = {f for f, edit in settings.fields.items() if settings.form.isRowVisible(edit)}
    assert visible == {"chat_id"} and settings.fields["chat_id"].text() == "@police"
    dialog.table.selectRow(next(r for r in range(3) if dialog.model.record(r).channel.name == "Training feed"))
    assert not any(settings.form.isRowVisible(edit) for edit in settings.fields.values())
    assert not settings.save_button.isVisible()
    assert settings.none_needed.isVisible()


def test_refusals_show_the_services_words_and_change_nothing(window: MainWindow, staffed: App, qtbot: QtBot):
    add_channels(staffed)
    dialog = open_on(window, qtbot, MASTODON)
    settings = dialog.settings
    settings.save()  # nothing typed
    qtbot.waitUntil(lambda: settings.error.isVisible(), timeout=5000)
    assert settings.error.text().startswith("Nothing to change")
    settings.fields["base_url"].setText("social.example")
    settings.save()
    qtbot.waitUntil(lambda: "is not a server address" in settings.error.text(), timeout=5000)
    assert settings.fields["base_url"].text() == "social.example"  # kept, to fix
    sign_in(window, staffed, "comms")
    settings.fields["base_url"].setText("https://social.example")
    settings.save()
    qtbot.waitUntil(lambda: "only a commander" in settings.error.text(), timeout=5000)
    assert not settings.result.isVisible()
    assert staffed.channels.get(MASTODON).base_url == ""
