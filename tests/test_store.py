"""The SQLite store: PRAGMAs, IMMEDIATE writes, the append-only log, migrations, backups, refusing bad files,
and durability across a killed process."""

import hashlib
import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.exc import StatementError as SAStatementError

import crowdops.store.database as database_module
from crowdops.app import App
from crowdops.store.backup import KEEP_BACKUPS, backup_before_migration, backup_database
from crowdops.store.database import open_database, schema_head
from crowdops.store.engine import BUSY_TIMEOUT_MS
from crowdops.store.errors import CorruptDatabaseError, DatabaseFileError, NewerSchemaError, NotADatabaseError
from crowdops.store.models import Incident, Operation, User
from crowdops.store.preflight import inspect_file
from tests.conftest import FakeClock

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def raw(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection that never waits for a lock and manages its own transactions."""
    return sqlite3.connect(path, timeout=0, isolation_level=None)


def new_incident(operation_id: uuid.UUID, user_id: uuid.UUID, description: str, **changes: object) -> Incident:
    incident_id = uuid.uuid4()
    fields: dict[str, object] = {
        "id": incident_id,
        "operation_id": operation_id,
        "root_id": incident_id,
        "corrects_id": None,
        "occurred_at": NOW,
        "logged_at": NOW,
        "logged_by": user_id,
        "category": "medical",
        "severity": 3,
        "location": "",
        "latitude": None,
        "longitude": None,
        "source": "officer",
        "description": description,
        "methane_json": None,
        "correction_reason": "",
    }
    fields.update(changes)
    return Incident(**fields)


def ids(app: App) -> tuple[uuid.UUID, uuid.UUID]:
    """The operation and the commander of the `staffed` app."""
    with app.db.read() as session:
        op = session.scalars(select(Operation)).one()
        user = session.scalars(select(User).where(User.name == "cmdr")).one()
        return op.id, user.id


def fill(app: App, count: int) -> None:
    """Add `count` incidents of some size in one transaction (so the file spans many pages)."""
    op_id, user_id = ids(app)
    with app.db.write() as session:
        session.add_all(new_incident(op_id, user_id, f"filler {i} " + "crowd " * 60) for i in range(count))


def sql(path: Path, statement: str) -> list[tuple]:
    """Run one statement on its own connection and close it (a closed connection leaves no -wal/-shm)."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        return connection.execute(statement).fetchall()
    finally:
        connection.close()


def incident_count(path: Path) -> int:
    return sql(path, "SELECT count(*) FROM incidents")[0][0]


# -- connections --------------------------------------------------------------------------------------------


def _pragmas(connection: sqlite3.Connection) -> tuple[str, int, int, int]:
    return (
        connection.execute("PRAGMA journal_mode").fetchone()[0],
        connection.execute("PRAGMA synchronous").fetchone()[0],
        connection.execute("PRAGMA foreign_keys").fetchone()[0],
        connection.execute("PRAGMA busy_timeout").fetchone()[0],
    )


def test_every_pooled_connection_has_the_pragmas(app: App) -> None:
    expected = ("wal", 2, 1, BUSY_TIMEOUT_MS)
    assert BUSY_TIMEOUT_MS >= 1000
    held = [app.db.engine.raw_connection() for _ in range(3)]  # three distinct connections at once
    try:
        assert len({id(c.driver_connection) for c in held}) == 3
        for connection in held:
            assert _pragmas(connection.driver_connection) == expected  # type: ignore[arg-type]
    finally:
        for connection in held:
            connection.close()
    with app.db.read() as session:
        assert session.execute(text("PRAGMA synchronous")).scalar() == 2
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    with app.db.write() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA busy_timeout")).scalar() == BUSY_TIMEOUT_MS


def test_the_file_itself_is_in_wal_mode(app: App, db_path: Path) -> None:
    assert sql(db_path, "PRAGMA journal_mode") == [("wal",)]


@pytest.fixture
def statements(app: App) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement.split()[0].upper() + (" IMMEDIATE" if "IMMEDIATE" in statement.upper() else ""))

    event.listen(app.db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(app.db.engine, "before_cursor_execute", record)


def test_write_begins_immediate_before_its_first_read_and_read_begins_deferred(app: App, statements: list[str]) -> None:
    with app.db.write() as session:
        session.execute(text("SELECT count(*) FROM users"))
    assert statements[:2] == ["BEGIN IMMEDIATE", "SELECT"]
    statements.clear()
    with app.db.read() as session:
        session.execute(text("SELECT count(*) FROM users"))
    assert statements[:2] == ["BEGIN", "SELECT"]


def test_an_open_write_holds_the_write_lock_and_a_read_does_not(app: App, db_path: Path) -> None:
    other = raw(db_path)
    try:
        with app.db.write() as session:
            session.execute(text("SELECT count(*) FROM operations"))  # a read, as services start with
            with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # released at the end of the block
        other.execute("ROLLBACK")

        with app.db.read() as session:
            session.execute(text("SELECT count(*) FROM operations"))
            other.execute("BEGIN IMMEDIATE")  # a reader does not block a writer (WAL)
            other.execute("INSERT INTO settings (key, value) VALUES ('probe', 'x')")
            other.execute("COMMIT")
            # ...and keeps its snapshot: the row committed meanwhile is not visible inside this transaction.
            assert session.execute(text("SELECT count(*) FROM settings WHERE key = 'probe'")).scalar() == 0
        with app.db.read() as session:
            assert session.execute(text("SELECT count(*) FROM settings WHERE key = 'probe'")).scalar() == 1
    finally:
        other.close()


def test_a_failed_write_block_rolls_back_everything(staffed: App) -> None:
    op_id, user_id = ids(staffed)
    with pytest.raises(RuntimeError), staffed.db.write() as session:
        session.add(new_incident(op_id, user_id, "never kept"))
        session.flush()
        raise RuntimeError("boom")
    with staffed.db.read() as session:
        assert session.execute(text("SELECT count(*) FROM incidents")).scalar() == 0
        assert session.execute(text("SELECT count(*) FROM incident_fts")).scalar() == 0


# -- the incident log ---------------------------------------------------------------------------------------


@pytest.fixture
def logged(staffed: App) -> tuple[App, Incident]:
    op_id, user_id = ids(staffed)
    entry = new_incident(op_id, user_id, "Barrier pushed over at Omonia", location="Omonia square")
    with staffed.db.write() as session:
        session.add(entry)
    return staffed, entry


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE incidents SET description = 'rewritten'",
        "UPDATE incidents SET severity = 1",
        "DELETE FROM incidents",
    ],
)
def test_incidents_are_append_only_in_the_database_itself(
    logged: tuple[App, Incident], db_path: Path, statement: str
) -> None:
    connection = raw(db_path)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="the incident log is append-only"):
            connection.execute(statement)
    finally:
        connection.close()
    assert incident_count(db_path) == 1
    assert sql(db_path, "SELECT description, severity FROM incidents") == [("Barrier pushed over at Omonia", 3)]


