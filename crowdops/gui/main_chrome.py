"""The main window's actions, toolbar and menus: every command once, with its shortcut and tooltip (UI.md).
A mixin of MainWindow, kept apart so that the window itself only assembles and reacts."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QToolBar

from crowdops.gui.actions import add_actions, fill_menu_bar, make_action

# Rows of the navigation list and pages of the view stack, in the order of their keys Ctrl+1 … Ctrl+6 (UI.md).
TIMELINE, MESSAGES, REVIEW, OUTBOX, RUMOURS, DECISIONS = range(6)


class WindowChrome:
    """Expects the MainWindow's slots (quick_log, new_message, show_channels, …) and its `nav` list."""

    def _build_actions(self) -> None:
        a = make_action
        self.act_quick_log = a(
            self, self.tr("&Log incident…"), "Ctrl+L", self.tr("Quick log an incident"), self.quick_log
        )
        self.act_methane = a(
            self,
            self.tr("&METHANE report…"),
            "Ctrl+Shift+M",
            self.tr("Log a METHANE major-incident report"),
            self.methane_report,
        )
        self.act_correct = a(
            self,
            self.tr("&Correct selected…"),
            "Ctrl+E",
            self.tr("Append a corrected version of the selected incident"),
            self.correct_selected,
        )
        self.act_find = a(
            self, self.tr("&Find"), "Ctrl+F", self.tr("Search and filter the current view"), self._focus_search
        )
        self.act_refresh = a(self, self.tr("&Refresh"), "F5", self.tr("Reload the current view"), self._refresh)
        self.act_new_message = a(
            self, self.tr("&New message…"), "Ctrl+N", self.tr("Write a public message"), self.new_message
        )
        self.act_new_rumour = a(
            self, self.tr("New &rumour…"), "Ctrl+Shift+R", self.tr("Track a new rumour"), self.new_rumour
        )
        self.act_new_decision = a(
            self, self.tr("New &decision…"), "Ctrl+Shift+D", self.tr("Log a decision"), self.new_decision
        )
        for row, title, key, tip in (
            (TIMELINE, self.tr("&Timeline"), "Ctrl+1", self.tr("Show the incident timeline")),
            (MESSAGES, self.tr("&Messages"), "Ctrl+2", self.tr("Show the operation's public messages")),
            (REVIEW, self.tr("&Review"), "Ctrl+3", self.tr("Show the messages waiting for approval")),
            (OUTBOX, self.tr("&Outbox"), "Ctrl+4", self.tr("Show every post: waiting, published or needing a person")),
            (RUMOURS, self.tr("R&umours"), "Ctrl+5", self.tr("Show the rumour register")),
            (DECISIONS, self.tr("D&ecisions"), "Ctrl+6", self.tr("Show the decision log")),
        ):
            action = a(self, title, key, tip, lambda row=row: self.nav.setCurrentRow(row))
            names = ("act_timeline", "act_messages", "act_review", "act_outbox", "act_rumours", "act_decisions")
            setattr(self, names[row], action)
        self.act_channels = a(
            self,
            self.tr("C&hannels…"),
            "Ctrl+Shift+C",
            self.tr("Set up the accounts messages are published to"),
            self.show_channels,
        )
        self.act_operation = a(
            self,
            self.tr("Switch &operation"),
            "Ctrl+O",
            self.tr("Choose another operation"),
            lambda: self.op_switcher.showPopup(),
        )
        self.act_dark = a(
            self,
            self.tr("&Dark theme"),
            "Ctrl+Shift+T",
            self.tr("Dark colours for night work"),
            self._toggle_dark,
            checkable=True,
        )
        self.act_larger = a(
            self,
            self.tr("&Larger text"),
            "Ctrl+=",
            self.tr("Make all text larger"),
            self._toggle_larger,
            checkable=True,
        )
        self.act_sign_in = a(
            self, self.tr("&Sign in…"), "Ctrl+Shift+I", self.tr("Sign in as another user"), self.sign_in
        )
        self.act_sign_out = a(
            self,
            self.tr("Sign &out"),
            "Ctrl+Shift+O",
            self.tr("Sign out; the window stays read only"),
            lambda: self.state.set_user(None),
        )
        self.act_shortcuts = a(
            self,
            self.tr("&Keyboard shortcuts"),
            QKeySequence.StandardKey.HelpContents,
            self.tr("List every shortcut"),
            self.show_shortcuts,
        )
        self.act_quit = a(self, self.tr("&Quit"), "Ctrl+Q", self.tr("Close CrowdOps"), self.close)

    def _build_toolbar(self) -> None:
        bar = QToolBar(self.tr("Main"))
        bar.setObjectName("MainToolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.addWidget(QLabel(self.tr("  Operation: ")))
        self.op_switcher = QComboBox()
        self.op_switcher.setMinimumWidth(260)
        self.op_switcher.setToolTip(self.tr("The operation you are working on (Ctrl+O)"))
        self.op_switcher.activated.connect(self._switch_operation)
        bar.addWidget(self.op_switcher)
        bar.addSeparator()
        add_actions(bar, (self.act_quick_log, self.act_methane, self.act_correct, None, self.act_new_message))
        self.addToolBar(bar)

    def _build_menus(self) -> None:
        fill_menu_bar(
            self.menuBar(),
            [
                (self.tr("&File"), (self.act_sign_in, self.act_sign_out, None, self.act_quit)),
                (self.tr("&Incident"), (self.act_quick_log, self.act_methane, self.act_correct)),
                (self.tr("&Message"), (self.act_new_message, None, self.act_channels)),
                (self.tr("&Registers"), (self.act_new_rumour, self.act_new_decision)),
                (
                    self.tr("&View"),
                    (
                        self.act_timeline,
                        self.act_messages,
                        self.act_review,
                        self.act_outbox,
                        self.act_rumours,
                        self.act_decisions,
                        self.act_operation,
                        self.act_find,
                        self.act_refresh,
                        None,
                        self.act_dark,
                        self.act_larger,
                    ),
                ),
                (self.tr("&Help"), (self.act_shortcuts,)),
            ],
        )
