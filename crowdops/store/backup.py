"""Consistent copies of a live database through SQLite's backup API (never a file copy, which can tear)."""

import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

KEEP_BACKUPS = 10


def backup_database(source: Path, destination: Path) -> Path:
    destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    src = sqlite3.connect(f"file:{quote(str(source.resolve()))}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(destination)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    destination.chmod(0o600)
    return destination


def backup_before_migration(source: Path, revision: str | None, now: datetime | None = None) -> Path:
    """Back up into `backups/` beside the database and keep the newest few."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    folder = source.parent / "backups"
    target = backup_database(source, folder / f"{source.stem}-{stamp}-before-schema-{revision or 'none'}.db")
    # The exact name, not a glob: `crowdops-*` would also match the backups of `crowdops-test.db`.
    ours = re.compile(rf"{re.escape(source.stem)}-\d{{8}}T\d{{6}}Z-before-schema-\w+\.db")
    backups = sorted(p for p in folder.iterdir() if ours.fullmatch(p.name))
    for old in backups[:-KEEP_BACKUPS]:
        old.unlink()
    return target