def test_the_orm_cannot_change_or_delete_an_incident_either(logged: tuple[App, Incident]) -> None:
    app, entry = logged
    with pytest.raises(IntegrityError, match="append-only"), app.db.write() as session:
        session.get(Incident, entry.id).description = "rewritten"  # type: ignore[union-attr]
    with pytest.raises(IntegrityError, match="append-only"), app.db.write() as session:
        session.delete(session.get(Incident, entry.id))


def test_fts_row_is_written_in_the_same_transaction(staffed: App) -> None:
    op_id, user_id = ids(staffed)
    entry = new_incident(op_id, user_id, "Water cannon deployed", location="Panepistimiou")
    match = text("SELECT incident_id FROM incident_fts WHERE incident_fts MATCH :q")
    with staffed.db.write() as session:
        session.add(entry)
        session.flush()
        # Still inside the transaction: the index already has it.
        assert session.execute(match, {"q": '"cannon"*'}).scalars().all() == [entry.id.hex]
        assert session.execute(match, {"q": '"panepist"*'}).scalars().all() == [entry.id.hex]
    with staffed.db.read() as session:
        assert session.execute(match, {"q": '"water"*'}).scalars().all() == [entry.id.hex]


def test_a_version_can_be_corrected_only_once(logged: tuple[App, Incident]) -> None:
    app, entry = logged
    with app.db.write() as session:
        session.add(
            new_incident(entry.operation_id, entry.logged_by, "first fix", root_id=entry.id, corrects_id=entry.id)
        )
    with pytest.raises(IntegrityError, match=r"UNIQUE constraint failed: incidents\.corrects_id"), app.db.write() as s:
        s.add(new_incident(entry.operation_id, entry.logged_by, "fork", root_id=entry.id, corrects_id=entry.id))


