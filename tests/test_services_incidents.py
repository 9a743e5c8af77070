"""The incident service: logging, correcting, history, filters, literal search and keyset paging."""

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

import crowdops.domain.passphrases as passphrases
from crowdops.app import App
from crowdops.domain.errors import (
    ConflictError,
    CrowdOpsError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from crowdops.domain.incidents import MethaneReport
from crowdops.domain.search import fold, fts_query
from crowdops.services.events import Event, IncidentLogged
from crowdops.services.incidents import DEFAULT_LIMIT, IncidentInput, TimelineQuery, page_key
from crowdops.services.records import IncidentRecord, OperationRecord
from crowdops.store.models import Incident
from tests.conftest import FakeClock

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)  # 15:00 in Athens


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """Passphrases are not the subject here: hash them with a small scrypt cost (the hash records its cost, so
    verification still runs the real code). test_domain_rules covers the real parameters."""
    monkeypatch.setattr(passphrases, "_N", 2**8)


def counts(app: App) -> dict[str, int]:
    with app.db.read() as session:
        return {
            table: session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("users", "operations", "incidents", "incident_fts", "settings")
        }


def op_of(app: App) -> OperationRecord:
    current = app.operations.current()
    assert current is not None
    return current


def log(
    app: App, description: str = "Crowd building at gate 3", actor: str = "comms", **fields: object
) -> IncidentRecord:
    values: dict[str, object] = {"category": "crowd-density", "severity": 3, "description": description}
    values.update(fields)
    return app.incidents.log(op_of(app).id, IncidentInput(**values), actor=actor)  # type: ignore[arg-type]


def timeline(app: App, **filters: object) -> list[IncidentRecord]:
    return app.incidents.list(TimelineQuery(op_of(app).id, **filters), limit=0)  # type: ignore[arg-type]


@pytest.fixture
def events(staffed: App) -> list[Event]:
    seen: list[Event] = []
    staffed.context.bus.subscribe(seen.append)
    return seen


METHANE = MethaneReport(
    major_incident=True,
    exact_location="Omonia square, north side",
    incident_type="Crowd crush",
    hazards="Collapsed barrier",
    access="From Athinas street",
    casualties="2 walking wounded",
    emergency_services="EKAB on scene, fire service requested",
)

# -- logging ------------------------------------------------------------------------------------------------


def test_log_writes_one_entry_and_publishes_after_commit(staffed: App, events: list[Event]) -> None:
    before = counts(staffed)
    record = log(staffed, "  Crowd building at gate 3  ", location=" Gate 3 ", latitude=37.97, longitude=23.73)
    assert counts(staffed) == {**before, "incidents": before["incidents"] + 1, "incident_fts": 1}
    assert record.description == "Crowd building at gate 3"
    assert record.location == "Gate 3"
    assert (record.latitude, record.longitude) == (37.97, 23.73)
    assert record.occurred_at == record.logged_at == NOW
    assert record.root_id == record.id and record.corrects_id is None
    assert record.logged_by == "comms"
    assert record.source.value == "officer"
    assert events == [IncidentLogged(op_of(staffed).id, record.id)]
    assert staffed.incidents.get(record.short_id) == record


def test_log_reads_the_time_in_the_operations_zone(staffed: App) -> None:
    assert log(staffed, at="14:30").occurred_at == datetime(2026, 5, 1, 11, 30, tzinfo=UTC)
    assert log(staffed, at="2026-05-01T09:00Z").occurred_at == datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


def test_a_night_shift_logs_23_50_just_after_midnight_as_last_night(staffed: App, clock: FakeClock) -> None:
    clock.now = datetime(2026, 4, 30, 21, 10, tzinfo=UTC)  # 00:10 on 1 May in Athens
    assert log(staffed, at="23:50").occurred_at == datetime(2026, 4, 30, 20, 50, tzinfo=UTC)


def test_log_accepts_labels_and_case(staffed: App) -> None:
    record = log(staffed, category="Counter-Protest", source="SOCIAL-MEDIA", severity="5")
    assert (record.category, record.source.value, record.severity) == ("counter-protest", "social-media", 5)


