"""Withdrawing a message, and a commander publishing their own life-safety message without a second approver.
Each dialog asks, then writes through the approval service off the GUI thread; a refusal shows inline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from crowdops.gui.dialogs.common import error_label, ok_cancel, show_error

if TYPE_CHECKING:
    from crowdops.gui.state import GuiState
    from crowdops.services.message_records import MessageRecord


class _MessageAction(QDialog):
    done = Signal(object)  # the updated MessageRecord

    def __init__(
        self, state: GuiState, record: MessageRecord, title: str, intro: str, ok: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._state, self._record = state, record
        self.setWindowTitle(title.format(id=record.short_id))
        text = QLabel(intro)
        text.setWordWrap(True)
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.error = error_label(self)
        self.buttons = ok_cancel(ok, self)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        self._layout = QVBoxLayout(self)
        self._layout.addWidget(text)
        self._layout.addWidget(self.reason)
        self._layout.addWidget(self.error)
        self._layout.addWidget(self.buttons)
        self.resize(480, 260)
        self.reason.setFocus()

    def _submit(self) -> None:
        raise NotImplementedError

    def _write(self, work) -> None:  # type: ignore[no-untyped-def]
        self.buttons.setEnabled(False)
        self._state.tasks.write(work, self._finished, self._refused)

    def _finished(self, record: MessageRecord) -> None:
        self.done.emit(record)
        self.accept()

    def _refused(self, error: Exception) -> None:
        self.buttons.setEnabled(True)
        show_error(self.error, str(error))


class WithdrawDialog(_MessageAction):
    def __init__(self, state: GuiState, record: MessageRecord, parent: QWidget | None = None) -> None:
        super().__init__(
            state,
            record,
            self.tr("Withdraw message {id}"),
            self.tr(
                "Withdraw this message? It will not be published, and posts it had queued are cancelled. "
                "A withdrawn message cannot be sent again."
            ),
            self.tr("Withdraw message"),
            parent,
        )
        self.reason.setPlaceholderText(self.tr("Why (optional, kept in the history)"))

    def _submit(self) -> None:
        user = self._state.user
        if user is None:
            show_error(self.error, self.tr("Sign in first (Ctrl+Shift+I)."))
            return
        ref, reason = self._record.id.hex, self.reason.toPlainText()
        self._write(lambda: self._state.app.approvals.withdraw(ref, actor=user.name, reason=reason))


class BreakGlassDialog(_MessageAction):
    """Life-safety only, a commander only, a written reason, and the passphrase: then flagged UNREVIEWED."""

    def __init__(self, state: GuiState, record: MessageRecord, parent: QWidget | None = None) -> None:
        super().__init__(
            state,
            record,
            self.tr("Publish {id} without a second approver"),
            self.tr(
                "Only for a life-safety message that cannot wait for a second person. It is published as "
                "UNREVIEWED and marked so everywhere, with your reason. Write the reason:"
            ),
            self.tr("Publish unreviewed"),
            parent,
        )
        self.reason.setPlaceholderText(self.tr("For example: crush risk at Gate C, no second commander reachable"))
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText(self.tr("Your passphrase"))
        self._layout.insertWidget(2, self.passphrase)

    def _submit(self) -> None:
        user = self._state.user
        reason = self.reason.toPlainText().strip()
        if user is None:
            show_error(self.error, self.tr("Sign in first (Ctrl+Shift+I)."))
            return
        if not reason:
            show_error(self.error, self.tr("Write why it cannot wait for a second approver."))
            return
        ref, passphrase = self._record.id.hex, self.passphrase.text()
        self._write(
            lambda: self._state.app.approvals.approve(
                ref,
                actor=user.name,
                passphrase=passphrase,
                expected_hash=self._record.content_hash,
                break_glass_reason=reason,
            )
        )
