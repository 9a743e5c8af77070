"""A channel's own text in one language (say a shorter one for X): an edit like any other, so the message goes
back to draft. The counter follows that channel's platform rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from crowdops.domain.errors import CrowdOpsError
from crowdops.domain.languages import language
from crowdops.domain.text import measure
from crowdops.gui.dialogs.common import error_label, ok_cancel, show_error
from crowdops.gui.views.widgets import set_direction

if TYPE_CHECKING:
    from crowdops.gui.state import GuiState
    from crowdops.services.message_records import MessageRecord


class ChannelTextDialog(QDialog):
    done = Signal(object)  # the updated MessageRecord

    def __init__(self, state: GuiState, record: MessageRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state, self._record = state, record
        self.setWindowTitle(self.tr("A channel's own text — message {id}").format(id=record.short_id))
        self.channel = QComboBox()
        for channel in record.channels:
            self.channel.addItem(f"{channel.name} · {channel.platform}", channel)
        self.language = QComboBox()
        for code in record.languages:
            self.language.addItem(language(code).name, code)
        self.text = QPlainTextEdit()
        self.counter = QLabel()
        self.counter.setObjectName("Muted")
        self.error = error_label(self)
        self.buttons = ok_cancel(self.tr("Save this channel's text"), self)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        intro = QLabel(self.tr("The other channels keep the language's text. Saving makes the message a draft again."))
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Channel"), self.channel)
        form.addRow(self.tr("Language"), self.language)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.counter)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(520, 340)
        self.channel.currentIndexChanged.connect(self._load_text)
        self.language.currentIndexChanged.connect(self._load_text)
        self.text.textChanged.connect(self._count)
        self._load_text()

    def _load_text(self) -> None:
        channel, code = self.channel.currentData(), self.language.currentData()
        if channel is None or code is None:
            return
        set_direction(self.text, code)
        self.text.setPlainText(self._record.text(code, channel.name) or "")

    def _count(self) -> None:
        channel = self.channel.currentData()
        if channel is None:
            return
        try:
            fit = measure(self.text.toPlainText(), channel.platform, limit=channel.char_limit)
        except CrowdOpsError as error:
            self.counter.setText(str(error))
            return
        verdict = self.tr("fits") if fit.ok else self.tr("{n} too long").format(n=fit.over)
        self.counter.setText(f"{fit.length} / {fit.limit} {fit.unit} — {verdict}")
        self.counter.setObjectName("Muted" if fit.ok else "Danger")
        self.counter.style().unpolish(self.counter)
        self.counter.style().polish(self.counter)

    def _submit(self) -> None:
        user = self._state.user
        channel, code = self.channel.currentData(), self.language.currentData()
        if user is None or channel is None:
            show_error(self.error, self.tr("Sign in first (Ctrl+Shift+I), and give the message a channel."))
            return
        ref, text = self._record.id.hex, self.text.toPlainText()
        self.buttons.setEnabled(False)
        self._state.tasks.write(
            lambda: self._state.app.messages.translate(ref, code, text, actor=user.name, channel=channel.name),
            self._finished,
            self._refused,
        )

    def _finished(self, record: MessageRecord) -> None:
        self.done.emit(record)
        self.accept()

    def _refused(self, error: Exception) -> None:
        self.buttons.setEnabled(True)
        show_error(self.error, str(error))
