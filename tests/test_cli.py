"""The command-line face: commands, JSON output, exit codes, and one-line errors that write nothing."""

import functools
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import crowdops.app as app_module
import crowdops.domain.passphrases as passphrases
from crowdops import __version__
from crowdops.app import build_app
from crowdops.cli.main import main
from crowdops.services.context import ServiceContext
from crowdops.services.incidents import IncidentInput
from crowdops.store.database import migrate, open_database, schema_head
from crowdops.store.engine import create_engine_for
from tests.conftest import FakeClock

ROOT = Path(__file__).resolve().parent.parent
INCIDENT_KEYS = {
    "id",
    "short_id",
    "root_id",
    "corrects_id",
    "operation_id",
    "occurred_at",
    "logged_at",
    "logged_by",
    "category",
    "severity",
    "location",
    "latitude",
    "longitude",
    "source",
    "description",
    "methane",
    "correction_reason",
}
ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture(autouse=True)
def cli_env(monkeypatch: pytest.MonkeyPatch, clock: FakeClock) -> Iterator[None]:
    """Every CLI run in this process: the test's clock, a cheap scrypt cost, a passphrase in the environment,
    and a umask restored after the test (open_app tightens it)."""
    monkeypatch.setattr(app_module, "ServiceContext", functools.partial(ServiceContext, clock=clock))
    monkeypatch.setattr(passphrases, "_N", 2**8)
    monkeypatch.setenv("CROWDOPS_PASSPHRASE", "secret-1")
    monkeypatch.delenv("CROWDOPS_DB", raising=False)
    previous = os.umask(0o022)
    os.umask(previous)
    yield
    os.umask(previous)


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], db_path: Path) -> Run:
    """crowdops --db DB_PATH ARGS... in this process: (exit code, stdout, stderr)."""

    def invoke(*args: str, db: Path | None = db_path) -> tuple[int, str, str]:
        capsys.readouterr()
        argv = (["--db", str(db)] if db is not None else []) + list(args)
        try:
            code = main(argv)
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def ok(run: Run, *args: str) -> str:
    code, out, err = run(*args)
    assert (code, err) == (0, ""), err
    return out


def ok_json(run: Run, *args: str) -> object:
    return json.loads(ok(run, "--json", *args))


def one_line_error(err: str) -> str:
    assert err.startswith("crowdops: "), err
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert "Traceback" not in err
    return err[len("crowdops: ") : -1]


