"""Plain, immutable records that services hand to the faces (never live ORM objects)."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from crowdops.domain.categories import category_label
from crowdops.domain.enums import OperationKind, Phase, Role, Source
from crowdops.domain.times import zone
from crowdops.store.filters import PageKey


def short_id(value: uuid.UUID) -> str:
    return value.hex[:8]


@dataclass(frozen=True, slots=True)
class UserRecord:
    id: uuid.UUID
    name: str
    role: Role


@dataclass(frozen=True, slots=True)
class ChannelRecord:
    id: uuid.UUID
    name: str
    platform: str
    base_url: str = ""
    account: str = ""
    page_id: str = ""
    chat_id: str = ""
    char_limit: int | None = None  # the account's own limit (a Mastodon instance's), learned by `channel test`


@dataclass(frozen=True, slots=True)
class OperationRecord:
    id: uuid.UUID
    name: str
    kind: OperationKind
    phase: Phase
    timezone: str
    area: str
    exercise: bool
    created_at: datetime

    @property
    def tz(self) -> ZoneInfo:
        return zone(self.timezone)


@dataclass(frozen=True, slots=True)
class IncidentRecord:
    id: uuid.UUID
    root_id: uuid.UUID
    corrects_id: uuid.UUID | None
    operation_id: uuid.UUID
    occurred_at: datetime
    logged_at: datetime
    logged_by: str
    category: str
    severity: int
    location: str
    latitude: float | None
    longitude: float | None
    source: Source
    description: str
    methane: dict[str, object] | None
    correction_reason: str

    @property
    def category_label(self) -> str:
        return category_label(self.category)

    @property
    def is_correction(self) -> bool:
        return self.corrects_id is not None

    @property
    def short_id(self) -> str:
        return short_id(self.id)


def page_key(record: IncidentRecord) -> PageKey:
    """The key after which the next timeline page starts."""
    return PageKey(record.occurred_at, record.logged_at, record.id)
