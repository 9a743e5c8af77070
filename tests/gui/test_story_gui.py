"""One story of the operation: rumours, decisions and published messages among the timeline's incidents (toggles,
order, opening each row in its own view), rumours and decisions begun from an incident, links that open what they
name, revising a decision and adding evidence to a rumour from the GUI."""

import uuid

from PySide6.QtWidgets import QDialog, QLabel, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from crowdops.app import App
from crowdops.gui.dialogs.registers import NewDecisionDialog, NewRumourDialog, RumourEvidenceDialog
from crowdops.gui.main_window import DECISIONS, RUMOURS, MainWindow
from crowdops.gui.models.timeline_model import Column
from crowdops.gui.preferences import Preferences
from crowdops.services.decisions import DecisionInput
from crowdops.services.events import OutboxChanged
from crowdops.services.inputs import IncidentInput
from crowdops.services.story_records import StoryItem
from crowdops.store.message_models import Approval, Channel, OutboxItem
from crowdops.store.models import User
from tests.conftest import FakeClock


def _column(window: MainWindow, column: Column) -> list[str]:
    model = window.timeline.model
    return [model.index(row, column).data() for row in range(model.rowCount())]


def _open_dialog(parent: QWidget, kind: type[QDialog]) -> QDialog:
    [dialog] = [d for d in parent.findChildren(kind) if d.isVisible()]
    return dialog


def _texts(widget: QWidget) -> list[str]:
    return [label.text() for label in widget.findChildren(QLabel) if label.isVisibleTo(widget)]


def _settled(window: MainWindow) -> bool:
    return not window.timeline.model.loading


def _row_of_kind(window: MainWindow, word: str) -> int:
    return _column(window, Column.SEVERITY).index(word)


def _story(staffed: App, clock: FakeClock) -> None:
    op = staffed.operations.current()
    staffed.incidents.log(op.id, IncidentInput("crowd-density", 2, "Crowd at the bridge"), actor="cmdr")
    clock.advance(minutes=5)
    staffed.rumours.add(op.id, "The stadium bridge has collapsed", actor="comms")
    clock.advance(minutes=5)
    staffed.decisions.add(op.id, DecisionInput("Close the bridge", "Rumour may draw crowds"), actor="cmdr")
    clock.advance(minutes=5)
    staffed.incidents.log(op.id, IncidentInput("disorder", 3, "Bottles thrown at Omonia"), actor="cmdr")


def test_kinds_are_off_by_default_and_each_toggle_interleaves_its_rows(
    window: MainWindow, staffed: App, clock: FakeClock, qtbot: QtBot, prefs: Preferences
):
    _story(staffed, clock)
    bar = window.timeline.filters
    assert bar.kinds() == frozenset() and not any(b.isChecked() for b in bar.kind_buttons.values())
    qtbot.waitUntil(lambda: _settled(window) and len(_column(window, Column.TIME)) == 2, timeout=5000)
    bar.kind_buttons["rumours"].click()
    qtbot.waitUntil(lambda: _settled(window) and len(_column(window, Column.TIME)) == 3, timeout=5000)
    bar.kind_buttons["decisions"].click()
    qtbot.waitUntil(lambda: _settled(window) and len(_column(window, Column.TIME)) == 4, timeout=5000)
    assert _column(window, Column.SEVERITY) == ["3 Moderate", "Decision", "Rumour", "2 Minor"]  # newest first
    assert _column(window, Column.DESCRIPTION)[1:3] == ["Close the bridge", "The stadium bridge has collapsed"]
    assert _column(window, Column.CATEGORY)[1:3] == ["Decided", "First seen"]
    assert prefs.timeline_kinds == frozenset({"rumours", "decisions"})  # remembered for the next start
    bar.kind_buttons["rumours"].click()
    qtbot.waitUntil(lambda: _settled(window) and "Rumour" not in _column(window, Column.SEVERITY), timeout=5000)
    assert len(_column(window, Column.TIME)) == 3