def incident_count(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT count(*) FROM incidents").fetchone()[0]
    finally:
        connection.close()


def table_counts(path: Path) -> dict[str, int]:
    connection = sqlite3.connect(path)
    try:
        return {
            t: connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("users", "operations", "incidents", "incident_fts", "settings")
        }
    finally:
        connection.close()


@pytest.fixture
def ready(run: Run) -> Run:
    """A database with a commander, comms staff, an observer and a current protest operation in Athens."""
    ok(run, "init")
    ok(run, "user", "add", "cmdr", "--role", "commander")
    ok(run, "user", "add", "comms", "--role", "comms", "--as", "cmdr")
    ok(run, "user", "add", "watcher", "--role", "observer", "--as", "cmdr")
    ok(run, "op", "create", "Athens March", "--kind", "protest", "--tz", "Europe/Athens", "--as", "cmdr")
    ok(run, "op", "use", "Athens March")
    return run


# -- setup commands -----------------------------------------------------------------------------------------


def test_version(run: Run, db_path: Path) -> None:
    code, out, _ = run("--version", db=None)
    assert (code, out) == (0, f"crowdops {__version__}\n")
    assert not db_path.exists()


def test_init_creates_and_reports_the_database(run: Run, db_path: Path) -> None:
    out = ok(run, "init")
    assert out == f"Database ready: {db_path} (schema {schema_head()}).\n"
    assert db_path.exists()
    assert ok_json(run, "init") == {"database": str(db_path), "schema": schema_head()}


def test_crowdops_db_environment_variable(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "from-env" / "ops.db"
    monkeypatch.setenv("CROWDOPS_DB", str(target))
    code, out, _ = run("init", db=None)
    assert code == 0 and str(target) in out and target.exists()


def test_user_add_and_list(run: Run, db_path: Path) -> None:
    assert ok(run, "user", "add", "Eleni", "--role", "commander") == "Added Eleni (commander).\n"
    data = ok_json(run, "user", "add", "Kostas", "--role", "comms", "--as", "eleni")
    assert isinstance(data, dict) and set(data) == {"id", "name", "role"}
    assert (data["name"], data["role"]) == ("Kostas", "comms")
    assert ok_json(run, "user", "list") == [
        {"id": data_id, "name": name, "role": role} for data_id, name, role in _users(db_path)
    ]
    assert "Kostas" in ok(run, "user", "list")


def _users(path: Path) -> list[tuple[str, str, str]]:
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute("SELECT id, name, role FROM users ORDER BY name").fetchall()
    finally:
        connection.close()
    return [(str(uuid.UUID(i)), n, r) for i, n, r in rows]


def test_user_add_without_a_passphrase_source_is_refused(
    run: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ok(run, "init")
    monkeypatch.delenv("CROWDOPS_PASSPHRASE")
    monkeypatch.setattr(sys, "stdin", io.StringIO())  # not a terminal, as under cron or a pipe
    code, out, err = run("user", "add", "eleni", "--role", "commander")
    assert (code, out) == (1, "")
    assert one_line_error(err) == "No passphrase: run this in a terminal or set CROWDOPS_PASSPHRASE."
    assert table_counts(db_path)["users"] == 0


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_user_add_prompts_twice_on_a_terminal(run: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ok(run, "init")
    monkeypatch.delenv("CROWDOPS_PASSPHRASE")
    monkeypatch.setattr(sys, "stdin", _Terminal())
    answers = iter(["tty-secret", "tty-secret", "one", "other"])
    prompts: list[str] = []

    def fake_getpass(prompt: str) -> str:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr("crowdops.cli.common.getpass.getpass", fake_getpass)
    assert ok(run, "user", "add", "eleni", "--role", "commander") == "Added eleni (commander).\n"
    assert prompts == ["Passphrase for eleni: ", "Repeat it: "]
    code, _, err = run("user", "add", "kostas", "--role", "comms", "--as", "eleni")
    assert code == 1 and one_line_error(err) == "The two passphrases differ; nothing was changed."
    assert table_counts(db_path)["users"] == 1


def test_user_add_rules(ready: Run, db_path: Path) -> None:
    before = table_counts(db_path)
    code, _, err = ready("user", "add", "newbie", "--role", "comms")
    assert code == 1 and "Only a commander may add users: name one with --as." in one_line_error(err)
    code, _, err = ready("user", "add", "newbie", "--role", "comms", "--as", "comms")
    assert code == 1 and "only a commander may add users" in one_line_error(err)
    code, _, err = ready("user", "add", "CMDR", "--role", "comms", "--as", "cmdr")
    assert code == 1 and one_line_error(err) == "A user named 'CMDR' already exists."
    assert table_counts(db_path) == before


# -- operations ---------------------------------------------------------------------------------------------


def test_op_create_list_use(run: Run) -> None:
    ok(run, "user", "add", "cmdr", "--role", "commander")
    out = ok(run, "op", "create", "Cup Final", "--kind", "event", "--tz", "Europe/Berlin", "--as", "cmdr")
    assert out.startswith("Created operation 'Cup Final' (event, Europe/Berlin).")
    created = ok_json(run, "op", "create", "Drill", "--kind", "event", "--exercise", "--as", "cmdr")
    assert isinstance(created, dict)
    assert set(created) == {"id", "name", "kind", "phase", "timezone", "area", "exercise", "created_at", "current"}
    assert (created["exercise"], created["phase"], created["timezone"]) == (True, "before", "UTC")
    assert created["created_at"] == "2026-05-01T12:00:00Z"

    listed = ok_json(run, "op", "list")
    assert isinstance(listed, list) and not any(o["current"] for o in listed)
    assert ok(run, "op", "use", "cup final") == "Current operation: Cup Final\n"
    listed = ok_json(run, "op", "list")
    assert [o["name"] for o in listed if o["current"]] == ["Cup Final"]  # type: ignore[index]
    table = ok(run, "op", "list")
    assert re.search(r"^\*\s+Cup Final\s+event", table, re.MULTILINE)
    assert re.search(r"^\s+Drill\s+event\s+before\s+UTC\s+EXERCISE", table, re.MULTILINE)
    assert ok(run, "op", "use", "Drill") == "Current operation: Drill (EXERCISE)\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "riot"], "Unknown operation kind 'riot'"),
        (["--kind", "protest", "--tz", "Athens"], "Unknown time zone 'Athens'"),
        (["--kind", "protest", "--phase", "soon"], "Unknown phase 'soon'"),
        (["--kind", "protest", "--as", "comms"], "may not create or change a live operation"),
        (["--kind", "protest", "--as", "ghost"], "No user named 'ghost'"),
        (["--kind", "protest"], "Only a commander may create a live operation: name one with --as."),
    ],
)
def test_op_create_refusals(ready: Run, db_path: Path, args: list[str], message: str) -> None:
    before = table_counts(db_path)
    code, out, err = ready("op", "create", "New op", *args)
    assert (code, out) == (1, "")
    assert message in one_line_error(err)
    assert table_counts(db_path) == before


def test_op_create_duplicate_and_unknown_use(ready: Run, db_path: Path) -> None:
    before = table_counts(db_path)
    code, _, err = ready("op", "create", "ATHENS MARCH", "--kind", "event", "--as", "cmdr")
    assert code == 1 and one_line_error(err) == "An operation named 'ATHENS MARCH' already exists."
    code, _, err = ready("op", "use", "Nowhere")
    assert code == 1 and one_line_error(err) == "No operation named 'Nowhere'."
    assert table_counts(db_path) == before


def test_names_match_whatever_their_case_in_any_script(run: Run, db_path: Path) -> None:
    ok(run, "user", "add", "Ελένη", "--role", "commander")
    before = table_counts(db_path)
    code, _, err = run("user", "add", "ΕΛΈΝΗ", "--role", "comms", "--as", "ελένη")
    assert code == 1 and one_line_error(err) == "A user named 'ΕΛΈΝΗ' already exists."
    assert table_counts(db_path) == before
    ok(run, "op", "create", "Θεσσαλονίκη", "--kind", "event", "--as", "ΕΛΈΝΗ")
    assert ok(run, "op", "use", "ΘΕΣΣΑΛΟΝΊΚΗ") == "Current operation: Θεσσαλονίκη\n"


def test_op_phase(ready: Run) -> None:
    assert ok(ready, "op", "phase", "during", "--as", "cmdr") == "Athens March is now in phase 'during'.\n"
    code, _, err = ready("op", "phase", "after", "--as", "comms")
    assert code == 1 and "may not create or change" in one_line_error(err)


# -- incidents ----------------------------------------------------------------------------------------------


def _add(run: Run, *extra: str) -> dict[str, object]:
    data = ok_json(run, "incident", "add", "--category", "medical", "--severity", "3", "--as", "comms", *extra)
    assert isinstance(data, dict)
    return data


def test_incident_add_json_has_the_documented_keys(ready: Run) -> None:
    data = _add(ready, "--text", "Person collapsed", "--where", "Syntagma", "--lat", "37.97", "--lon", "23.73")
    assert set(data) == INCIDENT_KEYS
    assert data["id"] == data["root_id"] and str(data["id"]).startswith(str(data["short_id"]))
    assert len(str(data["short_id"])) == 8
    assert data["corrects_id"] is None and data["methane"] is None
    assert data["occurred_at"] == data["logged_at"] == "2026-05-01T12:00:00Z"
    assert ISO_Z.match(str(data["occurred_at"]))
    assert (data["category"], data["severity"], data["source"], data["logged_by"]) == ("medical", 3, "officer", "comms")
    assert (data["location"], data["latitude"], data["longitude"]) == ("Syntagma", 37.97, 23.73)
    assert data["description"] == "Person collapsed" and data["correction_reason"] == ""


def test_incident_add_text_output_uses_the_operations_zone(ready: Run) -> None:
    out = ok(ready, "incident", "add", "--category", "medical", "--severity", "4", "--text", "x", "--as", "comms")
    assert re.fullmatch(
        r"Logged [0-9a-f]{8} in Athens March: medical, severity 4 \(serious\), 2026-05-01 15:00 EEST\.\n", out
    )
    data = _add(ready, "--text", "earlier", "--at", "14:30")
    assert data["occurred_at"] == "2026-05-01T11:30:00Z"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--category", "arrivals"], "'arrivals' is not used in protest operations: use one of crowd-density"),
        (["--category", "riot"], "Unknown category 'riot'"),
        (["--severity", "0"], "Severity 0 is out of range"),
        (["--severity", "6"], "Severity 6 is out of range"),
        (["--severity", "abc"], "Severity 'abc' is not a number"),
        (["--text", ""], "The description is empty"),
        (["--text", "   "], "The description is empty"),
        (["--at", "2026-02-30T10:00"], "'2026-02-30T10:00' is not a real date and time"),
        (["--at", "yesterday"], "Cannot read the time 'yesterday'"),
        (["--at", "2026-03-29T03:30"], "does not exist in Europe/Athens: the clocks skipped it"),
        (["--at", "2026-05-01T16:00"], "is in the future"),
        (["--source", "rumour"], "Unknown source 'rumour'"),
        (["--lat", "37.9"], "Give both latitude and longitude"),
        (["--op", "Nowhere"], "No operation named 'Nowhere'"),
        (["--as", "ghost"], "No user named 'ghost'"),
        (["--as", "watcher"], "watcher is an observer and may not log incidents in a live operation"),
        (["--category", "major-incident"], "logged as a METHANE report"),
    ],
)
def test_bad_incident_input_exits_1_with_one_line_and_writes_nothing(
    ready: Run, db_path: Path, args: list[str], message: str
) -> None:
    _add(ready, "--text", "already there")
    before = table_counts(db_path)
    base = {"--category": "medical", "--severity": "3", "--text": "Something happened", "--as": "comms"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    argv = [part for pair in base.items() for part in pair]
    code, out, err = ready("incident", "add", *argv)
    assert (code, out) == (1, "")
    assert message in one_line_error(err)
    assert table_counts(db_path) == before


def test_no_current_operation(run: Run, db_path: Path) -> None:
    ok(run, "user", "add", "cmdr", "--role", "commander")
    code, _, err = run("incident", "add", "--category", "medical", "--severity", "2", "--text", "x", "--as", "cmdr")
    assert code == 1 and one_line_error(err).startswith("No operation is selected")
    assert incident_count(db_path) == 0


def test_op_overrides_the_current_operation(ready: Run) -> None:
    ok(ready, "op", "create", "Border", "--kind", "migration", "--tz", "Europe/Vienna", "--as", "cmdr")
    data = _add(ready, "--text", "at the border", "--op", "border", "--category", "arrivals")
    border = next(o for o in ok_json(ready, "op", "list") if o["name"] == "Border")  # type: ignore[union-attr,index]
    assert data["operation_id"] == border["id"]
    assert ok_json(ready, "incident", "list") == []  # the current operation (Athens March) is untouched
    listed = ok_json(ready, "incident", "list", "--op", "Border")
    assert [i["description"] for i in listed] == ["at the border"]  # type: ignore[union-attr,index]


def test_json_and_db_before_or_after_the_command(ready: Run, db_path: Path) -> None:
    _add(ready, "--text", "findable")
    db = str(db_path)
    expected = ok_json(ready, "incident", "list")
    assert isinstance(expected, list) and len(expected) == 1
    for argv in (
        ["--json", "--db", db, "incident", "list"],
        ["--db", db, "--json", "incident", "list"],
        ["incident", "list", "--json", "--db", db],
        ["incident", "--json", "list", "--db", db],
        ["--json", "incident", "--db", db, "list"],
        ["--db", "/nonexistent/ignored.db", "incident", "list", "--db", db, "--json"],
    ):
        code, out, err = ready(*argv, db=None)
        assert (code, err) == (0, ""), argv
        assert json.loads(out) == expected, argv


def test_list_show_correct_methane_flow(ready: Run, clock: FakeClock) -> None:
    first = _add(ready, "--text", "Crowd pressure at gate 3", "--where", "Gate 3", "--at", "14:00")
    clock.advance(minutes=1)
    second = _add(ready, "--text", "Bottles thrown", "--category", "disorder", "--severity", "4", "--at", "14:10")
    clock.advance(minutes=1)
    methane = ok_json(
        ready,
        "incident",
        "methane",
        "--declared",
        "--exact-location",
        "Omonia square",
        "--type",
        "Crowd crush",
        "--hazards",
        "Collapsed barrier",
        "--access",
        "From Athinas street",
        "--casualties",
        "2 walking wounded",
        "--services",
        "EKAB on scene",
        "--as",
        "cmdr",
    )
    assert isinstance(methane, dict) and set(methane) == INCIDENT_KEYS
    assert methane["category"] == "major-incident" and methane["severity"] == 5
    assert methane["location"] == "Omonia square"
    assert methane["methane"] == {
        "major_incident": True,
        "exact_location": "Omonia square",
        "incident_type": "Crowd crush",
        "hazards": "Collapsed barrier",
        "access": "From Athinas street",
        "casualties": "2 walking wounded",
        "emergency_services": "EKAB on scene",
    }
    assert str(methane["description"]).startswith("MAJOR INCIDENT DECLARED. E: Omonia square.")

    listed = ok_json(ready, "incident", "list")
    assert [i["id"] for i in listed] == [methane["id"], second["id"], first["id"]]  # type: ignore[index,union-attr]

    clock.advance(minutes=1)
    out = ok(
        ready, "incident", "correct", str(first["short_id"]), "--severity", "5", "--reason", "worse", "--as", "cmdr"
    )
    assert re.fullmatch(
        rf"Corrected: new version [0-9a-f]{{8}} replaces {first['short_id']} on the timeline of Athens March\.\n", out
    )
    listed = ok_json(ready, "incident", "list", "--min-severity", "5")
    assert isinstance(listed, list) and len(listed) == 2
    fixed = next(i for i in listed if i["root_id"] == first["id"])
    assert fixed["corrects_id"] == first["id"] and fixed["correction_reason"] == "worse"
    assert fixed["occurred_at"] == "2026-05-01T11:00:00Z"

    shown = ok_json(ready, "incident", "show", str(first["short_id"]))
    assert isinstance(shown, dict) and set(shown) == INCIDENT_KEYS | {"history"}
    assert shown["id"] == fixed["id"]
    assert [v["id"] for v in shown["history"]] == [first["id"], fixed["id"]]
    text = ok(ready, "incident", "show", str(fixed["short_id"]))
    assert text.startswith(f"Incident {fixed['short_id']} in Athens March (2 versions)")
    assert "original" in text and "correction (worse)" in text

    code, _, err = ready("incident", "correct", str(first["short_id"]), "--severity", "1", "--as", "cmdr")
    assert code == 1
    assert one_line_error(err).endswith(f"correct its latest version {fixed['short_id']} instead.")
    code, _, err = ready("incident", "correct", str(fixed["short_id"]), "--severity", "5", "--as", "cmdr")
    assert code == 1 and "changes nothing" in one_line_error(err)

    table = ok(ready, "incident", "list")
    assert table.splitlines()[0] == "Athens March · times in Europe/Athens"
    assert "(corrected) Crowd pressure at gate 3" in table


def test_methane_with_a_blank_field_is_refused(ready: Run, db_path: Path) -> None:
    code, _, err = ready(
        "incident", "methane", "--exact-location", "x", "--type", "y", "--hazards", " ", "--access", "a",
        "--casualties", "0", "--services", "s", "--as", "cmdr",
    )  # fmt: skip
    assert code == 1 and one_line_error(err) == "The METHANE report needs 'Hazards'."
    assert incident_count(db_path) == 0


def test_list_filters_and_search(ready: Run) -> None:
    _add(ready, "--text", "Crowd AND gate NEAR( the OR square", "--at", "13:00")
    _add(ready, "--text", "Συγκέντρωση στο Σύνταγμα", "--at", "14:00", "--category", "crowd-density")
    for query in ['"', "*", "NEAR(", "-", "AND", "OR", ":", "^", "a:b", "x*"]:
        code, out, err = ready("--json", "incident", "list", "--search", query)
        assert (code, err) == (0, ""), query
        assert isinstance(json.loads(out), list)
    assert len(ok_json(ready, "incident", "list", "--search", "NEAR(")) == 1  # type: ignore[arg-type]
    assert len(ok_json(ready, "incident", "list", "--search", "σύνταγμα")) == 1  # type: ignore[arg-type]
    assert len(ok_json(ready, "incident", "list", "--search", "ΣΥΝΤΑΓΜΑ")) == 1  # type: ignore[arg-type]
    assert len(ok_json(ready, "incident", "list", "--category", "crowd density")) == 1  # type: ignore[arg-type]
    assert len(ok_json(ready, "incident", "list", "--since", "2026-05-01T13:30")) == 1  # type: ignore[arg-type]
    assert len(ok_json(ready, "incident", "list", "--until", "2026-05-01T13:30")) == 1  # type: ignore[arg-type]
    assert ok(ready, "incident", "list", "--search", "zebra") == "No incidents match these filters.\n"
    code, _, err = ready("incident", "list", "--min-severity", "7")
    assert code == 1 and "out of range" in one_line_error(err)
    code, _, err = ready("incident", "list", "--limit", "-1")
    assert code == 1 and "cannot be negative" in one_line_error(err)


def test_list_until_a_date_includes_that_whole_day(ready: Run) -> None:
    _add(ready, "--text", "late on 30 April", "--at", "2026-04-30T23:50")
    _add(ready, "--text", "early on 1 May", "--at", "2026-05-01T00:10")
    _add(ready, "--text", "noon on 1 May", "--at", "2026-05-01T12:00")

    def listed(*bounds: str) -> list[str]:
        return [i["description"] for i in ok_json(ready, "incident", "list", *bounds)]  # type: ignore[union-attr,index]

    assert listed("--until", "2026-04-30") == ["late on 30 April"]
    assert listed("--until", "2026-05-01") == ["noon on 1 May", "early on 1 May", "late on 30 April"]
    assert listed("--since", "2026-05-01") == ["noon on 1 May", "early on 1 May"]
    assert listed("--since", "2026-05-01", "--until", "2026-05-01") == ["noon on 1 May", "early on 1 May"]


def test_empty_timeline_message(ready: Run) -> None:
    assert ok(ready, "incident", "list") == "No incidents in Athens March yet.\n"


def test_list_default_limit_is_100_newest_first_and_limit_0_is_all(ready: Run, db_path: Path, clock: FakeClock) -> None:
    app = build_app(ServiceContext(db=open_database(db_path), clock=clock))
    try:
        op = app.operations.current()
        assert op is not None
        for n in range(105):
            app.incidents.log(op.id, IncidentInput("medical", 2, f"entry {n:03d}"), actor="comms")
            clock.advance(seconds=10)
    finally:
        app.close()
    default = ok_json(ready, "incident", "list")
    assert isinstance(default, list) and len(default) == 100
    assert [i["description"] for i in default] == [f"entry {n:03d}" for n in range(104, 4, -1)]
    everything = ok_json(ready, "incident", "list", "--limit", "0")
    assert isinstance(everything, list) and len(everything) == 105
    assert len(ok_json(ready, "incident", "list", "--limit", "7")) == 7  # type: ignore[arg-type]
    table = ok(ready, "incident", "list")
    assert table.rstrip().endswith("(newest 100 shown; --limit 0 shows all)")
    assert len(table.splitlines()) == 1 + 1 + 100 + 1


def test_demo_command(ready: Run) -> None:
    data = ok_json(ready, "demo")
    assert isinstance(data, dict)
    assert set(data) == {
        "users_created",
        "operations_created",
        "operations_skipped",
        "incidents_created",
        "channels_created",
        "messages_created",
    }
    assert data["operations_skipped"] == ["Athens March"] and len(data["operations_created"]) == 3
    assert data["messages_created"] == 1  # the exercise's; none in the user's own "Athens March"
    again = ok_json(ready, "demo")
    assert again["operations_created"] == [] and again["incidents_created"] == 0  # type: ignore[index]


# -- usage errors -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["frobnicate"],
        ["incident"],
        ["incident", "add", "--severity", "3", "--text", "x", "--as", "comms"],  # no --category
        ["incident", "add", "--category", "medical", "--severity", "3", "--text", "x"],  # no --as
        ["incident", "list", "--limit", "abc"],
        ["incident", "add", "--category", "medical", "--severity", "3", "--text", "x", "--as", "c", "--lat", "n"],
        ["op", "create", "Name"],  # no --kind
        ["op"],
        ["user", "add", "x"],  # no --role
        ["--no-such-option", "init"],
    ],
)
def test_usage_errors_exit_2(ready: Run, db_path: Path, argv: list[str]) -> None:
    before = table_counts(db_path)
    code, out, err = ready(*argv)
    assert code == 2
    assert out == ""
    assert "usage: crowdops" in err and "Traceback" not in err
    assert table_counts(db_path) == before


