"""Users and their roles, operations and the shared current operation, and the demo builder."""

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

import crowdops.domain.passphrases as passphrases
import crowdops.services.demo as demo_module
from crowdops.app import App, build_app
from crowdops.domain.categories import MAJOR_INCIDENT, categories_for
from crowdops.domain.enums import OperationKind, Phase, Role
from crowdops.domain.errors import (
    ConflictError,
    CrowdOpsError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from crowdops.services.context import ServiceContext
from crowdops.services.demo_content import DEMO_OPERATIONS, DEMO_USERS
from crowdops.services.events import CurrentOperationChanged, Event, OperationsChanged
from crowdops.services.incidents import IncidentInput, TimelineQuery
from crowdops.store.database import open_database
from crowdops.store.models import Incident, Operation, User
from tests.conftest import FakeClock


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash with a small scrypt cost (recorded in the hash, so verification runs the real code)."""
    monkeypatch.setattr(passphrases, "_N", 2**8)


def counts(app: App) -> dict[str, int]:
    with app.db.read() as session:
        return {
            table: session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("users", "operations", "incidents", "settings")
        }


@pytest.fixture
def events(app: App) -> list[Event]:
    seen: list[Event] = []
    app.context.bus.subscribe(seen.append)
    return seen


# -- users --------------------------------------------------------------------------------------------------


def test_the_first_user_needs_no_actor(app: App) -> None:
    first = app.users.add("  Eleni  ", "Commander", "secret-1")
    assert (first.name, first.role) == ("Eleni", Role.COMMANDER)
    assert app.users.list() == [first]


def test_once_a_commander_exists_a_commander_must_add_users(app: App) -> None:
    app.users.add("eleni", "commander", "secret-1")
    before = counts(app)
    with pytest.raises(PermissionDeniedError, match="Only a commander may add users: name one with --as"):
        app.users.add("kostas", "comms", "secret-2")
    assert counts(app) == before
    added = app.users.add("kostas", "comms", "secret-2", actor="ELENI")  # names are case-insensitive
    assert added.role is Role.COMMS
    second = app.users.add("maria", "commander", "secret-3", actor="eleni")
    assert [u.name for u in app.users.list()] == ["eleni", "kostas", "maria"]
    assert second.role is Role.COMMANDER


@pytest.mark.parametrize("actor", ["comms", "trainer", "watcher"])
def test_only_commanders_add_users(staffed: App, actor: str) -> None:
    before = counts(staffed)
    with pytest.raises(PermissionDeniedError, match=rf"{actor} is an? .*; only a commander may add users"):
        staffed.users.add("newbie", "observer", "secret-9", actor=actor)
    assert counts(staffed) == before


@pytest.mark.parametrize(
    ("name", "role", "passphrase", "actor", "error", "message"),
    [
        ("CMDR", "comms", "secret-9", "cmdr", ConflictError, "A user named 'CMDR' already exists"),
        ("  comms ", "comms", "secret-9", "cmdr", ConflictError, "already exists"),
        ("", "comms", "secret-9", "cmdr", ValidationError, "name is empty"),
        ("   ", "comms", "secret-9", "cmdr", ValidationError, "name is empty"),
        ("x" * 81, "comms", "secret-9", "cmdr", ValidationError, "longer than 80"),
        ("nikos", "admin", "secret-9", "cmdr", ValidationError, "Unknown role 'admin': use one of commander"),
        ("nikos", "comms", "abc", "cmdr", ValidationError, "too short"),
        ("nikos", "comms", "secret-9", "ghost", NotFoundError, "No user named 'ghost'"),
    ],
)
def test_refused_user_additions_write_nothing(
    staffed: App,
    name: str,
    role: str,
    passphrase: str,
    actor: str,
    error: type[CrowdOpsError],
    message: str,
) -> None:
    before = counts(staffed)
    with pytest.raises(error, match=message):
        staffed.users.add(name, role, passphrase, actor=actor)
    assert counts(staffed) == before


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Ελένη", "ΕΛΈΝΗ"),  # Greek: NOCASE folds ASCII only
        ("Οδυσσέας", "ΟΔΥΣΣΈΑΣ"),  # a final sigma folds like any other
        ("Jürgen Groß", "JÜRGEN GROSS"),  # ß folds to ss
        ("Ольга", "ОЛЬГА"),
        ("Eléna", "ELE\u0301NA"),  # an accent typed as a combining mark is the same accent
    ],
)
def test_user_names_are_one_name_whatever_their_case_in_any_script(app: App, first: str, second: str) -> None:
    app.users.add(first, "commander", "secret-1")
    before = counts(app)
    with pytest.raises(ConflictError, match=f"A user named '{second}' already exists"):
        app.users.add(second, "comms", "secret-2", actor=first)
    assert counts(app) == before
    assert app.users.get(second).name == first
    assert app.users.add("someone", "comms", "secret-2", actor=second).role is Role.COMMS


def test_accents_still_tell_names_apart(app: App) -> None:
    app.users.add("Elena", "commander", "secret-1")
    assert app.users.add("Eléna", "comms", "secret-2", actor="ELENA").name == "Eléna"
    assert app.users.get("ELÉNA").name == "Eléna"
    assert [u.name for u in app.users.list()] == ["Elena", "Eléna"]


def test_passphrases_are_stored_hashed_and_authenticate(staffed: App) -> None:
    with staffed.db.read() as session:
        stored = session.scalars(select(User.passphrase_hash).where(User.name == "comms")).one()
    assert stored.startswith("scrypt$") and "secret-2" not in stored
    assert staffed.users.authenticate("COMMS", "secret-2").name == "comms"
    with pytest.raises(PermissionDeniedError, match="Wrong passphrase for comms"):
        staffed.users.authenticate("comms", "secret-1")
    with pytest.raises(NotFoundError):
        staffed.users.authenticate("nobody", "secret-2")


def test_user_lookup(staffed: App) -> None:
    assert staffed.users.get(" Watcher ").role is Role.OBSERVER
    with pytest.raises(NotFoundError, match="No user named 'ghost'"):
        staffed.users.get("ghost")


# -- operations ---------------------------------------------------------------------------------------------


def test_create_operation(app: App, clock: FakeClock, events: list[Event]) -> None:
    app.users.add("cmdr", "commander", "secret-1")
    op = app.operations.create(
        "  Cup Final  ", "EVENT", timezone="Europe/Berlin", area=" Olympiastadion ", phase="During", actor="cmdr"
    )
    assert (op.name, op.kind, op.phase, op.timezone, op.area) == (
        "Cup Final",
        OperationKind.EVENT,
        Phase.DURING,
        "Europe/Berlin",
        "Olympiastadion",
    )
    assert op.exercise is False
    assert op.created_at == clock.now
    assert op.tz.key == "Europe/Berlin"
    assert events == [OperationsChanged()]
    assert app.operations.get("cup final") == op
    with app.db.read() as session:
        creator = session.scalars(select(Operation.created_by)).one()
        assert creator == app.users.get("cmdr").id


def test_defaults(app: App) -> None:
    op = app.operations.create("Plain", "protest")  # no users yet: no one to name
    assert (op.timezone, op.phase, op.area, op.exercise) == ("UTC", Phase.BEFORE, "", False)


@pytest.mark.parametrize(
    ("exercise", "message"),
    [
        (False, "Only a commander may create a live operation: name one with --as."),
        (True, "Only a commander or a trainer may create an exercise: name one with --as."),
    ],
)
def test_once_any_user_exists_creating_an_operation_needs_an_actor(app: App, exercise: bool, message: str) -> None:
    app.users.add("kostas", "observer", "secret-1")  # any user, not only a commander, ends the open start
    before = counts(app)
    with pytest.raises(PermissionDeniedError) as refused:
        app.operations.create("Riot drill", "protest", exercise=exercise)
    assert str(refused.value) == message
    assert counts(app) == before


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ({"kind": "riot"}, ValidationError, "Unknown operation kind 'riot': use one of protest, event, migration"),
        ({"timezone": "Europe/Atlantis"}, ValidationError, "Unknown time zone 'Europe/Atlantis'"),
        ({"timezone": "athens"}, ValidationError, "Unknown time zone"),
        ({"phase": "soon"}, ValidationError, "Unknown phase 'soon'"),
        ({"name": ""}, ValidationError, "name is empty"),
        ({"name": "x" * 121}, ValidationError, "longer than 120"),
        ({"name": "athens march"}, ConflictError, "An operation named 'athens march' already exists"),
        ({"name": " Athens March "}, ConflictError, "already exists"),
        ({"actor": "comms"}, PermissionDeniedError, "comms is a comms officer and may not create or change a live"),
        ({"actor": "watcher"}, PermissionDeniedError, "may not create"),
        ({"actor": "trainer"}, PermissionDeniedError, "trainer is a trainer and may not create or change a live"),
        ({"actor": "trainer", "exercise": False}, PermissionDeniedError, "live"),
        ({"actor": "comms", "exercise": True}, PermissionDeniedError, "exercise"),
        ({"actor": "ghost"}, NotFoundError, "No user named 'ghost'"),
    ],
)
def test_refused_operations_write_nothing(
    staffed: App, events: list[Event], args: dict[str, object], error: type[CrowdOpsError], message: str
) -> None:
    events.clear()
    arguments: dict[str, object] = {"name": "Riot drill", "kind": "protest", "actor": "cmdr", **args}
    before = counts(staffed)
    with pytest.raises(error, match=message):
        staffed.operations.create(**arguments)  # type: ignore[arg-type]
    assert counts(staffed) == before
    assert events == []


def test_operation_names_are_one_name_whatever_their_case_in_any_script(staffed: App) -> None:
    made = staffed.operations.create("Πορεία Συντάγματος", "protest", actor="cmdr")
    before = counts(staffed)
    with pytest.raises(ConflictError, match="An operation named 'ΠΟΡΕΊΑ ΣΥΝΤΆΓΜΑΤΟΣ' already exists"):
        staffed.operations.create("ΠΟΡΕΊΑ ΣΥΝΤΆΓΜΑΤΟΣ", "event", actor="cmdr")
    assert counts(staffed) == before
    assert staffed.operations.get("πορεία συντάγματος") == made
    assert staffed.operations.use("ΠΟΡΕΊΑ ΣΥΝΤΆΓΜΑΤΟΣ") == made
    assert staffed.operations.set_phase("ΠΟΡΕΊΑ ΣΥΝΤΆΓΜΑΤΟΣ", "during", actor="CMDR").name == made.name


def test_a_trainer_may_create_an_exercise(staffed: App) -> None:
    drill = staffed.operations.create("Drill", "migration", exercise=True, actor="trainer")
    assert drill.exercise is True


def test_use_and_current_are_shared_through_the_database(staffed: App, db_path: Path, clock: FakeClock) -> None:
    """`op use` in the CLI is what the GUI (another App over the same file) shows as current."""
    other = build_app(ServiceContext(db=open_database(db_path), clock=clock))
    try:
        assert other.operations.current() == staffed.operations.get("Athens March")
        seen: list[Event] = []
        staffed.context.bus.subscribe(seen.append)
        second = staffed.operations.create("Berlin", "event", actor="cmdr")
        chosen = staffed.operations.use("BERLIN")
        assert chosen == second
        assert seen[-1] == CurrentOperationChanged(second.id)
        assert other.operations.current() == second
        assert other.operations.resolve(None) == second
        assert other.operations.resolve("Athens March").name == "Athens March"  # a name overrides the current one
    finally:
        other.close()
    with staffed.db.read() as session:
        assert session.execute(text("SELECT count(*) FROM settings WHERE key = 'current_operation'")).scalar() == 1


def test_no_current_operation(app: App) -> None:
    assert app.operations.current() is None
    with pytest.raises(NotFoundError, match="No operation is selected: create one with 'op create'"):
        app.operations.resolve(None)
    with pytest.raises(NotFoundError, match="No operation named 'Nowhere'"):
        app.operations.use("Nowhere")
    assert counts(app)["settings"] == 1  # only the installation id that names the audit key


def test_listing_is_newest_first(staffed: App, clock: FakeClock) -> None:
    clock.advance(hours=1)
    staffed.operations.create("Later", "event", actor="cmdr")
    assert [o.name for o in staffed.operations.list()] == ["Later", "Athens March"]


def test_set_phase(staffed: App) -> None:
    assert staffed.operations.set_phase("athens march", "after", actor="cmdr").phase is Phase.AFTER
    assert staffed.operations.get("Athens March").phase is Phase.AFTER
    with pytest.raises(PermissionDeniedError):
        staffed.operations.set_phase("Athens March", "during", actor="comms")
    with pytest.raises(ValidationError, match="Unknown phase"):
        staffed.operations.set_phase("Athens March", "whenever", actor="cmdr")
    assert staffed.operations.get("Athens March").phase is Phase.AFTER


def test_categories_follow_the_kind_of_the_operation(staffed: App) -> None:
    border = staffed.operations.create("Border", "migration", actor="cmdr")
    logged = staffed.incidents.log(border.id, IncidentInput("Arrivals", 2, "Bus with 50 people"), actor="comms")
    assert logged.category == "arrivals"
    athens = staffed.operations.get("Athens March")
    with pytest.raises(ValidationError, match="not used in protest operations"):
        staffed.incidents.log(athens.id, IncidentInput("arrivals", 2, "Bus with 50 people"), actor="comms")


# -- demo ---------------------------------------------------------------------------------------------------


def _incidents_by_operation(app: App) -> dict[str, list[Incident]]:
    with app.db.read() as session:
        result: dict[str, list[Incident]] = {}
        for op in session.scalars(select(Operation)):
            result[op.name] = list(session.scalars(select(Incident).where(Incident.operation_id == op.id)))
        return result


def test_demo_builds_four_operations_with_a_day_of_incidents(app: App, clock: FakeClock) -> None:
    result = app.demo.build()
    ops = {o.name: o for o in app.operations.list()}
    assert len(ops) == 4
    assert sorted(result.operations_created) == sorted(ops)
    assert {o.kind for o in ops.values()} == set(OperationKind)
    assert [o.name for o in ops.values() if o.exercise] == ["Exercise Stadium Evacuation"]
    assert result.users_created == [name for name, _ in DEMO_USERS]
    assert result.passphrase == "demo"
    assert app.users.authenticate("Papadaki", "demo").role is Role.COMMANDER

    by_op = _incidents_by_operation(app)
    assert result.incidents_created == sum(len(v) for v in by_op.values())
    for script in DEMO_OPERATIONS:
        entries = by_op[script.name]
        op = ops[script.name]
        originals = [e for e in entries if e.corrects_id is None]
        corrections = [e for e in entries if e.corrects_id is not None]
        methane = [e for e in entries if e.category == MAJOR_INCIDENT]
        allowed = {c.slug for c in categories_for(op.kind)}
        assert {e.category for e in entries} <= allowed, script.name
        assert all(clock.now - timedelta(hours=24) <= e.occurred_at <= clock.now for e in entries)
        assert all(e.logged_at <= clock.now for e in entries)
        corrected = {e.corrects_id for e in corrections}
        assert len(corrected) == len(corrections)  # never a fork
        assert corrected <= {e.id for e in entries}
        if not op.exercise:
            assert len(originals) >= 200, script.name
            assert corrections, script.name
        if not op.exercise and op.kind is not OperationKind.MIGRATION:
            assert len(methane) == 1, script.name
            report = json.loads(methane[0].methane_json or "{}")
            assert report["incident_type"] and methane[0].severity == 5
    assert sum(1 for v in by_op.values() for e in v if e.methane_json) >= 1
    current = app.operations.current()
    assert current is not None and current.name == "Athens March"
    # The demo timeline is usable: corrections hide their originals, history links them.
    timeline = app.incidents.list(TimelineQuery(current.id), limit=0)
    corrected_ids = {e.corrects_id for e in by_op["Athens March"] if e.corrects_id}
    assert not corrected_ids & {r.id for r in timeline}
    assert len(timeline) == len(by_op["Athens March"]) - len(corrected_ids)


def test_demo_twice_adds_nothing(app: App) -> None:
    first = app.demo.build()
    before = counts(app)
    second = app.demo.build()
    assert counts(app) == before
    assert second.operations_created == [] and second.users_created == []
    assert sorted(second.operations_skipped) == sorted(first.operations_created)
    assert second.incidents_created == 0


def test_demo_keeps_an_existing_current_operation_and_users(staffed: App) -> None:
    staffed.users.add("PAPADAKI", "commander", "secret-5", actor="cmdr")  # a demo name, spelled differently
    result = staffed.demo.build()
    assert "Papadaki" not in result.users_created
    assert staffed.operations.current().name == "Athens March"  # type: ignore[union-attr]
    # "Athens March" already existed in `staffed`, so the demo left it alone.
    assert "Athens March" in result.operations_skipped
    assert len(staffed.operations.list()) == 4


def test_demo_hashes_the_passphrase_before_taking_the_write_lock(
    app: App, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_hash = demo_module.hash_passphrase

    def hash_while_another_writer_tries(passphrase: str) -> str:
        other = sqlite3.connect(db_path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # "database is locked" if the demo held the write lock
            other.execute("ROLLBACK")
        finally:
            other.close()
        return real_hash(passphrase)

    monkeypatch.setattr(demo_module, "hash_passphrase", hash_while_another_writer_tries)
    assert app.demo.build().users_created


def test_demo_is_reproducible(tmp_path: Path, clock: FakeClock) -> None:
    def build(name: str) -> list[tuple[str, int, str]]:
        app = build_app(ServiceContext(db=open_database(tmp_path / name), clock=clock))
        try:
            app.demo.build(seed=7)
            with app.db.read() as session:
                rows = session.execute(select(Incident.category, Incident.severity, Incident.description))
                return sorted((c, s, d) for c, s, d in rows)
        finally:
            app.close()

    assert build("a.db") == build("b.db")


def test_demo_times_are_utc(app: App) -> None:
    app.demo.build()
    with app.db.read() as session:
        first = session.scalars(select(Incident).limit(1)).one()
    assert first.occurred_at.tzinfo is UTC
    assert first.occurred_at < datetime(2026, 5, 1, 12, tzinfo=UTC)