def test_the_toggles_come_back_from_the_preferences_and_changes_refresh_the_story(
    staffed: App, clock: FakeClock, make_window, prefs: Preferences, qtbot: QtBot
):
    prefs.timeline_kinds = frozenset({"decisions"})
    window = make_window(staffed)
    window.state.set_user(staffed.users.get("cmdr"))
    assert window.timeline.filters.kinds() == frozenset({"decisions"})
    op = staffed.operations.current()
    staffed.decisions.add(op.id, DecisionInput("Open Gate B", "Gate A is crowded"), actor="cmdr")
    qtbot.waitUntil(lambda: _column(window, Column.DESCRIPTION) == ["Open Gate B"], timeout=5000)
    clock.advance(minutes=1)
    staffed.rumours.add(op.id, "Gate B is closed", actor="comms")  # its kind is off: no row
    staffed.incidents.log(op.id, IncidentInput("medical", 2, "Fainted at Gate B"), actor="cmdr")
    qtbot.waitUntil(lambda: _column(window, Column.DESCRIPTION) == ["Fainted at Gate B", "Open Gate B"], timeout=5000)


def test_a_story_row_shows_a_summary_and_opens_in_its_own_view(
    window: MainWindow, staffed: App, clock: FakeClock, qtbot: QtBot
):
    _story(staffed, clock)
    op = staffed.operations.current()
    [decision] = staffed.decisions.list(op.id)
    revised = staffed.decisions.revise(decision.short_id, actor="cmdr", decision="Close the bridge to traffic")
    timeline = window.timeline
    for button in timeline.filters.kind_buttons.values():
        button.click()
    qtbot.waitUntil(lambda: _settled(window) and "Rumour" in _column(window, Column.SEVERITY), timeout=5000)
    row = _row_of_kind(window, "Rumour")
    timeline.table.selectRow(row)
    assert timeline.details.currentWidget() is timeline.story_detail
    assert timeline.story_detail.open_button.text() == "Open in Rumours"
    assert window.correct_selected() is None and timeline.selected_record() is None  # not an incident
    timeline.table.activated.emit(timeline.model.index(row, Column.DESCRIPTION))  # Enter or a double-click
    assert window.views.currentWidget() is window.rumours
    rumour = timeline.model.record(row)
    assert isinstance(rumour, StoryItem)
    qtbot.waitUntil(
        lambda: window.rumours.pane.detail is not None and window.rumours.pane.detail.rumour.id == rumour.target_id,
        timeout=5000,
    )

    window.act_timeline.trigger()
    first = _column(window, Column.DESCRIPTION).index("Close the bridge")  # the first version has its own row
    timeline.table.selectRow(first)
    timeline.story_detail.open_button.click()
    assert window.views.currentWidget() is window.decisions
    qtbot.waitUntil(lambda: window.decisions.pane.record is not None, timeout=5000)
    assert window.decisions.pane.record.id == revised.id  # the decision as it stands now


def test_a_rumour_and_a_decision_begun_from_an_incident_are_saved_linked_to_it(
    window: MainWindow, staffed: App, qtbot: QtBot
):
    op = staffed.operations.current()
    incident = staffed.incidents.log(
        op.id, IncidentInput("crowd-density", 3, "People say the bridge fell"), actor="cmdr"
    )
    timeline = window.timeline
    qtbot.waitUntil(lambda: timeline.model.rowCount() == 1, timeout=5000)
    timeline.table.selectRow(0)
    qtbot.waitUntil(lambda: timeline.detail.record is not None, timeout=5000)
    timeline.detail.rumour_button.click()
    rumour_dialog = _open_dialog(window.rumours, NewRumourDialog)
    assert rumour_dialog.incident == timeline.detail.record
    assert any("People say the bridge fell" in t for t in _texts(rumour_dialog))  # the link it will be saved with
    assert window.views.currentWidget() is timeline  # the incident stays in view behind the dialog
    rumour_dialog.claim.setPlainText("The stadium bridge has collapsed")
    with qtbot.waitSignal(rumour_dialog.done, timeout=5000) as done:
        rumour_dialog.buttons.accepted.emit()
    [link] = staffed.rumours.get(done.args[0].id.hex).links
    assert (link.kind, link.ref_id) == ("incident", incident.root_id)

    timeline.detail.decision_button.click()
    decision_dialog = _open_dialog(window.decisions, NewDecisionDialog)
    assert decision_dialog.incident == timeline.detail.record
    decision_dialog.decision.setPlainText("Close the bridge")
    decision_dialog.rationale.setPlainText("Reports of damage")
    with qtbot.waitSignal(decision_dialog.done, timeout=5000) as done:
        decision_dialog.buttons.accepted.emit()
    assert done.args[0].links == [("incident", incident.root_id)]