# -- files that are not sound CrowdOps databases ------------------------------------------------------------


def _make_bad(kind: str, tmp_path: Path) -> Path:
    target = tmp_path / f"{kind}.db"
    if kind == "text":
        target.write_text("not a database\n")
    elif kind == "folder":
        target.mkdir()
    elif kind == "foreign":
        connection = sqlite3.connect(target)
        connection.execute("CREATE TABLE notes (body TEXT)")
        connection.commit()
        connection.close()
    else:
        source = tmp_path / "source.db"
        app = build_app(ServiceContext(db=open_database(source)))
        app.demo.build()
        app.close()
        if kind == "truncated":
            target.write_bytes(source.read_bytes()[:4096])
        elif kind == "damaged":  # an index page overwritten: only SQLite's own check notices
            connection = sqlite3.connect(source)
            page = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = 'ix_incidents_root'")
            first = page.fetchone()[0]
            connection.close()
            data = bytearray(source.read_bytes())
            data[(first - 1) * 4096 : first * 4096] = b"\x5a" * 4096
            target.write_bytes(bytes(data))
        else:  # newer
            connection = sqlite3.connect(source)
            connection.execute("UPDATE alembic_version SET version_num = '9999'")
            connection.commit()
            connection.close()
            source.rename(target)
    return target


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("text", "is not a SQLite database"),
        ("folder", "is a folder, not a CrowdOps database file"),
        ("foreign", "is a SQLite database of another program"),
        ("truncated", "truncated"),
        ("damaged", "is damaged ("),
        ("newer", "was written by a newer CrowdOps (schema 9999"),
    ],
)
def test_bad_database_files_exit_1_with_one_line(run: Run, tmp_path: Path, kind: str, message: str) -> None:
    bad = _make_bad(kind, tmp_path)
    before = bad.read_bytes() if bad.is_file() else None
    for argv in (["init"], ["incident", "list"], ["--json", "op", "list"]):
        code, out, err = run(*argv, db=bad)
        assert (code, out) == (1, ""), argv
        assert message in one_line_error(err)
        assert str(bad) in err
    if before is not None:
        assert bad.read_bytes() == before


