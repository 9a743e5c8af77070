"""The outbox as people see it: every post with its state in plain words, and what a person may do about it —
retry now, cancel, or resolve a post whose fate only a person can tell (`unknown`, `held`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session

from crowdops.domain.enums import Role
from crowdops.domain.errors import ValidationError
from crowdops.domain.outbox import (
    CANCELLABLE,
    DEFAULT_MAX_AGE,
    MAX_STALE_MINUTES,
    PLAIN_WORDS,
    STALE_SETTING,
    OutboxStatus,
    require_outbox_transition,
)
from crowdops.domain.permissions import require_can_approve, require_can_compose, require_can_manage_channels
from crowdops.services.context import ServiceContext
from crowdops.services.events import OutboxChanged
from crowdops.services.lookup import by_id_prefix
from crowdops.services.users import find_user
from crowdops.store.message_models import Channel, Message, OutboxItem, SandboxPost
from crowdops.store.models import Operation, Setting, User

# Platforms where a post that may have gone out can be looked up; elsewhere a person must look.
CHECKABLE = frozenset({"mastodon", "bluesky", "x", "facebook", "webhook", "sandbox"})


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    id: uuid.UUID
    message_id: uuid.UUID
    operation_id: uuid.UUID
    channel: str
    platform: str
    language: str
    priority: str
    status: OutboxStatus
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    not_before: datetime | None  # a scheduled post's time
    sent_at: datetime | None
    last_error: str
    remote_url: str
    text: str
    maybe_sent: bool

    @property
    def words(self) -> str:
        return PLAIN_WORDS[self.status]


@dataclass(frozen=True, slots=True)
class OutboxCounts:
    by_status: dict[str, int]
    last_sent_at: datetime | None

    def __getitem__(self, status: OutboxStatus) -> int:
        return self.by_status.get(status.value, 0)

    @property
    def needs_attention(self) -> int:
        """Loud until handled: failed, held and unknown posts."""
        return self[OutboxStatus.FAILED] + self[OutboxStatus.HELD] + self[OutboxStatus.UNKNOWN]


@dataclass(frozen=True, slots=True)
class SandboxEntry:
    id: uuid.UUID
    channel: str
    language: str
    text: str
    posted_at: datetime


def _entry(item: OutboxItem, channel: Channel, operation_id: uuid.UUID) -> OutboxEntry:
    return OutboxEntry(
        id=item.id,
        message_id=item.message_id,
        operation_id=operation_id,
        channel=channel.name,
        platform=channel.platform,
        language=item.language,
        priority=item.priority,
        status=OutboxStatus(item.status),
        attempts=item.attempts,
        created_at=item.created_at,
        next_attempt_at=item.next_attempt_at,
        not_before=item.not_before,
        sent_at=item.sent_at,
        last_error=item.last_error,
        remote_url=item.remote_url,
        text=item.text,
        maybe_sent=item.maybe_sent,
    )


def find_item(session: Session, ref: str) -> OutboxItem:
    return by_id_prefix(session, OutboxItem, ref, "outbox", "No post in the outbox")


class OutboxService:
    def __init__(self, context: ServiceContext) -> None:
        self._ctx = context

    # -- reading ----------------------------------------------------------------------------------------------

    def list(
        self,
        *,
        status: str | None = None,
        operation_id: uuid.UUID | None = None,
        message_id: uuid.UUID | None = None,
        limit: int = 1000,
    ) -> list[OutboxEntry]:
        query = (
            select(OutboxItem, Channel, Message.operation_id)
            .join(Channel, Channel.id == OutboxItem.channel_id)
            .join(Message, Message.id == OutboxItem.message_id)
            .order_by(OutboxItem.created_at.desc(), literal_column("outbox_items.rowid").desc())
            .limit(limit)
        )
        if status:
            try:
                query = query.where(OutboxItem.status == OutboxStatus(status.strip().lower()).value)
            except ValueError:
                known = ", ".join(s.value for s in OutboxStatus)
                raise ValidationError(f"Unknown outbox state '{status}': use one of {known}.") from None
        if operation_id is not None:
            query = query.where(Message.operation_id == operation_id)
        if message_id is not None:
            query = query.where(OutboxItem.message_id == message_id)
        with self._ctx.db.read() as session:
            return [_entry(item, channel, op) for item, channel, op in session.execute(query)]

    def get(self, ref: str) -> OutboxEntry:
        with self._ctx.db.read() as session:
            return self._entry_of(session, find_item(session, ref))

    def counts(self, operation_id: uuid.UUID | None = None) -> OutboxCounts:
        by_status = select(OutboxItem.status, func.count()).group_by(OutboxItem.status)
        last_sent = select(func.max(OutboxItem.sent_at))
        if operation_id is not None:
            in_op = OutboxItem.message_id.in_(select(Message.id).where(Message.operation_id == operation_id))
            by_status, last_sent = by_status.where(in_op), last_sent.where(in_op)
        with self._ctx.db.read() as session:
            counts = {status: n for status, n in session.execute(by_status)}
            when = session.scalar(last_sent)
        return OutboxCounts(counts, when)

    def sandbox_feed(self, *, operation_id: uuid.UUID | None = None, limit: int = 200) -> list[SandboxEntry]:
        """The training feed, newest first: what sandbox channels "published" (of one operation, if given)."""
        query = (
            select(SandboxPost, Channel.name)
            .join(Channel, Channel.id == SandboxPost.channel_id)
            .order_by(SandboxPost.posted_at.desc())
            .limit(limit)
        )
        if operation_id is not None:
            query = query.join(OutboxItem, OutboxItem.id == SandboxPost.outbox_item_id).where(
                OutboxItem.message_id.in_(select(Message.id).where(Message.operation_id == operation_id))
            )
        with self._ctx.db.read() as session:
            return [SandboxEntry(p.id, name, p.language, p.text, p.posted_at) for p, name in session.execute(query)]

    def stale_after(self) -> dict[str, timedelta]:
        """How long a post of each priority may wait before it is held for re-confirmation."""
        limits = dict(DEFAULT_MAX_AGE)
        with self._ctx.db.read() as session:
            for priority in limits:
                setting = session.get(Setting, STALE_SETTING.format(priority=priority))
                if setting is not None:
                    limits[priority] = timedelta(minutes=int(setting.value))
        return limits

    def set_stale_after(self, priority: str, minutes: int, *, actor: str) -> dict[str, timedelta]:
        chosen = priority.strip().lower()
        if chosen not in DEFAULT_MAX_AGE:
            raise ValidationError(f"Unknown priority '{priority}': use one of {', '.join(DEFAULT_MAX_AGE)}.")
        if not 1 <= minutes <= MAX_STALE_MINUTES:
            raise ValidationError(f"Give between 1 and {MAX_STALE_MINUTES} minutes (a week).")
        with self._ctx.db.write() as session:
            user = find_user(session, actor)
            require_can_manage_channels(Role(user.role), user.name)
            key = STALE_SETTING.format(priority=chosen)
            setting = session.get(Setting, key)
            previous = int(setting.value) if setting else int(DEFAULT_MAX_AGE[chosen].total_seconds() // 60)
            if setting is None:
                session.add(Setting(key=key, value=str(minutes)))
            else:
                setting.value = str(minutes)
            self._ctx.record(
                session, user.name, "outbox.stale-after", f"setting:{key}", previous=previous, minutes=minutes
            )
        return self.stale_after()

    # -- a person acts ----------------------------------------------------------------------------------------

    def retry(self, ref: str, *, actor: str | None = None) -> OutboxEntry:
        """Try again now. A post that may already be out is checked on its platform first, never re-sent blindly."""
        with self._ctx.db.write() as session:
            item, channel, op, user = self._load(session, ref, actor)
            was = OutboxStatus(item.status)
            if was in (OutboxStatus.SENDING, OutboxStatus.SENT, OutboxStatus.CANCELLED):
                raise ValidationError(f"A post that is {PLAIN_WORDS[was].lower()} cannot be retried.")
            if was is OutboxStatus.HELD:
                # Releasing a held post re-confirms it (stale, or its incident changed): an approver's call.
                if user is None:
                    raise ValidationError("Releasing a held post re-confirms it: say who you are (--as).")
                require_can_approve(Role(user.role), op.exercise, user.name)
                item.queued_at = self._ctx.clock()
            elif user is not None:
                require_can_compose(Role(user.role), op.exercise, user.name)
            if was in (OutboxStatus.QUEUED, OutboxStatus.UNKNOWN):
                target = was  # already waiting: just make it due now
            elif item.maybe_sent:
                if channel.platform not in CHECKABLE:
                    raise ValidationError(
                        f"This post may already be on {channel.name}, and {channel.platform} cannot be checked: look "
                        "at the channel, then resolve it as sent or not sent."
                    )
                target = OutboxStatus.UNKNOWN
            else:
                target = OutboxStatus.QUEUED
            if target is not was:
                require_outbox_transition(was, target)
            item.status = target.value
            item.next_attempt_at = None
            if was is OutboxStatus.FAILED:
                item.attempts = 0  # a person fixed something: a fresh budget of attempts
            self._touch(session, item, user, "outbox.retry", previous=was.value, to=target.value)
            entry = self._entry_of(session, item)
        self._announce()
        return entry

    def cancel(self, ref: str, *, actor: str) -> OutboxEntry:
        with self._ctx.db.write() as session:
            item, _, op, user = self._load(session, ref, actor)
            assert user is not None
            require_can_approve(Role(user.role), op.exercise, user.name)
            was = OutboxStatus(item.status)
            if item.status not in CANCELLABLE:
                if was in (OutboxStatus.UNKNOWN, OutboxStatus.SENDING):
                    raise ValidationError(
                        "This post may already be out; it cannot be cancelled. Resolve it as sent or not sent."
                    )
                raise ValidationError(f"A post that is {PLAIN_WORDS[was].lower()} cannot be cancelled.")
            item.status = OutboxStatus.CANCELLED.value
            item.last_error = f"Cancelled by {user.name}."
            self._touch(session, item, user, "outbox.cancel", previous=was.value)
            entry = self._entry_of(session, item)
        self._announce()
        return entry

    def resolve(self, ref: str, *, actor: str, sent_url: str | None = None, not_sent: bool = False) -> OutboxEntry:
        """A person looked: the post is out (at this URL), or it is not (and may go now)."""
        if (sent_url is None) == (not not_sent):
            raise ValidationError("Say either where the post was published (its URL) or that it was not sent.")
        url = (sent_url or "").strip()
        if sent_url is not None and (
            urlsplit(url).scheme not in ("http", "https", "sandbox") or not urlsplit(url).netloc
        ):
            raise ValidationError(f"'{sent_url}' is not the address of a post: give its full https:// link.")
        with self._ctx.db.write() as session:
            item, _, op, user = self._load(session, ref, actor)
            assert user is not None
            require_can_approve(Role(user.role), op.exercise, user.name)
            was = OutboxStatus(item.status)
            if was not in (OutboxStatus.UNKNOWN, OutboxStatus.HELD):
                raise ValidationError(
                    f"Only a post whose fate is unknown or that is held can be resolved; this one is "
                    f"{PLAIN_WORDS[was].lower()}."
                )
            now = self._ctx.clock()
            if sent_url is not None:
                require_outbox_transition(was, OutboxStatus.SENT)
                item.status, item.remote_url, item.sent_at = OutboxStatus.SENT.value, url, now
                item.last_error = f"Marked as published by {user.name}."
            else:
                require_outbox_transition(was, OutboxStatus.QUEUED)
                item.status, item.next_attempt_at, item.maybe_sent = OutboxStatus.QUEUED.value, None, False
                item.last_error = f"{user.name} confirmed it was not published; it will be sent."
            if sent_url is None:
                item.queued_at = now  # re-confirmed by a person: the stale guard's clock starts again
            self._touch(session, item, user, "outbox.resolve", previous=was.value, sent=sent_url is not None, url=url)
            entry = self._entry_of(session, item)
        self._announce()
        return entry

    # -- helpers ----------------------------------------------------------------------------------------------

    def _load(
        self, session: Session, ref: str, actor: str | None
    ) -> tuple[OutboxItem, Channel, Operation, User | None]:
        item = find_item(session, ref)
        user = find_user(session, actor) if actor is not None else None
        channel = session.get(Channel, item.channel_id)
        message = session.get(Message, item.message_id)
        assert channel is not None and message is not None
        op = session.get(Operation, message.operation_id)
        assert op is not None
        return item, channel, op, user

    def _touch(self, session: Session, item: OutboxItem, user: User | None, action: str, **data: object) -> None:
        item.updated_at = self._ctx.clock()
        session.flush()
        self._ctx.record(session, user.name if user else None, action, f"outbox:{item.id.hex}", **data)

    def _entry_of(self, session: Session, item: OutboxItem) -> OutboxEntry:
        channel = session.get(Channel, item.channel_id)
        op_id = session.scalar(select(Message.operation_id).where(Message.id == item.message_id))
        assert channel is not None and op_id is not None
        return _entry(item, channel, op_id)

    def _announce(self) -> None:
        self._ctx.bus.publish(OutboxChanged())
