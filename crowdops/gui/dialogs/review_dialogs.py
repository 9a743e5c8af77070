"""The two questions of the review queue: the approver's passphrase (and, if the message should wait, when it is to
go out), asked at the moment of approving, and the reason for a rejection. Both only ask; the review view does the
writing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from crowdops.domain.errors import CrowdOpsError
from crowdops.domain.times import format_local, parse_schedule
from crowdops.gui.dialogs.common import error_label, ok_cancel, show_error
from crowdops.gui.views.widgets import text_label
from crowdops.gui.wording import age, purpose_label

if TYPE_CHECKING:
    from crowdops.services.message_records import MessageRecord

SCHEDULE_HINT = "HH:MM or 2026-05-01T18:00; empty: as soon as possible"


class PassphraseDialog(QDialog):
    given = Signal(str, str)  # the passphrase, and when to publish ("" for as soon as possible)

    def __init__(
        self,
        record: MessageRecord,
        user: str,
        tz: ZoneInfo,
        clock: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._tz, self._clock = tz, clock
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
        self.publish_at = QLineEdit()
        self.publish_at.setPlaceholderText(self.tr("As soon as possible"))
        self.publish_at.setToolTip(
            self.tr("Hold the posts until this time, in the operation's time zone ({zone})").format(zone=self._zone())
        )
        self.publish_at.textChanged.connect(self._preview)
        self.when = text_label("", "Muted")
        self.when.setWordWrap(False)  # one short line; wrapping leaves a gap in the form
        self.error = error_label(self)
        self.buttons = ok_cancel(self.tr("Approve and queue"), self)
        self.buttons.accepted.connect(self._give)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("&Passphrase"), self.passphrase)
        form.addRow(self.tr("P&ublish at"), self.publish_at)
        form.addRow("", self.when)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        self._preview()
        self.passphrase.setFocus()

    def _zone(self) -> str:
        return self._clock().astimezone(self._tz).strftime("%Z")

    def scheduled(self) -> datetime | None:
        """When the typed time falls (raises the domain's refusal when it cannot be used); None for now."""
        text = self.publish_at.text().strip()
        return parse_schedule(text, self._tz, self._clock()) if text else None

    def _preview(self) -> None:
        """Say when a typed time falls (the next 18:00 may be tomorrow's), before anything is approved."""
        try:
            moment = self.scheduled()
        except CrowdOpsError:
            moment = None
        ok = moment is not None
        if moment is not None:
            now, when = self._clock(), format_local(moment, self._tz)
            if moment - now < timedelta(minutes=1):
                self.when.setText(self.tr("Goes out {when}, at once").format(when=when))
            else:
                self.when.setText(self.tr("Goes out {when} (in {wait})").format(when=when, wait=age(now, moment)))
        else:
            self.when.setText(self.tr(SCHEDULE_HINT))
        approve = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        approve.setText(self.tr("Approve and schedule") if ok else self.tr("Approve and queue"))
        self.when.setObjectName("Ok" if ok else "Muted")
        self.when.style().unpolish(self.when)
        self.when.style().polish(self.when)

    def _give(self) -> None:
        if not self.passphrase.text():
            show_error(self.error, self.tr("Type your passphrase, or press Esc to cancel."))
            return
        try:
            self.scheduled()
        except CrowdOpsError as error:
            show_error(self.error, str(error))  # nothing is approved; the passphrase stays typed
            self.publish_at.setFocus()
            return
        self.given.emit(self.passphrase.text(), self.publish_at.text().strip())
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