REFUSED_LOGS = [
    ({"category": "arrivals"}, ValidationError, r"not used in protest operations: use one of crowd-density"),
    ({"category": "riot"}, ValidationError, r"Unknown category 'riot'"),
    ({"severity": 0}, ValidationError, r"out of range"),
    ({"severity": 6}, ValidationError, r"out of range"),
    ({"severity": "abc"}, ValidationError, r"not a number"),
    ({"description": ""}, ValidationError, r"description is empty"),
    ({"description": " \n "}, ValidationError, r"description is empty"),
    ({"description": "a\x00b"}, ValidationError, r"NUL"),
    ({"description": "x" * 4001}, ValidationError, r"4001 characters long"),
    ({"at": "2026-02-30T10:00"}, ValidationError, r"not a real date and time"),
    ({"at": "yesterday"}, ValidationError, r"Cannot read the time 'yesterday'"),
    ({"at": "2026-03-29T03:30"}, ValidationError, r"does not exist in Europe/Athens"),
    ({"at": "2026-05-01T15:06"}, ValidationError, r"in the future"),
    ({"source": "rumour"}, ValidationError, r"Unknown source 'rumour'"),
    ({"latitude": 37.9}, ValidationError, r"both latitude and longitude"),
    ({"latitude": 95.0, "longitude": 1.0}, ValidationError, r"Latitude 95.0"),
    ({"location": "x" * 301}, ValidationError, r"location is 301"),
    ({"category": "major-incident"}, ValidationError, r"METHANE report with all its fields"),
    ({"methane": METHANE}, ValidationError, r"must use the category major-incident"),
    ({"actor": "nobody"}, NotFoundError, r"No user named 'nobody'"),
    ({"actor": "watcher"}, PermissionDeniedError, r"watcher is an observer and may not log incidents in a live"),
    ({"actor": "trainer"}, PermissionDeniedError, r"trainer is a trainer and may not log incidents in a live"),
]


@pytest.mark.parametrize(("fields", "error", "message"), REFUSED_LOGS)
def test_refused_logs_write_nothing_and_publish_nothing(
    staffed: App, events: list[Event], fields: dict[str, object], error: type[CrowdOpsError], message: str
) -> None:
    log(staffed, "already there")
    events.clear()
    before = counts(staffed)
    with pytest.raises(error, match=message):
        log(staffed, **fields)
    assert counts(staffed) == before
    assert events == []


def test_log_into_a_missing_operation(staffed: App) -> None:
    before = counts(staffed)
    with pytest.raises(NotFoundError, match="operation no longer exists"):
        staffed.incidents.log(uuid.uuid4(), IncidentInput("medical", 2, "x"), actor="comms")
    assert counts(staffed) == before


def test_trainer_may_log_only_in_an_exercise(staffed: App) -> None:
    exercise = staffed.operations.create("Drill", "event", exercise=True, actor="trainer")
    record = staffed.incidents.log(exercise.id, IncidentInput("entry-gate", 2, "Gate 4 jammed"), actor="trainer")
    assert record.operation_id == exercise.id
    with pytest.raises(PermissionDeniedError):
        staffed.incidents.log(exercise.id, IncidentInput("entry-gate", 2, "Gate 4 jammed"), actor="watcher")


def test_methane_report_is_stored_with_its_summary(staffed: App) -> None:
    record = log(staffed, "Request more ambulances", category="major-incident", severity=5, methane=METHANE)
    assert record.category == "major-incident"
    assert record.methane == METHANE.to_dict()
    assert record.description == METHANE.summary() + " Request more ambulances"
    assert timeline(staffed, search="Athinas") == [record]
    assert MethaneReport.from_dict(staffed.incidents.get(record.short_id).methane or {}) == METHANE


# -- correcting ---------------------------------------------------------------------------------------------


def test_a_correction_replaces_the_original_on_the_timeline_and_history_keeps_both(
    staffed: App, clock: FakeClock
) -> None:
    original = log(staffed, "Crowd at gate 3", severity=2, location="Gate 3")
    other = log(staffed, "Unrelated")
    clock.advance(minutes=5)
    fixed = staffed.incidents.correct(
        original.short_id, actor="cmdr", severity=4, description="Crowd at gate 3, pushing", reason=" confirmed "
    )
    assert (fixed.root_id, fixed.corrects_id) == (original.id, original.id)
    assert fixed.is_correction
    assert (fixed.severity, fixed.description, fixed.correction_reason) == (4, "Crowd at gate 3, pushing", "confirmed")
    assert (fixed.category, fixed.location, fixed.occurred_at) == ("crowd-density", "Gate 3", original.occurred_at)
    assert fixed.logged_at == NOW + timedelta(minutes=5)
    assert fixed.logged_by == "cmdr"

    shown = timeline(staffed)
    assert {r.id for r in shown} == {fixed.id, other.id}
    assert [r.id for r in staffed.incidents.history(original.id)] == [original.id, fixed.id]
    assert [r.id for r in staffed.incidents.history(fixed.id)] == [original.id, fixed.id]
    # The old text is no longer found on the timeline; the new one is.
    assert timeline(staffed, search="pushing") == [fixed]
    assert timeline(staffed, min_severity=4) == [fixed]
    assert timeline(staffed, search="gate") == [fixed]