def test_a_failed_upgrade_exits_1_with_one_line_and_leaves_the_file(run: Run, db_path: Path) -> None:
    engine = create_engine_for(db_path)
    migrate(engine, "0001")
    engine.dispose()
    connection = sqlite3.connect(db_path)
    connection.execute("CREATE TABLE incident_fts (x)")  # in the way of the next migration
    connection.commit()
    connection.close()
    before = db_path.read_bytes()
    code, out, err = run("init")
    assert (code, out) == (1, "")
    message = one_line_error(err)
    assert message.startswith(f"Could not upgrade {db_path} to schema {schema_head()}")
    assert "rolled back" in message
    assert db_path.read_bytes() == before


# -- the real entry points ----------------------------------------------------------------------------------


def _subprocess_env(tmp_path: Path) -> dict[str, str]:
    # As a user's shell has it: no CrowdOps settings, and stdout buffered (PYTHONUNBUFFERED would hide bugs that
    # only show when output sits in the buffer until exit).
    env = {k: v for k, v in os.environ.items() if not k.startswith("CROWDOPS_") and k != "PYTHONUNBUFFERED"}
    env["CROWDOPS_DB"] = str(tmp_path / "sub.db")
    env["CROWDOPS_PASSPHRASE"] = "secret-1"
    return env


