"""The rumour register: lifecycle rules, duplicates, responses linked both ways, refusals that write nothing, and
the `crowdops rumour` commands (parsed with their own register(), run against the test app)."""

import argparse
import json

import pytest
from sqlalchemy import func, select

from crowdops.app import App
from crowdops.cli import commands_rumours
from crowdops.cli.common import shared_options
from crowdops.domain.errors import CrowdOpsError, NotFoundError, PermissionDeniedError, ValidationError
from crowdops.domain.rumours import (
    Reach,
    RumourStatus,
    allowed_transitions,
    check_risk,
    is_similar,
    require_transition,
    response_template,
    similarity,
)
from crowdops.services.events import MessageChanged, RumourChanged
from crowdops.services.inputs import IncidentInput
from crowdops.services.rumours import RumourService
from crowdops.store.message_models import AuditRow, Message, MessageLink
from crowdops.store.register_models import Rumour, RumourEvent, RumourLink

CLAIM = "The stadium bridge has collapsed."


@pytest.fixture
def rumours(staffed: App) -> RumourService:
    service = RumourService(staffed.context, staffed.messages, staffed.templates)
    staffed.rumours = service  # type: ignore[attr-defined]  # wired in crowdops.app by the composition root
    return service


def _op(app: App):
    return app.operations.resolve(None)


def _counts(app: App) -> tuple[int, ...]:
    with app.db.read() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Rumour, RumourEvent, RumourLink, Message, AuditRow)
        )


# -- domain ------------------------------------------------------------------------------------------------


def test_lifecycle_follows_the_issue_and_closed_is_final() -> None:
    require_transition(RumourStatus.NEW, RumourStatus.VERIFYING)
    for verdict in ("confirmed", "false", "partly-true", "unverifiable"):
        require_transition(RumourStatus.VERIFYING, RumourStatus(verdict))
        require_transition(RumourStatus(verdict), RumourStatus.RESPONDED)
    require_transition(RumourStatus.RESPONDED, RumourStatus.CLOSED)
    assert allowed_transitions(RumourStatus.CLOSED) == frozenset()
    with pytest.raises(ValidationError, match="final"):
        require_transition(RumourStatus.CLOSED, RumourStatus.NEW)
    with pytest.raises(ValidationError, match="cannot become"):
        require_transition(RumourStatus.NEW, RumourStatus.RESPONDED)
    with pytest.raises(ValidationError, match="already"):
        require_transition(RumourStatus.VERIFYING, RumourStatus.VERIFYING)


def test_templates_by_state() -> None:
    assert response_template(RumourStatus.VERIFYING) == "rumour-holding-line"
    assert response_template(RumourStatus.NEW) == "rumour-holding-line"
    assert response_template(RumourStatus.FALSE) == "rumour-denial"
    assert response_template(RumourStatus.CONFIRMED) == "rumour-confirmed"
    assert response_template(RumourStatus.PARTLY_TRUE) == "rumour-confirmed"
    with pytest.raises(ValidationError, match="closed"):
        response_template(RumourStatus.CLOSED)


def test_similarity_folds_case_accents_and_word_order() -> None:
    assert is_similar("The stadium bridge has collapsed", "the STADIUM bridge collapsed!")
    assert similarity("Η γέφυρα του σταδίου", "Η ΓΕΦΥΡΑ ΤΟΥ ΣΤΑΔΙΟΥ") == 1.0
    assert not is_similar("The stadium bridge has collapsed", "Gate 4 is closed for the evening")
    assert similarity("", "anything") == 0.0


@pytest.mark.parametrize("bad", ["0", "6", "three", "", None, "2.5"])
def test_risk_is_one_to_five(bad: str | None) -> None:
    with pytest.raises(ValidationError, match="1 to 5"):
        check_risk(bad)
    assert check_risk("5") == 5 and check_risk(1) == 1


# -- service -----------------------------------------------------------------------------------------------


