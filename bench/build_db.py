"""Build (or reuse) the benchmark database: the app's own schema, one commander and one protest operation made
through the services, then N incidents inserted with raw sqlite3 in big transactions (the app's FTS trigger
fills incident_fts as it would for entries typed one by one)."""

import json
import random
import sqlite3
import time
import uuid
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import content

from crowdops.app import open_app
from crowdops.domain.search import FOLD_SQL_FUNCTION, fold
from crowdops.store.database import schema_head

USER = "bench-commander"
PASSPHRASE = "bench-passphrase"
OPERATION = "Bench March (1M)"
MARKER_KEY = "bench_dataset"
DATASET_VERSION = 2  # bump when the generated content changes, so old files are rebuilt
SEED = 20261128
SPAN = timedelta(days=4)
CORRECTION_RATE = 0.02
RECENT_WINDOW = 5000  # corrections pick an entry among the last few thousand logged
BATCH = 20_000
ROWS_PER_TRANSACTION = 100_000

# The column order and formats SQLAlchemy writes: UUIDs as 32 lowercase hex characters, times as naive UTC text.
INSERT = (
    "INSERT INTO incidents (id, operation_id, root_id, corrects_id, occurred_at, logged_at, logged_by, category, "
    "severity, location, latitude, longitude, source, description, methane_json, correction_reason) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


@dataclass(frozen=True, slots=True)
class Dataset:
    path: Path
    rows: int
    operation_id: uuid.UUID
    operation: str
    user: str
    passphrase: str
    built: bool  # False when an existing complete file was reused
    build_seconds: float | None


def ensure_database(path: Path, rows: int, *, rebuild: bool = False) -> Dataset:
    """Reuse `path` when its marker says it holds exactly this dataset; otherwise build it from scratch."""
    marker = None if rebuild else _read_marker(path)
    wanted = {"version": DATASET_VERSION, "rows": rows, "schema": schema_head()}
    if marker and all(marker.get(key) == value for key, value in wanted.items()):
        return Dataset(path, rows, uuid.UUID(marker["operation_id"]), OPERATION, USER, PASSPHRASE, False, None)
    _remove(path)
    _remove_backups(path)
    started = time.perf_counter()
    op_id = _build(path, rows)
    return Dataset(path, rows, op_id, OPERATION, USER, PASSPHRASE, True, time.perf_counter() - started)


def _read_marker(path: Path) -> dict | None:
    """The marker written with the last batch, plus the file's schema revision (the app's migrations may have
    been rewritten since the file was built, in which case it must be rebuilt rather than upgraded)."""
    if not path.exists():
        return None
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = connection.execute("SELECT value FROM settings WHERE key = ?", (MARKER_KEY,)).fetchone()
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            connection.close()
    except sqlite3.Error:
        return None
    if not row or not revision:
        return None
    return json.loads(row[0]) | {"schema": revision[0]}


def _remove(path: Path) -> None:
    for candidate in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        candidate.unlink(missing_ok=True)


def _remove_backups(path: Path) -> None:
    """Backups the app made of an outdated bench file before a failed upgrade (each as big as the file)."""
    for backup in (path.parent / "backups").glob(f"{path.stem}-*-before-schema-*.db"):
        backup.unlink()


def _build(path: Path, rows: int) -> uuid.UUID:
    print(f"Building {rows:,} incidents into {path} ...", flush=True)
    app = open_app(path)  # schema, triggers and FTS exactly as the app makes them
    try:
        app.users.add(USER, "commander", PASSPHRASE)
        op = app.operations.create(OPERATION, "protest", timezone="Europe/Athens", area="Athens centre", actor=USER)
        app.operations.use(OPERATION)  # what `crowdops op use` does
        user_id = app.users.get(USER).id
    finally:
        app.close()
    connection = sqlite3.connect(path, isolation_level=None)
    # The FTS trigger folds text with the app's function, which the app's engine registers on its connections.
    connection.create_function(FOLD_SQL_FUNCTION, 1, fold, deterministic=True)
    try:
        # Speed only for this one connection; synchronous is per connection and restored below.
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("PRAGMA cache_size=-1048576")  # 1 GiB: the random-UUID primary key index stays hot
        connection.execute("PRAGMA foreign_keys=ON")
        started = time.perf_counter()
        done = 0
        connection.execute("BEGIN IMMEDIATE")
        for batch in _batches(_incidents(rows, op.id.hex, user_id.hex), BATCH):
            connection.executemany(INSERT, batch)
            done += len(batch)
            if done % ROWS_PER_TRANSACTION == 0 or done == rows:
                if done == rows:
                    marker = {"version": DATASET_VERSION, "rows": rows, "operation_id": op.id.hex, "seed": SEED}
                    connection.execute(
                        "INSERT INTO settings (key, value) VALUES (?, ?)", (MARKER_KEY, json.dumps(marker))
                    )
                connection.execute("COMMIT")
                rate = done / (time.perf_counter() - started)
                print(f"  {done:>9,} incidents  ({rate:,.0f}/s)", flush=True)
                if done < rows:
                    connection.execute("BEGIN IMMEDIATE")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA synchronous=FULL")
    finally:
        connection.close()
    return op.id


def _batches(items: Iterator[tuple], size: int) -> Iterator[list[tuple]]:
    batch: list[tuple] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _incidents(rows: int, op_hex: str, user_hex: str) -> Iterator[tuple]:
    """Entries in the order they were logged, spread over `SPAN` ending a few minutes ago; ~2% are corrections
    of a recent entry (chains are possible, as each correction may itself be corrected later)."""
    rng = random.Random(SEED)
    categories = list(content.SCRIPT)
    weights = [content.SCRIPT[c][0] for c in categories]
    detail_weights = [w for w, _ in content.DETAILS]
    end = datetime.now(UTC).replace(tzinfo=None, microsecond=0) - timedelta(minutes=10)
    start = end - SPAN
    step = SPAN.total_seconds() / rows
    recent: deque[tuple] = deque(maxlen=RECENT_WINDOW)
    corrected: set[str] = set()
    for i in range(rows):
        logged = start + timedelta(seconds=i * step + rng.random() * step)
        if recent and rng.random() < CORRECTION_RATE:
            old = recent[rng.randrange(len(recent))]
            if old[0] not in corrected:
                corrected.add(old[0])
                row = _correction(rng, old, logged)
                recent.append(row)
                yield row
                continue
        if i % 50_000 == 49_999:
            row = _methane(rng, op_hex, user_hex, logged)
        else:
            slug = rng.choices(categories, weights)[0]
            _, (low, high), texts = content.SCRIPT[slug]
            place = rng.choice(content.PLACES)
            text = rng.choice(texts).format(place=place, n=rng.choice(content.CROWD_SIZES))
            if rng.random() < 1 / 3:
                detail = rng.choices(content.DETAILS, detail_weights)[0][1]
                text += " " + detail.format(unit=f"{rng.choice(content.UNITS)}-{rng.randint(1, 40)}")
            late = rng.random() < 0.01  # a few entries are logged hours after the fact
            occurred = logged - timedelta(seconds=rng.randint(3600, 6 * 3600) if late else rng.randint(20, 600))
            where = rng.choice(content.PLACES) if rng.random() < 0.9 else ""
            lat, lon = (
                (37.97 + rng.uniform(-0.02, 0.02), 23.73 + rng.uniform(-0.02, 0.02))
                if rng.random() < 0.3
                else (None, None)
            )
            new_id = _uuid(rng)
            row = (
                new_id,
                op_hex,
                new_id,
                None,
                occurred.strftime(TIME_FORMAT),
                logged.strftime(TIME_FORMAT),
                user_hex,
                slug,
                rng.randint(low, high),
                where,
                lat,
                lon,
                rng.choice(content.SOURCES),
                text,
                None,
                "",
            )
        recent.append(row)
        yield row


def _correction(rng: random.Random, old: tuple, logged: datetime) -> tuple:
    new_id = _uuid(rng)
    severity = min(5, max(1, old[8] + rng.choice((-1, 0, 1))))
    description = (
        old[13] if old[13].endswith(content.CORRECTION_SUFFIXES) else old[13] + rng.choice(content.CORRECTION_SUFFIXES)
    )
    return (
        new_id,
        old[1],
        old[2],  # root_id: the chain's first entry
        old[0],  # corrects_id: the entry it replaces
        old[4],
        logged.strftime(TIME_FORMAT),
        old[6],
        old[7],
        severity,
        old[9],
        old[10],
        old[11],
        old[12],
        description,
        old[14],
        rng.choice(content.CORRECTION_REASONS),
    )


def _methane(rng: random.Random, op_hex: str, user_hex: str, logged: datetime) -> tuple:
    place = rng.choice(content.PLACES)
    report = {
        "major_incident": rng.random() < 0.3,
        "exact_location": place,
        "incident_type": "Crowd crush risk at a barrier line",
        "hazards": "Collapsed barrier, crowd pressure from the rear",
        "access": f"From the north via {rng.choice(content.PLACES)}; keep it clear",
        "casualties": "3 walking wounded, 1 stretcher case",
        "emergency_services": "2 ambulances on scene, fire service requested",
    }
    declared = "MAJOR INCIDENT DECLARED" if report["major_incident"] else "Major incident STANDBY"
    summary = (
        f"{declared}. E: {report['exact_location']}. T: {report['incident_type']}. H: {report['hazards']}. "
        f"A: {report['access']}. N: {report['casualties']}. E: {report['emergency_services']}."
    )
    new_id = _uuid(rng)
    occurred = logged - timedelta(minutes=2)
    return (
        new_id,
        op_hex,
        new_id,
        None,
        occurred.strftime(TIME_FORMAT),
        logged.strftime(TIME_FORMAT),
        user_hex,
        "major-incident",
        5,
        place,
        None,
        None,
        "officer",
        summary,
        json.dumps(report, sort_keys=True),
        "",
    )


def _uuid(rng: random.Random) -> str:
    return uuid.UUID(int=rng.getrandbits(128), version=4).hex
