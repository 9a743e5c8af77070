"""Take screenshots of the main window for a human to look at (not a test).

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshot.py [--db demo.db] --out shots/ [--as Papadaki]

Works on a copy of the database (made with SQLite's backup API), or on a fresh demo database without --db: the
message shots edit an approved message so that the review queue has a diff to show, and that must never touch
the original. Writes main-light.png, main-dark.png, quick-log.png, sign-in.png, exercise.png, no-match.png, and
for public messages messages-{light,dark}.png, compose-greek-{light,dark}.png, compose-arabic-{light,dark}.png,
review-{light,dark}.png and review-empty.png.
"""

import argparse
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import keyring
from keyring.backend import KeyringBackend
from PySide6.QtCore import QSettings, QThread
from PySide6.QtWidgets import QApplication

from crowdops.app import App, open_app
from crowdops.gui.dialogs.sign_in import SignInDialog
from crowdops.gui.launch import create_window
from crowdops.gui.main_window import MESSAGES, OUTBOX, REVIEW, TIMELINE, MainWindow
from crowdops.gui.preferences import Preferences
from crowdops.gui.theme import ThemeName
from crowdops.services.inputs import DraftInput


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self._store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self._store.pop((service, username), None)


def wait_until(app: QApplication, condition, timeout_s: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while not condition():
        app.processEvents()
        QThread.msleep(10)
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting for the window")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", help="a database to copy (default: a fresh demo database)")
    parser.add_argument("--out", default="shots")
    parser.add_argument("--as", dest="actor", default="Papadaki")
    parser.add_argument("--passphrase", default="demo")
    parser.add_argument("--larger", action="store_true")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    qt_app = QApplication(sys.argv[:1])
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "prefs.ini"), QSettings.Format.IniFormat)
    prefs = Preferences(settings)
    prefs.larger_text = args.larger
    work = Path(tempfile.mkdtemp()) / "shots.db"
    if args.db:  # a copy keeps the original untouched; without its audit key the copy is only read
        with sqlite3.connect(args.db) as source, sqlite3.connect(work) as copy:
            source.backup(copy)
        core = open_app(work)
    else:  # a throw-away demo database, its audit key in memory: the machine's keyring is never touched
        keyring.set_keyring(MemoryKeyring())
        core = open_app(work)
        built = core.demo.build()
        core.demo_messages.build(built.operations_created)
    window = create_window(core, prefs)
    window.state.set_user(core.users.authenticate(args.actor, args.passphrase))
    window.show()
    timeline = window.timeline
    wait_until(qt_app, lambda: timeline.model.rowCount() > 0)
    timeline.table.selectRow(2)
    wait_until(qt_app, lambda: timeline.detail.record is not None)
    for theme in (ThemeName.LIGHT, ThemeName.DARK):
        prefs.theme = theme
        window.apply_preferences()
        qt_app.processEvents()
        window.grab().save(str(out / f"main-{theme.value}.png"))
    dialog = window.quick_log()
    if dialog is not None:
        qt_app.processEvents()
        dialog.grab().save(str(out / "quick-log.png"))
        dialog.reject()
    prefs.theme = ThemeName.LIGHT
    window.apply_preferences()
    sign_in = SignInDialog(window.state, core.users.list(), args.actor, window)
    sign_in.show()
    qt_app.processEvents()
    sign_in.grab().save(str(out / "sign-in.png"))
    sign_in.reject()
    exercise = next((op for op in core.operations.list() if op.exercise), None)
    if exercise is not None:
        window.state.set_operation(exercise)
        wait_until(
            qt_app,
            lambda: timeline.model.rowCount() > 0 and timeline.model.record(0).operation_id == exercise.id,
        )
        timeline.table.selectRow(0)
        wait_until(qt_app, lambda: timeline.detail.record is not None)
        window.grab().save(str(out / "exercise.png"))
    timeline.filters.search.setText("zzzz nothing matches")
    wait_until(qt_app, lambda: timeline.model.rowCount() == 0 and not timeline.model.loading)
    qt_app.processEvents()
    window.grab().save(str(out / "no-match.png"))
    timeline.filters.reset()
    message_shots(qt_app, window, core, prefs, out, writable=not args.db)
    if not args.db:
        outbox_shots(qt_app, window, core, prefs, out)
    window.close()
    core.close()
    print(f"screenshots in {out}/")
    return 0


def settle(app: QApplication) -> None:
    """Let layouts that depend on other layouts (scroll areas, wrapped text) finish before a grab."""
    for _ in range(5):
        app.processEvents()
        QThread.msleep(20)


def save_both_themes(qt_app: QApplication, window: MainWindow, prefs: Preferences, widget, name: str) -> None:  # type: ignore[no-untyped-def]
    for theme in (ThemeName.LIGHT, ThemeName.DARK):
        prefs.theme = theme
        window.apply_preferences()
        settle(qt_app)
        widget.grab().save(str(window_path(name, theme)))
    prefs.theme = ThemeName.LIGHT
    window.apply_preferences()


OUT = Path("shots")


def window_path(name: str, theme: ThemeName) -> Path:
    return OUT / f"{name}-{theme.value}.png"