def test_foreign_keys_and_severity_are_enforced(staffed: App) -> None:
    op_id, user_id = ids(staffed)
    with pytest.raises(IntegrityError, match="FOREIGN KEY"), staffed.db.write() as session:
        session.add(new_incident(uuid.uuid4(), user_id, "no such operation"))
    with pytest.raises(IntegrityError, match="FOREIGN KEY"), staffed.db.write() as session:
        session.add(new_incident(op_id, user_id, "bad link", corrects_id=uuid.uuid4()))
    with pytest.raises(IntegrityError, match=r"CHECK constraint failed"), staffed.db.write() as session:
        session.add(new_incident(op_id, user_id, "too severe", severity=6))


def test_times_are_stored_as_utc_and_naive_times_refused(staffed: App) -> None:
    op_id, user_id = ids(staffed)
    athens = datetime(2026, 5, 1, 14, 30, tzinfo=UTC).astimezone(ZoneInfo("Europe/Athens"))  # 17:30+03:00
    entry = new_incident(op_id, user_id, "zoned", occurred_at=athens)
    with staffed.db.write() as session:
        session.add(entry)
    with staffed.db.read() as session:
        stored = session.execute(text("SELECT occurred_at FROM incidents")).scalar()
        back = session.get(Incident, entry.id)
        assert back is not None
        assert back.occurred_at == datetime(2026, 5, 1, 14, 30, tzinfo=UTC)
        assert back.occurred_at.tzinfo is UTC
    assert str(stored).startswith("2026-05-01 14:30:00")
    with pytest.raises(SAStatementError, match="naive datetime"), staffed.db.write() as session:
        session.add(new_incident(op_id, user_id, "naive", occurred_at=datetime(2026, 5, 1, 12, 0)))


# -- creating, reopening, migrating -------------------------------------------------------------------------


def _revision(path: Path) -> str:
    return sql(path, "SELECT version_num FROM alembic_version")[0][0]


