"""Look at a database file without changing a byte of it: is it SQLite, is it sound, which schema is it?"""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from crowdops.store.errors import CorruptDatabaseError, DatabaseFileError, NotADatabaseError

SQLITE_HEADER = b"SQLite format 3\x00"
# quick_check reads every page (about a second per GB): at start-up only for files up to this size. Larger ones
# get the structural checks below, and SQLite reports damage on the pages it reads later.
FULL_CHECK_MAX_BYTES = 64 * 2**20


def sidecars(path: Path) -> tuple[Path, Path]:
    """The -wal and -shm files SQLite keeps beside a database in WAL mode."""
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def _holds_data(wal: Path) -> bool:
    return wal.exists() and wal.stat().st_size > 0


def _check_size(path: Path) -> None:
    """A file shorter than the page count its header records was cut off (a failed copy, a full disk)."""
    with path.open("rb") as handle:
        header = handle.read(100)
    if len(header) < 100:
        raise CorruptDatabaseError(f"{path} is truncated (its header is incomplete); it was left untouched.")
    if _holds_data(sidecars(path)[0]):
        # A checkpoint cut short by a crash writes page 1 (and its page count) before the pages after the end
        # of the file; those are still in the -wal, and SQLite recovers them from it.
        return
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    change_counter, pages, valid_for = (int.from_bytes(header[i : i + 4], "big") for i in (24, 28, 92))
    if change_counter == valid_for and pages and path.stat().st_size < pages * page_size:
        raise CorruptDatabaseError(
            f"{path} is truncated ({path.stat().st_size} bytes of {pages * page_size}); it was left untouched. "
            "Restore it from a backup."
        )


@contextmanager
def left_as_found_if_refused(path: Path) -> Iterator[None]:
    """Even a read-only look at a database in WAL mode creates an empty -wal and a -shm beside it. If the file is
    then refused, remove those the look created, so that its folder is exactly as it was. A -wal that holds data
    is never removed: someone else has opened the database meanwhile, and both files are theirs."""
    created = [sidecar for sidecar in sidecars(path) if not sidecar.exists()]
    try:
        yield
    except DatabaseFileError:
        if not _holds_data(sidecars(path)[0]):
            for sidecar in created:
                sidecar.unlink(missing_ok=True)
        raise


@dataclass(frozen=True, slots=True)
class FileState:
    exists: bool
    revision: str | None  # Alembic revision; None for a new or empty file


def inspect_file(path: Path) -> FileState:
    if path.is_dir():
        raise NotADatabaseError(f"{path} is a folder, not a CrowdOps database file.")
    if not path.exists() or path.stat().st_size == 0:
        return FileState(exists=path.exists(), revision=None)
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise NotADatabaseError(f"{path} is not a SQLite database, so CrowdOps cannot open it; it was left untouched.")
    _check_size(path)
    try:
        connection = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise CorruptDatabaseError(f"{path} cannot be opened ({error}); it was left untouched.") from None
    try:
        if path.stat().st_size <= FULL_CHECK_MAX_BYTES:
            verdict = connection.execute("PRAGMA quick_check").fetchone()[0]
            if verdict != "ok":
                summary = " ".join(str(verdict).split())  # SQLite's report spans lines; errors are one sentence
                raise CorruptDatabaseError(
                    f"{path} is damaged ({summary}); it was left untouched. Restore it from a backup."
                )
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            return FileState(exists=True, revision=None)
        if "alembic_version" not in tables:
            raise NotADatabaseError(
                f"{path} is a SQLite database of another program, not of CrowdOps; it was left untouched."
            )
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        return FileState(exists=True, revision=row[0] if row else None)
    except sqlite3.DatabaseError as error:
        raise CorruptDatabaseError(
            f"{path} is damaged or truncated ({error}); it was left untouched. Restore it from a backup."
        ) from None
    finally:
        connection.close()
