"""Composing public messages: drafts from text or templates, translations and per-channel texts, channels, links.

Any change of content returns a submitted, approved or rejected message to draft, voids its approval and cancels
what it had queued: nothing reaches the public in wording a second person has not approved.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, literal_column, select, update
from sqlalchemy.orm import Session

from crowdops.domain.enums import Role, parse_enum
from crowdops.domain.errors import NotFoundError, ValidationError
from crowdops.domain.languages import language
from crowdops.domain.messages import MessageStatus, Priority, Purpose, clean_text, require_transition
from crowdops.domain.outbox import CANCELLABLE, OutboxStatus
from crowdops.domain.permissions import require_can_compose
from crowdops.services.channels import SANDBOX, find_channel, require_allowed_in
from crowdops.services.context import ServiceContext
from crowdops.services.inputs import DraftInput
from crowdops.services.message_records import LINK_KINDS, MessageRecord, announces_change, find_message, message_record
from crowdops.services.templates import TemplateLibrary
from crowdops.services.users import find_user
from crowdops.store.message_models import (
    Channel,
    Message,
    MessageChannel,
    MessageContributor,
    MessageLink,
    MessageVariant,
    OutboxItem,
)
from crowdops.store.models import Incident, Operation, User


class MessageService:
    def __init__(self, context: ServiceContext, templates: TemplateLibrary) -> None:
        self._ctx = context
        self._templates = templates

    # -- composing ----------------------------------------------------------------------------------------

    @announces_change
    def draft(self, operation_id: uuid.UUID, entry: DraftInput, *, actor: str) -> MessageRecord:
        texts = self._texts(entry)
        with self._ctx.db.write() as session:
            op, user = self._op_and_author(session, operation_id, actor)
            template = self._templates.get(entry.template) if entry.template else None
            purpose = parse_enum(Purpose, entry.purpose or (template.purpose if template else "guidance"), "purpose")
            priority = parse_enum(
                Priority, entry.priority or (template.priority if template else "routine"), "priority"
            )
            now = self._ctx.clock()
            message = Message(
                operation_id=op.id,
                purpose=purpose.value,
                priority=priority.value,
                status=MessageStatus.DRAFT.value,
                version=1,
                created_at=now,
                created_by=user.id,
                updated_at=now,
                submitted_hash=None,
                status_reason="",
            )
            session.add(message)
            session.flush()
            for lang, text in texts.items():
                session.add(MessageVariant(message_id=message.id, language=lang, channel_id=None, text=text))
            for channel in self._channels(session, op, entry.channels):
                session.add(MessageChannel(message_id=message.id, channel_id=channel.id))
            # One link per record: an incident named twice, or by two of its versions, is linked once.
            targets = dict.fromkeys((kind, self._link_target(session, op, kind, ref)) for kind, ref in entry.links)
            for kind, target in targets:
                session.add(MessageLink(message_id=message.id, kind=kind, ref_id=target))
            session.add(MessageContributor(message_id=message.id, user_id=user.id))
            session.flush()
            record = message_record(session, message)
            self._ctx.record(
                session,
                user.name,
                "message.draft",
                f"message:{message.id.hex}",
                purpose=purpose.value,
                priority=priority.value,
                template=entry.template,
                variants=[[v.language, v.channel, v.text] for v in record.variants],
                channels=[c.name for c in record.channels],
                links=[[k, r.hex] for k, r in record.links],
                hash=record.content_hash,
            )
            return record

    @announces_change
    def translate(
        self, message_ref: str, lang: str, text: str, *, actor: str, channel: str | None = None
    ) -> MessageRecord:
        """Set the text of one language (and, with `channel`, that channel's own text): a change of content."""
        code = language(lang).code
        cleaned = clean_text(text)
        with self._ctx.db.write() as session:
            message, user = self._editable(session, message_ref, actor)
            channel_id = None
            if channel:
                chosen = find_channel(session, channel)
                if not session.get(MessageChannel, (message.id, chosen.id)):
                    raise ValidationError(f"The message does not go to '{chosen.name}'; add the channel first.")
                if not session.scalars(
                    select(MessageVariant.id).where(
                        MessageVariant.message_id == message.id,
                        MessageVariant.language == code,
                        MessageVariant.channel_id.is_(None),
                    )
                ).first():  # posts are made per language of the message: this text would never be sent
                    raise ValidationError(
                        f"The message has no {language(code).name} text ({code}) yet; write that first, "
                        f"then the text for '{chosen.name}'."
                    )
                channel_id = chosen.id
            existing = session.scalars(
                select(MessageVariant).where(
                    MessageVariant.message_id == message.id,
                    MessageVariant.language == code,
                    MessageVariant.channel_id.is_(None)
                    if channel_id is None
                    else MessageVariant.channel_id == channel_id,
                )
            ).one_or_none()
            if existing is not None and existing.text == cleaned:
                raise ValidationError("That is already the text; nothing changed.")
            if existing is None:
                session.add(MessageVariant(message_id=message.id, language=code, channel_id=channel_id, text=cleaned))
            else:
                existing.text = cleaned
            return self._changed(
                session, message, user, "message.translate", language=code, channel=channel, text=cleaned
            )

    @announces_change
    def set_channels(self, message_ref: str, channels: Sequence[str], *, actor: str) -> MessageRecord:
        with self._ctx.db.write() as session:
            message, user = self._editable(session, message_ref, actor)
            op = session.get(Operation, message.operation_id)
            assert op is not None
            chosen = self._channels(session, op, channels)
            current = session.scalars(select(MessageChannel.channel_id).where(MessageChannel.message_id == message.id))
            if {c.id for c in chosen} == set(current):  # no change: an approval must not be voided for nothing
                raise ValidationError("The message already goes to exactly those channels; nothing changed.")
            session.execute(delete(MessageChannel).where(MessageChannel.message_id == message.id))
            for channel in chosen:
                session.add(MessageChannel(message_id=message.id, channel_id=channel.id))
            kept = [c.id for c in chosen]
            session.execute(
                delete(MessageVariant).where(
                    MessageVariant.message_id == message.id,
                    MessageVariant.channel_id.is_not(None),
                    MessageVariant.channel_id.not_in(kept),
                )
            )
            return self._changed(session, message, user, "message.channels", channels=[c.name for c in chosen])

    # -- reading ------------------------------------------------------------------------------------------

    def get(self, message_ref: str) -> MessageRecord:
        with self._ctx.db.read() as session:
            return message_record(session, find_message(session, message_ref))

    def list(self, operation_id: uuid.UUID, status: str | None = None) -> list[MessageRecord]:
        query = select(Message).where(Message.operation_id == operation_id)
        if status:
            query = query.where(Message.status == parse_enum(MessageStatus, status, "status").value)
        with self._ctx.db.read() as session:
            return [message_record(session, m) for m in session.scalars(query.order_by(Message.updated_at.desc()))]

    def waiting_for_review(self, operation_id: uuid.UUID) -> int:
        with self._ctx.db.read() as session:
            return len(
                list(
                    session.scalars(
                        select(Message.id).where(
                            Message.operation_id == operation_id, Message.status == MessageStatus.SUBMITTED.value
                        )
                    )
                )
            )

    # -- helpers ------------------------------------------------------------------------------------------

    def _texts(self, entry: DraftInput) -> dict[str, str]:
        if entry.template:
            if entry.text is not None:
                raise ValidationError("Give a text or a template, not both: the template's text is used as it is.")
            template = self._templates.get(entry.template)
            langs = [language(entry.language).code] if entry.language else list(template.languages)
            values = dict(entry.values or {})
            return {lang: clean_text(template.fill(lang, values)) for lang in langs}
        if entry.values:
            raise ValidationError("Values (--set) only fill a template: name one with --template.")
        return {language(entry.language or "en").code: clean_text(entry.text)}

    def _op_and_author(self, session: Session, operation_id: uuid.UUID, actor: str) -> tuple[Operation, User]:
        op = session.get(Operation, operation_id)
        if op is None:
            raise NotFoundError("The operation no longer exists.")
        user = find_user(session, actor)
        require_can_compose(Role(user.role), op.exercise, user.name)
        return op, user

    def _channels(self, session: Session, op: Operation, names: Sequence[str] | None) -> list[Channel]:
        if names is None:  # every channel this operation may use
            query = select(Channel).order_by(Channel.name_key)
            if op.exercise:
                query = query.where(Channel.platform == SANDBOX)
            return list(session.scalars(query))
        chosen: dict[uuid.UUID, Channel] = {}
        for name in names:
            channel = find_channel(session, name)
            require_allowed_in(channel, op.exercise)
            chosen[channel.id] = channel
        return list(chosen.values())

    def _link_target(self, session: Session, op: Operation, kind: str, ref: str) -> uuid.UUID:
        if kind not in LINK_KINDS:
            raise ValidationError(f"Unknown link kind '{kind}': use one of {', '.join(LINK_KINDS)}.")
        try:
            target = uuid.UUID(ref.strip())
        except ValueError:
            target = None
        if kind == "incident":
            prefix = ref.strip().lower().replace("-", "")
            query = select(Incident).where(
                Incident.operation_id == op.id, literal_column("incidents.id").like(prefix + "%")
            )
            is_id = len(prefix) >= 4 and all(c in "0123456789abcdef" for c in prefix)  # no LIKE wildcards
            found = list(session.scalars(query.limit(2))) if is_id else []
            if len(found) != 1:
                raise NotFoundError(f"No incident {ref} in this operation to link to.")
            return found[0].root_id
        if target is None:
            raise ValidationError(f"'{ref}' is not a {kind} id.")
        return target

    def _editable(self, session: Session, message_ref: str, actor: str) -> tuple[Message, User]:
        message = find_message(session, message_ref)
        _, user = self._op_and_author(session, message.operation_id, actor)
        require_transition(MessageStatus(message.status), MessageStatus.DRAFT)
        return message, user

    def _changed(self, session: Session, message: Message, user: User, action: str, **data: object) -> MessageRecord:
        """After any change of content: back to draft, approval void, queued posts cancelled, editor recorded."""
        was = message.status
        message.status = MessageStatus.DRAFT.value
        message.submitted_hash = None
        message.status_reason = ""
        message.version += 1
        message.updated_at = self._ctx.clock()
        if not session.get(MessageContributor, (message.id, user.id)):
            session.add(MessageContributor(message_id=message.id, user_id=user.id))
        cancelled = session.execute(
            update(OutboxItem)
            .where(OutboxItem.message_id == message.id, OutboxItem.status.in_(CANCELLABLE))
            .values(status=OutboxStatus.CANCELLED.value, last_error="The message was edited after approval.")
        ).rowcount
        session.flush()
        record = message_record(session, message)
        self._ctx.record(
            session,
            user.name,
            action,
            f"message:{message.id.hex}",
            **data,
            previous_status=was,
            cancelled_posts=cancelled,
            hash=record.content_hash,
        )
        return record
