"""What an attempt's outcome does to its outbox row: a pure rule, so the dispatcher only applies it.

The rule that keeps a post from going out twice: only `Sent` or a proof of absence (`NotPublished`) ends a doubt.
Once an attempt may have published a post (`maybe_sent`), anything short of those leaves it `unknown` — to be
checked on the platform — or hands it to a person; it never becomes `queued` again on its own.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime

from crowdops.channels.base import Ambiguous, NeedsPerson, NotPublished, Permanent, Retry, Sent
from crowdops.domain.outbox import MAX_ATTEMPTS, OutboxStatus, next_attempt


@dataclass(frozen=True, slots=True)
class Change:
    target: OutboxStatus
    message: str
    fields: dict[str, object] = field(default_factory=dict)
    label: str = ""  # how the pass reports it: sent, failed, held, unknown, queued, not-published
    unreachable: bool = False  # nothing reached the server: leave the channel for the rest of this pass


def change_for(
    outcome: object,
    *,
    checking: bool,
    maybe_sent: bool,
    attempts: int,
    now: datetime,
    rng: random.Random,
) -> Change:
    match outcome:
        case Sent(remote_id=remote_id, url=url):
            fields: dict[str, object] = {"remote_id": remote_id, "remote_url": url, "sent_at": now}
            return Change(OutboxStatus.SENT, "", fields, "sent")
        case NotPublished(message=message):
            # Proven absent: it may go out again, now.
            return Change(OutboxStatus.QUEUED, message, {"maybe_sent": False, "next_attempt_at": None}, "not-published")
        case NeedsPerson(message=message):
            return Change(OutboxStatus.HELD, message, {}, "held")
        case Permanent(message=message):
            if checking or maybe_sent:
                return Change(OutboxStatus.HELD, f"Could not check whether it went out: {message}", {}, "held")
            return Change(OutboxStatus.FAILED, message, {}, "failed")
        case Retry(message=message, not_before=not_before):
            # A check that could not be made leaves the post unknown: only a proof of absence re-queues it.
            back = OutboxStatus.UNKNOWN if checking or maybe_sent else OutboxStatus.QUEUED
            return _later(back, message, not_before, attempts, now, rng, {}, unreachable=not_before is None)
        case Ambiguous(message=message, not_before=not_before):
            return _later(OutboxStatus.UNKNOWN, message, not_before, attempts, now, rng, {"maybe_sent": True})
    raise TypeError(f"not an outcome: {outcome!r}")


def _later(
    target: OutboxStatus,
    message: str,
    not_before: datetime | None,
    attempts: int,
    now: datetime,
    rng: random.Random,
    fields: dict[str, object],
    *,
    unreachable: bool = False,
) -> Change:
    if attempts >= MAX_ATTEMPTS:
        if target is OutboxStatus.UNKNOWN:
            return Change(OutboxStatus.HELD, f"Gave up checking after {attempts} tries: {message}", fields, "held")
        return Change(OutboxStatus.FAILED, f"Gave up after {attempts} attempts: {message}", fields, "failed")
    due = next_attempt(now, attempts, not_before, rng)
    return Change(
        target,
        message,
        {**fields, "next_attempt_at": due},
        target.value,
        unreachable=unreachable and target is OutboxStatus.QUEUED,
    )
