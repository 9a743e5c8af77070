"""What every service needs: the database, the event bus and a clock (injected, so tests control time)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from crowdops.services.events import EventBus
from crowdops.store.database import Database


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class ServiceContext:
    db: Database
    bus: EventBus = field(default_factory=EventBus)
    clock: Callable[[], datetime] = utc_now
