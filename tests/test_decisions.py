"""The decision log: add, revise (append-only, latest only), list with due reviews, explain publicly; the CLI
handlers through a parser built with the module's own register()."""

import argparse
import json

import pytest
from sqlalchemy import func, select

from crowdops.app import App
from crowdops.cli import commands_decisions
from crowdops.cli.common import shared_options
from crowdops.domain.decisions import parse_link, parse_option
from crowdops.domain.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from crowdops.services.decisions import DecisionInput, DecisionService
from crowdops.services.events import DecisionChanged
from crowdops.services.inputs import IncidentInput
from crowdops.store.message_models import AuditRow, Message
from crowdops.store.register_models import Decision

ROAD = DecisionInput(
    decision="Close Panepistimiou Street to traffic",
    rationale="The march fills the road from Omonia to Syntagma.",
    options=[("Keep one lane open", "too close to the crowd"), ("Divert buses only", "")],
    information="Crowd estimate 8000 at 11:40",
    powers="Traffic code art. 52",
)


@pytest.fixture
def decisions(staffed: App) -> DecisionService:
    service = getattr(staffed, "decisions", None)  # once wired in app.py
    if service is None:
        service = DecisionService(staffed.context, staffed.messages, staffed.templates)
        staffed.decisions = service  # type: ignore[attr-defined]
    return service


@pytest.fixture
def op_id(staffed: App):
    return staffed.operations.resolve(None).id


def _counts(app: App) -> tuple[int, int, int]:
    with app.db.read() as session:
        return (
            session.scalar(select(func.count()).select_from(Decision)),
            session.scalar(select(func.count()).select_from(AuditRow)),
            session.scalar(select(func.count()).select_from(Message)),
        )


# -- domain -------------------------------------------------------------------------------------------------


def test_options_and_links_are_parsed():
    assert parse_option("Close the square: would trap people") == ("Close the square", "would trap people")
    assert parse_option("Kettle | unlawful here: disproportionate") == ("Kettle", "unlawful here: disproportionate")
    assert parse_option("  Wait and see ") == ("Wait and see", "")
    assert parse_link("incident:ab12") == ("incident", "ab12")
    with pytest.raises(ValidationError):
        parse_option(": no option")
    with pytest.raises(ValidationError):
        parse_link("case:ab12")


# -- service ------------------------------------------------------------------------------------------------


def test_add_records_the_decision_with_its_audit(staffed, decisions, op_id):
    before = _counts(staffed)
    record = decisions.add(op_id, ROAD, actor="cmdr")
    assert record.root_id == record.id and record.revises_id is None
    assert record.decided_by == "cmdr" and record.options[0] == ("Keep one lane open", "too close to the crowd")
    assert _counts(staffed)[:2] == (before[0] + 1, before[1] + 1)
    with staffed.db.read() as session:
        entry = session.scalars(select(AuditRow).order_by(AuditRow.seq.desc())).first()
    assert entry.action == "decision.add" and entry.subject == f"decision:{record.id.hex}"


def test_only_a_commander_decides_in_a_live_operation(staffed, decisions, op_id):
    before = _counts(staffed)
    for user in ("comms", "trainer", "watcher"):
        with pytest.raises(PermissionDeniedError):
            decisions.add(op_id, ROAD, actor=user)
    assert _counts(staffed) == before