def test_add_update_respond_end_to_end(staffed: App, rumours: RumourService, clock) -> None:
    op = _op(staffed)
    added = rumours.add(op.id, CLAIM, actor="comms", source="https://x.example/1", reach="high", risk="4")
    record = added.rumour
    assert (record.status, record.reach, record.risk, record.owner) == (RumourStatus.NEW, Reach.HIGH, 4, "comms")
    assert added.similar == []

    clock.advance(minutes=10)
    listed = rumours.list(op.id)
    assert [r.id for r in listed] == [record.id]
    assert listed[0].age.total_seconds() == 600 and listed[0].idle.total_seconds() == 600

    # A holding line while verifying: drafted in one step, claim filled in, linked both ways.
    rumours.update(record.short_id, "verifying", "Asked the bridge engineers.", actor="comms")
    holding = rumours.respond(record.short_id, actor="comms")
    assert ("rumour", record.id) in holding.links
    assert holding.purpose.value == "rumour-response"
    english = next(v.text for v in holding.variants if v.language == "en")
    assert "the stadium bridge has collapsed" in english.lower() and "checking" in english
    assert {v.language for v in holding.variants} >= {"en", "el", "de", "fr", "ar", "uk", "fa"}

    clock.advance(minutes=5)
    rumours.update(record.id.hex, "false", "Engineers checked it at 14:00; open and safe.", actor="cmdr")
    with pytest.raises(ValidationError, match="facts"):
        rumours.respond(record.short_id, actor="comms")  # a denial needs the facts
    denial = rumours.respond(
        record.short_id, actor="comms", values={"facts": "the bridge is open and safe; engineers checked it at 14:00"}
    )
    assert "This is not true" in next(v.text for v in denial.variants if v.language == "en")
    rumours.update(record.short_id, "responded", "Denial approved and posted.", actor="cmdr")
    again = rumours.respond(record.short_id, actor="comms", values={"facts": "the bridge is open"})  # last verdict
    assert "This is not true" in next(v.text for v in again.variants if v.language == "en")

    detail = rumours.get(record.short_id)
    assert [e.status.value for e in detail.events] == [
        "new", "verifying", "verifying", "false", "false", "responded", "responded"
    ]  # fmt: skip
    assert [link.ref_id for link in detail.links if link.kind == "message"] == [holding.id, denial.id, again.id]
    assert [m.status.value for m in detail.responses] == ["draft"] * 3
    assert detail.rumour.idle.total_seconds() == 0

    with staffed.db.read() as session:
        logged = list(session.scalars(select(AuditRow.action).order_by(AuditRow.seq)))
        back_links = session.scalar(select(func.count()).select_from(MessageLink).where(MessageLink.kind == "rumour"))
    assert back_links == 3
    assert logged.count("rumour.add") == 1 and logged.count("rumour.status") == 3
    assert logged.count("rumour.respond") == 3 and logged.count("message.draft") == 3


def test_confirmed_uses_the_confirmation_with_advice(staffed: App, rumours: RumourService) -> None:
    record = rumours.add(_op(staffed).id, "Gate 4 is closed", actor="comms").rumour
    rumours.update(record.short_id, "verifying", "Called the gate steward.", actor="comms")
    rumours.update(record.short_id, "partly-true", "Closed for entry, open for exit.", actor="comms")
    draft = rumours.respond(
        record.short_id,
        actor="comms",
        values={"facts": "Gate 4 is closed for entry only", "advice": "enter through Gates 7 and 8"},
    )
    assert next(v.text for v in draft.variants if v.language == "en").startswith("We can confirm: Gate 4")


def test_similar_claims_are_offered(staffed: App, rumours: RumourService) -> None:
    op = _op(staffed)
    first = rumours.add(op.id, CLAIM, actor="comms").rumour
    rumours.add(op.id, "Free buses leave from Omonia at 18:00", actor="comms")
    second = rumours.add(op.id, "the stadium bridge collapsed", actor="comms")
    assert [s.rumour.id for s in second.similar] == [first.id]
    offered = rumours.similar(op.id, "THE STADIUM BRIDGE HAS COLLAPSED")
    assert [s.rumour.id for s in offered] == [first.id, second.rumour.id]  # most alike first
    assert offered[0].score == 1.0


