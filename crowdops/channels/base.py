"""What every platform adapter offers, and the outcomes it may report.

An adapter classifies every attempt as exactly one of:
- `Sent`: published, with the remote id and public URL;
- `Retry`: certainly not published (refused before it was read, rate-limited, throttled), try again later;
- `Ambiguous`: maybe published (read timeout, reset after the request went out, 5xx, a garbled answer);
- `Permanent`: will not succeed without a person; the message says what to do, in a comms officer's words.

`resolve` answers, for an ambiguous post, whether it exists — by the platform's own means — before anything is
re-sent: `Sent` (found), `NotPublished` (certainly absent: safe to send again), `Ambiguous` (cannot tell yet, ask
again later) or `NeedsPerson` (this platform cannot be checked).
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class ChannelConfig:
    """One account. `secret` is read from the keyring by the caller and never stored or printed."""

    name: str
    kind: str
    base_url: str = ""
    account: str = ""  # Mastodon/X handle, Bluesky identifier (handle or DID)
    page_id: str = ""  # Facebook page
    chat_id: str = ""  # Telegram channel (@name or numeric id)
    secret: str = field(default="", repr=False)


@dataclass(frozen=True, slots=True)
class Post:
    """One approved text for one channel and language, with everything fixed when it was queued."""

    item_id: uuid.UUID
    text: str
    language: str
    idempotency_key: str  # 32 hex characters, unique per outbox row
    record_key: str  # Bluesky record key (a TID), chosen when queued
    created_at: datetime  # frozen when queued (Bluesky `createdAt`), aware UTC


@dataclass(frozen=True, slots=True)
class Sent:
    remote_id: str
    url: str


@dataclass(frozen=True, slots=True)
class Retry:
    message: str
    not_before: datetime | None = None  # the earliest time the server will accept another try


@dataclass(frozen=True, slots=True)
class Ambiguous:
    message: str
    not_before: datetime | None = None


@dataclass(frozen=True, slots=True)
class Permanent:
    message: str


@dataclass(frozen=True, slots=True)
class NotPublished:
    """A look-up proved the post is not there: it may be sent again."""

    message: str = "Checked: the post is not on the account."


@dataclass(frozen=True, slots=True)
class NeedsPerson:
    message: str


Outcome = Sent | Retry | Ambiguous | Permanent
Resolution = Sent | NotPublished | Ambiguous | NeedsPerson | Retry | Permanent


@dataclass(frozen=True, slots=True)
class CheckResult:
    """`channel test`: can we reach the account with this secret? `detail` is fit to show."""

    ok: bool
    detail: str


class Publisher(Protocol):
    kind: str

    def publish(self, post: Post) -> Outcome:
        """One attempt. Never raises for network or server trouble: that is an outcome."""
        ...

    def resolve(self, post: Post) -> Resolution:
        """Whether an earlier, ambiguous attempt published `post`. Must never publish a second copy."""
        ...

    def check(self) -> CheckResult:
        """Reach the account and prove the secret works, without publishing anything."""
        ...


Clock = Callable[[], datetime]


class SessionCache(Protocol):
    """Where an adapter keeps a login session between runs (Bluesky: createSession is itself rate-limited).
    The sync layer backs it with the OS keyring; tests use a dict."""

    def load(self) -> str | None: ...

    def save(self, value: str | None) -> None: ...


class MemorySessionCache:
    def __init__(self) -> None:
        self.value: str | None = None

    def load(self) -> str | None:
        return self.value

    def save(self, value: str | None) -> None:
        self.value = value
