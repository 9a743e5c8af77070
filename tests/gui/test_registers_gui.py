"""The Rumours and Decisions views: entering through their dialogs, the lifecycle offered, responses and
explanations drafted as linked messages, and reviews that fall due."""

from pytestqt.qtbot import QtBot

from crowdops.app import App
from crowdops.domain.messages import MessageStatus
from crowdops.domain.rumours import RumourStatus
from crowdops.gui.main_window import DECISIONS, RUMOURS, MainWindow
from crowdops.gui.models.message_model import CHIP_ROLE
from crowdops.gui.models.register_model import DecisionModel, RumourModel
from crowdops.gui.wording import WAITING
from crowdops.services.decisions import DecisionInput
from tests.conftest import FakeClock


def _table_texts(view, column: int) -> list[str]:  # type: ignore[no-untyped-def]
    proxy = view.proxy
    return [proxy.index(row, column).data() for row in range(proxy.rowCount())]


def _select_first(view, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: view.proxy.rowCount() > 0, timeout=5000)
    view.table.selectRow(0)


def test_the_rumours_view_starts_empty_and_says_what_to_do(window: MainWindow, qtbot: QtBot):
    window.act_rumours.trigger()
    assert window.views.currentWidget() is window.rumours
    qtbot.waitUntil(lambda: "Ctrl+Shift+R" in window.rumours.empty.text(), timeout=5000)
    assert window.rumours.stack.currentWidget() is window.rumours.empty
    window.act_decisions.trigger()
    qtbot.waitUntil(lambda: "Ctrl+Shift+D" in window.decisions.empty.text(), timeout=5000)


def test_a_rumour_added_through_the_dialog_shows_in_the_table(window: MainWindow, staffed: App, qtbot: QtBot):
    dialog = window.new_rumour()
    assert dialog is not None and window.views.currentWidget() is window.rumours
    dialog.claim.setPlainText("The Syntagma metro station is closed")
    dialog.source.setText("https://example.org/post/1")
    dialog.reach.setCurrentIndex(dialog.reach.findData("high"))
    dialog.risk.setValue(4)
    with qtbot.waitSignal(dialog.done, timeout=5000):
        dialog.buttons.accepted.emit()
    view = window.rumours
    qtbot.waitUntil(lambda: view.proxy.rowCount() == 1, timeout=5000)
    assert _table_texts(view, RumourModel.CLAIM) == ["The Syntagma metro station is closed"]
    assert _table_texts(view, RumourModel.STATUS) == ["New"]
    assert _table_texts(view, RumourModel.REACH) == ["High"]
    assert _table_texts(view, RumourModel.IDLE) == ["just now"]
    [stored] = staffed.rumours.list(staffed.operations.current().id)
    assert stored.risk == 4 and stored.source == "https://example.org/post/1"


def test_a_similar_claim_is_shown_before_saving(window: MainWindow, staffed: App, qtbot: QtBot):
    op = staffed.operations.current()
    staffed.rumours.add(op.id, "The Syntagma metro station is closed", actor="cmdr")
    dialog = window.new_rumour()
    assert dialog is not None
    dialog.claim.setPlainText("Syntagma metro station is closed")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: dialog.similar.isVisible(), timeout=5000)
    assert "The Syntagma metro station is closed" in dialog.similar.text()
    assert len(staffed.rumours.list(op.id)) == 1  # nothing saved yet
    with qtbot.waitSignal(dialog.done, timeout=5000):
        dialog.buttons.accepted.emit()  # tracked anyway: the officer's call
    assert len(staffed.rumours.list(op.id)) == 2