BAD_ADDS = [
    pytest.param({"claim": "   "}, ValidationError, "empty", id="empty-claim"),
    pytest.param({"claim": CLAIM, "reach": "global"}, ValidationError, "reach", id="unknown-reach"),
    pytest.param({"claim": CLAIM, "risk": 0}, ValidationError, "1 to 5", id="risk-0"),
    pytest.param({"claim": CLAIM, "risk": "6"}, ValidationError, "1 to 5", id="risk-6"),
    pytest.param({"claim": CLAIM, "source": "a\nb"}, ValidationError, "one line", id="two-line-source"),
    pytest.param({"claim": CLAIM, "actor": "watcher"}, PermissionDeniedError, "may not", id="observer"),
]


@pytest.mark.parametrize(("kwargs", "error", "message"), BAD_ADDS)
def test_bad_adds_are_refused_and_write_nothing(
    staffed: App, rumours: RumourService, kwargs: dict, error: type, message: str
) -> None:
    before = _counts(staffed)
    args = {"actor": "comms", **kwargs}
    claim = args.pop("claim")
    with pytest.raises(error, match=message):
        rumours.add(_op(staffed).id, claim, **args)
    assert _counts(staffed) == before


def test_bad_updates_and_responses_are_refused_and_write_nothing(staffed: App, rumours: RumourService) -> None:
    record = rumours.add(_op(staffed).id, CLAIM, actor="comms").rumour
    rumours.update(record.short_id, "closed", "Duplicate of an earlier entry.", actor="comms")
    before = _counts(staffed)
    cases = [
        (lambda: rumours.update(record.short_id, "debunked", "x", actor="comms"), "Unknown status"),
        (lambda: rumours.update(record.short_id, "new", "Back again.", actor="comms"), "final"),
        (lambda: rumours.update(record.short_id, "verifying", "  ", actor="comms"), "note"),
        (lambda: rumours.respond(record.short_id, actor="comms"), "closed"),
        (lambda: rumours.respond(record.short_id, actor="comms", template="rumour-denial"), "closed"),
        (lambda: rumours.update("zzzz", "verifying", "x", actor="comms"), "not a rumour id"),
        (lambda: rumours.update("abcdef12", "verifying", "x", actor="comms"), "No rumour"),
    ]
    for call, message in cases:
        with pytest.raises(CrowdOpsError, match=message):
            call()
    assert _counts(staffed) == before


def test_a_response_template_must_be_a_rumour_response(staffed: App, rumours: RumourService) -> None:
    record = rumours.add(_op(staffed).id, CLAIM, actor="comms").rumour
    before = _counts(staffed)
    with pytest.raises(ValidationError, match="not a rumour response"):
        rumours.respond(record.short_id, actor="comms", template="road-closure")
    assert _counts(staffed) == before


def _events(app: App) -> list[object]:
    seen: list[object] = []
    app.context.bus.subscribe(seen.append)
    return seen


def test_every_change_is_announced_after_it_is_committed(staffed: App, rumours: RumourService) -> None:
    seen = _events(staffed)
    op = _op(staffed)
    record = rumours.add(op.id, CLAIM, actor="comms").rumour
    rumours.update(record.short_id, "verifying", "Asked the engineers.", actor="comms")
    rumours.add_evidence(record.short_id, actor="comms", note="Three people say they saw it on a video.")
    draft = rumours.respond(record.short_id, actor="comms")
    changed = [e for e in seen if isinstance(e, RumourChanged)]
    assert changed == [RumourChanged(op.id, record.id)] * 4
    assert MessageChanged(op.id, draft.id) in seen
    before = len(seen)
    with pytest.raises(ValidationError):
        rumours.update(record.short_id, "new", "Back to new.", actor="comms")
    assert len(seen) == before  # a refusal announces nothing


