"""The one place that creates database engines. Encryption at rest will plug in here."""

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

from crowdops.domain.search import FOLD_SQL_FUNCTION, fold

BUSY_TIMEOUT_MS = 10_000
WRITE_OPTION = "crowdops_write"


def create_engine_for(path: Path) -> Engine:
    """An engine whose every connection runs in WAL with synchronous=FULL and foreign keys on.

    The driver's own transaction handling is switched off so that we issue BEGIN ourselves: write sessions
    (engine option `crowdops_write`) begin IMMEDIATE and take the write lock up front, so two writers queue on
    `busy_timeout` instead of failing half-way with "database is locked"; reads begin DEFERRED.
    """
    engine = create_engine(
        f"sqlite+pysqlite:///{path}",
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            mode = cursor.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise sqlite3.OperationalError(f"could not switch the database to WAL (got {mode})")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        finally:
            cursor.close()
        dbapi_connection.create_function(FOLD_SQL_FUNCTION, 1, fold, deterministic=True)

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        write = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def writer(engine: Engine) -> Engine:
    """The same pool, but transactions begin IMMEDIATE."""
    return engine.execution_options(**{WRITE_OPTION: True})