def test_only_allowed_statuses_are_offered_and_a_refusal_changes_nothing(
    window: MainWindow, staffed: App, qtbot: QtBot, clock: FakeClock
):
    op = staffed.operations.current()
    added = staffed.rumours.add(op.id, "Police are using tear gas at Omonia", actor="cmdr").rumour
    clock.advance(minutes=12)
    window.nav.setCurrentRow(RUMOURS)
    view = window.rumours
    view.reload()
    qtbot.waitUntil(lambda: _table_texts(view, RumourModel.IDLE) == ["12 min"], timeout=5000)
    _select_first(view, qtbot)
    qtbot.waitUntil(lambda: view.pane.detail is not None, timeout=5000)
    dialog = view.update_status(view.pane.detail.rumour)
    offered = {dialog.status.itemData(i) for i in range(dialog.status.count())}
    assert offered == {"verifying", "closed"}  # a new rumour cannot jump to a verdict
    dialog.status.setCurrentIndex(dialog.status.findData("verifying"))
    dialog.buttons.accepted.emit()  # no note
    qtbot.waitUntil(lambda: "Give a note" in dialog.error.text(), timeout=5000)
    assert dialog.isVisible() and staffed.rumours.get(added.id.hex).rumour.status is RumourStatus.NEW
    dialog.note.setPlainText("Checking with the police press office")
    with qtbot.waitSignal(dialog.done, timeout=5000):
        dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: _table_texts(view, RumourModel.STATUS) == ["Verifying"], timeout=5000)
    detail = staffed.rumours.get(added.id.hex)
    assert detail.events[-1].note == "Checking with the police press office"
    qtbot.waitUntil(
        lambda: view.pane.detail is not None and view.pane.detail.rumour.status is RumourStatus.VERIFYING,
        timeout=5000,
    )


def test_responding_drafts_a_message_linked_to_the_rumour(window: MainWindow, staffed: App, qtbot: QtBot):
    op = staffed.operations.current()
    added = staffed.rumours.add(op.id, "The bridge at the stadium has collapsed", actor="cmdr").rumour
    window.nav.setCurrentRow(RUMOURS)
    view = window.rumours
    view.reload()
    _select_first(view, qtbot)
    qtbot.waitUntil(lambda: view.pane.detail is not None, timeout=5000)
    with qtbot.waitSignal(view.responded, timeout=5000) as blocker:
        view.pane.respond_button.click()
    draft = blocker.args[0]
    assert draft.short_id in window.statusBar().currentMessage()
    assert draft.status is MessageStatus.DRAFT and ("rumour", added.id) in draft.links
    assert staffed.rumours.get(added.id.hex).responses[0].id == draft.id
    qtbot.waitUntil(lambda: view.pane.detail is not None and len(view.pane.detail.responses) == 1, timeout=5000)
    qtbot.waitUntil(lambda: window.messages.model.row_of(draft.id) is not None, timeout=5000)


def test_a_denial_asks_for_the_facts_before_drafting(window: MainWindow, staffed: App, qtbot: QtBot):
    op = staffed.operations.current()
    added = staffed.rumours.add(op.id, "The stadium bridge has collapsed", actor="cmdr").rumour
    staffed.rumours.update(added.id.hex, "verifying", "Asked the engineers", actor="cmdr")
    staffed.rumours.update(added.id.hex, "false", "Engineers inspected it", actor="cmdr")
    window.nav.setCurrentRow(RUMOURS)
    view = window.rumours
    view.reload()
    _select_first(view, qtbot)
    qtbot.waitUntil(lambda: view.pane.detail is not None, timeout=5000)
    view.pane.respond_button.click()
    qtbot.waitUntil(lambda: view.value_dialog is not None and view.value_dialog.isVisible(), timeout=5000)
    assert "What is true" in view.value_dialog.labelText()
    assert staffed.rumours.get(added.id.hex).responses == []  # nothing drafted yet
    view.value_dialog.setTextValue("The bridge is open and safe")
    with qtbot.waitSignal(view.responded, timeout=5000) as blocker:
        view.value_dialog.accept()
    assert "The bridge is open and safe" in blocker.args[0].text("en")


def test_a_decision_added_through_the_dialog_shows_in_the_table(window: MainWindow, staffed: App, qtbot: QtBot):
    dialog = window.new_decision()
    assert dialog is not None and window.views.currentWidget() is window.decisions
    dialog.decision.setPlainText("Close Stadiou Street to traffic")
    dialog.rationale.setPlainText("The march fills the street")
    dialog.options.setPlainText("Keep one lane open: too narrow for the crowd\nDivert the march")
    dialog.review.setText("2026-05-01 18:00")
    with qtbot.waitSignal(dialog.done, timeout=5000):
        dialog.buttons.accepted.emit()
    view = window.decisions
    qtbot.waitUntil(lambda: view.proxy.rowCount() == 1, timeout=5000)
    assert _table_texts(view, DecisionModel.DECISION) == ["Close Stadiou Street to traffic"]
    assert _table_texts(view, DecisionModel.BY) == ["cmdr"]
    assert _table_texts(view, DecisionModel.REVIEW) == ["01 May 18:00"]  # Athens time
    [stored] = staffed.decisions.list(staffed.operations.current().id)
    assert stored.options == [("Keep one lane open", "too narrow for the crowd"), ("Divert the march", "")]


