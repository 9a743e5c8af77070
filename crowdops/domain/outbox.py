"""The outbox's rules: its states and their allowed moves, the send order, backoff and the stale guard.

A post waits in the outbox until it is published exactly once. `sending` is committed before a request leaves, so
a crash mid-request leaves a row that says so; at start-up such a row becomes `unknown` and is resolved by the
platform's own means before anything is re-sent.
"""

import random
from datetime import datetime, timedelta
from enum import StrEnum

from crowdops.domain.errors import ConflictError
from crowdops.domain.messages import Priority


class OutboxStatus(StrEnum):
    QUEUED = "queued"  # waiting for its time and the network
    SENDING = "sending"  # a request is (or was, when the app died) on its way
    SENT = "sent"  # published; the remote id and public URL are known
    UNKNOWN = "unknown"  # maybe published: to be checked before any re-send
    HELD = "held"  # needs a person: stale, its incident changed, or cannot be checked on this platform
    FAILED = "failed"  # will not go out without a person (permanent error, or too many attempts)
    CANCELLED = "cancelled"  # withdrawn, edited, or cancelled by hand


OUTBOX_TRANSITIONS: dict[OutboxStatus, frozenset[OutboxStatus]] = {
    OutboxStatus.QUEUED: frozenset(
        {OutboxStatus.SENDING, OutboxStatus.HELD, OutboxStatus.CANCELLED, OutboxStatus.SENT, OutboxStatus.FAILED}
    ),
    OutboxStatus.SENDING: frozenset(
        {OutboxStatus.SENT, OutboxStatus.QUEUED, OutboxStatus.UNKNOWN, OutboxStatus.FAILED, OutboxStatus.HELD}
    ),
    # An unknown post is checked: found (sent), certainly absent (queued again), or handed to a person.
    OutboxStatus.UNKNOWN: frozenset(
        {OutboxStatus.SENT, OutboxStatus.QUEUED, OutboxStatus.HELD, OutboxStatus.FAILED, OutboxStatus.SENDING}
    ),
    # A held post that may already be out goes back to `unknown` (checked first), never straight to `queued`.
    OutboxStatus.HELD: frozenset(
        {OutboxStatus.QUEUED, OutboxStatus.UNKNOWN, OutboxStatus.SENT, OutboxStatus.CANCELLED}
    ),
    OutboxStatus.FAILED: frozenset({OutboxStatus.QUEUED, OutboxStatus.CANCELLED}),
    OutboxStatus.SENT: frozenset(),
    OutboxStatus.CANCELLED: frozenset(),
}

# States that still need the worker or a person; `sync --once` succeeds only when none of the first three remain.
PENDING = (OutboxStatus.QUEUED, OutboxStatus.SENDING, OutboxStatus.UNKNOWN)
NEEDS_A_PERSON = (OutboxStatus.HELD, OutboxStatus.FAILED)
OPEN = (*PENDING, *NEEDS_A_PERSON)
# What withdrawing or editing a message may still stop: nothing that is (or may be) on its way.
CANCELLABLE = (OutboxStatus.QUEUED.value, OutboxStatus.HELD.value, OutboxStatus.FAILED.value)

PLAIN_WORDS: dict[OutboxStatus, str] = {
    OutboxStatus.QUEUED: "Waiting to send",
    OutboxStatus.SENDING: "Sending…",
    OutboxStatus.SENT: "Published",
    OutboxStatus.UNKNOWN: "Unknown — checking whether it went out",
    OutboxStatus.HELD: "Held — needs a person",
    OutboxStatus.FAILED: "Failed — not published",
    OutboxStatus.CANCELLED: "Cancelled",
}


def require_outbox_transition(current: OutboxStatus, target: OutboxStatus) -> None:
    if target not in OUTBOX_TRANSITIONS[current]:
        raise ConflictError(f"A post that is {PLAIN_WORDS[current].lower()} cannot become {target.value}.")


# Life-safety first, then urgent, then routine; first in, first out within a rank.
PRIORITY_RANK: dict[str, int] = {Priority.LIFE_SAFETY.value: 0, Priority.URGENT.value: 1, Priority.ROUTINE.value: 2}

BACKOFF_BASE = timedelta(seconds=5)
BACKOFF_CAP = timedelta(minutes=15)
MAX_ATTEMPTS = 12


def backoff_delay(attempts: int, rng: random.Random | None = None) -> timedelta:
    """Full jitter: a random wait between zero and base·2^(attempts-1), capped at 15 minutes."""
    ceiling = min(BACKOFF_CAP.total_seconds(), BACKOFF_BASE.total_seconds() * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=(rng or random).uniform(0, ceiling))


def next_attempt(
    now: datetime, attempts: int, not_before: datetime | None, rng: random.Random | None = None
) -> datetime:
    """The jittered backoff, but never earlier than the server asked (Retry-After, a rate-limit reset)."""
    chosen = now + backoff_delay(attempts, rng)
    return max(chosen, not_before) if not_before is not None else chosen


# Stale guard: a post queued longer than this is held for re-confirmation instead of going out hours late.
DEFAULT_MAX_AGE: dict[str, timedelta] = {
    Priority.LIFE_SAFETY.value: timedelta(minutes=30),
    Priority.URGENT.value: timedelta(hours=2),
    Priority.ROUTINE.value: timedelta(hours=12),
}


STALE_SETTING = "outbox.stale_after.{priority}"  # minutes, in the settings table; the defaults above otherwise
MAX_STALE_MINUTES = 7 * 24 * 60


def is_stale(queued_at: datetime, now: datetime, max_age: timedelta) -> bool:
    return now - queued_at > max_age
