"""Diagnostic for the startup benchmark: `python -m crowdops ... gui --smoke` exactly, except that the file check
before opening skips `PRAGMA quick_check`, which reads the whole database file. The difference to the real app is
what that check costs at startup on a big file. A measurement, not a proposed implementation."""

import sqlite3
import sys
from pathlib import Path
from urllib.parse import quote

from crowdops.store import database, preflight


def inspect_without_quick_check(path: Path) -> preflight.FileState:
    if not path.exists() or path.stat().st_size == 0:
        return preflight.FileState(exists=path.exists(), revision=None)
    connection = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    finally:
        connection.close()
    return preflight.FileState(exists=True, revision=row[0] if row else None)


if __name__ == "__main__":
    database.inspect_file = inspect_without_quick_check  # open_database looks it up in its own module
    from crowdops.cli.main import main

    sys.exit(main(sys.argv[1:]))