def test_a_review_time_that_passed_shows_due(window: MainWindow, staffed: App, qtbot: QtBot, clock: FakeClock):
    op = staffed.operations.current()
    entry = DecisionInput("Open Gate B", "Gate A is crowded", review_at="2026-05-01 16:00")
    staffed.decisions.add(op.id, entry, actor="cmdr")
    window.nav.setCurrentRow(DECISIONS)
    view = window.decisions
    view.reload()
    qtbot.waitUntil(lambda: _table_texts(view, DecisionModel.REVIEW) == ["01 May 16:00"], timeout=5000)
    clock.advance(hours=2, minutes=1)  # 17:01 Athens, past the 16:00 review
    window.act_refresh.trigger()
    qtbot.waitUntil(lambda: _table_texts(view, DecisionModel.REVIEW) == ["DUE 01 May 16:00"], timeout=5000)
    assert view.proxy.index(0, DecisionModel.REVIEW).data(CHIP_ROLE) == WAITING  # a chip: word and colour
    view.table.selectRow(0)
    qtbot.waitUntil(lambda: view.pane.record is not None, timeout=5000)


def test_explain_publicly_asks_for_the_advice_and_drafts_a_message(window: MainWindow, staffed: App, qtbot: QtBot):
    op = staffed.operations.current()
    decision = staffed.decisions.add(op.id, DecisionInput("Close Stadiou Street", "The march fills it"), actor="cmdr")
    window.nav.setCurrentRow(DECISIONS)
    view = window.decisions
    view.reload()
    _select_first(view, qtbot)
    qtbot.waitUntil(lambda: view.pane.record is not None, timeout=5000)
    view.pane.explain_button.click()
    qtbot.waitUntil(lambda: view.advice_dialog is not None and view.advice_dialog.isVisible(), timeout=5000)
    view.advice_dialog.setTextValue("Use Panepistimiou Street")
    with qtbot.waitSignal(view.explained, timeout=5000) as blocker:
        view.advice_dialog.accept()
    draft = blocker.args[0]
    assert draft.short_id in window.statusBar().currentMessage()
    assert "Use Panepistimiou Street" in draft.text("en")
    assert ("decision", decision.root_id) in draft.links
    qtbot.waitUntil(lambda: window.messages.model.row_of(draft.id) is not None, timeout=5000)


def test_changes_made_elsewhere_refresh_both_views(window: MainWindow, staffed: App, qtbot: QtBot):
    op = staffed.operations.current()
    window.nav.setCurrentRow(RUMOURS)
    added = staffed.rumours.add(op.id, "The metro is closed", actor="cmdr").rumour  # not through the view
    qtbot.waitUntil(lambda: _table_texts(window.rumours, RumourModel.CLAIM) == ["The metro is closed"], timeout=5000)
    window.rumours.table.selectRow(0)
    qtbot.waitUntil(lambda: window.rumours.pane.detail is not None, timeout=5000)
    staffed.rumours.update(added.short_id, "verifying", "Calling the metro", actor="cmdr")
    qtbot.waitUntil(lambda: _table_texts(window.rumours, RumourModel.STATUS) == ["Verifying"], timeout=5000)
    qtbot.waitUntil(  # the selection and its detail follow the reload
        lambda: (
            window.rumours.pane.detail is not None
            and window.rumours.pane.detail.rumour.status is RumourStatus.VERIFYING
        ),
        timeout=5000,
    )
    first = staffed.decisions.add(op.id, DecisionInput("Open Gate B", "Gate A is crowded"), actor="cmdr")
    qtbot.waitUntil(lambda: _table_texts(window.decisions, DecisionModel.DECISION) == ["Open Gate B"], timeout=5000)
    staffed.decisions.revise(first.short_id, actor="cmdr", decision="Open Gates B and C")
    qtbot.waitUntil(
        lambda: _table_texts(window.decisions, DecisionModel.DECISION) == ["Open Gates B and C"], timeout=5000
    )