@pytest.mark.parametrize(
    "entry",
    [
        DecisionInput(decision="  ", rationale="Because"),
        DecisionInput(decision="Close the road", rationale=""),
        DecisionInput(decision="Close the road", rationale="Because", review_at="tomorrow-ish"),
        DecisionInput(decision="Close the road", rationale="Because", review_at="2026-05-01T10:00"),  # passed
        DecisionInput(decision="Close the road", rationale="Because", options=[("", "why")]),
        DecisionInput(decision="Close the road", rationale="Because", links=["incident:ffffffff"]),
        DecisionInput(decision="Close the road", rationale="Because", links=["nonsense"]),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(staffed, decisions, op_id, entry):
    before = _counts(staffed)
    with pytest.raises((ValidationError, NotFoundError)):
        decisions.add(op_id, entry, actor="cmdr")
    assert _counts(staffed) == before


def test_links_to_incidents_are_checked_and_stored_by_first_version(staffed, decisions, op_id):
    incident = staffed.incidents.log(
        op_id, IncidentInput(category="crowd-density", severity="3", description="Crowd at Omonia"), actor="cmdr"
    )
    corrected = staffed.incidents.correct(incident.id.hex, actor="cmdr", description="Dense crowd at Omonia")
    entry = DecisionInput(decision="Hold the march", rationale="Density", links=[f"incident:{corrected.id.hex[:8]}"])
    record = decisions.add(op_id, entry, actor="cmdr")
    assert record.links == [("incident", incident.id)]


def test_revise_appends_a_linked_version_and_only_the_latest_may_be_revised(staffed, decisions, op_id, clock):
    first = decisions.add(op_id, ROAD, actor="cmdr")
    clock.advance(minutes=10)
    second = decisions.revise(first.id.hex[:8], actor="cmdr", rationale="The crowd has grown to 12000.")
    assert second.revises_id == first.id and second.root_id == first.id
    assert second.decision == first.decision and second.options == first.options
    assert [v.id for v in decisions.history(first.id.hex)] == [first.id, second.id]
    assert [d.id for d in decisions.list(op_id)] == [second.id]

    before = _counts(staffed)
    with pytest.raises(ConflictError, match=second.short_id):
        decisions.revise(first.id.hex, actor="cmdr", rationale="Another reason")
    with pytest.raises(NotFoundError):
        decisions.revise("deadbeef", actor="cmdr", rationale="Another reason")
    with pytest.raises(ValidationError, match="changes nothing"):
        decisions.revise(second.id.hex, actor="cmdr", rationale=" The crowd has grown to 12000. ")
    with pytest.raises(ValidationError):
        decisions.revise(second.id.hex, actor="cmdr", review_at="soon")
    with pytest.raises(PermissionDeniedError):
        decisions.revise(second.id.hex, actor="comms", rationale="Another reason")
    assert _counts(staffed) == before


def test_logging_and_revising_are_announced_after_the_commit(staffed, decisions, op_id):
    seen: list[object] = []
    staffed.context.bus.subscribe(seen.append)
    first = decisions.add(op_id, ROAD, actor="cmdr")
    second = decisions.revise(first.short_id, actor="cmdr", rationale="The crowd has grown to 12000.")
    with pytest.raises(ValidationError):
        decisions.revise(second.short_id, actor="cmdr", rationale="The crowd has grown to 12000.")
    assert seen == [DecisionChanged(op_id, first.id), DecisionChanged(op_id, second.id)]


def test_the_log_cannot_be_changed_in_place(staffed, decisions, op_id):
    record = decisions.add(op_id, ROAD, actor="cmdr")
    with pytest.raises(Exception, match="append-only"), staffed.db.write() as session:
        session.get(Decision, record.id).rationale = "rewritten"


def test_list_is_chronological_and_marks_due_reviews(staffed, decisions, op_id, clock):
    first = decisions.add(
        op_id, DecisionInput(decision="A", rationale="a", review_at="2026-05-01T15:30"), actor="cmdr"
    )  # 12:30 UTC in Athens
    clock.advance(minutes=5)
    second = decisions.add(op_id, DecisionInput(decision="B", rationale="b"), actor="cmdr")
    listed = decisions.list(op_id)
    assert [d.id for d in listed] == [first.id, second.id]
    assert not listed[0].due
    clock.advance(minutes=30)
    assert [d.due for d in decisions.list(op_id)] == [True, False]


def test_explain_drafts_a_linked_message_from_the_decision(staffed, decisions, op_id):
    record = decisions.add(op_id, ROAD, actor="cmdr")
    before = _counts(staffed)
    with pytest.raises(ValidationError, match="--set advice="):
        decisions.explain(record.id.hex, actor="cmdr")
    assert _counts(staffed) == before
    message = decisions.explain(record.id.hex, actor="comms", values={"advice": "use Stadiou Street"})
    assert message.links == [("decision", record.id)]
    text = message.text("en")
    assert "Our decision: Close Panepistimiou Street to traffic." in text
    assert "Why: The march fills the road from Omonia to Syntagma." in text
    assert "use Stadiou Street" in text
    assert _counts(staffed)[2] == before[2] + 1


def test_explain_refuses_a_superseded_version(staffed, decisions, op_id):
    first = decisions.add(op_id, ROAD, actor="cmdr")
    decisions.revise(first.id.hex, actor="cmdr", decision="Close Panepistimiou and Stadiou")
    with pytest.raises(ConflictError):
        decisions.explain(first.id.hex, actor="cmdr", values={"advice": "walk"})


# -- CLI handlers -------------------------------------------------------------------------------------------


@pytest.fixture
def run(staffed, decisions, capsys):
    parser = argparse.ArgumentParser(prog="crowdops")
    commands_decisions.register(parser.add_subparsers(dest="command"), shared_options())

    def run(*argv: str) -> str:
        args = parser.parse_args(list(argv))
        args.handler(staffed, args)
        return capsys.readouterr().out

    return run


def test_cli_add_list_revise_show_explain(run, decisions, clock):
    out = run(
        "decision",
        "add",
        "--decision",
        "Hold the march at Omonia",
        "--rationale",
        "Syntagma is full",
        "--option",
        "Close the square: would trap people",
        "--option",
        "Reroute | too late to announce",
        "--review-at",
        "2026-05-01T15:15",
        "--as",
        "cmdr",
    )
    first = out.strip()
    assert len(first) == 32
    record = decisions.get(first)
    assert record.options == [("Close the square", "would trap people"), ("Reroute", "too late to announce")]

    assert "DUE" not in run("decision", "list")
    clock.advance(minutes=20)
    listing = run("decision", "list")
    assert "DUE" in listing and "1 decision is due for review" in listing

    out = run("decision", "revise", first[:8], "--review-at", "2026-05-01T16:00", "--as", "cmdr")
    second = out.splitlines()[0]
    assert decisions.get(second).revises_id.hex == first
    assert "DUE" not in run("decision", "list")
    shown = run("decision", "show", first[:8])
    assert "2 versions" in shown and "rejected   Close the square: would trap people" in shown
    data = json.loads(run("decision", "list", "--json"))
    assert [d["id"] for d in data] == [second]

    draft = run("decision", "explain", second[:8], "--set", "advice=wait at Omonia", "--as", "comms").strip()
    assert len(draft) == 32


def test_cli_refusals_write_nothing(run, staffed):
    before = _counts(staffed)
    with pytest.raises(ValidationError):
        run("decision", "add", "--decision", "X", "--rationale", " ", "--as", "cmdr")
    with pytest.raises(ValidationError):
        run("decision", "add", "--decision", "X", "--rationale", "Y", "--review-at", "half past", "--as", "cmdr")
    with pytest.raises(NotFoundError):
        run("decision", "revise", "abcdef12", "--rationale", "Y", "--as", "cmdr")
    assert _counts(staffed) == before
