"""Open a CrowdOps database: check the file, back it up, migrate it, and hand out sessions."""

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from alembic.config import Config

from crowdops.store.backup import backup_before_migration
from crowdops.store.engine import create_engine_for, writer
from crowdops.store.errors import MigrationError, NewerSchemaError
from crowdops.store.preflight import inspect_file, left_as_found_if_refused, sidecars
from crowdops.store.schema import SCHEMA_HEAD

_MIGRATIONS = Path(__file__).parent / "migrations"


# Alembic is imported only when a migration runs: it costs a tenth of a second at every start otherwise.
_REVISION_FILE = re.compile(r"^(\d{4})_\w+\.py$")


def schema_head() -> str:
    return SCHEMA_HEAD


def known_revisions() -> set[str]:
    """Revisions this version can read: one migration file each (a test checks this against Alembic)."""
    return {m.group(1) for f in (_MIGRATIONS / "versions").iterdir() if (m := _REVISION_FILE.match(f.name))}


def _alembic_config() -> "Config":
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    return config


class Database:
    """Sessions over one SQLite file. Writes: one IMMEDIATE transaction per `write()` block."""

    def __init__(self, path: Path, engine: Engine, backup: Path | None) -> None:
        self.path = path
        self.engine = engine
        self.last_backup = backup
        self._writer = writer(engine)

    @contextmanager
    def write(self) -> Iterator[Session]:
        with Session(self._writer, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()


def open_database(path: Path) -> Database:
    """Refuse files that are not sound CrowdOps databases (leaving them untouched); migrate older ones after a
    backup; create a new one where none exists."""
    path = path.expanduser()
    head = schema_head()
    with left_as_found_if_refused(path):
        state = inspect_file(path)
        if state.revision is not None and state.revision not in known_revisions():
            raise NewerSchemaError(
                f"{path} was written by a newer CrowdOps (schema {state.revision}; this version knows up to "
                f"{head}). Open it with the newer version; the file was left untouched."
            )
    backup = None
    if state.exists and state.revision is not None and state.revision != head:
        backup = backup_before_migration(path, state.revision)
    if not state.exists:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    engine = create_engine_for(path)
    if state.revision != head:
        try:
            migrate(engine)
        except Exception as error:
            engine.dispose()
            kept = f" A backup from before the attempt is at {backup}." if backup else ""
            raise MigrationError(
                f"Could not upgrade {path} to schema {head} ({getattr(error, 'orig', None) or error}); "
                f"the upgrade was rolled back and the database is as it was.{kept}"
            ) from error
    _restrict_mode(path)
    return Database(path, engine, backup)


def migrate(engine: Engine, target: str = "head") -> None:
    """Apply migrations up to `target` in one IMMEDIATE transaction: all of them, or none."""
    from alembic import command

    config = _alembic_config()
    with writer(engine).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, target)


def _restrict_mode(path: Path) -> None:
    if os.name == "posix":
        for candidate in (path, *sidecars(path)):
            if candidate.exists():
                candidate.chmod(0o600)
