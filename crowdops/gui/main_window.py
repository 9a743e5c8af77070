"""The main window only assembles: banner, navigation, views, toolbar, menus and status bar."""

import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QPaintEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from crowdops.domain.errors import CrowdOpsError
from crowdops.domain.permissions import require_can_compose
from crowdops.gui.actions import shortcut_text
from crowdops.gui.dialogs.correct_incident import CorrectIncidentDialog
from crowdops.gui.dialogs.methane import MethaneDialog
from crowdops.gui.dialogs.quick_log import QuickLogDialog
from crowdops.gui.dialogs.sign_in import SignInDialog
from crowdops.gui.main_chrome import DECISIONS, MESSAGES, OUTBOX, REVIEW, RUMOURS, TIMELINE, WindowChrome
from crowdops.gui.preferences import Preferences
from crowdops.gui.state import GuiState
from crowdops.gui.theme import Colours, ThemeName, apply_theme
from crowdops.gui.views.navigation import NavList
from crowdops.gui.views.status_bar import StatusBar
from crowdops.gui.views.timeline_view import TimelineView
from crowdops.gui.wording import headline
from crowdops.services.records import IncidentRecord, OperationRecord, UserRecord

if TYPE_CHECKING:
    from crowdops.app import App
    from crowdops.gui.dialogs.channels import ChannelsDialog
    from crowdops.gui.dialogs.compose import ComposeWindow
    from crowdops.gui.dialogs.registers import NewDecisionDialog, NewRumourDialog
    from crowdops.gui.outbox_watch import OutboxWatch
    from crowdops.gui.views.decisions_view import DecisionsView
    from crowdops.gui.views.messages_view import MessagesView
    from crowdops.gui.views.outbox_view import OutboxView
    from crowdops.gui.views.review_view import ReviewView
    from crowdops.gui.views.rumours_view import RumoursView
    from crowdops.services.message_records import MessageRecord
    from crowdops.services.outbox import OutboxCounts

__all__ = ["DECISIONS", "MESSAGES", "OUTBOX", "REVIEW", "RUMOURS", "TIMELINE", "MainWindow"]


