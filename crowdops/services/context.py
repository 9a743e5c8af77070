"""What every service needs: the database, the event bus, a clock (injected, so tests control time) and the audit
log that every change is recorded in."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from crowdops.services.events import EventBus
from crowdops.store.audit import AuditLog
from crowdops.store.database import Database


def utc_now() -> datetime:
    return datetime.now(UTC)


SYSTEM_ACTOR = "(local administrator)"  # changes made at this laptop before any user could be named


@dataclass
class ServiceContext:
    db: Database
    bus: EventBus = field(default_factory=EventBus)
    clock: Callable[[], datetime] = utc_now
    audit: AuditLog = field(default_factory=AuditLog)

    def record(self, session: Session, actor: str | None, action: str, subject: str, **data: Any) -> None:
        """Append the audit entry of a change, in the change's own transaction."""
        self.audit.append(
            session, actor=actor or SYSTEM_ACTOR, action=action, subject=subject, data=data, at=self.clock()
        )
