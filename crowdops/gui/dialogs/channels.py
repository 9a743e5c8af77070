"""The Channels dialog: the accounts messages are published to, adding one (only the fields its kind needs), changing
where the selected one publishes, setting its token (kept in the OS keyring only, never in this window after it is
saved) and testing it.

Only a commander may manage channels: the service says so, and the dialog shows its words."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crowdops.domain.text import PLATFORMS
from crowdops.gui.dialogs.channel_settings import FIELD_LABELS, ChannelSettings, field_wording
from crowdops.gui.dialogs.common import error_label, show_error
from crowdops.gui.models.channel_model import KIND_FIELDS, ChannelModel, ChannelRow, kind_label, read_channels
from crowdops.gui.views.widgets import ChipDelegate, chip_width, text_label
from crowdops.gui.wording import channel_title, user_message

if TYPE_CHECKING:
    from crowdops.channels.base import CheckResult
    from crowdops.gui.state import GuiState
    from crowdops.services.records import ChannelRecord


class ChannelsDialog(QDialog):
    changed = Signal()  # a channel was added, its settings changed or its token set
    tested = Signal(object)  # CheckResult

    def __init__(self, state: GuiState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._shown: object = None  # the id of the channel the lower part shows
        self.setWindowTitle(self.tr("Channels"))
        self.model = ChannelModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setItemDelegate(ChipDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(ChannelModel.WHERE, QHeaderView.ResizeMode.Stretch)
        char = self.table.fontMetrics().horizontalAdvance("0")
        header.resizeSection(ChannelModel.NAME, 20 * char)
        header.resizeSection(ChannelModel.KIND, 18 * char)
        header.resizeSection(ChannelModel.TOKEN, chip_width(self.table.font(), "Keyring not available"))
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.empty = text_label(self.tr("No channels yet — add one below. A sandbox channel is for training."), "Muted")

        self.selected_box = QGroupBox(self.tr("Selected channel"))
        self.selected_title = text_label("", "SectionTitle")
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText(self.tr("Paste the account's access token"))
        self.token.setToolTip(self.tr("Kept in this computer's keyring only; cleared from this window once saved"))
        self.save_token = QPushButton(self.tr("Save &token"))
        self.save_token.setToolTip(self.tr("Store the token in the system keyring (Alt+T)"))
        self.save_token.clicked.connect(self.store_token)
        self.token.returnPressed.connect(self.store_token)
        self.test_button = QPushButton(self.tr("Te&st"))
        self.test_button.setToolTip(self.tr("Reach the account and check its token; publishes nothing (Alt+S)"))
        self.test_button.clicked.connect(self.test_selected)
        self.result = text_label("")
        self.result.hide()
        token_row = QHBoxLayout()
        token_row.addWidget(self.token, 1)
        token_row.addWidget(self.save_token)
        token_row.addWidget(self.test_button)
        self.settings = ChannelSettings(state)
        self.settings.saved.connect(self._settings_saved)
        selected = QVBoxLayout(self.selected_box)
        selected.addWidget(self.selected_title)
        self.settings.add_row(self.tr("Token"), token_row)
        selected.addWidget(self.settings)
        selected.addWidget(self.result)

        self.add_box = QGroupBox(self.tr("Add a channel"))
        self.form = QFormLayout(self.add_box)
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("How people here call it, e.g. Police Mastodon"))
        self.kind = QComboBox()
        for platform in PLATFORMS:
            self.kind.addItem(kind_label(platform), platform)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.form.addRow(self.tr("&Name"), self.name)
        self.form.addRow(self.tr("&Kind"), self.kind)
        self.fields: dict[str, QLineEdit] = {}
        for field in FIELD_LABELS:
            edit = QLineEdit()
            self.fields[field] = edit
            self.form.addRow(self.tr(FIELD_LABELS[field]), edit)
        self.add_button = QPushButton(self.tr("&Add channel"))
        self.add_button.setToolTip(self.tr("Add this channel; set its token next (Alt+A)"))
        self.add_button.clicked.connect(self.add_channel)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_button)
        add_row.addStretch(1)
        self.form.addRow("", add_row)

        self.error = error_label(self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        intro = self.tr("Where approved messages are published. Only a commander may change this.")
        layout.addWidget(text_label(intro, "Muted"))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.selected_box)
        layout.addWidget(self.add_box)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(760, 700)
        self.kind.setCurrentIndex(self.kind.findData("mastodon"))
        self._kind_changed()
        self._show_selected(None)
        self.reload()

    # -- the list -----------------------------------------------------------------------------------------

    def reload(self, select: str | None = None) -> None:
        app = self._state.app
        keep = select or (self.selected.name if self.selected else None)
        self._state.tasks.read(lambda: read_channels(app), lambda rows: self._show(rows, keep))

    def _show(self, rows: list[ChannelRow], keep: str | None) -> None:
        self.model.set_channels(rows)
        self.empty.setVisible(not rows)
        for row, item in enumerate(rows):
            if item.channel.name == keep:
                self.table.selectRow(row)
                return
        self._show_selected(None)

    @property
    def selected(self) -> ChannelRecord | None:
        indexes = self.table.selectionModel().selectedRows()
        return self.model.record(indexes[0].row()).channel if indexes else None

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show_selected(self.selected)

    def _show_selected(self, channel: ChannelRecord | None) -> None:
        if channel is None or channel.id != self._shown:
            self.result.hide()  # a test result belongs to its channel; a reload of the same one keeps it
            self.token.clear()
        self._shown = channel.id if channel else None
        self.selected_box.setEnabled(channel is not None)
        self.settings.show_channel(channel)
        if channel is None:
            self.selected_title.setText(self.tr("Select a channel to change its settings, set its token or test it"))
            return
        self.selected_title.setText(channel_title(channel.name, channel.platform))
        sandbox = channel.platform == "sandbox"
        self.token.setEnabled(not sandbox)
        self.save_token.setEnabled(not sandbox)
        self.token.setPlaceholderText(
            self.tr("A sandbox channel needs no token") if sandbox else self.tr("Paste the account's access token")
        )

    # -- adding ---------------------------------------------------------------------------------------------

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        needed = KIND_FIELDS.get(kind, ())
        for field, edit in self.fields.items():
            label, hint = field_wording(kind, field)
            edit.setPlaceholderText(hint)
            form_label = self.form.labelForField(edit)
            if form_label is not None:
                form_label.setText(label)  # type: ignore[attr-defined]
            self.form.setRowVisible(edit, field in needed)

    def add_channel(self) -> None:
        user = self._state.user
        if user is None:
            show_error(self.error, self.tr("Sign in first (Ctrl+Shift+I)."))
            return
        kind, name = self.kind.currentData(), self.name.text().strip()
        if not name:
            show_error(self.error, self.tr("Give the channel a name."))
            return
        needed = KIND_FIELDS.get(kind, ())
        values = {field: self.fields[field].text() for field in needed}
        channels = self._state.app.channels
        self.add_button.setEnabled(False)
        self._state.tasks.write(lambda: channels.add(name, kind, actor=user.name, **values), self._added, self._refused)

    def _added(self, channel: ChannelRecord) -> None:
        self.add_button.setEnabled(True)
        show_error(self.error, None)
        self.name.clear()
        for edit in self.fields.values():
            edit.clear()
        self.changed.emit()
        self.reload(select=channel.name)

    def _refused(self, error: Exception) -> None:
        self.add_button.setEnabled(True)
        self.save_token.setEnabled(self.selected is not None and self.selected.platform != "sandbox")
        show_error(self.error, user_message(error))

    def _settings_saved(self, channel: ChannelRecord) -> None:
        show_error(self.error, None)
        self.changed.emit()
        self.reload(select=channel.name)

    # -- token and test -------------------------------------------------------------------------------------

    def store_token(self) -> None:
        channel, user = self.selected, self._state.user
        if channel is None:
            return
        if user is None:
            show_error(self.error, self.tr("Sign in first (Ctrl+Shift+I)."))
            return
        secret = self.token.text()
        self.token.clear()  # the token lives in this window only while it is typed
        if not secret.strip():
            show_error(self.error, self.tr("Paste the token first."))
            return
        channels, name = self._state.app.channels, channel.name
        self.save_token.setEnabled(False)
        self._state.tasks.write(
            lambda: channels.set_secret(name, secret, actor=user.name), self._token_saved, self._refused
        )

    def _token_saved(self, channel: ChannelRecord) -> None:
        self.save_token.setEnabled(True)
        show_error(self.error, None)
        saved = self.tr("✓ Token saved in the keyring for {name}. Press Test to check it.")
        self._say(saved.format(name=channel.name), True)
        self.changed.emit()
        self.reload(select=channel.name)

    def test_selected(self) -> None:
        channel = self.selected
        if channel is None:
            return
        channels, name = self._state.app.channels, channel.name
        self.test_button.setEnabled(False)
        self._say(self.tr("Testing {name}…").format(name=name), None)
        self._state.tasks.network(lambda: channels.test(name), self._tested, self._test_failed)

    def _tested(self, result: CheckResult) -> None:
        self.test_button.setEnabled(True)
        word = self.tr("✓ Works") if result.ok else self.tr("✗ Does not work")
        self._say(f"{word}: {result.detail}", result.ok)
        self.tested.emit(result)

    def _test_failed(self, error: Exception) -> None:
        self.test_button.setEnabled(True)
        self._say(self.tr("✗ Does not work: {why}").format(why=user_message(error)), False)

    def _say(self, text: str, ok: bool | None) -> None:
        self.result.setText(text)
        self.result.setObjectName({True: "Ok", False: "Danger", None: "Muted"}[ok])
        self.result.style().unpolish(self.result)
        self.result.style().polish(self.result)
        self.result.show()
