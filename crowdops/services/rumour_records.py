"""What the rumour register hands out: plain records of rumours, their history, evidence and responses."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from crowdops.domain.rumours import Reach, RumourStatus
from crowdops.services.message_records import MessageRecord
from crowdops.services.records import short_id


@dataclass(frozen=True, slots=True)
class RumourRecord:
    id: uuid.UUID
    operation_id: uuid.UUID
    claim: str
    source: str
    reach: Reach
    risk: int
    status: RumourStatus
    owner: str
    first_seen_at: datetime
    created_at: datetime
    last_action_at: datetime
    age: timedelta  # since it was first seen
    idle: timedelta  # since the last action on it

    @property
    def short_id(self) -> str:
        return short_id(self.id)


@dataclass(frozen=True, slots=True)
class SimilarRumour:
    rumour: RumourRecord
    score: float


@dataclass(frozen=True, slots=True)
class RumourEventRecord:
    at: datetime
    by: str
    status: RumourStatus
    note: str


@dataclass(frozen=True, slots=True)
class RumourLinkRecord:
    kind: str  # incident, message, url, note
    ref_id: uuid.UUID | None
    text: str
    added_at: datetime
    added_by: str


@dataclass(frozen=True, slots=True)
class RumourDetail:
    rumour: RumourRecord
    events: list[RumourEventRecord]
    links: list[RumourLinkRecord]
    responses: list[MessageRecord]  # each with its approval state and outbox rows per channel


@dataclass(frozen=True, slots=True)
class AddedRumour:
    rumour: RumourRecord
    similar: list[SimilarRumour] = field(default_factory=list)  # claims already tracked that look like this one


@dataclass(frozen=True, slots=True)
class ResponseNeeds:
    """What a response to a rumour will be drafted from: the fitting template, and the values it needs that the
    claim cannot give (each a placeholder name and what to write), for the person to supply."""

    template: str
    needed: list[tuple[str, str]]