class MainWindow(WindowChrome, QMainWindow):
    # Built by _build_views, after the first paint or when the database is attached.
    messages: "MessagesView"
    review: "ReviewView"
    outbox: "OutboxView"
    rumours: "RumoursView"
    decisions: "DecisionsView"
    outbox_watch: "OutboxWatch"

    first_paint = Signal()
    operations_loaded = Signal()

    def __init__(self, state: GuiState, prefs: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.prefs = prefs
        self._painted = False
        self._users: list[UserRecord] = []  # loaded with the operations, for the sign-in dialog
        self._base_font = QApplication.font()
        self.resize(1360, 820)

        self.banner = QLabel(
            self.tr("EXERCISE — EXERCISE — EXERCISE · training traffic only, nothing reaches a live account")
        )
        self.banner.setObjectName("ExerciseBanner")
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.banner.hide()
        self.nav = NavList(
            [
                self.tr("Timeline"),
                self.tr("Messages"),
                self.tr("Review"),
                self.tr("Outbox"),
                self.tr("Rumours"),
                self.tr("Decisions"),
            ]
        )
        self.timeline = TimelineView(state)
        self.views = QStackedWidget()
        self.views.addWidget(self.timeline)
        for _ in range(DECISIONS):  # the other views are built once the window has painted (see _build_views)
            self.views.addWidget(QWidget())
        self._views_built = False
        self._colours: Colours | None = None
        self.nav.currentRowChanged.connect(self.views.setCurrentIndex)

        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addWidget(self.nav)
        body.addWidget(self.views, 1)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.banner)
        column.addLayout(body, 1)
        self.setCentralWidget(central)

        self.status = StatusBar(state.clock)
        self.setStatusBar(self.status)
        self._build_actions()
        self._build_toolbar()
        self._build_menus()

        state.user_changed.connect(self._user_changed)
        state.operation_changed.connect(self._operation_changed)
        state.bridge.operations_changed.connect(self.load_operations)
        state.bridge.current_operation_changed.connect(self._current_operation_changed)
        self.timeline.correct_requested.connect(self.correct_incident)
        self.timeline.message_requested.connect(self.new_message)
        self.timeline.rumour_requested.connect(self.new_rumour)
        self.timeline.decision_requested.connect(self.new_decision)
        self.timeline.open_requested.connect(self.open_item)
        self.timeline.filters.set_kinds(prefs.timeline_kinds)
        self.timeline.filters.kinds_changed.connect(lambda kinds: setattr(self.prefs, "timeline_kinds", kinds))
        self.first_paint.connect(lambda: QTimer.singleShot(0, self._build_views))
        self.apply_preferences()
        self._operation_changed(None)
        self.act_sign_in.setEnabled(False)  # until the users are loaded with the operations
        self.status.showMessage(self.tr("Opening the database…"))

    # -- construction -----------------------------------------------------------------------------------

    def _build_views(self) -> None:
        """The views not shown at start, built after the first paint (or when the data arrives, if sooner): the
        window appears without waiting for them."""
        if self._views_built:
            return
        self._views_built = True
        from crowdops.gui.outbox_watch import OutboxWatch
        from crowdops.gui.views.decisions_view import DecisionsView
        from crowdops.gui.views.messages_view import MessagesView
        from crowdops.gui.views.outbox_view import OutboxView
        from crowdops.gui.views.review_view import ReviewView
        from crowdops.gui.views.rumours_view import RumoursView

        state = self.state
        self.messages = MessagesView(state)
        self.review = ReviewView(state)
        self.outbox = OutboxView(state)
        self.rumours = RumoursView(state)
        self.decisions = DecisionsView(state)
        for index, view in enumerate((self.messages, self.review, self.outbox, self.rumours, self.decisions), 1):
            placeholder = self.views.widget(index)
            self.views.removeWidget(placeholder)
            self.views.insertWidget(index, view)
            placeholder.deleteLater()
        self.views.setCurrentIndex(self.nav.currentRow())
        for pane in (self.rumours.pane, self.decisions.pane, self.messages.detail):
            pane.open_requested.connect(self.open_item)
        self.messages.edit_requested.connect(self.edit_message)
        self.review.waiting_changed.connect(self._show_waiting)
        self.rumours.responded.connect(lambda draft: self.messages.select_when_shown(draft.id))
        self.decisions.explained.connect(lambda draft: self.messages.select_when_shown(draft.id))
        self.review.approved.connect(lambda r: self._message_done(r, self.tr("Approved and queued: {what}")))
        self.review.rejected.connect(lambda r: self._message_done(r, self.tr("Rejected and sent back: {what}")))
        self.outbox_watch = OutboxWatch(state, self)
        self.outbox_watch.counts_changed.connect(self._show_outbox_counts)
        self.outbox_watch.connectivity_changed.connect(
            lambda line: self.status.set_connectivity(line.text, line.kind, line.tip)
        )
        self._restyle_views()
        self._operation_changed(state.operation)

    # -- operations -------------------------------------------------------------------------------------

    def attach(self, app: "App") -> None:
        """The database is open: start showing it."""
        self._build_views()
        self.state.attach(app)
        self.load_operations()

    def load_operations(self) -> None:
        """Fill the switcher and open the current operation; read off the GUI thread."""
        ops_service = self.state.app.operations
        users = self.state.app.users
        self.state.tasks.read(lambda: (ops_service.list(), ops_service.current(), users.list()), self._operations_read)

    def _operations_read(self, result: tuple[list[OperationRecord], OperationRecord | None, list[UserRecord]]) -> None:
        ops, current, self._users = result
        self.act_sign_in.setEnabled(True)
        self.status.clearMessage()
        self.op_switcher.blockSignals(True)
        self.op_switcher.clear()
        for op in ops:
            self.op_switcher.addItem(op.name + (self.tr("  [EXERCISE]") if op.exercise else ""), op)
        self.op_switcher.blockSignals(False)
        if not ops:
            self.op_switcher.addItem(self.tr("No operations yet"), None)
        shown = self.state.operation
        wanted = current if shown is None else next((o for o in ops if o.id == shown.id), current)
        self.state.set_operation(wanted)
        self.operations_loaded.emit()

    def _switch_operation(self, index: int) -> None:
        op = self.op_switcher.itemData(index)
        if op is not None and (self.state.operation is None or op.id != self.state.operation.id):
            self.state.tasks.write(lambda: self.state.app.operations.use(op.name), lambda _op: None)

    def _current_operation_changed(self, operation_id: uuid.UUID) -> None:
        self.state.tasks.read(lambda: self.state.app.operations.get_by_id(operation_id), self.state.set_operation)

    def _operation_changed(self, op: OperationRecord | None) -> None:
        exercise = bool(op and op.exercise)
        self.banner.setVisible(exercise)
        name = f"{op.name} — CrowdOps" if op else "CrowdOps"
        self.setWindowTitle(("[EXERCISE] " if exercise else "") + name)
        self.status.set_operation(op)
        for index in range(self.op_switcher.count()):
            item = self.op_switcher.itemData(index)
            if op is not None and item is not None and item.id == op.id:
                self.op_switcher.setCurrentIndex(index)
        for action in (
            self.act_quick_log,
            self.act_methane,
            self.act_correct,
            self.act_new_message,
            self.act_new_rumour,
            self.act_new_decision,
        ):
            action.setEnabled(op is not None)

    # -- users --------------------------------------------------------------------------------------------

    def sign_in(self) -> bool:
        dialog = SignInDialog(self.state, self._users, self.prefs.last_user, self)
        if dialog.exec() and dialog.user is not None:
            self.state.set_user(dialog.user)
            return True
        return False

    def _user_changed(self, user: UserRecord | None) -> None:
        self.status.set_user(user)
        if user is not None:
            self.prefs.last_user = user.name

    def _require_user(self) -> bool:
        return self.state.user is not None or self.sign_in()

    # -- incidents ----------------------------------------------------------------------------------------

    def quick_log(self) -> QuickLogDialog | None:
        op = self.state.operation
        if op is None or not self._require_user():
            return None
        dialog = QuickLogDialog(self.state, op, self.prefs.last_category, self)
        dialog.logged.connect(self._logged)
        dialog.open()
        return dialog

    def methane_report(self) -> MethaneDialog | None:
        op = self.state.operation
        if op is None or not self._require_user():
            return None
        dialog = MethaneDialog(self.state, op, self)
        dialog.logged.connect(self._logged)
        dialog.open()
        return dialog

    def correct_selected(self) -> None:
        record = self.timeline.selected_record()
        if record is None:
            self.statusBar().showMessage(self.tr("Select an incident to correct first."), 4000)
            return
        self.correct_incident(record)

    def correct_incident(self, record: IncidentRecord) -> CorrectIncidentDialog | None:
        op = self.state.operation
        if op is None or not self._require_user():
            return None
        dialog = CorrectIncidentDialog(self.state, op, record, self)
        dialog.corrected.connect(self._logged)
        dialog.open()
        return dialog

    def _logged(self, record: IncidentRecord) -> None:
        if record.corrects_id is None:
            self.prefs.last_category = record.category
        self.timeline.select_when_shown(record.root_id)
        self.statusBar().showMessage(self.tr("Logged: {what}").format(what=record.description[:80]), 5000)

    # -- messages -----------------------------------------------------------------------------------------

    def new_message(self, answers: "IncidentRecord | None" = None) -> "ComposeWindow | None":
        return self._compose(None, answers)

    def edit_message(self, record: "MessageRecord") -> "ComposeWindow | None":
        return self._compose(record)

    def _compose(
        self, record: "MessageRecord | None", answers: "IncidentRecord | None" = None
    ) -> "ComposeWindow | None":
        from crowdops.gui.dialogs.compose import ComposeWindow  # the privacy checker loads when first needed

        op = self.state.operation
        if op is None or not self._require_user():
            return None
        user = self.state.user
        assert user is not None
        try:
            require_can_compose(user.role, op.exercise, user.name)  # said now, not after the writing
        except CrowdOpsError as refusal:
            self.statusBar().showMessage(str(refusal), 8000)
            return None
        window = ComposeWindow(self.state, op, user, record, self, answers=answers)
        submitted, saved = self.tr("Submitted for approval: {what}"), self.tr("Draft saved: {what}")
        window.saved.connect(lambda done, sent: self._message_done(done, submitted if sent else saved))
        window.show()
        return window

    def _message_done(self, record: "MessageRecord", template: str) -> None:
        self.messages.select_when_shown(record.id)
        self.statusBar().showMessage(template.format(what=headline(record)[:80]), 6000)

    # -- rumours and decisions ------------------------------------------------------------------------------

    def new_rumour(self, incident: IncidentRecord | None = None) -> "NewRumourDialog | None":
        """A new rumour; from a timeline incident, linked to it (the timeline stays in view behind the dialog)."""
        if self.state.operation is None or not self._require_user():
            return None
        if incident is None:
            self.nav.setCurrentRow(RUMOURS)
        return self.rumours.new_rumour(incident)

    def new_decision(self, incident: IncidentRecord | None = None) -> "NewDecisionDialog | None":
        if self.state.operation is None or not self._require_user():
            return None
        if incident is None:
            self.nav.setCurrentRow(DECISIONS)
        return self.decisions.new_decision(incident)

    def open_item(self, kind: str, item_id: uuid.UUID) -> None:
        """Follow a link or a timeline row to the item: its own view, with it selected."""
        if kind == "incident":
            self.nav.setCurrentRow(TIMELINE)
            self.timeline.open_incident(item_id)
        elif kind == "rumour":
            self.nav.setCurrentRow(RUMOURS)
            self.rumours.select_when_shown(item_id)
        elif kind == "decision":
            self.nav.setCurrentRow(DECISIONS)
            self.decisions.select_decision(item_id)
        elif kind == "message":
            self.nav.setCurrentRow(MESSAGES)
            self.messages.select_when_shown(item_id)

    def _show_waiting(self, count: int) -> None:
        self.nav.set_badge(REVIEW, count, self.tr("{n} messages wait for approval (Ctrl+3)").format(n=count))

    # -- outbox and channels ------------------------------------------------------------------------------------

    def _show_outbox_counts(self, counts: "OutboxCounts | None") -> None:
        from crowdops.gui.outbox_watch import attention_text

        attention = counts.needs_attention if counts is not None else 0
        tip = self.tr("{n} posts need a person: failed, held or unknown (Ctrl+4)").format(n=attention)
        self.nav.set_badge(OUTBOX, attention, tip if attention else "", alert=True)
        self.status.set_attention(attention_text(attention))

    def show_channels(self) -> "ChannelsDialog | None":
        from crowdops.gui.dialogs.channels import ChannelsDialog

        if not self.state.ready:
            return None
        dialog = ChannelsDialog(self.state, self)
        dialog.changed.connect(self.outbox.reload)
        dialog.open()
        return dialog

    def _focus_search(self) -> None:
        focus = getattr(self.views.currentWidget(), "focus_search", None)  # every view has one (not a placeholder)
        if focus is not None:
            focus()

    def _refresh(self) -> None:
        view = self.views.currentWidget()
        if view is self.timeline:
            self.timeline.model.refresh()
        elif self._views_built and view is self.outbox:
            self.outbox.sync_now()
        elif hasattr(view, "reload"):
            view.reload()

    # -- preferences and help -----------------------------------------------------------------------------

    def apply_preferences(self) -> None:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self._colours = apply_theme(app, self.prefs.theme, self.prefs.larger_text, self._base_font)
        self.timeline.restyle(self._colours)
        self._restyle_views()
        self.act_dark.setChecked(self.prefs.theme is ThemeName.DARK)
        self.act_larger.setChecked(self.prefs.larger_text)

    def _restyle_views(self) -> None:
        if self._views_built:
            for view in (self.messages, self.review, self.outbox, self.rumours, self.decisions):
                view.restyle()

    def _toggle_dark(self) -> None:
        self.prefs.theme = ThemeName.DARK if self.act_dark.isChecked() else ThemeName.LIGHT
        self.apply_preferences()

    def _toggle_larger(self) -> None:
        self.prefs.larger_text = self.act_larger.isChecked()
        self.apply_preferences()

    def show_shortcuts(self) -> None:
        rows = "".join(
            f"<tr><td><b>{shortcut_text(a)}</b></td><td>&nbsp;&nbsp;{a.statusTip()}</td></tr>"
            for a in self.actions()
            if shortcut_text(a)
        )
        QMessageBox.information(self, self.tr("Keyboard shortcuts"), f"<table>{rows}</table>")

    # -- life cycle ---------------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.first_paint.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._views_built:
            self.outbox_watch.close()
        self.state.close()
        super().closeEvent(event)
