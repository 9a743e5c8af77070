"""Two parts of the compose window: the template picker with a field per placeholder, and the channel checkboxes
(an exercise offers only sandbox channels)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from crowdops.domain.templates import Template
from crowdops.gui.views.widgets import clear_layout, text_label
from crowdops.gui.wording import channel_title
from crowdops.services.records import ChannelRecord

SANDBOX = "sandbox"  # the only platform an exercise may use (services.channels.SANDBOX; no database import here)


class TemplatePicker(QWidget):
    """`combo` goes where the window wants it; this widget holds the template's notes and its fields."""

    chosen = Signal(object)  # Template | None
    values_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.template: Template | None = None
        self.fields: dict[str, QLineEdit] = {}
        self.combo = QComboBox()
        self.combo.addItem(self.tr("Loading templates…"), None)
        self.combo.setToolTip(self.tr("Start from a pre-approved text, in every language it has"))
        self.combo.currentIndexChanged.connect(self._choose)
        self.notes = text_label("", "Muted")
        self.notes.hide()
        self._grid = QGridLayout()
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setColumnStretch(1, 1)
        self._grid.setColumnStretch(3, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.notes)
        layout.addLayout(self._grid)

    def set_templates(self, templates: list[Template]) -> None:
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItem(self.tr("No template — write freely"), None)
        for template in templates:
            self.combo.addItem(template.title, template)
        self.combo.blockSignals(False)

    def choose(self, template_id: str) -> None:
        for index in range(self.combo.count()):
            item = self.combo.itemData(index)
            if isinstance(item, Template) and item.id == template_id:
                self.combo.setCurrentIndex(index)

    def _choose(self, index: int) -> None:
        item = self.combo.itemData(index)
        self.template = item if isinstance(item, Template) else None
        clear_layout(self._grid)
        self.fields = {}
        notes = self.template.notes if self.template else ""
        self.notes.setText(notes)
        self.notes.setVisible(bool(notes))
        for i, placeholder in enumerate(self.template.placeholders if self.template else ()):
            edit = QLineEdit()
            edit.setPlaceholderText(placeholder.description)
            edit.setToolTip(placeholder.description)
            edit.textChanged.connect(self.values_changed)
            self.fields[placeholder.name] = edit
            self._grid.addWidget(QLabel(placeholder.name.replace("_", " ").capitalize()), i // 2, 2 * (i % 2))
            self._grid.addWidget(edit, i // 2, 2 * (i % 2) + 1)
        self.chosen.emit(self.template)
        if self.fields:
            next(iter(self.fields.values())).setFocus()

    def values(self) -> dict[str, str]:
        return {name: edit.text().strip() for name, edit in self.fields.items()}

    def preview(self, code: str) -> str | None:
        """The template's text in this language with what is filled in so far, or None if it has none."""
        if self.template is None or code not in self.template.languages:
            return None
        return self.template.preview(code, self.values())


class ChannelPicker(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.channels: list[ChannelRecord] = []
        self.boxes: dict[str, QCheckBox] = {}
        self._grid = QGridLayout()
        self._grid.setContentsMargins(0, 0, 0, 0)
        self.note = text_label("", "Muted")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(text_label(self.tr("Channels"), "SectionTitle"))
        layout.addLayout(self._grid)
        layout.addWidget(self.note)
        self.note.hide()

    def set_channels(self, channels: list[ChannelRecord], chosen: set[str] | None, exercise: bool) -> None:
        """Offer these channels (only sandbox ones in an exercise); tick `chosen`, or all when None."""
        self.channels = [c for c in channels if c.platform == SANDBOX] if exercise else list(channels)
        clear_layout(self._grid)
        self.boxes = {}
        for i, channel in enumerate(self.channels):
            box = QCheckBox(channel_title(channel.name, channel.platform))
            box.setChecked(chosen is None or channel.name in chosen)
            box.toggled.connect(self.changed)
            self.boxes[channel.name] = box
            self._grid.addWidget(box, i // 3, i % 3)
        if not self.channels:
            note = self.tr(
                "No publishing channel is set up yet. A commander adds one with: crowdops channel add NAME "
                "--platform PLATFORM. You can still save a draft."
            )
        elif exercise:
            note = self.tr("Exercise: only sandbox channels are offered — nothing reaches a live account.")
        else:
            note = ""
        self.note.setText(note)
        self.note.setVisible(bool(note))

    def checked(self) -> list[ChannelRecord]:
        return [c for c in self.channels if self.boxes[c.name].isChecked()]
