"""Sign in: choose who you are and give your passphrase. Checked by the user service, off the GUI thread."""

from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from crowdops.gui.dialogs.common import error_label, ok_cancel, show_error
from crowdops.gui.state import GuiState
from crowdops.services.records import UserRecord


class SignInDialog(QDialog):
    def __init__(self, state: GuiState, users: list[UserRecord], last_user: str | None, parent: QWidget | None = None):
        super().__init__(parent)
        self._state = state
        self.user: UserRecord | None = None
        self.setWindowTitle(self.tr("Sign in to CrowdOps"))
        self.setModal(True)
        self.who = QComboBox()
        for user in users:
            self.who.addItem(f"{user.name} ({user.role.label.lower()})", user.name)
        if last_user:
            index = self.who.findData(last_user)
            if index >= 0:
                self.who.setCurrentIndex(index)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText(self.tr("Your passphrase"))
        self.error = error_label(self)
        self.buttons = ok_cancel(self.tr("Sign in"), self)
        self.buttons.accepted.connect(self._check)
        self.buttons.rejected.connect(self.reject)

        intro = QLabel(self.tr("Who is using this laptop? Incidents you log are recorded under your name."))
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("User"), self.who)
        form.addRow(self.tr("Passphrase"), self.passphrase)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        if not users:
            intro.setText(
                self.tr(
                    "There are no users yet. Add the first commander on the command line:\n"
                    "crowdops user add NAME --role commander"
                )
            )
            self.buttons.button(self.buttons.StandardButton.Ok).setEnabled(False)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.passphrase.setFocus()

    def _check(self) -> None:
        name, passphrase = self.who.currentData(), self.passphrase.text()
        if not name:
            return
        self.buttons.setEnabled(False)
        self._state.tasks.read(
            lambda: self._state.app.users.authenticate(name, passphrase), self._accepted, self._refused
        )

    def _accepted(self, user: UserRecord) -> None:
        self.user = user
        self.accept()

    def _refused(self, error: Exception) -> None:
        self.buttons.setEnabled(True)
        show_error(self.error, str(error))
        self.passphrase.selectAll()
        self.passphrase.setFocus()
