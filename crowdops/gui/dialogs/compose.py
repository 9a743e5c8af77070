"""Compose a public message (Ctrl+N), or edit a draft: a template and its fields, purpose and priority, a tab per
language, the channels, live previews with counters, privacy flags as they are found, Save draft and Submit.

The window is its own top-level window (the main window stays usable). Templates and channels are read off the
GUI thread when it opens; everything is written by one plan on the writer thread (compose_plan.run).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QTabBar,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crowdops.domain.enums import Role
from crowdops.domain.languages import LANGUAGES, language
from crowdops.domain.messages import Priority, Purpose
from crowdops.domain.templates import Template
from crowdops.gui.dialogs.common import error_label, show_error
from crowdops.gui.dialogs.compose_parts import ChannelPicker, TemplatePicker
from crowdops.gui.dialogs.compose_plan import ComposePlan, Outcome, problem, run
from crowdops.gui.dialogs.compose_tab import LanguageTab
from crowdops.gui.views.widgets import text_label
from crowdops.gui.wording import language_title, priority_label, purpose_label, user_message
from crowdops.services.records import ChannelRecord, OperationRecord, UserRecord

if TYPE_CHECKING:
    from crowdops.gui.state import GuiState
    from crowdops.services.message_records import MessageRecord
    from crowdops.services.records import IncidentRecord


class ComposeWindow(QDialog):
    saved = Signal(object, bool)  # MessageRecord, submitted
    ready = Signal()  # templates and channels are loaded

    def __init__(
        self,
        state: GuiState,
        op: OperationRecord,
        user: UserRecord,
        record: MessageRecord | None = None,
        parent: QWidget | None = None,
        answers: IncidentRecord | None = None,
    ) -> None:
        super().__init__(parent)
        self.answers = answers if record is None else None  # the incident a new message answers
        self.setWindowFlag(Qt.WindowType.Window)  # its own window: the main window stays usable meanwhile
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._state, self._op, self._user = state, op, user
        self.record = record
        self._dirty = False
        self._discard_armed = False
        self._user_gone = False
        self._shown_flag_keys: set[str] = set()

        self.templates = TemplatePicker()
        self.templates.chosen.connect(self._template_chosen)
        self.templates.values_changed.connect(self._refill)
        self.templates.values_changed.connect(self._touched)
        self.purpose = QComboBox()
        for purpose in Purpose:
            self.purpose.addItem(purpose_label(purpose), purpose.value)
        self.priority = QComboBox()
        for priority in Priority:
            self.priority.addItem(priority_label(priority), priority.value)
        self.tabs = QTabWidget()
        self.tabs.setTabsClosable(True)
        self.tabs.tabCloseRequested.connect(self._close_tab)
        self.add_language = QToolButton()
        self.add_language.setText(self.tr("+ Add language"))
        self.add_language.setToolTip(self.tr("Write this message in one more language"))
        self.add_language.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.language_menu = QMenu(self.add_language)
        self.language_menu.aboutToShow.connect(self._fill_language_menu)
        self.add_language.setMenu(self.language_menu)
        self.tabs.setCornerWidget(self.add_language)
        self.channels = ChannelPicker()
        self.channels.changed.connect(self._channels_changed)
        self.channels.changed.connect(self._touched)
        self.ack = QCheckBox(self.tr("I have checked each flagged item"))
        self.ack.setToolTip(self.tr("Personal data must never be published by mistake: read each ⚠ line above"))
        self.flag_summary = text_label("", "FlagLine")
        self.notice = text_label("", "Notice")
        self.notice.hide()
        self.error = error_label(self)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Close without saving (Esc)"))
        self.cancel_button.clicked.connect(self.reject)
        self.save_button = QPushButton(self.tr("Save draft"))
        self.save_button.setToolTip(self.tr("Save without sending it for approval (Ctrl+S)"))
        self.save_button.setDefault(True)  # Enter saves a draft, the safe choice
        self.save_button.setObjectName("Secondary")
        self.save_button.clicked.connect(self.save)
        self.submit_button = QPushButton(self.tr("Submit for approval"))
        self.submit_button.setObjectName("Primary")
        self.submit_button.setToolTip(self.tr("Save and send it to a commander for approval (Ctrl+Enter)"))
        self.submit_button.clicked.connect(self.submit)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.submit)
        QShortcut(QKeySequence("Ctrl+Enter"), self, self.submit)
        self._layout_widgets(user)
        for combo in (self.purpose, self.priority):
            combo.currentIndexChanged.connect(self._touched)

        self._set_busy(True)
        if record is None:
            self.setWindowTitle(self.tr("New message — {op}").format(op=op.name))
            self._add_tab("en")
        else:
            self._became(record)
            for code in record.languages:
                overrides = {v.channel: v.text for v in record.variants if v.language == code and v.channel}
                self._add_tab(code, overrides).set_text(record.text(code) or "", by_hand=False)
        state.user_changed.connect(self._user_changed)
        templates, channels = state.app.templates, state.app.channels
        state.tasks.read(lambda: (templates.list(op.kind), channels.list()), self._loaded, self._failed)
        self.resize(1100, 780)

    def _layout_widgets(self, user: UserRecord) -> None:
        top = QHBoxLayout()
        for title, widget, stretch in (
            (self.tr("Template"), self.templates.combo, 3),
            (self.tr("Purpose"), self.purpose, 1),
            (self.tr("Priority"), self.priority, 1),
        ):
            top.addWidget(QLabel(title))
            top.addWidget(widget, stretch)
        buttons = QHBoxLayout()
        if user.role in (Role.COMMANDER, Role.TRAINER):
            note = self.tr("You cannot approve a message you wrote or edited: a second person must.")
            buttons.addWidget(text_label(note, "Muted"), 1)
        else:
            buttons.addStretch(1)
        for button in (self.cancel_button, self.save_button, self.submit_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.templates)
        if self.answers is not None:
            layout.addWidget(
                text_label(
                    self.tr("Answers incident {id}: {category}, {what}").format(
                        id=self.answers.root_id.hex[:8],
                        category=self.answers.category_label,
                        what=self.answers.description[:90],
                    ),
                    "Muted",
                )
            )
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.channels)
        layout.addWidget(self.flag_summary)
        layout.addWidget(self.ack)
        layout.addWidget(self.notice)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self._update_flags()

    def _loaded(self, result: tuple[list[Template], list[ChannelRecord]]) -> None:
        templates, channels = result
        chosen = {c.name for c in self.record.channels} if self.record else None
        self.channels.set_channels(channels, chosen, self._op.exercise)
        self.templates.set_templates(templates)
        self._channels_changed()
        self._set_busy(False)
        self._dirty = False
        self.ready.emit()

    # -- template -------------------------------------------------------------------------------------------

    def _template_chosen(self, template: Template | None) -> None:
        self._touched()
        if template is None:
            self._refill()
            return
        self.purpose.setCurrentIndex(self.purpose.findData(template.purpose.value))
        self.priority.setCurrentIndex(self.priority.findData(template.priority.value))
        for code, tab in list(self.tabs_by_code().items()):
            if code not in template.languages and not tab.hand_edited:
                self.tabs.removeTab(self.tabs.indexOf(tab))
        for code in template.languages:
            if code not in self.tabs_by_code():
                self._add_tab(code)
        self._refill()

    def _refill(self) -> None:
        for code, tab in self.tabs_by_code().items():
            text = self.templates.preview(code)
            tab.refill_button.setEnabled(text is not None)
            if text is not None:
                tab.fill(text)

    # -- language tabs --------------------------------------------------------------------------------------

    def tabs_by_code(self) -> dict[str, LanguageTab]:
        found = (self.tabs.widget(i) for i in range(self.tabs.count()))
        return {tab.code: tab for tab in found if isinstance(tab, LanguageTab)}

    def _add_tab(self, code: str, overrides: dict[str, str] | None = None) -> LanguageTab:
        tab = LanguageTab(code)
        tab.edited.connect(self._touched)
        tab.flags_changed.connect(self._update_flags)
        tab.fit_changed.connect(lambda: self._title(tab))
        tab.flags_changed.connect(lambda: self._title(tab))
        tab.refill_button.clicked.connect(lambda: self._refill_tab(tab))
        index = self.tabs.addTab(tab, language(code).name)
        self.tabs.setTabToolTip(index, language_title(code))
        if self.record is not None and code in self.record.languages:
            self.tabs.tabBar().setTabButton(index, QTabBar.ButtonPosition.RightSide, None)  # no API removes it
        tab.set_channels(self.channels.checked(), overrides)
        text = self.templates.preview(code)
        tab.refill_button.setEnabled(text is not None)
        if text is not None:
            tab.fill(text)
        return tab

    def _refill_tab(self, tab: LanguageTab) -> None:
        tab.hand_edited = False
        self._refill()

    def _title(self, tab: LanguageTab) -> None:
        marks = (" ⚠" if tab.flags else "") + (self.tr(" (too long)") if not tab.fits else "")
        self.tabs.setTabText(self.tabs.indexOf(tab), language(tab.code).name + marks)

    def _fill_language_menu(self) -> None:
        self.language_menu.clear()
        present = self.tabs_by_code()
        for lang in LANGUAGES:
            if lang.code not in present:
                action = self.language_menu.addAction(language_title(lang.code))
                action.triggered.connect(lambda _=False, code=lang.code: self.add_language_tab(code))

    def add_language_tab(self, code: str) -> LanguageTab:
        tab = self.tabs_by_code().get(code) or self._add_tab(code)
        self.tabs.setCurrentWidget(tab)
        tab.focus_editor()
        self._touched()
        return tab

    def _close_tab(self, index: int) -> None:
        self.tabs.removeTab(index)
        self._touched()
        self._update_flags()

    # -- channels and flags ---------------------------------------------------------------------------------

    def _channels_changed(self) -> None:
        for tab in self.tabs_by_code().values():
            tab.set_channels(self.channels.checked(), tab.overrides)

    def flag_keys(self) -> list[str]:
        return [flag.key for tab in self.tabs_by_code().values() for flag in tab.flags]

    def _update_flags(self) -> None:
        tabs = [tab for tab in self.tabs_by_code().values() if tab.flags]
        keys = set(self.flag_keys())
        if keys != self._shown_flag_keys:
            self.ack.setChecked(False)  # the tick was for what was shown then
            self._shown_flag_keys = keys
        count = sum(len(tab.flags) for tab in tabs)
        summary = self.tr("⚠ 1 flagged item in {languages}: read it before you submit.")
        if count > 1:
            summary = self.tr("⚠ {n} flagged items in {languages}: read each one before you submit.")
        self.flag_summary.setText(summary.format(n=count, languages=", ".join(language(tab.code).name for tab in tabs)))
        self.flag_summary.setVisible(bool(count))
        self.ack.setVisible(bool(count))

    # -- saving ---------------------------------------------------------------------------------------------

    def _plan(self) -> ComposePlan | None:
        tabs = self.tabs_by_code()
        template = self.templates.template
        problem = self._problem(tabs, template)
        if problem:
            show_error(self.error, problem)
            return None
        return ComposePlan(
            operation_id=self._op.id,
            actor=self._user.name,
            texts={code: tab.text() for code, tab in tabs.items()},
            channels=[c.name for c in self.channels.checked()],
            purpose=self.purpose.currentData(),
            priority=self.priority.currentData(),
            template=template.id if template and self.record is None else None,
            template_languages=template.languages if template else (),
            values=self.templates.values(),
            existing=self.record,
            links=[("incident", self.answers.root_id.hex)] if self.answers and self.record is None else [],
        )

    def _problem(self, tabs: dict[str, LanguageTab], template: Template | None) -> str | None:
        """What must be done before saving, said plainly; the widget to fix gets the focus."""
        found = problem({code: tab.text() for code, tab in tabs.items()}, template)
        if found is None:
            return None
        if found.language:
            self.tabs.setCurrentWidget(tabs[found.language])
            tabs[found.language].focus_editor()
        if found.field:
            self.templates.fields[found.field].setFocus()
        return found.message

    def save(self) -> None:
        if not self.save_button.isEnabled():
            return  # still loading, or a write is on its way (Ctrl+S pressed twice)
        plan = self._plan()
        if plan is not None:
            self._write(plan, None)

    def submit(self) -> None:
        if not self.submit_button.isEnabled():
            return
        for tab in self.tabs_by_code().values():
            tab.scan_flags()  # now, not after the pause: nothing flagged may slip through
        if self.flag_keys() and not self.ack.isChecked():
            message = self.tr(
                "Tick “I have checked each flagged item” first: personal data must not be published by mistake."
            )
            show_error(self.error, message)
            self.ack.setFocus()
            return
        plan = self._plan()
        if plan is not None:
            self._write(plan, self.flag_keys())

    def _write(self, plan: ComposePlan, acknowledge: list[str] | None) -> None:
        show_error(self.error, None)
        self._set_busy(True)
        app = self._state.app
        self._state.tasks.write(lambda: run(app, plan, acknowledge), self._written, self._failed)

    def _written(self, outcome: Outcome) -> None:
        self._set_busy(False)
        if outcome.record is not None:
            self._became(outcome.record)
        if outcome.error is not None:
            show_error(self.error, user_message(outcome.error))
            return
        self._dirty = False
        self.saved.emit(outcome.record, outcome.submitted)
        self.accept()

    def _failed(self, error: Exception) -> None:
        self._set_busy(False)
        show_error(self.error, user_message(error))

    def _became(self, record: MessageRecord) -> None:
        """From now on this window edits the saved message (a second save never makes a second message)."""
        self.record = record
        self.setWindowTitle(self.tr("Edit message {id} — {op}").format(id=record.short_id, op=self._op.name))
        fixed = self.tr("Fixed when the message was first saved")
        for combo in (self.templates.combo, self.purpose, self.priority):
            combo.setEnabled(False)
            combo.setToolTip(fixed)
        self.purpose.setCurrentIndex(self.purpose.findData(record.purpose.value))
        self.priority.setCurrentIndex(self.priority.findData(record.priority.value))
        for code, tab in self.tabs_by_code().items():
            if code in record.languages:
                self.tabs.tabBar().setTabButton(self.tabs.indexOf(tab), QTabBar.ButtonPosition.RightSide, None)

    def _user_changed(self, user: UserRecord | None) -> None:
        """The message carries the name of who wrote it: after a change of user this window saves nothing."""
        if user is None or user.name != self._user.name:
            self._user_gone = True
            self._set_busy(True)
            show_error(
                self.error,
                self.tr("{who} signed out: copy the text you need and close this window.").format(who=self._user.name),
            )

    def _set_busy(self, busy: bool) -> None:
        busy = busy or self._user_gone
        for button in (self.save_button, self.submit_button):
            button.setEnabled(not busy)

    # -- closing without saving -----------------------------------------------------------------------------

    def _touched(self) -> None:
        self._dirty = True
        if self._discard_armed:
            self._discard_armed = False
            self.notice.hide()

    def _may_close(self) -> bool:
        if not self._dirty or self._discard_armed:
            return True
        self._discard_armed = True
        self.notice.setText(
            self.tr("Close without saving? Press Esc again to throw it away, or Ctrl+S to save a draft.")
        )
        self.notice.show()
        return False

    def reject(self) -> None:
        if self._may_close():
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._may_close():
            super().closeEvent(event)
        else:
            event.ignore()
