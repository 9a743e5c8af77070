"""Typed models of public messages, channels, approvals, the outbox and the audit log (migration 0003)."""

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crowdops.store.models import Base, NameKeyed


class Channel(NameKeyed, Base):
    """An official account messages are published to (its credentials live in the keyring, not here)."""

    __tablename__ = "channels"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(80))
    platform: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime]
    base_url: Mapped[str] = mapped_column(String(500), default="")
    account: Mapped[str] = mapped_column(String(200), default="")
    page_id: Mapped[str] = mapped_column(String(100), default="")
    chat_id: Mapped[str] = mapped_column(String(100), default="")
    paused_until: Mapped[datetime | None]  # a rate-limit reset the platform announced
    char_limit: Mapped[int | None]  # the account's own length limit, when the platform reports one


class Message(Base):
    __tablename__ = "messages"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    operation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("operations.id"))
    purpose: Mapped[str] = mapped_column(String(30))
    priority: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    version: Mapped[int]  # +1 on every change of content
    created_at: Mapped[datetime]
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime]
    submitted_hash: Mapped[str | None] = mapped_column(String(64))
    status_reason: Mapped[str] = mapped_column(String(500), default="")  # why rejected or withdrawn


class MessageVariant(Base):
    __tablename__ = "message_variants"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    message_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("messages.id"))
    language: Mapped[str] = mapped_column(String(8))
    channel_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("channels.id"))
    text: Mapped[str] = mapped_column(Text)


class MessageChannel(Base):
    __tablename__ = "message_channels"

    message_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("messages.id"), primary_key=True)
    channel_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("channels.id"), primary_key=True)


class MessageLink(Base):
    __tablename__ = "message_links"

    message_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("messages.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    ref_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)


class MessageContributor(Base):
    __tablename__ = "message_contributors"

    message_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("messages.id"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), primary_key=True)


class PrivacyAck(Base):
    __tablename__ = "privacy_acks"

    message_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("messages.id"), primary_key=True)
    flag_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    acknowledged_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime]


class Approval(Base):
    __tablename__ = "approvals"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    message_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("messages.id"))
    content_hash: Mapped[str] = mapped_column(String(64))
    content_json: Mapped[str] = mapped_column(Text)
    approved_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime]
    break_glass_reason: Mapped[str | None] = mapped_column(String(500))


class OutboxItem(Base):
    __tablename__ = "outbox_items"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    message_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("messages.id"))
    approval_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("approvals.id"))
    channel_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("channels.id"))
    language: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    priority: Mapped[str] = mapped_column(String(20), default="routine")
    not_before: Mapped[datetime | None]  # a scheduled post
    record_key: Mapped[str] = mapped_column(String(16), default="")  # Bluesky record key, chosen when queued
    remote_id: Mapped[str] = mapped_column(String(200), default="")
    remote_url: Mapped[str] = mapped_column(String(500), default="")
    sent_at: Mapped[datetime | None]
    queued_at: Mapped[datetime | None]  # queued or last re-confirmed: the stale guard's clock
    updated_at: Mapped[datetime | None]
    maybe_sent: Mapped[bool] = mapped_column(default=False)  # checked on the platform before any re-send


class SandboxPost(Base):
    """The training feed: what a sandbox channel "published", viewable in the app and never sent anywhere."""

    __tablename__ = "sandbox_posts"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    channel_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("channels.id"))
    outbox_item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("outbox_items.id"), unique=True)
    language: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    posted_at: Mapped[datetime]


class AuditRow(Base):
    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str] = mapped_column(String(80))
    data: Mapped[str] = mapped_column(Text)
    mac: Mapped[str] = mapped_column(String(64))
