"""The timeline's detail pane for a row that is not an incident (a rumour, a decision, a published message): what
the row says, and a button that opens the item in its own view, where its whole detail and its actions are."""

from zoneinfo import ZoneInfo

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPushButton, QWidget

from crowdops.domain.times import format_local
from crowdops.gui.models.timeline_model import kind_word, story_event
from crowdops.gui.views.layouts import scrolling_pane
from crowdops.gui.views.widgets import clear_layout, text_label
from crowdops.services.story_records import StoryItem

# Where each kind opens, and the key that switches there.
VIEWS = {
    "rumour": ("Open in Rumours", "Ctrl+5"),
    "decision": ("Open in Decisions", "Ctrl+6"),
    "message": ("Open in Messages", "Ctrl+2"),
}


class StoryDetail(QWidget):
    open_requested = Signal(str, object)  # kind (rumour, decision, message), its id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = scrolling_pane(self, 280)
        self.item: StoryItem | None = None
        self.open_button = QPushButton()
        self.open_button.clicked.connect(self._open)
        self.show_nothing()

    def show_nothing(self) -> None:
        self.item = None
        clear_layout(self._layout, keep=[self.open_button])

    def show_item(self, item: StoryItem, tz: ZoneInfo) -> None:
        self.item = item
        clear_layout(self._layout, keep=[self.open_button])
        add = self._layout.addWidget
        add(text_label(f"{kind_word(item)} · {story_event(item)}", "SectionTitle"))
        add(text_label(item.title, "DetailTitle"))
        add(text_label(f"{format_local(item.at, tz, seconds=True)} · {item.by}", "Muted"))
        if item.note:
            add(text_label(item.note))
        title, key = VIEWS[item.opens]
        self.open_button.setText(self.tr(title))
        self.open_button.setToolTip(
            self.tr("Show it with its history, links and actions ({key}; Enter or double-click on the row)").format(
                key=key
            )
        )
        add(self.open_button)
        self.open_button.show()
        add(
            text_label(
                self.tr("The timeline shows when it happened; its own view holds the history, links and actions."),
                "Muted",
            )
        )

    def _open(self) -> None:
        if self.item is not None:
            self.open_requested.emit(self.item.opens, self.item.target_id)
