"""Schema upgrades: a backup first, then all migrations in one transaction, or nothing at all."""

import hashlib
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from crowdops.store.backup import KEEP_BACKUPS, backup_before_migration
from crowdops.store.database import known_revisions, migrate, open_database, schema_head
from crowdops.store.engine import create_engine_for
from crowdops.store.errors import MigrationError


def _make_old_database(path: Path) -> None:
    """A database as the first release (schema 0001) left it, with a user and an operation in it."""
    engine = create_engine_for(path)
    migrate(engine, "0001")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (id, name, name_key, role, passphrase_hash, created_at) "
                "VALUES ('0123456789abcdef0123456789abcdef', 'cmdr', 'cmdr', 'commander', 'x', "
                "'2026-01-01 00:00:00.000000')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO operations (id, name, name_key, kind, phase, timezone, area, exercise, created_at) "
                "VALUES ('fedcba9876543210fedcba9876543210', 'Old op', 'old op', 'protest', 'during', "
                "'UTC', '', 0, '2026-01-01 00:00:00.000000')"
            )
        )
    engine.dispose()


def _revision(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def test_an_older_database_is_backed_up_then_upgraded_keeping_its_data(tmp_path: Path):
    path = tmp_path / "crowdops.db"
    _make_old_database(path)
    assert _revision(path) == "0001"

    db = open_database(path)
    try:
        assert _revision(path) == schema_head() != "0001"
        with db.read() as session:
            assert session.execute(text("SELECT name FROM operations")).scalar_one() == "Old op"
            session.execute(text("SELECT count(*) FROM incidents")).scalar_one()  # the new table exists
    finally:
        db.close()
    assert db.last_backup is not None and db.last_backup.parent == tmp_path / "backups"
    assert "before-schema-0001" in db.last_backup.name
    # The backup is a sound SQLite copy of the old schema, data included.
    with sqlite3.connect(db.last_backup) as backup:
        assert backup.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert backup.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
        assert backup.execute("SELECT name FROM users").fetchone()[0] == "cmdr"


def test_an_up_to_date_database_is_not_backed_up_again(tmp_path: Path):
    path = tmp_path / "crowdops.db"
    open_database(path).close()
    db = open_database(path)
    db.close()
    assert db.last_backup is None
    assert not (tmp_path / "backups").exists()


def test_a_failed_upgrade_is_rolled_back_whole(tmp_path: Path):
    path = tmp_path / "crowdops.db"
    _make_old_database(path)
    with sqlite3.connect(path) as connection:  # something in the way of the next migration
        connection.execute("CREATE TABLE incident_fts (x)")
    before = hashlib.sha256(path.read_bytes()).hexdigest()

    with pytest.raises(MigrationError) as refused:
        open_database(path)

    message = str(refused.value)
    assert "rolled back" in message and "backups" in message
    assert _revision(path) == "0001"
    with sqlite3.connect(path) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "incidents" not in tables, "the half-done migration left a table behind"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_backups_keep_only_the_newest_ten(tmp_path: Path):
    path = tmp_path / "crowdops.db"
    open_database(path).close()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for day in range(KEEP_BACKUPS + 3):
        backup_before_migration(path, "0001", now=start + timedelta(days=day))
    kept = sorted(p.name for p in (tmp_path / "backups").iterdir())
    assert len(kept) == KEEP_BACKUPS
    assert kept[0].startswith("crowdops-20260104")  # the three oldest went


def test_the_schema_head_and_known_revisions_match_the_migration_scripts():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(Path(migrate.__code__.co_filename).parent / "migrations"))
    scripts = ScriptDirectory.from_config(config)
    assert scripts.get_current_head() == schema_head()
    assert {script.revision for script in scripts.walk_revisions()} == known_revisions()


def test_opening_a_database_does_not_import_alembic(tmp_path: Path):
    import subprocess
    import sys

    path = tmp_path / "crowdops.db"
    open_database(path).close()  # created (and migrated) here, so the child only opens it
    code = (
        "import sys; from pathlib import Path; from crowdops.store.database import open_database; "
        f"open_database(Path({str(path)!r})).close(); print('alembic' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