def test_a_reason_of_the_longest_allowed_length_is_kept_whole(staffed: App) -> None:
    original = log(staffed)
    fixed = staffed.incidents.correct(original.short_id, actor="comms", severity=4, reason=" " + "r" * 300 + " ")
    assert fixed.correction_reason == "r" * 300


def test_correcting_a_superseded_version_names_the_latest(staffed: App) -> None:
    original = log(staffed)
    first = staffed.incidents.correct(original.short_id, actor="comms", severity=4)
    second = staffed.incidents.correct(first.short_id, actor="comms", severity=5)
    before = counts(staffed)
    for stale in (original, first):
        with pytest.raises(ConflictError) as refused:
            staffed.incidents.correct(stale.short_id, actor="comms", severity=1)
        assert str(refused.value) == (
            f"Incident {stale.short_id} has already been corrected; "
            f"correct its latest version {second.short_id} instead."
        )
    assert counts(staffed) == before
    third = staffed.incidents.correct(second.short_id, actor="comms", severity=1)  # the advice works
    assert third.corrects_id == second.id


def test_a_correction_that_changes_nothing_is_refused(staffed: App) -> None:
    original = log(staffed, "Crowd at gate 3", location="Gate 3", at="14:00")
    before = counts(staffed)
    for same in (
        {},
        {"description": " Crowd at gate 3 "},
        {"severity": "3"},
        {"category": "Crowd density"},
        {"location": "Gate 3"},
        {"at": "14:00"},
        {"reason": "just because"},
    ):
        with pytest.raises(ValidationError, match="changes nothing"):
            staffed.incidents.correct(original.short_id, actor="comms", **same)  # type: ignore[arg-type]
    assert counts(staffed) == before


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"severity": 9}, ValidationError, "out of range"),
        ({"category": "arrivals"}, ValidationError, "not used in protest"),
        ({"category": "major-incident"}, ValidationError, "new METHANE report"),
        ({"description": ""}, ValidationError, "description is empty"),
        ({"severity": 4, "reason": "r" * 301}, ValidationError, "The reason is 301 characters long; the limit is 300"),
        ({"at": "2026-03-29T03:30"}, ValidationError, "does not exist"),
        ({"actor": "watcher"}, PermissionDeniedError, "observer"),
        ({"actor": "ghost"}, NotFoundError, "No user named 'ghost'"),
    ],
)
def test_refused_corrections_write_nothing(
    staffed: App, change: dict[str, object], error: type[CrowdOpsError], message: str
) -> None:
    original = log(staffed)
    before = counts(staffed)
    arguments: dict[str, object] = {"actor": "comms", **change}
    with pytest.raises(error, match=message):
        staffed.incidents.correct(original.short_id, **arguments)  # type: ignore[arg-type]
    assert counts(staffed) == before


@pytest.mark.parametrize(
    ("ref", "error", "message"),
    [
        ("abc", ValidationError, "not an incident id"),
        ("zzzz1234", ValidationError, "not an incident id"),
        ("", ValidationError, "not an incident id"),
        ("%%%%", ValidationError, "not an incident id"),
        ("ffffffff", NotFoundError, "No incident with id ffffffff"),
    ],
)
def test_incident_references(staffed: App, ref: str, error: type[CrowdOpsError], message: str) -> None:
    log(staffed)
    with pytest.raises(error, match=message):
        staffed.incidents.get(ref)


