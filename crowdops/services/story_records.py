"""Rows of the operation's story that are not incidents (rumours, decisions, published messages), as plain records
the timeline can hold next to incident records without loading the store."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from crowdops.services.records import IncidentRecord, page_key
from crowdops.store.filters import DECISION, DECISION_REVISED, MESSAGE_SENT, RUMOUR_SEEN, RUMOUR_STATUS, PageKey

# Which view opens a row, by its kind.
OPENS = {
    RUMOUR_SEEN: "rumour",
    RUMOUR_STATUS: "rumour",
    DECISION: "decision",
    DECISION_REVISED: "decision",
    MESSAGE_SENT: "message",
}


@dataclass(frozen=True, slots=True)
class StoryItem:
    kind: str  # RUMOUR_SEEN, RUMOUR_STATUS, DECISION, DECISION_REVISED or MESSAGE_SENT
    id: uuid.UUID  # the row's own id (a rumour, a rumour's status change, a decision version, a message)
    target_id: uuid.UUID  # what opens: the rumour, the decision (its first version), the message
    at: datetime
    order_at: datetime  # breaks ties of `at`, as logged_at does for incidents
    title: str  # the claim, the decision, the message's first text
    status: str  # a rumour's (new) status, a message's purpose; empty for decisions
    note: str  # a rumour's source or the note of its status change, a decision's rationale, the channels sent to
    by: str

    @property
    def opens(self) -> str:
        """incident, rumour, decision or message: the kind of record to open."""
        return OPENS[self.kind]


TimelineRow = IncidentRecord | StoryItem


def row_key(row: TimelineRow) -> PageKey:
    """The key after which the next page starts, for either kind of row."""
    if isinstance(row, StoryItem):
        return PageKey(row.at, row.order_at, row.id)
    return page_key(row)
