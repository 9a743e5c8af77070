"""The rules of the rumour register: reach, risk, the lifecycle of a rumour, which template answers it, and how
alike two claims are (so the same story is not tracked twice).

Lifecycle: new → verifying → confirmed | false | partly-true | unverifiable → responded → closed. A verdict or a
response may go back to verifying when new evidence appears; a rumour that is a duplicate or comes to nothing may be
closed from any state; closed is final.
"""

import difflib
import re
from enum import StrEnum

from crowdops.domain.errors import ValidationError
from crowdops.domain.search import fold

CLAIM_MAX = 500
NOTE_MAX = 2000
SOURCE_MAX = 500
RISK_MIN, RISK_MAX = 1, 5
SIMILAR_THRESHOLD = 0.6


class Reach(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VIRAL = "viral"


class RumourStatus(StrEnum):
    NEW = "new"
    VERIFYING = "verifying"
    CONFIRMED = "confirmed"
    FALSE = "false"
    PARTLY_TRUE = "partly-true"
    UNVERIFIABLE = "unverifiable"
    RESPONDED = "responded"
    CLOSED = "closed"

    @property
    def is_verdict(self) -> bool:
        return self in VERDICTS


VERDICTS = frozenset({RumourStatus.CONFIRMED, RumourStatus.FALSE, RumourStatus.PARTLY_TRUE, RumourStatus.UNVERIFIABLE})

_TRANSITIONS: dict[RumourStatus, frozenset[RumourStatus]] = {
    RumourStatus.NEW: frozenset({RumourStatus.VERIFYING, RumourStatus.CLOSED}),
    RumourStatus.VERIFYING: VERDICTS | {RumourStatus.CLOSED},
    **{
        verdict: frozenset({RumourStatus.RESPONDED, RumourStatus.VERIFYING, RumourStatus.CLOSED})
        for verdict in VERDICTS
    },
    RumourStatus.RESPONDED: frozenset({RumourStatus.CLOSED, RumourStatus.VERIFYING}),
    RumourStatus.CLOSED: frozenset(),
}


def allowed_transitions(current: RumourStatus) -> frozenset[RumourStatus]:
    return _TRANSITIONS[current]


def require_transition(current: RumourStatus, target: RumourStatus) -> None:
    if target == current:
        raise ValidationError(f"The rumour is already {current.value}.")
    allowed = _TRANSITIONS[current]
    if target not in allowed:
        if not allowed:
            raise ValidationError(f"The rumour is {current.value}: that is final; enter it again if it resurfaces.")
        options = ", ".join(sorted(s.value for s in allowed))
        raise ValidationError(
            f"A rumour that is {current.value} cannot become {target.value}; it can become {options}."
        )


# Which pre-approved template answers a rumour, by its verdict. Before a verdict: the holding line "we are checking".
HOLDING_LINE = "rumour-holding-line"
RESPONSE_TEMPLATES: dict[RumourStatus, str] = {
    RumourStatus.NEW: HOLDING_LINE,
    RumourStatus.VERIFYING: HOLDING_LINE,
    RumourStatus.UNVERIFIABLE: HOLDING_LINE,
    RumourStatus.FALSE: "rumour-denial",
    RumourStatus.CONFIRMED: "rumour-confirmed",
    RumourStatus.PARTLY_TRUE: "rumour-confirmed",
}


def response_template(status: RumourStatus) -> str:
    """The template for a response in this state (after `responded`, pass the last verdict)."""
    if status is RumourStatus.CLOSED:
        raise ValidationError("The rumour is closed: reopen nothing, enter it again if it resurfaces.")
    try:
        return RESPONSE_TEMPLATES[status]
    except KeyError:
        raise ValidationError(f"No response template fits a rumour that is {status.value}; name one.") from None


def clean_claim(claim: str | None) -> str:
    text = " ".join((claim or "").split())
    if not text:
        raise ValidationError("The claim is empty: say in one sentence what people are told.")
    if len(text) > CLAIM_MAX:
        raise ValidationError(f"The claim is {len(text)} characters; keep it to one sentence (at most {CLAIM_MAX}).")
    return text


def clean_note(note: str | None) -> str:
    text = (note or "").strip()
    if not text:
        raise ValidationError("Give a note: why the status changes (what was checked, who confirmed).")
    if len(text) > NOTE_MAX:
        raise ValidationError(f"The note is {len(text)} characters; at most {NOTE_MAX}.")
    return text


def clean_source(source: str | None) -> str:
    text = (source or "").strip()
    if len(text) > SOURCE_MAX:
        raise ValidationError(f"The source is {len(text)} characters; at most {SOURCE_MAX}.")
    if any(c in text for c in "\r\n\x00"):
        raise ValidationError("The source is one line: a URL, or where it was heard (radio, word of mouth).")
    return text


def clean_evidence_url(url: str | None) -> str:
    """A link to where the claim was seen: one web address, kept as typed."""
    text = (url or "").strip()
    if len(text) > SOURCE_MAX:
        raise ValidationError(f"The link is {len(text)} characters; at most {SOURCE_MAX}.")
    if not re.fullmatch(r"https?://\S+", text):
        raise ValidationError(f"'{text}' is not a web link: give the whole address, starting https://.")
    return text


def clean_evidence_note(note: str | None, *, required: bool) -> str:
    """What the evidence shows; on its own (no link, no incident) it is the evidence, so it must say something."""
    text = (note or "").strip()
    if required and not text:
        raise ValidationError("The evidence is empty: give a link, a note, or the incident it relates to.")
    if len(text) > NOTE_MAX:
        raise ValidationError(f"The note is {len(text)} characters; at most {NOTE_MAX}.")
    return text


def check_risk(risk: int | str | None) -> int:
    try:
        value = int(str(risk).strip()) if risk is not None else 0
    except ValueError:
        value = 0
    if not RISK_MIN <= value <= RISK_MAX:
        raise ValidationError(f"The risk to safety is a whole number from {RISK_MIN} to {RISK_MAX}, not '{risk}'.")
    return value


_TOKEN = re.compile(r"\w+", re.UNICODE)


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(fold(text) or "")


def similarity(a: str, b: str) -> float:
    """How alike two claims are, 0 to 1: the better of word overlap (Jaccard) and word-order similarity, on
    text folded for case and accents in every script."""
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return 0.0
    sa, sb = set(ta), set(tb)
    jaccard = len(sa & sb) / len(sa | sb)
    sequence = difflib.SequenceMatcher(None, ta, tb, autojunk=False).ratio()
    return max(jaccard, sequence)


def is_similar(a: str, b: str) -> bool:
    return similarity(a, b) >= SIMILAR_THRESHOLD