def test_references_accept_full_dashed_ids_and_refuse_ambiguous_prefixes(staffed: App) -> None:
    record = log(staffed)
    assert staffed.incidents.get(str(record.id).upper()) == record
    assert staffed.incidents.get(str(record.id)[:6]) == record
    # Two entries whose ids share their first 8 characters (written directly, as ids are random otherwise).
    user_id = staffed.users.get("comms").id
    with staffed.db.write() as session:
        for digit in "12":
            twin_id = uuid.UUID("abcd0000" + digit * 24)
            session.add(
                Incident(
                    id=twin_id,
                    operation_id=op_of(staffed).id,
                    root_id=twin_id,
                    occurred_at=NOW,
                    logged_at=NOW,
                    logged_by=user_id,
                    category="medical",
                    severity=2,
                    location="",
                    source="officer",
                    description=f"twin {digit}",
                    correction_reason="",
                )
            )
    with pytest.raises(ValidationError, match="ambiguous: give more of its characters"):
        staffed.incidents.get("abcd0000")
    assert staffed.incidents.get("abcd00001").description == "twin 1"
    assert staffed.incidents.get("ABCD0000-2222").description == "twin 2"


def test_history_follows_the_chain_even_when_every_version_has_the_same_time(staffed: App) -> None:
    # The clock does not move: all versions share logged_at, so only the corrects_id links give the order.
    original = log(staffed, "v0")
    chain = [original]
    for n in range(1, 9):
        chain.append(staffed.incidents.correct(chain[-1].short_id, actor="comms", description=f"v{n}"))
    versions = staffed.incidents.history(original.id)
    assert [v.description for v in versions] == [f"v{n}" for n in range(9)]
    assert [v.id for v in versions] == [v.id for v in chain]
    assert timeline(staffed) == [chain[-1]]


def test_history_of_a_missing_incident(staffed: App) -> None:
    with pytest.raises(NotFoundError):
        staffed.incidents.history(uuid.uuid4())


# -- listing and filters ------------------------------------------------------------------------------------


@pytest.fixture
def varied(staffed: App, clock: FakeClock) -> App:
    """Entries at 10:00..14:00 Athens time (07:00..11:00 UTC), of several categories and severities."""
    for hour, category, severity, description in [
        (10, "medical", 2, "Person fainted near the fountain"),
        (11, "crowd-density", 4, "Dense crowd on Stadiou"),
        (12, "disorder", 5, "Bottles thrown at Syntagma"),
        (13, "medical", 3, "Heat exhaustion, two treated"),
        (14, "road-closure", 1, "Panepistimiou closed"),
    ]:
        log(staffed, description, category=category, severity=severity, at=f"{hour:02d}:00")
        clock.advance(seconds=1)
    return staffed


def test_list_is_newest_first(varied: App) -> None:
    times = [r.occurred_at for r in timeline(varied)]
    assert times == sorted(times, reverse=True)
    assert times[0] == datetime(2026, 5, 1, 11, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"category": "medical"}, ["Heat exhaustion, two treated", "Person fainted near the fountain"]),
        ({"category": "Crowd density"}, ["Dense crowd on Stadiou"]),
        ({"min_severity": 4}, ["Bottles thrown at Syntagma", "Dense crowd on Stadiou"]),
        ({"min_severity": "5"}, ["Bottles thrown at Syntagma"]),
        ({"since": "2026-05-01T13:00"}, ["Panepistimiou closed", "Heat exhaustion, two treated"]),
        ({"until": "2026-05-01T10:59"}, ["Person fainted near the fountain"]),
        (
            {"since": "2026-05-01T11:00", "until": "2026-05-01T12:00"},
            ["Bottles thrown at Syntagma", "Dense crowd on Stadiou"],
        ),
        ({"since": "2026-05-01T08:00Z", "until": "2026-05-01T08:00Z"}, ["Dense crowd on Stadiou"]),
        ({"since": "2026-05-02"}, []),
        ({"search": "crowd"}, ["Dense crowd on Stadiou"]),
        ({"search": "CROWD stad"}, ["Dense crowd on Stadiou"]),
        ({"search": "crowd fountain"}, []),
        ({"search": "medical"}, []),  # the category is not searched text
        ({"category": "medical", "min_severity": 3, "search": "heat"}, ["Heat exhaustion, two treated"]),
    ],
)
def test_filters(varied: App, filters: dict[str, object], expected: list[str]) -> None:
    assert [r.description for r in timeline(varied, **filters)] == expected