def test_links_in_the_details_open_what_they_name(window: MainWindow, staffed: App, qtbot: QtBot):
    op = staffed.operations.current()
    incident = staffed.incidents.log(op.id, IncidentInput("crowd-density", 3, "Crowd on the bridge"), actor="cmdr")
    rumour = staffed.rumours.add(op.id, "The bridge is closed", actor="comms", incident=incident.short_id).rumour
    draft = staffed.rumours.respond(rumour.short_id, actor="comms")
    entry = DecisionInput("Close the bridge", "Crowd", links=[f"rumour:{rumour.short_id}", f"message:{draft.short_id}"])
    staffed.decisions.add(op.id, entry, actor="cmdr")

    window.nav.setCurrentRow(DECISIONS)
    qtbot.waitUntil(lambda: window.decisions.proxy.rowCount() == 1, timeout=5000)
    window.decisions.table.selectRow(0)
    qtbot.waitUntil(lambda: window.decisions.pane.record is not None, timeout=5000)
    labels = window.decisions.pane.findChildren(QLabel)
    [to_rumour] = [label for label in labels if label.isVisible() and f"rumour:{rumour.id.hex}" in label.text()]
    to_rumour.linkActivated.emit(f"rumour:{rumour.id.hex}")
    assert window.views.currentWidget() is window.rumours
    qtbot.waitUntil(lambda: window.rumours.pane.detail is not None, timeout=5000)
    pane = window.rumours.pane
    qtbot.waitUntil(  # new labels show once the event loop runs
        lambda: any(f"incident:{incident.root_id.hex}" in t and "Crowd on the bridge" in t for t in _texts(pane)),
        timeout=5000,
    )
    pane.open_requested.emit("message", draft.id)  # what a click on the response link emits
    assert window.views.currentWidget() is window.messages
    qtbot.waitUntil(lambda: window.messages.detail.record is not None, timeout=5000)
    assert window.messages.detail.record.id == draft.id
    window.open_item("incident", incident.root_id)
    assert window.views.currentWidget() is window.timeline
    qtbot.waitUntil(lambda: window.timeline.detail.record is not None, timeout=5000)
    assert window.timeline.detail.record.root_id == incident.root_id


def test_a_decision_is_revised_from_its_filled_in_dialog(window: MainWindow, staffed: App, qtbot: QtBot):
    op = staffed.operations.current()
    entry = DecisionInput("Close the bridge", "Crowd", options=[("Keep it open", "too many people")])
    first = staffed.decisions.add(op.id, entry, actor="cmdr")
    window.nav.setCurrentRow(DECISIONS)
    view = window.decisions
    qtbot.waitUntil(lambda: view.proxy.rowCount() == 1, timeout=5000)
    view.table.selectRow(0)
    qtbot.waitUntil(lambda: view.pane.record is not None, timeout=5000)
    dialog = view.revise(view.pane.record)
    assert dialog.decision.toPlainText() == "Close the bridge"
    assert dialog.options.toPlainText() == "Keep it open: too many people"
    dialog.buttons.accepted.emit()  # nothing changed: refused inline, nothing written
    qtbot.waitUntil(lambda: "changes nothing" in dialog.error.text(), timeout=5000)
    assert len(staffed.decisions.history(first.id.hex)) == 1
    dialog.decision.setPlainText("Close the bridge to traffic")
    with qtbot.waitSignal(dialog.done, timeout=5000):
        dialog.buttons.accepted.emit()
    versions = staffed.decisions.history(first.id.hex)
    assert [v.decision for v in versions] == ["Close the bridge", "Close the bridge to traffic"]
    assert versions[1].options == [("Keep it open", "too many people")]
    qtbot.waitUntil(lambda: view.pane.record is not None and view.pane.record.id == versions[1].id, timeout=5000)