def test_a_rumour_entered_from_an_incident_is_linked_to_it(staffed: App, rumours: RumourService) -> None:
    op = _op(staffed)
    incident = staffed.incidents.log(
        op.id, IncidentInput("crowd-density", 3, "Crowd says the bridge fell"), actor="cmdr"
    )
    fixed = staffed.incidents.correct(incident.short_id, actor="cmdr", severity=4, reason="More reports")
    record = rumours.add(op.id, CLAIM, actor="comms", incident=fixed.id.hex).rumour  # any version: linked by the first
    [link] = rumours.get(record.short_id).links
    assert (link.kind, link.ref_id, link.text) == ("incident", incident.root_id, "Crowd says the bridge fell")
    with staffed.db.read() as session:
        audit = session.scalars(select(AuditRow).where(AuditRow.action == "rumour.add")).one()
    assert json.loads(audit.data)["incident"] == incident.root_id.hex
    before = _counts(staffed)
    with pytest.raises(NotFoundError, match="No incident"):
        rumours.add(op.id, "Another claim", actor="comms", incident="abcdef12")
    assert _counts(staffed) == before


def test_evidence_is_saved_in_the_history_and_audited(staffed: App, rumours: RumourService, clock) -> None:
    op = _op(staffed)
    record = rumours.add(op.id, CLAIM, actor="comms").rumour
    incident = staffed.incidents.log(op.id, IncidentInput("crowd-density", 2, "Crowd near the bridge"), actor="cmdr")
    clock.advance(minutes=7)
    url = rumours.add_evidence(record.short_id, actor="comms", url=" https://x.example/p/9 ", note="12k shares")
    note = rumours.add_evidence(record.short_id, actor="cmdr", note="The bridge engineer saw nothing wrong.")
    linked = rumours.add_evidence(record.short_id, actor="comms", incident=incident.short_id)
    assert (url.kind, url.text, url.added_by) == ("url", "https://x.example/p/9 — 12k shares", "comms")
    assert (note.kind, note.text, note.added_by) == ("note", "The bridge engineer saw nothing wrong.", "cmdr")
    assert (linked.kind, linked.ref_id, linked.text) == ("incident", incident.root_id, "Crowd near the bridge")
    detail = rumours.get(record.short_id)
    assert [link.kind for link in detail.links] == ["url", "note", "incident"]
    assert [e.note for e in detail.events[1:]] == [
        "Evidence added: https://x.example/p/9 — 12k shares",
        "Evidence added: The bridge engineer saw nothing wrong.",
        f"Evidence added: incident {incident.short_id}",
    ]
    assert {e.status for e in detail.events} == {RumourStatus.NEW}  # evidence does not move the rumour on
    assert detail.rumour.idle.total_seconds() == 0  # but it is an action on it
    with staffed.db.read() as session:
        audits = [
            json.loads(a.data) for a in session.scalars(select(AuditRow).where(AuditRow.action == "rumour.evidence"))
        ]
    assert [a["kind"] for a in audits] == ["url", "note", "incident"]
    assert audits[0]["url"] == "https://x.example/p/9" and audits[2]["incident"] == incident.root_id.hex


def test_bad_evidence_is_refused_and_writes_nothing(staffed: App, rumours: RumourService) -> None:
    op = _op(staffed)
    record = rumours.add(op.id, CLAIM, actor="comms").rumour
    incident = staffed.incidents.log(op.id, IncidentInput("crowd-density", 2, "Crowd near the bridge"), actor="cmdr")
    other = staffed.operations.create("Cup final", "event", timezone="Europe/Athens", actor="cmdr")
    elsewhere = staffed.incidents.log(other.id, IncidentInput("crowd-density", 2, "Queue at gate 3"), actor="cmdr")
    rumours.add_evidence(record.short_id, actor="comms", incident=incident.short_id)
    closed = rumours.add(op.id, "Free buses from Omonia", actor="comms").rumour
    rumours.update(closed.short_id, "closed", "Nobody repeats it.", actor="comms")
    seen = _events(staffed)
    before = _counts(staffed)
    cases = [
        (lambda: rumours.add_evidence(record.short_id, actor="comms", note="   "), "evidence is empty"),
        (lambda: rumours.add_evidence(record.short_id, actor="comms"), "evidence is empty"),
        (lambda: rumours.add_evidence(record.short_id, actor="comms", url="x.example/p"), "not a web link"),
        (lambda: rumours.add_evidence(record.short_id, actor="comms", url="https://a b"), "not a web link"),
        (lambda: rumours.add_evidence(record.short_id, actor="comms", incident="abcdef12"), "No incident"),
        (lambda: rumours.add_evidence(record.short_id, actor="comms", incident="zz"), "not an incident id"),
        (lambda: rumours.add_evidence(record.short_id, actor="comms", incident=elsewhere.short_id), "No incident"),
        (lambda: rumours.add_evidence(record.short_id, actor="comms", incident=incident.short_id), "already linked"),
        (
            lambda: rumours.add_evidence(record.short_id, actor="comms", url="https://x.example", incident="abcd"),
            "one piece",
        ),
        (lambda: rumours.add_evidence(record.short_id, actor="comms", note="x" * 2001), "at most"),
        (lambda: rumours.add_evidence(closed.short_id, actor="comms", note="It came back."), "closed"),
        (lambda: rumours.add_evidence(record.short_id, actor="watcher", note="Seen it."), "may not"),
        (lambda: rumours.add_evidence("abcdef12", actor="comms", note="Seen it."), "No rumour"),
    ]
    for call, message in cases:
        with pytest.raises(CrowdOpsError, match=message):
            call()
    assert _counts(staffed) == before and seen == []


