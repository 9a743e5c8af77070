"""The hash-chained audit log: every state change appends one entry in the same transaction as the change.

The MAC key is kept in the system keyring under a name tied to this database (its installation id), never in the
database itself: someone holding only the file can read the log but cannot forge or re-sign it.
"""

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from crowdops.domain.audit import GENESIS, AuditEntry, ChainVerdict, compute_mac, verify_chain
from crowdops.domain.messages import canonical_json
from crowdops.store.message_models import AuditRow
from crowdops.store.models import Setting
from crowdops.store.secrets import SecretStoreError, get_or_create_key, get_secret

INSTALLATION_ID = "installation_id"


def _entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(row.seq, row.at, row.actor, row.action, row.subject, row.data, row.mac)


class AuditLog:
    def __init__(self) -> None:
        self._key: bytes | None = None

    def _key_for(self, session: Session, *, create: bool) -> bytes:
        if self._key is None:
            setting = session.get(Setting, INSTALLATION_ID)
            if setting is None:
                raise SecretStoreError("This database has no installation id; it was not created by CrowdOps.")
            name = f"audit-key-{setting.value}"
            if get_secret(name) is None and (not create or session.scalar(select(func.count(AuditRow.seq)))):
                raise SecretStoreError(
                    "The audit key of this database is not in this computer's keyring, so its audit log can be "
                    "neither checked nor continued here. Use the computer it was created on."
                )
            self._key = get_or_create_key(name)
        return self._key

    def append(
        self,
        session: Session,
        *,
        actor: str,
        action: str,
        subject: str,
        data: dict[str, Any],
        at: datetime | None = None,
    ) -> int:
        """Sign and add one entry. Runs inside the caller's write transaction (which holds the write lock, so the
        chain head cannot move between reading it and appending)."""
        key = self._key_for(session, create=True)
        last = session.execute(select(AuditRow.seq, AuditRow.mac).order_by(AuditRow.seq.desc()).limit(1)).first()
        seq, previous = (last[0] + 1, last[1]) if last else (1, GENESIS)
        moment = (at or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        draft = AuditEntry(seq, moment, actor, action, subject, canonical_json(data), "")
        row = AuditRow(
            seq=seq,
            at=moment,
            actor=actor,
            action=action,
            subject=subject,
            data=draft.data,
            mac=compute_mac(key, previous, draft),
        )
        session.add(row)
        session.flush()
        return seq

    def append_many(self, session: Session, entries: list[tuple[str, str, str, dict[str, Any], datetime]]) -> None:
        """Sign and add (actor, action, subject, data, at) entries in order, in one statement: for the outbox
        worker, which records dozens of outcomes per transaction."""
        if not entries:
            return
        key = self._key_for(session, create=True)
        last = session.execute(select(AuditRow.seq, AuditRow.mac).order_by(AuditRow.seq.desc()).limit(1)).first()
        seq, previous = (last[0], last[1]) if last else (0, GENESIS)
        rows = []
        for actor, action, subject, data, at in entries:
            seq += 1
            moment = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            draft = AuditEntry(seq, moment, actor, action, subject, canonical_json(data), "")
            previous = compute_mac(key, previous, draft)
            rows.append(
                {
                    "seq": seq,
                    "at": moment,
                    "actor": actor,
                    "action": action,
                    "subject": subject,
                    "data": draft.data,
                    "mac": previous,
                }
            )
        session.execute(insert(AuditRow), rows)

    def verify(self, session: Session) -> ChainVerdict:
        if not session.scalar(select(func.count(AuditRow.seq))):
            return ChainVerdict(True, 0)
        key = self._key_for(session, create=False)
        return verify_chain(key, self._rows(session))

    def _rows(self, session: Session) -> Iterator[AuditEntry]:
        for row in session.scalars(select(AuditRow).order_by(AuditRow.seq).execution_options(yield_per=1000)):
            yield _entry(row)

    def head(self, session: Session) -> AuditEntry | None:
        row = session.scalars(select(AuditRow).order_by(AuditRow.seq.desc()).limit(1)).first()
        return _entry(row) if row else None

    def for_subject(self, session: Session, subject: str) -> list[AuditEntry]:
        rows = session.scalars(select(AuditRow).where(AuditRow.subject == subject).order_by(AuditRow.seq))
        return [_entry(row) for row in rows]
