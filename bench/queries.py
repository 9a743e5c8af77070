"""The timeline and search queries, three ways side by side in one process:

- app:      through IncidentService, as the GUI and CLI call it (SQLAlchemy ORM, records built);
- app SQL:  the exact statement and parameters the app sent, replayed on a plain sqlite3 connection, which
            splits the app's time into its SQL (query plan) and its Python (ORM, records);
- raw:      the hand-written reference query on a plain sqlite3 connection.
"""

import sqlite3
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import event

from crowdops.app import App
from crowdops.domain.search import fts_query
from crowdops.services.incidents import TimelineQuery

COLUMNS = (
    "i.id, i.operation_id, i.root_id, i.corrects_id, i.occurred_at, i.logged_at, i.logged_by, i.category, "
    "i.severity, i.location, i.latitude, i.longitude, i.source, i.description, i.methane_json, "
    "i.correction_reason, u.name"
)
LATEST = "NOT EXISTS (SELECT 1 FROM incidents AS c WHERE c.corrects_id = i.id)"
ORDER = "ORDER BY i.occurred_at DESC, i.logged_at DESC, i.id DESC"

RAW_TIMELINE = (
    f"SELECT {COLUMNS} FROM incidents AS i JOIN users AS u ON u.id = i.logged_by "
    f"WHERE i.operation_id = ? AND {LATEST} {ORDER} LIMIT ?"
)
RAW_SEARCH = (
    f"SELECT {COLUMNS} FROM incident_fts JOIN incidents AS i ON i.id = incident_fts.incident_id "
    f"JOIN users AS u ON u.id = i.logged_by "
    f"WHERE incident_fts MATCH ? AND i.operation_id = ? AND {LATEST} {ORDER} LIMIT ?"
)


@dataclass
class Comparison:
    label: str
    rows: int
    app_ms: float  # medians
    app_sql_ms: float
    raw_ms: float
    first_app_ms: float  # the very first call in this process (statement compiled, caches cold)
    plans: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.app_ms / self.raw_ms

    @property
    def sql_ratio(self) -> float:
        return self.app_sql_ms / self.raw_ms


def raw_connection(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)  # autocommit reads; nothing is written


def compare_timeline(app: App, raw: sqlite3.Connection, op_id: uuid.UUID, limit: int, runs: int) -> Comparison:
    service = app.incidents

    def app_page() -> list[Any]:
        return service.page(service.store_filter(TimelineQuery(op_id)), limit)

    return _compare(
        f"timeline page ({limit} rows)",
        app,
        raw,
        app_page,
        RAW_TIMELINE,
        (op_id.hex, limit),
        runs,
    )


def compare_search(
    app: App,
    raw: sqlite3.Connection,
    op_id: uuid.UUID,
    text: str,
    limit: int,
    runs: int,
    label: str,
) -> Comparison:
    service = app.incidents
    match = fts_query(text)
    assert match is not None, text

    def app_list() -> list[Any]:
        return service.list(TimelineQuery(op_id, search=text), limit)

    return _compare(label, app, raw, app_list, RAW_SEARCH, (match, op_id.hex, limit), runs)


def _compare(
    label: str,
    app: App,
    raw: sqlite3.Connection,
    app_call: Callable[[], list[Any]],
    raw_sql: str,
    raw_params: tuple,
    runs: int,
) -> Comparison:
    started = time.perf_counter()
    statements, records = _capture(app, app_call)
    first = time.perf_counter() - started
    app_sql, app_params = next((s, p) for s, p in reversed(statements) if "FROM incidents" in s)

    def replay() -> list[tuple]:
        return raw.execute(app_sql, app_params).fetchall()

    def reference() -> list[tuple]:
        return raw.execute(raw_sql, raw_params).fetchall()

    app_ids = [r.id.hex for r in records]
    raw_ids = [row[0] for row in reference()]
    replay_ids = [row[0] for row in replay()]
    assert app_ids == raw_ids, f"{label}: the app and the raw query return different incidents"
    assert replay_ids == raw_ids, f"{label}: the replayed app SQL returns different incidents"

    times = _alternate({"app": app_call, "app_sql": replay, "raw": reference}, runs)
    return Comparison(
        label=label,
        rows=len(app_ids),
        app_ms=times["app"],
        app_sql_ms=times["app_sql"],
        raw_ms=times["raw"],
        first_app_ms=first * 1000,
        plans={"app": _plan(raw, app_sql, app_params), "raw": _plan(raw, raw_sql, raw_params)},
    )


def _capture(app: App, call: Callable[[], list[Any]]) -> tuple[list[tuple[str, Any]], list[Any]]:
    """Run `call` once, recording every statement and its DB-API parameters that the app's engine sends."""
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        seen.append((statement, parameters))

    event.listen(app.db.engine, "before_cursor_execute", record)
    try:
        result = call()
    finally:
        event.remove(app.db.engine, "before_cursor_execute", record)
    return seen, result


def _alternate(calls: dict[str, Callable[[], object]], runs: int) -> dict[str, float]:
    """One warm-up each, then `runs` rounds taking the calls in turn; medians in milliseconds."""
    for call in calls.values():
        call()
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(runs):
        for name, call in calls.items():
            started = time.perf_counter()
            call()
            samples[name].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(values) for name, values in samples.items()}


def _plan(connection: sqlite3.Connection, sql: str, params: Any) -> list[str]:
    rows = connection.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()
    depth: dict[int, int] = {0: -1}
    lines = []
    for node, parent, _, detail in rows:
        depth[node] = depth.get(parent, -1) + 1
        lines.append("  " * depth[node] + detail)
    return lines


def time_ms(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000
