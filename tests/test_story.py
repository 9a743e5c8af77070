"""The operation's story: incidents interleaved with rumours, decisions and published messages, by time, keyset
paged like the timeline; filters applied to each kind as documented in crowdops.store.story."""

from datetime import timedelta

import pytest
from sqlalchemy import update

import crowdops.domain.passphrases as passphrases
from crowdops.app import App
from crowdops.domain.errors import ValidationError
from crowdops.services.decisions import DecisionInput
from crowdops.services.inputs import DraftInput, IncidentInput, TimelineQuery
from crowdops.services.message_records import MessageRecord
from crowdops.services.records import IncidentRecord
from crowdops.services.story_records import StoryItem, row_key
from crowdops.store.message_models import OutboxItem
from tests.conftest import FakeClock

ALL = frozenset({"rumours", "decisions", "messages"})


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passphrases, "_N", 2**8)


def _label(row: IncidentRecord | StoryItem) -> str:
    if isinstance(row, StoryItem):
        return f"{row.kind}:{row.title}" + (f":{row.status}" if row.kind == "rumour-status" else "")
    return f"incident:{row.description}"


def _story(app: App, kinds: frozenset[str] = ALL, **query: object) -> list[IncidentRecord | StoryItem]:
    op = app.operations.current()
    flt = app.incidents.store_filter(TimelineQuery(operation_id=op.id, kinds=kinds, **query))  # type: ignore[arg-type]
    return app.incidents.story_page(flt, 0)


def _approved_message(app: App, text: str) -> MessageRecord:
    op = app.operations.current()
    channel = app.channels.add("Police Mastodon", "mastodon", actor="cmdr")
    draft = app.messages.draft(op.id, DraftInput(text=text, channels=[channel.name]), actor="comms")
    app.approvals.submit(draft.short_id, actor="comms")
    return app.approvals.approve(draft.short_id, actor="cmdr", passphrase="secret-1")


def _mark_sent(app: App, message: MessageRecord, clock: FakeClock) -> None:
    """What the outbox worker will do once a post went out."""
    with app.db.write() as session:
        session.execute(
            update(OutboxItem).where(OutboxItem.message_id == message.id).values(status="sent", sent_at=clock.now)
        )


def _operation_story(app: App, clock: FakeClock) -> None:
    """Five minutes apart: incident, rumour, incident, its status change, decision, revision, message sent."""
    op = app.operations.current()
    log = app.incidents.log
    log(op.id, IncidentInput("crowd-density", 2, "Crowd at the bridge"), actor="cmdr")
    clock.advance(minutes=5)
    rumour = app.rumours.add(op.id, "The stadium bridge has collapsed", actor="comms").rumour
    clock.advance(minutes=5)
    log(op.id, IncidentInput("disorder", 3, "Bottles thrown at Omonia"), actor="cmdr")
    clock.advance(minutes=5)
    app.rumours.update(rumour.short_id, "verifying", "Asked the engineers", actor="comms")
    app.rumours.add_evidence(rumour.short_id, actor="comms", note="A video, but of another bridge")  # no row
    clock.advance(minutes=5)
    decision = app.decisions.add(op.id, DecisionInput("Close the bridge", "Rumour may draw crowds"), actor="cmdr")
    clock.advance(minutes=5)
    app.decisions.revise(decision.short_id, actor="cmdr", decision="Close the bridge to traffic")
    message = _approved_message(app, "The stadium bridge is open and safe.")
    clock.advance(minutes=5)
    _mark_sent(app, message, clock)


def test_the_story_interleaves_every_kind_newest_first(staffed: App, clock: FakeClock) -> None:
    _operation_story(staffed, clock)
    assert [_label(r) for r in _story(staffed)] == [
        "message-sent:The stadium bridge is open and safe.",
        "decision-revised:Close the bridge to traffic",
        "decision:Close the bridge",
        "rumour-status:The stadium bridge has collapsed:verifying",
        "incident:Bottles thrown at Omonia",
        "rumour:The stadium bridge has collapsed",
        "incident:Crowd at the bridge",
    ]
    rows = _story(staffed)
    message, revised, first = rows[0], rows[1], rows[2]
    assert isinstance(message, StoryItem) and message.opens == "message" and message.note == "Police Mastodon"
    assert message.at == clock.now  # when it was sent, not when it was approved
    assert isinstance(revised, StoryItem) and isinstance(first, StoryItem)
    assert revised.opens == "decision" and revised.target_id == first.target_id == first.id  # the first version