@pytest.fixture
def around_midnight(staffed: App) -> App:
    """Entries just before, at and after midnight between 30 April and 1 May, Athens time."""
    for at, description in [
        ("2026-04-30T00:00", "start of 30 April"),
        ("2026-04-30T23:59:59.999", "end of 30 April"),
        ("2026-05-01T00:00", "start of 1 May"),
        ("2026-05-01T14:00", "afternoon of 1 May"),
    ]:
        log(staffed, description, at=at)
    return staffed


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"until": "2026-04-30"}, ["end of 30 April", "start of 30 April"]),
        ({"until": "2026-05-01"}, ["afternoon of 1 May", "start of 1 May", "end of 30 April", "start of 30 April"]),
        ({"since": "2026-05-01"}, ["afternoon of 1 May", "start of 1 May"]),
        ({"since": "2026-04-30", "until": "2026-04-30"}, ["end of 30 April", "start of 30 April"]),
        ({"since": "2026-05-01", "until": "2026-05-01"}, ["afternoon of 1 May", "start of 1 May"]),
        ({"until": "2026-04-29"}, []),
    ],
)
def test_a_date_alone_as_a_bound_means_the_whole_day_in_the_operations_zone(
    around_midnight: App, filters: dict[str, object], expected: list[str]
) -> None:
    assert [r.description for r in timeline(around_midnight, **filters)] == expected


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"category": "arrivals"}, "not used in protest"),
        ({"min_severity": 0}, "out of range"),
        ({"min_severity": "x"}, "not a number"),
        ({"since": "yesterday"}, "Cannot read"),
        ({"until": "2026-02-30"}, "not a real date"),
        ({"since": "2026-05-01T12:00", "until": "2026-05-01T11:00"}, "before its start"),
    ],
)
def test_bad_filters_are_refused(varied: App, filters: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        timeline(varied, **filters)


def test_limits(staffed: App, clock: FakeClock) -> None:
    for n in range(DEFAULT_LIMIT + 5):
        log(staffed, f"entry {n}")
        clock.advance(seconds=1)
    query = TimelineQuery(op_of(staffed).id)
    newest = staffed.incidents.list(query)
    assert DEFAULT_LIMIT == 100
    assert len(newest) == DEFAULT_LIMIT
    assert newest[0].description == f"entry {DEFAULT_LIMIT + 4}"
    assert len(staffed.incidents.list(query, limit=0)) == DEFAULT_LIMIT + 5
    assert [r.description for r in staffed.incidents.list(query, limit=2)] == ["entry 104", "entry 103"]
    with pytest.raises(ValidationError, match="cannot be negative"):
        staffed.incidents.list(query, limit=-1)


def test_listing_is_per_operation(staffed: App) -> None:
    log(staffed, "in Athens")
    other = staffed.operations.create("Thessaloniki", "protest", actor="cmdr")
    staffed.incidents.log(other.id, IncidentInput("medical", 2, "in Thessaloniki"), actor="comms")
    assert [r.description for r in timeline(staffed)] == ["in Athens"]
    assert [r.description for r in staffed.incidents.list(TimelineQuery(other.id))] == ["in Thessaloniki"]


# -- literal search -----------------------------------------------------------------------------------------

HOSTILE = [
    '"',
    '"quoted',
    'say "hi"',
    "*",
    "gate*",
    "NEAR(",
    "NEAR(crowd gate)",
    "NEAR(crowd gate, 2)",
    "-",
    "-minus",
    "gate -crowd",
    "AND",
    "OR",
    "NOT",
    "crowd AND gate",
    "crowd OR zebra",
    ":",
    "description:",
    "location:gate",
    "^",
    "^caret",
    "{description}: crowd",
    "(crowd)",
    "a + b",
    "_",
    "x\x00y",
    "'; DROP TABLE incidents; --",
    "Σύνταγμα",
    "مخيم",
]

_TOKEN = re.compile(r"[^\W_]+")


@pytest.fixture
def searchable(staffed: App) -> App:
    log(staffed, 'Crowd AND gate NEAR( the "quoted" OR square: -minus ^caret say hi', location="gate 3")
    log(staffed, "Συγκέντρωση στο Σύνταγμα, ένταση", location="Αθήνα")
    log(staffed, "Άφιξη οικογενειών", category="transport", location="Πειραιάς")
    log(staffed, "crowd only")
    return staffed


@pytest.mark.parametrize("query", HOSTILE)
def test_search_never_fails_and_matches_only_literally(searchable: App, query: str) -> None:
    before = counts(searchable)
    found = timeline(searchable, search=query)
    words = _TOKEN.findall(fold(query) or "")
    for record in found:
        text_words = _TOKEN.findall(fold(f"{record.description} {record.location}") or "")
        assert all(any(t.startswith(w) for t in text_words) for w in words), (query, record.description)
    if fts_query(query) is None:
        assert found == []
    assert counts(searchable) == before


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("AND", 1),
        ("OR square", 1),
        ("NEAR(", 1),
        ('"quoted', 1),
        ("-minus", 1),
        ("^caret", 1),
        ("gate*", 1),
        ("crowd", 2),
        ("crowd OR zebra", 0),  # OR is a word that must be there, and zebra is not
        ("location:gate", 0),
        ("*", 0),
        ('say "hi"', 1),
    ],
)
def test_search_treats_syntax_as_words(searchable: App, query: str, expected: int) -> None:
    assert len(timeline(searchable, search=query)) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Σύνταγμα", "Συγκέντρωση στο Σύνταγμα, ένταση"),
        ("ΣΎΝΤΑΓΜΑ", "Συγκέντρωση στο Σύνταγμα, ένταση"),
        ("σύντ", "Συγκέντρωση στο Σύνταγμα, ένταση"),
        ("συνταγμα", "Συγκέντρωση στο Σύνταγμα, ένταση"),  # without the tonos
        ("ΣΥΝΤΑΓΜΑ", "Συγκέντρωση στο Σύνταγμα, ένταση"),  # capitals carry no accents
        ("ΑΦΙΞΗ", "Άφιξη οικογενειών"),
        ("αθήνα", "Συγκέντρωση στο Σύνταγμα, ένταση"),  # the location is searched too
        ("οικογενειών", "Άφιξη οικογενειών"),
        ("Πειραιάς", "Άφιξη οικογενειών"),
    ],
)
def test_greek_search(searchable: App, query: str, expected: str) -> None:
    assert [r.description for r in timeline(searchable, search=query)] == [expected]


