"""Reading a message whole: its content, hash, privacy flags, approvals and outbox rows, as plain records."""

import functools
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import ParamSpec

from sqlalchemy import select
from sqlalchemy.orm import Session

from crowdops.domain.languages import language
from crowdops.domain.messages import MessageStatus, Priority, Purpose, VariantContent, content_hash
from crowdops.domain.privacy import PrivacyFlag, find_personal_data
from crowdops.services.channels import channel_record
from crowdops.services.events import MessageChanged
from crowdops.services.lookup import by_id_prefix
from crowdops.services.records import ChannelRecord, short_id
from crowdops.store.message_models import (
    Approval,
    Channel,
    Message,
    MessageChannel,
    MessageContributor,
    MessageLink,
    MessageVariant,
    OutboxItem,
    PrivacyAck,
)
from crowdops.store.models import User

LINK_KINDS = ("incident", "rumour", "decision")

_P = ParamSpec("_P")


def announces_change(method: Callable[_P, "MessageRecord"]) -> Callable[_P, "MessageRecord"]:
    """After a service method that changed a message has committed, tell the views (MessageChanged)."""

    @functools.wraps(method)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> MessageRecord:
        record = method(*args, **kwargs)
        args[0]._ctx.bus.publish(MessageChanged(record.operation_id, record.id))  # type: ignore[attr-defined]
        return record

    return wrapper


@dataclass(frozen=True, slots=True)
class VariantRecord:
    language: str
    channel: str | None  # None: for every channel without its own text
    text: str

    @property
    def rtl(self) -> bool:
        return language(self.language).rtl


@dataclass(frozen=True, slots=True)
class FlagRecord:
    flag: PrivacyFlag
    language: str
    channel: str | None
    acknowledged_by: str | None


@dataclass(frozen=True, slots=True)
class ApprovalRecord:
    approved_by: str
    approved_at: datetime
    content_hash: str
    content: dict[str, object]
    break_glass_reason: str | None  # set: published without a second person's review

    @property
    def unreviewed(self) -> bool:
        return self.break_glass_reason is not None


@dataclass(frozen=True, slots=True)
class OutboxRecord:
    channel: str
    platform: str
    language: str
    status: str
    text: str


@dataclass(frozen=True, slots=True)
class MessageRecord:
    id: uuid.UUID
    operation_id: uuid.UUID
    purpose: Purpose
    priority: Priority
    status: MessageStatus
    version: int
    created_by: str
    created_at: datetime
    updated_at: datetime
    status_reason: str
    variants: list[VariantRecord]
    channels: list[ChannelRecord]
    links: list[tuple[str, uuid.UUID]]
    contributors: list[str]
    content_hash: str
    submitted_hash: str | None
    flags: list[FlagRecord] = field(default_factory=list)
    approvals: list[ApprovalRecord] = field(default_factory=list)
    outbox: list[OutboxRecord] = field(default_factory=list)

    @property
    def short_id(self) -> str:
        return short_id(self.id)

    @property
    def languages(self) -> list[str]:
        return sorted({v.language for v in self.variants if v.channel is None})

    def text(self, lang: str, channel: str | None = None) -> str | None:
        """The text a channel gets in a language: its own override, else the default."""
        by_key = {(v.language, v.channel): v.text for v in self.variants}
        return by_key.get((lang, channel)) or by_key.get((lang, None))

    @property
    def unacknowledged(self) -> list[FlagRecord]:
        return [f for f in self.flags if f.acknowledged_by is None]

    @property
    def last_approval(self) -> ApprovalRecord | None:
        return self.approvals[-1] if self.approvals else None


def find_message(session: Session, ref: str) -> Message:
    return by_id_prefix(session, Message, ref, "message")


def content_of(
    session: Session, message: Message
) -> tuple[list[VariantRecord], list[ChannelRecord], list[tuple[str, uuid.UUID]]]:
    channels_by_id = {c.id: c for c in session.scalars(select(Channel))}
    variants = sorted(
        (
            VariantRecord(v.language, channels_by_id[v.channel_id].name if v.channel_id else None, v.text)
            for v in session.scalars(select(MessageVariant).where(MessageVariant.message_id == message.id))
        ),
        key=lambda v: (v.language, v.channel or ""),
    )
    chosen = session.scalars(select(MessageChannel.channel_id).where(MessageChannel.message_id == message.id))
    channels = sorted(
        (channel_record(channels_by_id[c]) for c in chosen),
        key=lambda c: c.name.lower(),
    )
    links = sorted(
        (link.kind, link.ref_id)
        for link in session.scalars(select(MessageLink).where(MessageLink.message_id == message.id))
    )
    return variants, channels, links


def hash_of(
    message: Message, variants: list[VariantRecord], channels: list[ChannelRecord], links: list[tuple[str, uuid.UUID]]
) -> str:
    return content_hash(
        message.purpose,
        message.priority,
        [VariantContent(v.language, v.channel, v.text) for v in variants],
        [c.name for c in channels],
        [(kind, ref.hex) for kind, ref in links],
    )


def snapshot(
    message: Message, variants: list[VariantRecord], channels: list[ChannelRecord], links: list[tuple[str, uuid.UUID]]
) -> dict[str, object]:
    """What an approval approves, kept with it so the next review can show what changed since."""
    return {
        "purpose": message.purpose,
        "priority": message.priority,
        "variants": [[v.language, v.channel, v.text] for v in variants],
        "channels": [c.name for c in channels],
        "links": [[kind, ref.hex] for kind, ref in links],
    }


def flags_of(session: Session, message: Message, variants: list[VariantRecord]) -> list[FlagRecord]:
    acks = {
        ack.flag_key: name
        for ack, name in session.execute(
            select(PrivacyAck, User.name)
            .join(User, User.id == PrivacyAck.acknowledged_by)
            .where(PrivacyAck.message_id == message.id)
        )
    }
    return [
        FlagRecord(flag, v.language, v.channel, acks.get(flag.key))
        for v in variants
        for flag in find_personal_data(v.text)
    ]


def message_record(session: Session, message: Message) -> MessageRecord:
    variants, channels, links = content_of(session, message)
    names = {u.id: u.name for u in session.scalars(select(User))}
    channels_by_id = {c.id: c for c in session.scalars(select(Channel))}
    contributors = sorted(
        names[c.user_id]
        for c in session.scalars(select(MessageContributor).where(MessageContributor.message_id == message.id))
    )
    approvals = [
        ApprovalRecord(
            names[a.approved_by], a.approved_at, a.content_hash, json.loads(a.content_json), a.break_glass_reason
        )
        for a in session.scalars(
            select(Approval).where(Approval.message_id == message.id).order_by(Approval.approved_at, Approval.id)
        )
    ]
    outbox = [
        OutboxRecord(
            channels_by_id[o.channel_id].name, channels_by_id[o.channel_id].platform, o.language, o.status, o.text
        )
        for o in session.scalars(
            select(OutboxItem).where(OutboxItem.message_id == message.id).order_by(OutboxItem.created_at)
        )
    ]
    return MessageRecord(
        id=message.id,
        operation_id=message.operation_id,
        purpose=Purpose(message.purpose),
        priority=Priority(message.priority),
        status=MessageStatus(message.status),
        version=message.version,
        created_by=names[message.created_by],
        created_at=message.created_at,
        updated_at=message.updated_at,
        status_reason=message.status_reason,
        variants=variants,
        channels=channels,
        links=links,
        contributors=contributors,
        content_hash=hash_of(message, variants, channels, links),
        submitted_hash=message.submitted_hash,
        flags=flags_of(session, message, variants),
        approvals=approvals,
        outbox=outbox,
    )
