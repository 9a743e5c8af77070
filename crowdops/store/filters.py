"""What a timeline query asks for. Plain data (no SQLAlchemy), so the GUI can hold one without loading the store."""

import uuid
from dataclasses import dataclass
from datetime import datetime

# The kinds that the timeline can show interleaved with its incidents (off unless asked for).
RUMOURS, DECISIONS, MESSAGES = "rumours", "decisions", "messages"
STORY_KINDS = (RUMOURS, DECISIONS, MESSAGES)
# What a row of those kinds is: a rumour first seen, a rumour's status changed, a decision or a revision of one, a
# message whose first post was sent.
RUMOUR_SEEN, RUMOUR_STATUS, DECISION, DECISION_REVISED, MESSAGE_SENT = (
    "rumour",
    "rumour-status",
    "decision",
    "decision-revised",
    "message-sent",
)


@dataclass(frozen=True, slots=True)
class TimelineFilter:
    operation_id: uuid.UUID
    category: str | None = None
    min_severity: int = 1
    since: datetime | None = None
    until: datetime | None = None
    fts: str | None = None  # an already-escaped FTS5 query (see domain.search)
    nothing: bool = False  # the search had no searchable words: match nothing
    kinds: frozenset[str] = frozenset()  # of STORY_KINDS, shown with the incidents; empty: incidents only
    words: tuple[str, ...] = ()  # the search's folded words, for the kinds without a full-text index


@dataclass(frozen=True, slots=True)
class PageKey:
    """Where the previous page ended; the next page starts strictly after it."""

    occurred_at: datetime
    logged_at: datetime
    id: uuid.UUID
