"""Submitting, approving (four eyes, passphrase, bound to the exact content), rejecting and withdrawing messages.

Approval writes the outbox rows, one per channel and language, in the same transaction: an approved message is
queued for publication or not approved at all.
"""

import json
import secrets
import uuid
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from crowdops.channels.tid import new_tid
from crowdops.domain.enums import Role
from crowdops.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from crowdops.domain.messages import MessageStatus, Priority, require_transition
from crowdops.domain.outbox import CANCELLABLE, OutboxStatus
from crowdops.domain.permissions import require_can_approve, require_can_compose
from crowdops.domain.text import measure
from crowdops.domain.times import parse_schedule, zone
from crowdops.services.channels import require_allowed_in
from crowdops.services.context import ServiceContext
from crowdops.services.message_records import (
    MessageRecord,
    VariantRecord,
    announces_change,
    content_of,
    find_message,
    flags_of,
    hash_of,
    message_record,
    snapshot,
)
from crowdops.services.records import ChannelRecord
from crowdops.services.users import UserService, find_user
from crowdops.store.message_models import Approval, Channel, Message, MessageContributor, OutboxItem, PrivacyAck
from crowdops.store.models import Operation, User

MAX_REASON = 500


class ApprovalService:
    def __init__(self, context: ServiceContext, users: UserService) -> None:
        self._ctx = context
        self._users = users

    @announces_change
    def submit(
        self, message_ref: str, *, actor: str, acknowledge: list[str] | None = None, acknowledge_all: bool = False
    ) -> MessageRecord:
        """Send a draft for approval once it fits every channel and each privacy flag is acknowledged (each
        acknowledgement is audited)."""
        with self._ctx.db.write() as session:
            message, op, user = self._message_op_user(session, message_ref, actor)
            require_can_compose(Role(user.role), op.exercise, user.name)
            require_transition(MessageStatus(message.status), MessageStatus.SUBMITTED)
            self._check_ready(session, message, op)
            self._acknowledge(session, message, user, acknowledge or [], acknowledge_all)
            variants, channels, links = content_of(session, message)
            message.status = MessageStatus.SUBMITTED.value
            message.submitted_hash = hash_of(message, variants, channels, links)
            message.updated_at = self._ctx.clock()
            session.flush()
            self._ctx.record(
                session,
                user.name,
                "message.submit",
                f"message:{message.id.hex}",
                hash=message.submitted_hash,
                version=message.version,
            )
            return message_record(session, message)

    @announces_change
    def approve(
        self,
        message_ref: str,
        *,
        actor: str,
        passphrase: str,
        expected_hash: str | None = None,
        break_glass_reason: str | None = None,
        publish_at: str | None = None,
    ) -> MessageRecord:
        """Approve exactly the submitted content. `expected_hash` is what the approver reviewed; if the message
        changed since, the approval is refused. A commander's own life-safety message may go out without a second
        person only with a written `break_glass_reason`; it is then flagged as unreviewed everywhere."""
        self._users.authenticate(actor, passphrase)  # slow on purpose: before taking the write lock
        reason = (break_glass_reason or "").strip()
        if break_glass_reason is not None and not reason:
            raise ValidationError("Publishing without a second approver needs a written reason.")
        if len(reason) > MAX_REASON:
            raise ValidationError(f"The reason is {len(reason)} characters long; the limit is {MAX_REASON}.")
        with self._ctx.db.write() as session:
            message, op, user = self._message_op_user(session, message_ref, actor)
            require_can_approve(Role(user.role), op.exercise, user.name)
            not_before = parse_schedule(publish_at, zone(op.timezone), self._ctx.clock()) if publish_at else None
            variants, channels, links = content_of(session, message)
            current = hash_of(message, variants, channels, links)
            if expected_hash is not None and expected_hash != current:
                raise ConflictError("The message changed after you reviewed it; review it again before approving.")
            if reason:
                self._check_break_glass(session, message, op, user)
            else:
                if message.status == MessageStatus.APPROVED.value:
                    raise ConflictError("The message is already approved; it was not approved twice.")
                require_transition(MessageStatus(message.status), MessageStatus.APPROVED)
                if message.submitted_hash != current:
                    raise ConflictError("The message changed after it was submitted; it must be submitted again.")
                if session.get(MessageContributor, (message.id, user.id)):
                    raise PermissionDeniedError(
                        f"{user.name} wrote or edited this message and so may not approve it: a second person must."
                    )
            approval = Approval(
                message_id=message.id,
                content_hash=current,
                content_json=json.dumps(snapshot(message, variants, channels, links), ensure_ascii=False),
                approved_by=user.id,
                approved_at=self._ctx.clock(),
                break_glass_reason=reason or None,
            )
            session.add(approval)
            session.flush()
            queued = self._queue(session, message, op, approval, not_before)
            message.status = MessageStatus.APPROVED.value
            message.updated_at = self._ctx.clock()
            session.flush()
            self._ctx.record(
                session,
                user.name,
                "message.break-glass" if reason else "message.approve",
                f"message:{message.id.hex}",
                hash=current,
                reason=reason or None,
                queued=[[c, lang] for c, lang in queued],
                publish_at=not_before.isoformat() if not_before else None,
            )
            return message_record(session, message)

    @announces_change
    def reject(self, message_ref: str, *, actor: str, reason: str) -> MessageRecord:
        cleaned = reason.strip()
        if not cleaned:
            raise ValidationError("Say why the message is rejected, so its author can fix it.")
        if len(cleaned) > MAX_REASON:
            raise ValidationError(f"The reason is {len(cleaned)} characters long; the limit is {MAX_REASON}.")
        with self._ctx.db.write() as session:
            message, op, user = self._message_op_user(session, message_ref, actor)
            require_can_approve(Role(user.role), op.exercise, user.name)
            require_transition(MessageStatus(message.status), MessageStatus.REJECTED)
            message.status = MessageStatus.REJECTED.value
            message.status_reason = cleaned
            message.updated_at = self._ctx.clock()
            session.flush()
            self._ctx.record(session, user.name, "message.reject", f"message:{message.id.hex}", reason=cleaned)
            return message_record(session, message)

    @announces_change
    def withdraw(self, message_ref: str, *, actor: str, reason: str = "") -> MessageRecord:
        """Stop a message at any point before publication; what it had queued is cancelled."""
        cleaned = reason.strip()
        if len(cleaned) > MAX_REASON:
            raise ValidationError(f"The reason is {len(cleaned)} characters long; the limit is {MAX_REASON}.")
        with self._ctx.db.write() as session:
            message, op, user = self._message_op_user(session, message_ref, actor)
            is_contributor = session.get(MessageContributor, (message.id, user.id)) is not None
            if not is_contributor:
                require_can_approve(Role(user.role), op.exercise, user.name)
            require_transition(MessageStatus(message.status), MessageStatus.WITHDRAWN)
            message.status = MessageStatus.WITHDRAWN.value
            message.status_reason = cleaned
            message.updated_at = self._ctx.clock()
            cancelled = session.execute(
                update(OutboxItem)
                .where(OutboxItem.message_id == message.id, OutboxItem.status.in_(CANCELLABLE))
                .values(status=OutboxStatus.CANCELLED.value, last_error="The message was withdrawn.")
            ).rowcount
            session.flush()
            self._ctx.record(
                session,
                user.name,
                "message.withdraw",
                f"message:{message.id.hex}",
                reason=message.status_reason,
                cancelled_posts=cancelled,
            )
            return message_record(session, message)

    # -- rules ----------------------------------------------------------------------------------------------

    def _message_op_user(self, session: Session, ref: str, actor: str) -> tuple[Message, Operation, User]:
        message = find_message(session, ref)
        op = session.get(Operation, message.operation_id)
        assert op is not None
        return message, op, find_user(session, actor)

    def _check_ready(self, session: Session, message: Message, op: Operation) -> None:
        variants, channels, _ = content_of(session, message)
        if not channels:
            raise ValidationError("The message has no channel to go to; choose at least one.")
        problems = []
        for channel, lang, text in _posts(session, op, variants, channels):
            fit = measure(text, channel.platform, limit=channel.char_limit)
            if not fit.ok:
                problems.append(f"{channel.name} ({lang}): {fit.length} of {fit.limit} {fit.unit}")
        if problems:
            raise ValidationError(
                "Too long for " + "; ".join(problems) + ". Shorten it or give that channel its own text."
            )

    def _acknowledge(self, session: Session, message: Message, user: User, keys: list[str], everything: bool) -> None:
        variants, _, _ = content_of(session, message)
        open_flags = {f.flag.key: f for f in flags_of(session, message, variants) if f.acknowledged_by is None}
        keys = list(dict.fromkeys(keys))  # a key given twice is one acknowledgement
        unknown = [k for k in keys if k not in open_flags]
        if unknown:
            raise ValidationError(f"No open privacy flag {unknown[0]} on this message.")
        chosen = list(open_flags) if everything else keys
        missing = [f for k, f in open_flags.items() if k not in chosen]
        if missing:
            listed = "; ".join(f"{f.flag.message} [{f.flag.key}]" for f in missing)
            raise ValidationError(f"Personal data must be acknowledged before submitting: {listed}")
        for key in chosen:
            session.add(
                PrivacyAck(
                    message_id=message.id, flag_key=key, acknowledged_by=user.id, acknowledged_at=self._ctx.clock()
                )
            )
            flag = open_flags[key].flag
            self._ctx.record(
                session,
                user.name,
                "message.privacy-ack",
                f"message:{message.id.hex}",
                key=key,
                kind=flag.kind.value,
                language=open_flags[key].language,
            )

    def _check_break_glass(self, session: Session, message: Message, op: Operation, user: User) -> None:
        if Role(user.role) is not Role.COMMANDER:
            raise PermissionDeniedError("Only a commander may publish without a second approver.")
        if message.priority != Priority.LIFE_SAFETY.value:
            raise PermissionDeniedError("Only a life-safety message may go out without a second approver.")
        if message.status not in (MessageStatus.DRAFT.value, MessageStatus.SUBMITTED.value):
            require_transition(MessageStatus(message.status), MessageStatus.APPROVED)
        if session.get(MessageContributor, (message.id, user.id)) is None:
            # Someone else's message has a second person at hand already: its author. Review it normally.
            raise PermissionDeniedError(
                "Only a message you wrote yourself may go out without a second approver; approve this one normally."
            )
        self._check_ready(session, message, op)
        variants, _, _ = content_of(session, message)
        if any(f.acknowledged_by is None for f in flags_of(session, message, variants)):
            raise ValidationError("Acknowledge the privacy flags first (submit the message with them acknowledged).")

    def _queue(
        self, session: Session, message: Message, op: Operation, approval: Approval, not_before: datetime | None
    ) -> list[tuple[str, str]]:
        """One outbox row per channel and language, each with its idempotency key fixed now."""
        variants, channels, _ = content_of(session, message)
        now = self._ctx.clock()
        queued = []
        for channel, lang, text in _posts(session, op, variants, channels):
            session.add(
                OutboxItem(
                    id=uuid.uuid4(),
                    message_id=message.id,
                    approval_id=approval.id,
                    channel_id=channel.id,
                    language=lang,
                    text=text,
                    status=OutboxStatus.QUEUED.value,
                    idempotency_key=secrets.token_hex(16),
                    record_key=new_tid(now),
                    priority=message.priority,
                    created_at=now,
                    queued_at=now,
                    updated_at=now,
                    next_attempt_at=None,
                    not_before=not_before,
                    attempts=0,
                    last_error="",
                )
            )
            queued.append((channel.name, lang))
        return queued


def _posts(
    session: Session, op: Operation, variants: list[VariantRecord], channels: list[ChannelRecord]
) -> list[tuple[ChannelRecord, str, str]]:
    """(channel, language, text) of every post the message makes: a channel's own text, else the language's."""
    texts = {(v.language, v.channel): v.text for v in variants}
    posts = []
    for channel in channels:
        model = session.get(Channel, channel.id)
        assert model is not None
        require_allowed_in(model, op.exercise)  # exercise isolation, checked again at the last moment
        for lang in sorted({v.language for v in variants if v.channel is None}):
            posts.append((channel, lang, texts.get((lang, channel.name)) or texts[(lang, None)]))
    return posts
