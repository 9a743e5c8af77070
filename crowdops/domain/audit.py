"""The audit chain: each entry carries an HMAC-SHA256 over the previous entry's MAC and its own canonical form, so
changing, removing or reordering any entry breaks every MAC after it."""

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass

from crowdops.domain.messages import canonical_json

GENESIS = "0" * 64  # the "previous MAC" of the first entry


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int
    at: str  # ISO 8601 UTC, as stored
    actor: str
    action: str
    subject: str  # e.g. "incident:3f2a…"
    data: str  # canonical JSON of what changed
    mac: str

    def signed_part(self) -> str:
        return canonical_json(
            {
                "seq": self.seq,
                "at": self.at,
                "actor": self.actor,
                "action": self.action,
                "subject": self.subject,
                "data": self.data,
            }
        )


def compute_mac(key: bytes, previous_mac: str, entry: AuditEntry) -> str:
    message = (previous_mac + "\n" + entry.signed_part()).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainVerdict:
    ok: bool
    checked: int
    first_bad: int | None = None  # seq of the first entry that does not verify
    reason: str = ""


def verify_chain(key: bytes, entries: Iterable[AuditEntry]) -> ChainVerdict:
    """Walk the chain in sequence order; the first entry whose MAC or position is wrong is named."""
    previous, expected_seq, checked = GENESIS, None, 0
    for entry in entries:
        if expected_seq is not None and entry.seq != expected_seq:
            return ChainVerdict(False, checked, entry.seq, f"entry {expected_seq} is missing")
        if not hmac.compare_digest(compute_mac(key, previous, entry), entry.mac):
            return ChainVerdict(False, checked, entry.seq, f"entry {entry.seq} was altered or signed with another key")
        previous, expected_seq, checked = entry.mac, entry.seq + 1, checked + 1
    return ChainVerdict(True, checked)