def test_response_needs_name_the_template_and_what_the_claim_cannot_say(staffed: App, rumours: RumourService) -> None:
    record = rumours.add(_op(staffed).id, CLAIM, actor="comms").rumour
    holding = rumours.response_needs(record.short_id)
    assert (holding.template, holding.needed) == ("rumour-holding-line", [])
    rumours.update(record.short_id, "verifying", "Asked the engineers.", actor="comms")
    rumours.update(record.short_id, "false", "Engineers checked it.", actor="comms")
    denial = rumours.response_needs(record.short_id)
    assert denial.template == "rumour-denial"
    assert [name for name, _ in denial.needed] == ["facts"] and denial.needed[0][1]
    confirmed = rumours.response_needs(record.short_id, template="rumour-confirmed")
    assert [name for name, _ in confirmed.needed] == ["facts", "advice"]
    rumours.update(record.short_id, "closed", "Done.", actor="comms")
    with pytest.raises(ValidationError, match="closed"):
        rumours.response_needs(record.short_id)


# -- CLI ---------------------------------------------------------------------------------------------------


def _run(app: App, argv: list[str]) -> None:
    shared = shared_options()
    parser = argparse.ArgumentParser(parents=[shared])
    commands_rumours.register(parser.add_subparsers(dest="command"), shared)
    args = parser.parse_args(argv)
    args.json = getattr(args, "json", False)
    args.handler(app, args)


def test_cli_add_update_respond_list(staffed: App, rumours: RumourService, capsys: pytest.CaptureFixture[str]) -> None:
    _run(staffed, ["rumour", "add", "--claim", CLAIM, "--reach", "viral", "--risk", "5", "--as", "comms"])
    rumour_id = capsys.readouterr().out.strip()
    _run(staffed, ["rumour", "add", "--claim", "stadium bridge has collapsed", "--as", "comms"])
    captured = capsys.readouterr()
    assert "similar rumour already tracked" in captured.err and rumour_id[:8] in captured.err

    _run(staffed, ["rumour", "update", rumour_id[:8], "--status", "verifying", "--note", "Checking.", "--as", "cmdr"])
    assert "now verifying" in capsys.readouterr().out
    _run(staffed, ["rumour", "respond", rumour_id[:8], "--as", "comms"])
    draft_id = capsys.readouterr().out.strip()
    assert staffed.messages.get(draft_id).status.value == "draft"

    _run(staffed, ["rumour", "list", "--status", "verifying"])
    out = capsys.readouterr().out
    assert rumour_id[:8] in out and "viral" in out and len(out.strip().splitlines()) == 2  # header and one row
    _run(staffed, ["--json", "rumour", "list"])
    rows = json.loads(capsys.readouterr().out)
    assert {r["status"] for r in rows} == {"new", "verifying"}
    _run(staffed, ["rumour", "show", rumour_id[:8]])
    assert f"response {draft_id[:8]}: Draft" in capsys.readouterr().out
