"""Shared set-up for the message GUI tests: channels, a second commander, messages written through the services."""

from pytestqt.qtbot import QtBot

from crowdops.app import App
from crowdops.gui.dialogs.compose import ComposeWindow
from crowdops.gui.main_window import MainWindow
from crowdops.services.inputs import DraftInput
from crowdops.services.message_records import MessageRecord


def add_channels(app: App) -> None:
    app.channels.add("Police Mastodon", "mastodon", actor="cmdr")
    app.channels.add("Training feed", "sandbox", actor="cmdr")


def add_second_commander(app: App) -> None:
    app.users.add("cmdr2", "commander", "secret-5", actor="cmdr")


def submitted(app: App, text: str, *, author: str = "comms", **extra: object) -> MessageRecord:
    op = app.operations.current()
    assert op is not None
    record = app.messages.draft(op.id, DraftInput(text=text, language="en", **extra), actor=author)  # type: ignore[arg-type]
    return app.approvals.submit(record.id.hex, actor=author)


def sign_in(window: MainWindow, app: App, name: str) -> None:
    window.state.set_user(app.users.get(name))


def open_compose(window: MainWindow, qtbot: QtBot) -> ComposeWindow:
    compose = window.new_message()
    assert compose is not None
    qtbot.waitUntil(lambda: compose.save_button.isEnabled(), timeout=5000)  # templates and channels loaded
    return compose
