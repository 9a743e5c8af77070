"""The two questions of the review queue: the approver's passphrase, asked at the moment of approving, and the
reason for a rejection. Both only ask; the review view does the writing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from crowdops.gui.dialogs.common import error_label, ok_cancel, show_error
from crowdops.gui.wording import purpose_label

if TYPE_CHECKING:
    from crowdops.services.message_records import MessageRecord


class PassphraseDialog(QDialog):
    given = Signal(str)

    def __init__(self, record: MessageRecord, user: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Approve message {id}").format(id=record.short_id))
        channels = ", ".join(c.name for c in record.channels)
        intro = QLabel(
            self.tr(
                "Approve this {purpose} message in {count} languages as {user}?\n"
                "It will be queued for: {channels}.\n\nYour passphrase confirms that it is you."
            ).format(
                purpose=purpose_label(record.purpose).lower(),
                count=len(record.languages),
                user=user,
                channels=channels,
            )
        )
        intro.setWordWrap(True)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText(self.tr("Your passphrase"))
        self.error = error_label(self)
        self.buttons = ok_cancel(self.tr("Approve and queue"), self)
        self.buttons.accepted.connect(self._give)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.passphrase)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
        self.passphrase.setFocus()

    def _give(self) -> None:
        if not self.passphrase.text():
            show_error(self.error, self.tr("Type your passphrase, or press Esc to cancel."))
            return
        self.given.emit(self.passphrase.text())
        self.accept()


class RejectDialog(QDialog):
    given = Signal(str)

    def __init__(self, record: MessageRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Reject message {id}").format(id=record.short_id))
        intro = QLabel(
            self.tr("Why is it rejected? {author} reads this to fix the message.").format(author=record.created_by)
        )
        intro.setWordWrap(True)
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText(self.tr("For example: the Arabic text names the wrong square"))
        self.error = error_label(self)
        self.buttons = ok_cancel(self.tr("Reject message"), self)
        self.buttons.accepted.connect(self._give)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.reason)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(460, 240)
        self.reason.setFocus()

    def _give(self) -> None:
        reason = self.reason.toPlainText().strip()
        if not reason:
            show_error(self.error, self.tr("Say why the message is rejected, so its author can fix it."))
            return
        self.given.emit(reason)
        self.accept()
