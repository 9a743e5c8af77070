"""What a person tells the outbox about one post: that it is published at an address, or that it was not (so it may
go now), and that it should be cancelled. Each dialog writes through the outbox service off the GUI thread; a
refusal shows inline and changes nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QDialog, QLabel, QLineEdit, QRadioButton, QVBoxLayout, QWidget

from crowdops.gui.dialogs.common import error_label, ok_cancel, show_error
from crowdops.gui.wording import user_message

if TYPE_CHECKING:
    from crowdops.gui.state import GuiState
    from crowdops.services.outbox import OutboxEntry


class _OutboxAction(QDialog):
    done = Signal(object)  # the updated OutboxEntry

    def __init__(self, state: GuiState, entry: OutboxEntry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state, self._entry = state, entry
        self.error = error_label(self)

    def _write(self, work) -> None:  # type: ignore[no-untyped-def]
        user = self._state.user
        if user is None:
            show_error(self.error, self.tr("Sign in first (Ctrl+Shift+I)."))
            return
        self.buttons.setEnabled(False)  # type: ignore[attr-defined]
        self._state.tasks.write(lambda: work(user.name), self._finished, self._refused)

    def _finished(self, entry: OutboxEntry) -> None:
        self.done.emit(entry)
        self.accept()

    def _refused(self, error: Exception) -> None:
        self.buttons.setEnabled(True)  # type: ignore[attr-defined]
        show_error(self.error, user_message(error))


class ResolveDialog(_OutboxAction):
    def __init__(self, state: GuiState, entry: OutboxEntry, parent: QWidget | None = None) -> None:
        super().__init__(state, entry, parent)
        self.setWindowTitle(self.tr("Resolve post to {channel}").format(channel=entry.channel))
        intro = QLabel(
            self.tr(
                "CrowdOps cannot tell whether this post reached {channel}. Look at the channel, then say what you "
                "found."
            ).format(channel=entry.channel)
        )
        intro.setWordWrap(True)
        self.published = QRadioButton(self.tr("It &is published at this address:"))
        self.url = QLineEdit()
        self.url.setPlaceholderText(self.tr("https://… (copy the post's link from the channel)"))
        self.not_published = QRadioButton(self.tr("It was &not published — send it now"))
        group = QButtonGroup(self)
        group.addButton(self.published)
        group.addButton(self.not_published)
        self.published.setChecked(True)
        self.published.toggled.connect(self.url.setEnabled)
        self.url.textEdited.connect(lambda _text: self.published.setChecked(True))
        self.buttons = ok_cancel(self.tr("Resolve"), self)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.published)
        layout.addWidget(self.url)
        layout.addWidget(self.not_published)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)
        self.url.setFocus()

    def _submit(self) -> None:
        outbox, ref = self._state.app.outbox, self._entry.id.hex
        if self.not_published.isChecked():
            self._write(lambda actor: outbox.resolve(ref, actor=actor, not_sent=True))
            return
        url = self.url.text().strip()
        if not url:
            show_error(self.error, self.tr("Paste the post's address, or choose 'It was not published'."))
            return
        self._write(lambda actor: outbox.resolve(ref, actor=actor, sent_url=url))


class CancelDialog(_OutboxAction):
    def __init__(self, state: GuiState, entry: OutboxEntry, parent: QWidget | None = None) -> None:
        super().__init__(state, entry, parent)
        self.setWindowTitle(self.tr("Cancel post to {channel}").format(channel=entry.channel))
        intro = QLabel(
            self.tr(
                "Cancel this {language} post to {channel}? It will not be published, and cannot be sent again "
                "from the outbox."
            ).format(language=entry.language.upper(), channel=entry.channel)
        )
        intro.setWordWrap(True)
        self.buttons = ok_cancel(self.tr("Cancel post"), self)
        self.buttons.button(self.buttons.StandardButton.Cancel).setText(self.tr("Keep it"))
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)

    def _submit(self) -> None:
        outbox, ref = self._state.app.outbox, self._entry.id.hex
        self._write(lambda actor: outbox.cancel(ref, actor=actor))