def test_each_kind_has_its_own_toggle_and_none_means_the_incident_timeline(staffed: App, clock: FakeClock) -> None:
    _operation_story(staffed, clock)
    kinds = {frozenset({"rumours"}): "rumour", frozenset({"decisions"}): "decision", frozenset({"messages"}): "message"}
    for toggle, prefix in kinds.items():
        labels = [_label(r) for r in _story(staffed, toggle)]
        assert len([x for x in labels if not x.startswith("incident")]) >= 1
        assert all(x.startswith(("incident", prefix)) for x in labels)
    op = staffed.operations.current()
    flt = staffed.incidents.store_filter(TimelineQuery(operation_id=op.id))
    assert _story(staffed, frozenset()) == staffed.incidents.page(flt, 0)
    with pytest.raises(ValidationError, match="cannot show"):
        _story(staffed, frozenset({"weather"}))


def test_an_approved_message_is_not_published_until_a_post_is_sent(staffed: App, clock: FakeClock) -> None:
    message = _approved_message(staffed, "Gate 4 opens at 18:00.")
    assert _story(staffed) == []  # queued in the outbox: not yet public
    clock.advance(minutes=3)
    _mark_sent(staffed, message, clock)
    [row] = _story(staffed)
    assert isinstance(row, StoryItem) and row.target_id == message.id and row.at == clock.now


def test_pages_walk_the_whole_story_without_gaps_or_repeats(staffed: App, clock: FakeClock) -> None:
    _operation_story(staffed, clock)
    op = staffed.operations.current()
    # Several entries at one instant: ties are broken the same way in both lists.
    clock.advance(minutes=1)
    for i in range(3):
        staffed.incidents.log(op.id, IncidentInput("medical", 1, f"Fainted runner {i}"), actor="cmdr")
        staffed.rumours.add(op.id, f"Free water at stand {i}", actor="comms")
    flt = staffed.incidents.store_filter(TimelineQuery(operation_id=op.id, kinds=ALL))
    whole = staffed.incidents.story_page(flt, 0)
    for size in (1, 2, 3, 5):
        walked, after = [], None
        while page := staffed.incidents.story_page(flt, size, after):
            assert len(page) <= size
            walked += page
            after = row_key(page[-1])
        assert [r.id for r in walked] == [r.id for r in whole]


def test_time_range_and_search_apply_to_every_kind_category_and_severity_to_incidents(
    staffed: App, clock: FakeClock
) -> None:
    _operation_story(staffed, clock)
    searched = [_label(r) for r in _story(staffed, search="BRIDGE")]
    assert "incident:Crowd at the bridge" in searched and "rumour:The stadium bridge has collapsed" in searched
    assert "incident:Bottles thrown at Omonia" not in searched
    assert [_label(r) for r in _story(staffed, search="engineers")] == [
        "rumour-status:The stadium bridge has collapsed:verifying"  # the note of the change
    ]
    assert [_label(r) for r in _story(staffed, search="stádium")][-1] == "rumour:The stadium bridge has collapsed"
    assert _story(staffed, search='"*') == []  # nothing searchable: nothing at all, no error
    recent = [_label(r) for r in _story(staffed, since=(clock.now - timedelta(minutes=11)).isoformat())]
    assert recent == [
        "message-sent:The stadium bridge is open and safe.",
        "decision-revised:Close the bridge to traffic",
        "decision:Close the bridge",
    ]
    serious = [_label(r) for r in _story(staffed, min_severity=3, category="disorder")]
    assert "incident:Crowd at the bridge" not in serious and "incident:Bottles thrown at Omonia" in serious
    assert "decision:Close the bridge" in serious  # no severity of their own: their toggle decides


def test_another_operations_story_stays_out(staffed: App, clock: FakeClock) -> None:
    other = staffed.operations.create("Cup final", "event", timezone="Europe/Athens", actor="cmdr")
    staffed.rumours.add(other.id, "The match is cancelled", actor="comms")
    staffed.decisions.add(other.id, DecisionInput("Open all gates", "Early crowd"), actor="cmdr")
    assert _story(staffed) == []