def test_a_new_file_is_created_at_head_and_private(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "new.db"
    db = open_database(path)
    try:
        assert db.last_backup is None
        assert _revision(path) == schema_head()
        if os.name == "posix":
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        db.close()
    assert inspect_file(path).revision == schema_head()
    assert not (path.parent / "backups").exists()


def test_an_empty_file_is_treated_as_new(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    open_database(path).close()
    assert _revision(path) == schema_head()


def test_reopening_a_current_database_neither_backs_up_nor_changes_data(app: App, db_path: Path) -> None:
    app.users.add("cmdr", "commander", "secret-1")
    app.close()
    for _ in range(2):
        again = open_database(db_path)
        assert again.last_backup is None
        again.close()
    assert not (db_path.parent / "backups").exists()
    assert sql(db_path, "SELECT name FROM users") == [("cmdr",)]


CURRENT_HEAD = schema_head()


@pytest.fixture
def migrations_with_a_next_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the real migrations plus one more revision after the current head, as the next release would
    ship it."""
    folder = tmp_path / "migrations"
    shutil.copytree(database_module._MIGRATIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "versions" / "9000_probe.py").write_text(
        f'"""A probe table.\n\nRevision ID: 9000\nRevises: {CURRENT_HEAD}\n"""\n\n'
        "import sqlalchemy as sa\nfrom alembic import op\n\n"
        f'revision = "9000"\ndown_revision = "{CURRENT_HEAD}"\nbranch_labels = None\ndepends_on = None\n\n\n'
        "def upgrade() -> None:\n"
        '    op.create_table("probe", sa.Column("id", sa.Integer(), primary_key=True))\n'
    )
    monkeypatch.setattr(database_module, "_MIGRATIONS", folder)
    monkeypatch.setattr(database_module, "SCHEMA_HEAD", "9000")  # what that release would declare
    return folder


def test_a_current_database_is_backed_up_with_the_backup_api_before_the_next_migration(
    staffed: App, db_path: Path, migrations_with_a_next_revision: Path
) -> None:
    fill(staffed, 5)
    staffed.close()
    assert schema_head() == "9000"

    upgraded = open_database(db_path)
    try:
        backup = upgraded.last_backup
        assert backup is not None
        assert backup.parent == db_path.parent / "backups"
        assert re.fullmatch(rf"crowdops-\d{{8}}T\d{{6}}Z-before-schema-{CURRENT_HEAD}\.db", backup.name)
        if os.name == "posix":
            assert stat.S_IMODE(backup.stat().st_mode) == 0o600
        # The backup is a complete, sound database at the old revision, with all the data.
        assert sql(backup, "PRAGMA integrity_check") == [("ok",)]
        assert _revision(backup) == CURRENT_HEAD
        assert incident_count(backup) == 5
        assert sql(backup, "SELECT count(*) FROM sqlite_master WHERE name = 'probe'") == [(0,)]
        assert _revision(db_path) == "9000"
        with upgraded.read() as session:
            assert session.execute(text("SELECT count(*) FROM probe")).scalar() == 0
            assert session.execute(text("SELECT count(*) FROM incidents")).scalar() == 5
    finally:
        upgraded.close()

    again = open_database(db_path)  # now current: no second backup
    again.close()
    assert again.last_backup is None
    assert len(list((db_path.parent / "backups").iterdir())) == 1


def test_backup_database_copies_committed_data_that_is_still_only_in_the_wal(
    staffed: App, db_path: Path, tmp_path: Path
) -> None:
    fill(staffed, 3)  # staffed stays open: its commits sit in the -wal file, not yet in the main file
    wal = db_path.with_name(db_path.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0
    before = sha256(db_path)
    target = backup_database(db_path, tmp_path / "copies" / "snap.db")
    assert target == tmp_path / "copies" / "snap.db"
    assert incident_count(target) == 3
    assert sql(target, "PRAGMA integrity_check") == [("ok",)]
    assert sql(target, "SELECT count(*) FROM users") == [(4,)]
    assert sha256(db_path) == before  # read-only source
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_backup_before_migration_keeps_the_newest_few(app: App, db_path: Path) -> None:
    app.close()
    made = [backup_before_migration(db_path, "0001", now=NOW + timedelta(minutes=i)) for i in range(KEEP_BACKUPS + 2)]
    folder = db_path.parent / "backups"
    kept = sorted(folder.iterdir())
    assert kept == sorted(made[2:])
    assert made[0].name == "crowdops-20260501T120000Z-before-schema-0001.db"
    assert not made[0].exists() and not made[1].exists()
    assert _revision(kept[-1]) == schema_head()  # a real copy of the database


def test_pruning_backups_spares_those_of_another_database_in_the_same_folder(app: App, db_path: Path) -> None:
    app.close()
    neighbour = db_path.with_name("crowdops-test.db")
    shutil.copyfile(db_path, neighbour)
    theirs = [backup_before_migration(neighbour, "0001", now=NOW - timedelta(days=1, minutes=i)) for i in range(3)]
    for i in range(KEEP_BACKUPS + 2):
        backup_before_migration(db_path, "0001", now=NOW + timedelta(minutes=i))
    assert all(backup.exists() for backup in theirs)
    ours = [p for p in (db_path.parent / "backups").iterdir() if p not in theirs]
    assert len(ours) == KEEP_BACKUPS


# -- refusing files that are not sound CrowdOps databases ---------------------------------------------------


@pytest.fixture
def real_db(staffed: App, db_path: Path) -> Path:
    fill(staffed, 300)
    staffed.close()  # checkpointed into the main file
    assert db_path.stat().st_size > 40 * 4096
    return db_path


def _bad_file(kind: str, tmp_path: Path, real_db: Path) -> Path:
    target = tmp_path / f"{kind}.db"
    if kind == "text":
        target.write_text("incident log\n2026-05-01 crowd at gate 3\n")
    elif kind == "truncated":
        assert sql(real_db, "PRAGMA page_size") == [(4096,)]
        target.write_bytes(real_db.read_bytes()[:4096])
    elif kind == "damaged":
        # One index page overwritten: the schema still reads, only SQLite's own check notices.
        page = sql(real_db, "SELECT rootpage FROM sqlite_master WHERE name = 'ix_incidents_root'")[0][0]
        data = bytearray(real_db.read_bytes())
        data[(page - 1) * 4096 : page * 4096] = b"\x5a" * 4096
        target.write_bytes(bytes(data))
    elif kind == "foreign":
        sql(target, "CREATE TABLE contacts (name TEXT, phone TEXT)")
        sql(target, "INSERT INTO contacts VALUES ('Eleni', '+30 210 000')")
    elif kind == "newer":
        shutil.copyfile(real_db, target)
        sql(target, "UPDATE alembic_version SET version_num = '9999'")
    elif kind == "folder":
        target.mkdir()
    return target


BAD_FILES = [
    ("text", NotADatabaseError, "is not a SQLite database"),
    ("truncated", CorruptDatabaseError, r"is (damaged or )?truncated"),
    ("damaged", CorruptDatabaseError, r"is damaged \(.*Page \d+.*\); it was left untouched\. Restore it"),
    ("foreign", NotADatabaseError, "is a SQLite database of another program"),
    ("newer", NewerSchemaError, rf"newer CrowdOps \(schema 9999; this version knows up to {schema_head()}\)"),
    ("folder", NotADatabaseError, "is a folder"),
]


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize(("kind", "error", "message"), BAD_FILES)
def test_bad_files_are_refused_and_left_untouched(
    kind: str, error: type[DatabaseFileError], message: str, tmp_path: Path, real_db: Path
) -> None:
    bad = _bad_file(kind, tmp_path, real_db)
    before = sha256(bad) if bad.is_file() else None
    folder_before = listing(tmp_path)
    with pytest.raises(error, match=message) as refused:
        open_database(bad)
    assert listing(tmp_path) == folder_before  # not even an empty -wal or a -shm beside it
    assert str(bad) in str(refused.value)
    assert "\n" not in str(refused.value)
    if before is not None:
        assert sha256(bad) == before
        assert "left untouched" in str(refused.value)
    else:
        assert list(bad.iterdir()) == []
    assert not (tmp_path / "backups").exists()


def test_newer_schema_leaves_the_file_and_its_folder_as_they_were(staffed: App, db_path: Path, tmp_path: Path) -> None:
    staffed.close()
    sql(db_path, "UPDATE alembic_version SET version_num = '9999'")
    assert listing(tmp_path) == ["crowdops.db"]
    before = sha256(db_path)
    with pytest.raises(NewerSchemaError, match="the file was left untouched"):
        open_database(db_path)
    assert sha256(db_path) == before
    assert listing(tmp_path) == ["crowdops.db"]
    assert _revision(db_path) == "9999"


def test_a_refused_file_in_use_keeps_its_wal_and_shm(staffed: App, db_path: Path, tmp_path: Path) -> None:
    """The newer CrowdOps that wrote it has it open: its -wal and -shm are its own, and stay."""
    staffed.close()
    sql(db_path, "UPDATE alembic_version SET version_num = '9999'")
    wal = db_path.with_name("crowdops.db-wal")
    newer = raw(db_path)
    try:
        newer.execute("INSERT INTO settings VALUES ('written by', 'a newer CrowdOps')")  # now only in its -wal
        assert listing(tmp_path) == ["crowdops.db", "crowdops.db-shm", "crowdops.db-wal"]
        before = (sha256(db_path), sha256(wal))
        with pytest.raises(NewerSchemaError):
            open_database(db_path)
        assert listing(tmp_path) == ["crowdops.db", "crowdops.db-shm", "crowdops.db-wal"]
        assert (sha256(db_path), sha256(wal)) == before  # the -shm is an index readers update, not data
        assert newer.execute("SELECT value FROM settings WHERE key = 'written by'").fetchone() == ("a newer CrowdOps",)
    finally:
        newer.close()


def _wal_frames(wal: bytes, page_size: int) -> Iterator[tuple[int, bytes]]:
    """(page number, page) of each frame of a -wal file, oldest first (a 32-byte header, then frames of a
    24-byte header and one page)."""
    frame = 24 + page_size
    for start in range(32, len(wal) - frame + 1, frame):
        yield int.from_bytes(wal[start : start + 4], "big"), wal[start + 24 : start + frame]


def test_a_checkpoint_cut_short_by_a_crash_is_recovered_not_called_truncated(
    staffed: App, db_path: Path, tmp_path: Path
) -> None:
    fill(staffed, 300)  # staffed stays open: the new pages sit in the -wal, the main file has not grown
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    copy = crashed / "crowdops.db"
    for suffix in ("", "-wal"):  # the files as a crash would leave them
        shutil.copyfile(db_path.with_name(db_path.name + suffix), copy.with_name(copy.name + suffix))
    staffed.close()
    # A checkpoint copies pages in order, page 1 first; the crash came right after it. Page 1 now counts
    # pages that are still only in the -wal.
    page_size = sql(copy, "PRAGMA page_size")[0][0]
    page_1 = [
        page for number, page in _wal_frames(copy.with_name("crowdops.db-wal").read_bytes(), page_size) if number == 1
    ][-1]
    with copy.open("r+b") as main:
        main.write(page_1)
    assert copy.stat().st_size < int.from_bytes(page_1[28:32], "big") * page_size

    recovered = open_database(copy)
    recovered.close()
    assert incident_count(copy) == 300
    assert sql(copy, "PRAGMA integrity_check") == [("ok",)]


# -- durability ---------------------------------------------------------------------------------------------

_HOLD_OPEN_CHILD = """
import sys
from pathlib import Path
from crowdops.app import open_app
from crowdops.services.incidents import IncidentInput

app = open_app(Path(sys.argv[1]))
op = app.operations.current()
record = app.incidents.log(op.id, IncidentInput("medical", 4, "survives a kill"), actor="cmdr")
print("committed", record.id.hex, flush=True)
sys.stdin.read()  # wait, connection open, until the parent kills this process
"""

_SELF_KILL_CHILD = """
import os, signal, sys
from crowdops.cli.main import main

code = main(["--db", sys.argv[1], "incident", "add", "--category", "medical", "--severity", "2",
             "--text", "logged by a killed CLI", "--as", "comms", "--json"])
sys.stdout.flush()
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_a_commit_survives_sigkill_while_the_connection_is_open(
    shared_keyring: dict[str, str], staffed: App, db_path: Path
) -> None:
    staffed.close()
    child = subprocess.Popen(
        [sys.executable, "-c", _HOLD_OPEN_CHILD, str(db_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parent.parent,
    )
    try:
        line = child.stdout.readline()  # type: ignore[union-attr]
        assert line.startswith("committed "), child.stderr.read()  # type: ignore[union-attr]
        wal = db_path.with_name(db_path.name + "-wal")
        assert wal.stat().st_size > 0  # the entry lives in the WAL, not yet checkpointed
        child.kill()
    finally:
        child.kill()
        child.communicate()
    assert child.returncode == -9
    incident_id = uuid.UUID(line.split()[1])

    reopened = open_database(db_path)
    try:
        with reopened.read() as session:
            found = session.get(Incident, incident_id)
            assert found is not None
            assert found.description == "survives a kill"
            hit = session.execute(
                text("SELECT incident_id FROM incident_fts WHERE incident_fts MATCH '\"survives\"'")
            ).scalar()
            assert hit == incident_id.hex
    finally:
        reopened.close()


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_a_cli_commit_survives_the_process_killing_itself(
    shared_keyring: dict[str, str], staffed: App, db_path: Path
) -> None:
    staffed.close()
    done = subprocess.run(
        [sys.executable, "-c", _SELF_KILL_CHILD, str(db_path)],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=Path(__file__).parent.parent,
    )
    assert done.returncode == -9, done.stderr
    printed = json.loads(done.stdout)
    reopened = open_database(db_path)
    try:
        with reopened.read() as session:
            found = session.get(Incident, uuid.UUID(printed["id"]))
            assert found is not None and found.description == "logged by a killed CLI"
    finally:
        reopened.close()


def test_records_take_their_time_from_the_injected_clock(app: App, clock: FakeClock) -> None:
    app.users.add("cmdr", "commander", "secret-1")
    with app.db.read() as session:
        created = session.scalars(select(User.created_at)).one()
    assert created == clock.now == NOW
