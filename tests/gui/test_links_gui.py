"""Links between records read as what the records say (an incident's latest description, a rumour's claim, a
message's first text, a decision's wording), in the Decisions view and the message detail, and a click opens them."""

import uuid

from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from crowdops.app import App
from crowdops.gui.link_titles import LinkText, link_title, shorten
from crowdops.gui.main_window import DECISIONS, MESSAGES, RUMOURS, TIMELINE, MainWindow
from crowdops.services.decisions import DecisionInput
from crowdops.services.inputs import DraftInput, IncidentInput


def link_labels(pane: QWidget) -> dict[str, QLabel]:
    """The visible link labels of a pane by their plain text."""
    from PySide6.QtGui import QTextDocument

    found = {}
    for label in pane.findChildren(QLabel):
        if label.objectName() == "Link" and label.isVisibleTo(pane):
            document = QTextDocument()
            document.setHtml(label.text())
            found[document.toPlainText()] = label
    return found


def records(app: App):  # type: ignore[no-untyped-def]
    op = app.operations.current()
    incident = app.incidents.log(op.id, IncidentInput("crowd-density", 3, "Crowd building at gate 3"), actor="cmdr")
    app.incidents.correct(incident.id.hex, actor="cmdr", description="Crowd building at gate 4", reason="gate")
    rumour = app.rumours.add(op.id, "The Syntagma metro station is closed", actor="cmdr").rumour
    message = app.messages.draft(op.id, DraftInput(text="Syntagma metro is open.", language="en"), actor="comms")
    return op, incident, rumour, message


def test_titles_are_short_and_fall_back_to_the_id():
    long = "A crowd of several thousand people is building up slowly at the northern gate of the stadium"
    assert shorten(long) == "A crowd of several thousand people is building up slowly at the…"
    assert shorten("two\nlines") == "two lines"
    ref = uuid.UUID("7284fb15" + "0" * 24)
    assert link_title(LinkText("incident", ref, None)) == "Incident 7284fb15"
    assert link_title(LinkText("rumour", ref, "The metro is closed")) == "Rumour: The metro is closed"


def test_a_decisions_links_read_as_what_they_link_to_and_open_it(window: MainWindow, staffed: App, qtbot: QtBot):
    op, incident, rumour, message = records(staffed)
    links = (f"incident:{incident.id.hex}", f"rumour:{rumour.id.hex}", f"message:{message.id.hex}")
    staffed.decisions.add(op.id, DecisionInput("Keep the metro open", "Crowd is calm", links=links), actor="cmdr")
    window.nav.setCurrentRow(DECISIONS)
    view = window.decisions
    view.reload()
    qtbot.waitUntil(lambda: view.proxy.rowCount() == 1, timeout=5000)
    view.table.selectRow(0)
    qtbot.waitUntil(lambda: len(link_labels(view.pane)) == 3, timeout=5000)
    labels = link_labels(view.pane)
    assert set(labels) == {
        "Incident: Crowd building at gate 4",  # the latest version
        "Rumour: The Syntagma metro station is closed",
        "Message: Syntagma metro is open.",
    }
    labels["Rumour: The Syntagma metro station is closed"].linkActivated.emit(f"rumour:{rumour.id.hex}")
    assert window.nav.currentRow() == RUMOURS
    qtbot.waitUntil(lambda: window.rumours.pane.detail is not None, timeout=5000)
    assert window.rumours.pane.detail.rumour.id == rumour.id


def test_the_message_detail_lists_what_the_message_answers(window: MainWindow, staffed: App, qtbot: QtBot):
    op, incident, rumour, _ = records(staffed)
    decision = staffed.decisions.add(op.id, DecisionInput("Keep the metro open", "Crowd is calm"), actor="cmdr")
    links = (("incident", incident.id.hex), ("rumour", rumour.id.hex), ("decision", decision.id.hex))
    answer = staffed.messages.draft(
        op.id, DraftInput(text="The metro is open.", language="en", links=links), actor="comms"
    )
    window.nav.setCurrentRow(MESSAGES)
    view = window.messages
    qtbot.waitUntil(lambda: view.model.row_of(answer.id) is not None, timeout=5000)
    view.select_when_shown(answer.id)
    qtbot.waitUntil(lambda: len(link_labels(view.detail)) == 3, timeout=5000)
    labels = link_labels(view.detail)
    assert set(labels) == {
        "Incident: Crowd building at gate 4",
        "Rumour: The Syntagma metro station is closed",
        "Decision: Keep the metro open",
    }
    labels["Decision: Keep the metro open"].linkActivated.emit(f"decision:{decision.id.hex}")
    assert window.nav.currentRow() == DECISIONS
    qtbot.waitUntil(lambda: window.decisions.pane.record is not None, timeout=5000)
    assert window.decisions.pane.record.id == decision.id
    window.nav.setCurrentRow(MESSAGES)
    view.select_when_shown(answer.id)
    qtbot.waitUntil(lambda: len(link_labels(view.detail)) == 3, timeout=5000)
    link_labels(view.detail)["Incident: Crowd building at gate 4"].linkActivated.emit(f"incident:{incident.id.hex}")
    assert window.nav.currentRow() == TIMELINE


def test_a_rumours_evidence_names_the_incident_by_what_it_says(window: MainWindow, staffed: App, qtbot: QtBot):
    op, incident, _, _ = records(staffed)
    staffed.rumours.add(op.id, "Gate 4 is shut", actor="cmdr", incident=incident.id.hex)
    window.nav.setCurrentRow(RUMOURS)
    view = window.rumours
    qtbot.waitUntil(lambda: view.proxy.rowCount() == 2, timeout=5000)
    view.select_when_shown(next(r.id for r in view.model.records() if r.claim == "Gate 4 is shut"))
    qtbot.waitUntil(lambda: len(link_labels(view.pane)) == 1, timeout=5000)
    [text] = link_labels(view.pane)
    assert text.startswith("Incident: Crowd building at gate 4 — ")
