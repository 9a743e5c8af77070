"""What a timeline query asks for. Plain data (no SQLAlchemy), so the GUI can hold one without loading the store."""

import uuid
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class TimelineFilter:
    operation_id: uuid.UUID
    category: str | None = None
    min_severity: int = 1
    since: datetime | None = None
    until: datetime | None = None
    fts: str | None = None  # an already-escaped FTS5 query (see domain.search)
    nothing: bool = False  # the search had no searchable words: match nothing


@dataclass(frozen=True, slots=True)
class PageKey:
    """Where the previous page ended; the next page starts strictly after it."""

    occurred_at: datetime
    logged_at: datetime
    id: uuid.UUID
