"""Public messages: purposes, priorities, the lifecycle and its allowed transitions, and the content hash that
binds an approval to the exact wording approved."""

import hashlib
import json
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from crowdops.domain.errors import ConflictError, ValidationError

MAX_TEXT = 63_206  # the largest limit of any platform (Facebook): a longer text fits nowhere


class Purpose(StrEnum):
    GUIDANCE = "guidance"
    WARNING = "warning"
    RUMOUR_RESPONSE = "rumour-response"
    DECISION_EXPLANATION = "decision-explanation"
    ALL_CLEAR = "all-clear"
    UPDATE = "update"
    CORRECTION = "correction"


class Priority(StrEnum):
    ROUTINE = "routine"
    URGENT = "urgent"
    LIFE_SAFETY = "life-safety"


class MessageStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {
            "draft": "Draft",
            "submitted": "Waiting for approval",
            "approved": "Approved",
            "rejected": "Rejected",
            "withdrawn": "Withdrawn",
        }[self.value]


_S = MessageStatus
# Editing (→ draft) is allowed from every state but withdrawn: it voids a submission or an approval.
TRANSITIONS: Mapping[MessageStatus, frozenset[MessageStatus]] = {
    _S.DRAFT: frozenset({_S.DRAFT, _S.SUBMITTED, _S.WITHDRAWN}),
    _S.SUBMITTED: frozenset({_S.DRAFT, _S.APPROVED, _S.REJECTED, _S.WITHDRAWN}),
    _S.APPROVED: frozenset({_S.DRAFT, _S.WITHDRAWN}),
    _S.REJECTED: frozenset({_S.DRAFT, _S.WITHDRAWN}),
    _S.WITHDRAWN: frozenset(),
}


def require_transition(current: MessageStatus, wanted: MessageStatus) -> None:
    if wanted not in TRANSITIONS[current]:
        verb = {
            _S.DRAFT: "edited",
            _S.SUBMITTED: "submitted",
            _S.APPROVED: "approved",
            _S.REJECTED: "rejected",
            _S.WITHDRAWN: "withdrawn",
        }[wanted]
        raise ConflictError(f"A message that is {current.label.lower()} cannot be {verb}.")


def clean_text(text: str | None) -> str:
    """Refuse text that no platform takes: empty, control characters, lone surrogates, longer than every limit.
    Windows and old Mac line breaks become plain ones (they arrive with pasted text)."""
    if text is not None:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    visible = "".join(c for c in (text or "") if unicodedata.category(c) != "Cf")  # zero-width and direction marks
    if text is None or not visible.strip():
        raise ValidationError("The message text is empty.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(
            "The text contains a broken character (a lone surrogate); retype or paste it again."
        ) from None
    for position, char in enumerate(text):
        if unicodedata.category(char) == "Cc" and char not in "\n\t":
            raise ValidationError(
                f"The text contains an invisible control character (U+{ord(char):04X}) at position {position + 1}; "
                "remove it."
            )
    cleaned = unicodedata.normalize("NFC", text.strip())
    if len(cleaned) > MAX_TEXT:
        raise ValidationError(
            f"The text is {len(cleaned):,} characters long, more than any platform takes ({MAX_TEXT:,})."
        )
    return cleaned


@dataclass(frozen=True, slots=True)
class VariantContent:
    language: str
    channel: str | None  # None: the text for every channel without an override
    text: str


def content_hash(
    purpose: str,
    priority: str,
    variants: Iterable[VariantContent],
    channels: Iterable[str],
    links: Iterable[tuple[str, str]],
) -> str:
    """SHA-256 over a canonical form of everything a reader would see or that decides where it goes: every
    variant, language, channel and link. Any change gives another hash, so an approval of one hash approves
    exactly that content."""
    canonical = {
        "purpose": purpose,
        "priority": priority,
        "variants": sorted([v.language, v.channel or "", v.text] for v in variants),
        "channels": sorted(channels),
        "links": sorted([kind, ref] for kind, ref in links),
    }
    return hashlib.sha256(canonical_json(canonical).encode("utf-8")).hexdigest()


def canonical_json(data: object) -> str:
    """One byte sequence per value: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