def message_shots(
    qt_app: QApplication, window: MainWindow, core: App, prefs: Preferences, out: Path, *, writable: bool
) -> None:
    """The Messages view, the compose window (Greek and Arabic tabs) and the review queue with a diff."""
    global OUT
    OUT = out
    protest = next(op for op in core.operations.list() if not op.exercise and op.kind.value == "protest")
    window.state.set_operation(protest)
    messages = core.messages.list(protest.id)
    approved = next((m for m in messages if m.status.value == "approved"), None)
    if approved is not None and writable:  # an edit after approval: the review queue shows what changed
        editor = approved.contributors[0]
        for code in ("en", "el"):
            text = approved.text(code) or ""
            core.messages.translate(approved.id.hex, code, text.replace("18:00", "20:00"), actor=editor)
        core.approvals.submit(approved.id.hex, actor=editor)
    reviewer = next(u for u in core.users.list() if u.role.value == "commander" and u.name != "Papadaki")
    window.state.set_user(reviewer)
    window.nav.setCurrentRow(MESSAGES)
    view = window.messages
    wait_until(qt_app, lambda: view.model.rowCount() > 0)
    view.select_when_shown(view.model.record(view.model.rowCount() - 1).id)
    wait_until(qt_app, lambda: view.detail.record is not None)
    save_both_themes(qt_app, window, prefs, window, "messages")

    window.nav.setCurrentRow(REVIEW)
    review = window.review
    wait_until(qt_app, lambda: review.model.rowCount() > 0 and review.pane.record is not None)
    if approved is not None:
        row = review.model.row_of(approved.id)
        if row is not None:
            review.table.selectRow(row)
    qt_app.processEvents()
    save_both_themes(qt_app, window, prefs, window, "review")

    comms = next(u for u in core.users.list() if u.role.value == "comms")
    window.state.set_user(comms)
    compose = window.new_message()
    assert compose is not None
    compose.resize(1200, 860)
    wait_until(qt_app, lambda: compose.save_button.isEnabled())
    compose.templates.choose("road-closure")
    for name, value in (("road", "Panepistimiou Street"), ("until", "18:00"), ("alternative", "Akadimias Street")):
        compose.templates.fields[name].setText(value)
    greek = compose.tabs_by_code()["el"]
    greek.editor.setPlainText(greek.text() + " Πληροφορίες: 210 123 4567.")
    greek.scan_flags()
    compose.tabs.setCurrentWidget(greek)
    save_both_themes(qt_app, window, prefs, compose, "compose-greek")
    compose.tabs.setCurrentWidget(compose.tabs_by_code()["ar"])
    save_both_themes(qt_app, window, prefs, compose, "compose-arabic")
    compose._dirty = False
    compose.close()
    if not writable:
        return

    window.state.set_user(reviewer)
    for record in core.messages.list(protest.id, "submitted"):
        core.approvals.reject(record.id.hex, actor=reviewer.name, reason="Screenshot of the empty queue")
    wait_until(qt_app, lambda: review.model.rowCount() == 0)
    qt_app.processEvents()
    window.grab().save(str(out / "review-empty.png"))


def outbox_shots(qt_app: QApplication, window: MainWindow, core: App, prefs: Preferences, out: Path) -> None:
    """After one publishing pass (the demo's sandbox posts go out; its Mastodon account has no server, so they
    fail loudly): the Outbox, the training feed, the Channels dialog and the timeline with every kind shown."""
    protest = next(op for op in core.operations.list() if not op.exercise and op.kind.value == "protest")
    commander = next(u for u in core.users.list() if u.role.value == "commander")
    window.state.set_user(commander)
    window.state.set_operation(protest)
    fresh = core.messages.draft(
        protest.id,
        DraftInput(template="crowd-density", values={"area": "Omonia Square", "alternative": "Athinas Street"}),
        actor="Weber",
    )
    core.approvals.submit(fresh.short_id, actor="Weber")
    core.approvals.approve(fresh.short_id, actor="Papadaki", passphrase="demo")
    core.sync.once()
    window.nav.setCurrentRow(OUTBOX)
    view = window.outbox
    wait_until(qt_app, lambda: view.model.rowCount() > 0)
    view.table.selectRow(0)
    qt_app.processEvents()
    save_both_themes(qt_app, window, prefs, window, "outbox")
    dialog = window.show_channels()
    if dialog is not None:
        dialog.resize(900, 560)
        wait_until(qt_app, lambda: dialog.model.rowCount() > 0)
        dialog.table.selectRow(0)
        qt_app.processEvents()
        dialog.grab().save(str(out / "channels.png"))
        dialog.reject()
    window.nav.setCurrentRow(TIMELINE)
    for button in window.timeline.filters.kind_buttons.values():
        button.setChecked(True)
    model = window.timeline.model
    wait_until(qt_app, lambda: model.rowCount() > 0 and type(model.record(0)).__name__ == "StoryItem")
    window.timeline.table.selectRow(0)
    qt_app.processEvents()
    window.grab().save(str(out / "story.png"))


if __name__ == "__main__":
    sys.exit(main())
