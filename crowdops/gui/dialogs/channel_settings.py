"""Where the selected channel publishes (its server, account, page or chat), shown with only the fields its kind uses
and saved with a commander's say-so. A post that failed for want of a setting says to fix it here; after a save,
the box says how many such posts can be retried from the Outbox."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from crowdops.domain.outbox import OutboxStatus
from crowdops.gui.dialogs.common import error_label, show_error
from crowdops.gui.models.channel_model import KIND_FIELDS
from crowdops.gui.views.widgets import text_label
from crowdops.gui.wording import tr, user_message

if TYPE_CHECKING:
    from crowdops.app import App
    from crowdops.gui.state import GuiState
    from crowdops.services.records import ChannelRecord

# Labels and examples per field; a kind may word its server differently.
FIELD_LABELS = {
    "base_url": "Server address",
    "account": "Account handle",
    "page_id": "Facebook page id",
    "chat_id": "Telegram channel",
}
PLACEHOLDERS = {
    "base_url": "https://social.example.org",
    "account": "athenspolice.bsky.social",
    "page_id": "The number in the page's About section",
    "chat_id": "@athenspolice, or the channel's numeric id",
}
KIND_WORDING = {
    ("webhook", "base_url"): ("Address to post to", "https://example.org/crowdops-hook"),
    ("bluesky", "base_url"): ("Server (optional)", "Leave empty for https://bsky.social"),
    ("x", "account"): ("Account (optional)", "athenspolice"),
}


def field_wording(kind: str, field: str) -> tuple[str, str]:
    """A field's label and example for a kind of channel."""
    label, hint = KIND_WORDING.get((kind, field), (FIELD_LABELS[field], PLACEHOLDERS[field]))
    return tr(label), tr(hint)


def failed_posts(app: App, channel: str) -> int:
    """Off the GUI thread: the channel's failed posts, which a retry may now get out."""
    return sum(1 for entry in app.outbox.list(status=OutboxStatus.FAILED.value) if entry.channel == channel)


class ChannelSettings(QWidget):
    saved = Signal(object)  # the updated ChannelRecord

    def __init__(self, state: GuiState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self.channel: ChannelRecord | None = None
        self.form = QFormLayout()
        self.form.setContentsMargins(0, 0, 0, 0)
        self.fields: dict[str, QLineEdit] = {}
        for field in FIELD_LABELS:
            edit = QLineEdit()
            edit.returnPressed.connect(self.save)
            self.fields[field] = edit
            self.form.addRow(tr(FIELD_LABELS[field]), edit)
        self.save_button = QPushButton(self.tr("Sa&ve changes"))
        self.save_button.setToolTip(self.tr("Save where this channel publishes; the change is audited (Alt+V)"))
        self.save_button.clicked.connect(self.save)
        self._save_row = QWidget()
        row = QHBoxLayout(self._save_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.save_button)
        row.addStretch(1)
        self.form.addRow("", self._save_row)
        self.none_needed = text_label(self.tr("Nothing to set: a sandbox channel publishes on this computer."), "Muted")
        self.error = error_label(self)
        self.result = text_label("", "Ok")
        self.result.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.form)
        layout.addWidget(self.none_needed)
        layout.addWidget(self.error)
        layout.addWidget(self.result)
        self.show_channel(None)

    def add_row(self, label: str, row: QLayout) -> None:
        """Another line of the selected channel (its token) in the same form, so that the labels line up."""
        self.form.addRow(label, row)

    def show_channel(self, channel: ChannelRecord | None) -> None:
        """Fill the fields from the channel; the same channel shown again (a reload) keeps what is being typed."""
        same = channel is not None and self.channel is not None and channel.id == self.channel.id
        self.channel = channel
        if same:
            return
        show_error(self.error, None)
        self.result.hide()
        needed = KIND_FIELDS.get(channel.platform, ()) if channel else ()
        for field, edit in self.fields.items():
            edit.setText(getattr(channel, field) if channel else "")
            if channel is not None:
                label, hint = field_wording(channel.platform, field)
                edit.setPlaceholderText(hint)
                form_label = self.form.labelForField(edit)
                if form_label is not None:
                    form_label.setText(label)  # type: ignore[attr-defined]
            self.form.setRowVisible(edit, field in needed)
        self.form.setRowVisible(self._save_row, bool(needed))
        self.none_needed.setVisible(channel is not None and not needed)

    def changes(self) -> dict[str, str]:
        """The fields of the channel's kind that differ from what is stored."""
        channel = self.channel
        if channel is None:
            return {}
        return {
            field: self.fields[field].text().strip()
            for field in KIND_FIELDS.get(channel.platform, ())
            if self.fields[field].text().strip() != getattr(channel, field)
        }

    def save(self) -> None:
        channel, user = self.channel, self._state.user
        if channel is None:
            return
        if user is None:
            show_error(self.error, self.tr("Sign in first (Ctrl+Shift+I)."))
            return
        # Nothing changed: the service says so in its own words.
        channels, name, changes, app = self._state.app.channels, channel.name, self.changes(), self._state.app

        def work() -> tuple[ChannelRecord, int]:
            record = channels.update(name, actor=user.name, **changes)
            return record, failed_posts(app, record.name)

        self.save_button.setEnabled(False)
        self.result.hide()
        self._state.tasks.write(work, self._saved, self._refused)

    def _saved(self, outcome: tuple[ChannelRecord, int]) -> None:
        record, failed = outcome
        self.save_button.setEnabled(True)
        show_error(self.error, None)
        self.channel = None  # shown afresh from what was stored
        self.show_channel(record)
        if failed == 1:
            retry = self.tr("1 failed post to {name} can be retried from the Outbox (Ctrl+4).")
        elif failed:
            retry = self.tr("{n} failed posts to {name} can be retried from the Outbox (Ctrl+4).")
        else:
            retry = self.tr("Posts that failed for want of a setting can be retried from the Outbox (Ctrl+4).")
        self.result.setText(self.tr("✓ Saved.") + " " + retry.format(n=failed, name=record.name))
        self.result.show()
        self.saved.emit(record)

    def _refused(self, error: Exception) -> None:
        self.save_button.setEnabled(True)
        show_error(self.error, user_message(error))