def test_evidence_is_added_from_the_rumour_pane(window: MainWindow, staffed: App, qtbot: QtBot):
    op = staffed.operations.current()
    rumour = staffed.rumours.add(op.id, "The bridge is closed", actor="comms").rumour
    window.nav.setCurrentRow(RUMOURS)
    view = window.rumours
    qtbot.waitUntil(lambda: view.proxy.rowCount() == 1, timeout=5000)
    view.table.selectRow(0)
    qtbot.waitUntil(lambda: view.pane.detail is not None, timeout=5000)
    view.pane.evidence_button.click()
    dialog = _open_dialog(view, RumourEvidenceDialog)
    dialog.buttons.accepted.emit()  # nothing given
    qtbot.waitUntil(lambda: "evidence is empty" in dialog.error.text(), timeout=5000)
    assert dialog.isVisible() and staffed.rumours.get(rumour.short_id).links == []
    dialog.url.setText("https://x.example/post/9")
    dialog.note.setPlainText("Photo of another bridge")
    with qtbot.waitSignal(dialog.done, timeout=5000):
        dialog.buttons.accepted.emit()
    [link] = staffed.rumours.get(rumour.short_id).links
    assert (link.kind, link.text) == ("url", "https://x.example/post/9 — Photo of another bridge")
    qtbot.waitUntil(  # RumourChanged reloads the pane
        lambda: view.pane.detail is not None and len(view.pane.detail.links) == 1, timeout=5000
    )


def test_a_message_shows_once_its_first_post_was_sent(window: MainWindow, staffed: App, qtbot: QtBot):
    op = staffed.operations.current()
    draft = staffed.rumours.respond(
        staffed.rumours.add(op.id, "Gate 4 is shut", actor="comms").rumour.short_id, actor="comms"
    )
    window.timeline.filters.kind_buttons["messages"].click()
    qtbot.waitUntil(lambda: _settled(window) and window.timeline.filters.kinds() == {"messages"}, timeout=5000)
    assert _column(window, Column.SEVERITY) == []  # a draft is not published
    with staffed.db.write() as session:  # what the sync worker records when a post went out
        channel = session.scalars(select(Channel)).first()
        if channel is None:
            channel = Channel(
                id=uuid.uuid4(), name="Police Mastodon", platform="mastodon", created_at=staffed.context.clock()
            )
            session.add(channel)
        approval = Approval(
            id=uuid.uuid4(),
            message_id=draft.id,
            content_hash="h",
            content_json="{}",
            approved_by=session.scalars(select(User)).first().id,
            approved_at=staffed.context.clock(),
            break_glass_reason=None,
        )
        session.add(approval)
        session.flush()
        session.add(
            OutboxItem(
                id=uuid.uuid4(),
                message_id=draft.id,
                approval_id=approval.id,
                channel_id=channel.id,
                language="en",
                text="x",
                status="sent",
                idempotency_key=uuid.uuid4().hex,
                created_at=staffed.context.clock(),
                next_attempt_at=None,
                not_before=None,
                sent_at=staffed.context.clock(),
                updated_at=None,
            )
        )
    staffed.context.bus.publish(OutboxChanged())
    qtbot.waitUntil(lambda: _column(window, Column.SEVERITY) == ["Published"], timeout=5000)
