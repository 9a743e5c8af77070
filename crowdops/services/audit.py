"""Reading the audit chain: check it end to end, name its head, show one record's trail."""

from crowdops.domain.audit import AuditEntry, ChainVerdict
from crowdops.services.context import ServiceContext


class AuditService:
    def __init__(self, context: ServiceContext) -> None:
        self._ctx = context

    def verify(self) -> ChainVerdict:
        with self._ctx.db.read() as session:
            return self._ctx.audit.verify(session)

    def head(self) -> AuditEntry | None:
        """The latest entry: its sequence and MAC, noted somewhere else, anchor the whole chain before it."""
        with self._ctx.db.read() as session:
            return self._ctx.audit.head(session)

    def trail(self, subject: str) -> list[AuditEntry]:
        with self._ctx.db.read() as session:
            return self._ctx.audit.for_subject(session, subject)