def _crowdops_script() -> Path:
    script = Path(sys.executable).with_name("crowdops")
    if not script.exists():
        pytest.skip("the crowdops console script is not installed next to this Python")
    return script


@pytest.mark.slow
def test_console_script_and_python_m(shared_keyring: dict[str, str], tmp_path: Path) -> None:
    env = _subprocess_env(tmp_path)
    for command in ([str(_crowdops_script())], [sys.executable, "-m", "crowdops"]):
        done = subprocess.run([*command, "--version"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=30)
        assert (done.returncode, done.stdout, done.stderr) == (0, f"crowdops {__version__}\n", "")

    def crowdops(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "crowdops", *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=30
        )

    assert crowdops("init").returncode == 0
    assert crowdops("user", "add", "cmdr", "--role", "commander").returncode == 0
    assert crowdops("op", "create", "Riot drill", "--kind", "protest", "--exercise", "--as", "cmdr").returncode == 0
    assert crowdops("op", "use", "Riot drill").returncode == 0
    added = crowdops(
        "--json", "incident", "add", "--category", "disorder", "--severity", "2", "--text", "t", "--as", "cmdr"
    )
    assert added.returncode == 0, added.stderr
    assert set(json.loads(added.stdout)) == INCIDENT_KEYS
    bad = crowdops("incident", "add", "--category", "disorder", "--severity", "9", "--text", "t", "--as", "cmdr")
    assert bad.returncode == 1 and bad.stdout == ""
    assert one_line_error(bad.stderr).startswith("Severity 9 is out of range")
    usage = crowdops("incident", "add")
    assert usage.returncode == 2 and "usage:" in usage.stderr
    assert incident_count(tmp_path / "sub.db") == 1


@pytest.mark.slow
def test_console_script_refuses_a_bad_file_without_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "notes.db"
    bad.write_text("shopping list\n")
    done = subprocess.run(
        [str(_crowdops_script()), "--db", str(bad), "incident", "list"],
        capture_output=True,
        text=True,
        env=_subprocess_env(tmp_path),
        cwd=ROOT,
        timeout=30,
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert (
        one_line_error(done.stderr)
        == f"{bad} is not a SQLite database, so CrowdOps cannot open it; it was left untouched."
    )
    assert bad.read_text() == "shopping list\n"


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="pipes and SIGPIPE semantics")
@pytest.mark.parametrize(
    "argv",
    [
        ["--json", "incident", "list", "--limit", "0"],  # large: fails while writing
        ["--json", "op", "list"],  # small: still in the buffer when the command returns
    ],
)
def test_a_closed_output_pipe_is_not_a_traceback(tmp_path: Path, argv: list[str]) -> None:
    env = _subprocess_env(tmp_path)
    app = build_app(ServiceContext(db=open_database(tmp_path / "sub.db")))
    app.demo.build()
    app.close()
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the command writes a byte (like a `| head` that has finished)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "crowdops", *argv],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=30,
        )
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (1, "")
