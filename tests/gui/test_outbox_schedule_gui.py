"""The Outbox view's finer words: a scheduled post's time, tries counted in words, the history of a post that was
never tried (queued, held, cancelled) and the training feed of the open operation only."""

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from crowdops.app import App
from crowdops.domain.outbox import OutboxStatus
from crowdops.gui.main_window import MainWindow
from crowdops.gui.models.outbox_model import OutboxModel
from crowdops.gui.views.outbox_detail import tries
from crowdops.services.inputs import DraftInput
from tests.gui.messages_helpers import add_channels, submitted

MASTODON, SANDBOX = "Police Mastodon", "Training feed"


def open_outbox(window: MainWindow, qtbot: QtBot, rows: int) -> None:
    window.act_outbox.trigger()
    qtbot.waitUntil(lambda: window.outbox.proxy.rowCount() == rows, timeout=5000)


def detail_texts(window: MainWindow, qtbot: QtBot, channel: str) -> list[str]:
    view = window.outbox
    row = next(r for r in range(view.proxy.rowCount()) if view.proxy.index(r, OutboxModel.CHANNEL).data() == channel)
    view.table.selectRow(row)
    qtbot.waitUntil(lambda: view.detail.entry is not None and view.detail.entry.channel == channel, timeout=5000)

    def shown() -> list[str]:
        return [label.text() for label in view.detail.findChildren(QLabel) if label.isVisibleTo(view.detail)]

    # Labels added to a visible pane are shown by a queued call: wait for them, not just for the entry.
    qtbot.waitUntil(lambda: any(" · queued " in text for text in shown()), timeout=5000)
    return shown()


def test_tries_are_counted_in_words():
    assert [tries(n) for n in (0, 1, 3)] == ["not tried yet", "tried once", "tried 3 times"]


def test_a_scheduled_post_says_when_it_goes_out(window: MainWindow, staffed: App, qtbot: QtBot):
    add_channels(staffed)
    record = submitted(staffed, "The march sets off from Syntagma at 18:30.", channels=[MASTODON])
    staffed.approvals.approve(record.id.hex, actor="cmdr", passphrase="secret-1", publish_at="18:00")
    open_outbox(window, qtbot, 1)
    index = window.outbox.proxy.index(0, OutboxModel.NEXT)
    assert index.data() == "Scheduled for 18:00"  # the clock says 15:00 in Athens
    assert index.data(3) == "Held until 2026-05-01 18:00 EEST, as the approver asked"  # the tooltip
    texts = detail_texts(window, qtbot, MASTODON)
    assert "Scheduled for 2026-05-01 18:00 EEST, as the approver asked." in texts
    assert any(" · not tried yet · queued " in t for t in texts)
    assert "Queued when the message was approved; held until 2026-05-01 18:00 EEST." in texts
    assert not window.outbox.detail.retry_button.isEnabled()  # a retry would still wait for 18:00
    assert window.outbox.detail.cancel_button.isEnabled()


def test_a_failed_post_was_tried_once(window: MainWindow, staffed: App, qtbot: QtBot):
    add_channels(staffed)
    record = submitted(staffed, "Stadiou Street is closed until 18:00.", channels=[MASTODON])
    staffed.approvals.approve(record.id.hex, actor="cmdr", passphrase="secret-1")
    staffed.sync.once()
    open_outbox(window, qtbot, 1)
    # The outbox's signal is coalesced: the list may show the post queued for a moment before it shows it failed.
    qtbot.waitUntil(lambda: window.outbox.model.record(0).status is OutboxStatus.FAILED, timeout=5000)
    assert window.outbox.proxy.index(0, OutboxModel.NEXT).data() == ""
    texts = detail_texts(window, qtbot, MASTODON)
    assert any(" · tried once · queued " in t for t in texts)


def test_a_post_cancelled_by_an_edit_says_so_in_its_history(window: MainWindow, staffed: App, qtbot: QtBot):
    add_channels(staffed)
    record = submitted(staffed, "Stadiou Street is closed until 18:00.", channels=[MASTODON])
    staffed.approvals.approve(record.id.hex, actor="cmdr", passphrase="secret-1")
    staffed.messages.translate(record.id.hex, "en", "Stadiou Street is closed until 20:00.", actor="comms")
    [cancelled] = staffed.outbox.list(message_id=record.id)
    assert cancelled.status.value == "cancelled" and cancelled.last_error
    open_outbox(window, qtbot, 1)
    texts = detail_texts(window, qtbot, MASTODON)
    assert f"Cancelled before it was tried: {cancelled.last_error}" in texts
    assert "Queued when the message was approved; nothing tried yet." not in texts


def test_the_training_feed_shows_the_open_operations_posts_only(window: MainWindow, staffed: App, qtbot: QtBot):
    add_channels(staffed)
    here = submitted(staffed, "Gate B is open again.", channels=[SANDBOX])
    staffed.approvals.approve(here.id.hex, actor="cmdr", passphrase="secret-1")
    drill = staffed.operations.create("Stadium drill", "event", exercise=True, phase="during", actor="cmdr")
    there = staffed.messages.draft(drill.id, DraftInput(text="Drill: gate C closed.", language="en"), actor="comms")
    staffed.approvals.submit(there.id.hex, actor="comms")
    staffed.approvals.approve(there.id.hex, actor="trainer", passphrase="secret-3")
    staffed.sync.once()
    assert len(staffed.outbox.sandbox_feed()) == 2
    open_outbox(window, qtbot, 1)
    feed = window.outbox.feed_model
    qtbot.waitUntil(lambda: feed.rowCount() == 1, timeout=5000)
    assert feed.index(0, feed.TEXT).data() == "Gate B is open again."