# -- keyset paging ------------------------------------------------------------------------------------------


def test_keyset_paging_returns_every_row_once_when_timestamps_tie(staffed: App, clock: FakeClock) -> None:
    # 23 entries share one occurred_at and logged_at, 7 more are spread out; 3 of the tied ones are corrected.
    tied = [log(staffed, f"tied {n}", at="14:00") for n in range(23)]
    for n in range(7):
        clock.advance(seconds=30)
        log(staffed, f"spread {n}", at=f"13:{n:02d}")
    for record in tied[:3]:
        staffed.incidents.correct(record.short_id, actor="comms", severity=5)
    flt = staffed.incidents.store_filter(TimelineQuery(op_of(staffed).id))
    everything = staffed.incidents.page(flt, None)
    assert len(everything) == 30

    for size in (1, 4, 7, 30, 31):
        seen: list[IncidentRecord] = []
        after = None
        for _ in range(len(everything) + 2):  # a key that does not move on must fail, not loop forever
            page = staffed.incidents.page(flt, size, after)
            assert len(page) <= size
            if not page:
                break
            seen.extend(page)
            after = page_key(page[-1])
        else:
            pytest.fail(f"paging by {size} never ended")
        assert [r.id for r in seen] == [r.id for r in everything], size
        assert len({r.id for r in seen}) == 30


def test_paging_respects_filters(varied: App) -> None:
    flt = varied.incidents.store_filter(TimelineQuery(op_of(varied).id, category="medical"))
    first = varied.incidents.page(flt, 1)
    second = varied.incidents.page(flt, 1, page_key(first[0]))
    assert [r.description for r in first + second] == [
        "Heat exhaustion, two treated",
        "Person fainted near the fountain",
    ]
    assert varied.incidents.page(flt, 1, page_key(second[0])) == []


def test_a_search_with_nothing_searchable_finds_nothing(searchable: App) -> None:
    flt = searchable.incidents.store_filter(TimelineQuery(op_of(searchable).id, search=" * - ^ "))
    assert flt.nothing and flt.fts is None
    assert searchable.incidents.page(flt, None) == []
    blank = searchable.incidents.store_filter(TimelineQuery(op_of(searchable).id, search="   "))
    assert not blank.nothing
    assert len(searchable.incidents.page(blank, None)) == 4
