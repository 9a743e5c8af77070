"""The rumour register: enter a claim (offering similar ones already tracked), move it through its lifecycle with
a note, and answer it with a `rumour-response` draft from the matching template, linked both ways."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import literal_column, select
from sqlalchemy.orm import Session

from crowdops.domain.enums import Role, parse_enum
from crowdops.domain.errors import NotFoundError, ValidationError
from crowdops.domain.permissions import require_can_manage_rumours
from crowdops.domain.rumours import (
    SIMILAR_THRESHOLD,
    VERDICTS,
    Reach,
    RumourStatus,
    check_risk,
    clean_claim,
    clean_note,
    clean_source,
    require_transition,
    response_template,
    similarity,
)
from crowdops.services.context import ServiceContext
from crowdops.services.incidents import find_user_name
from crowdops.services.inputs import DraftInput
from crowdops.services.message_records import MessageRecord
from crowdops.services.messages import MessageService
from crowdops.services.records import short_id
from crowdops.services.templates import TemplateLibrary
from crowdops.services.users import find_user
from crowdops.store.models import Operation, User
from crowdops.store.register_models import Rumour, RumourEvent, RumourLink

DEFAULT_REACH = Reach.LOW.value
DEFAULT_RISK = 3  # not yet assessed: neither played down nor alarming
SIMILAR_LIMIT = 5


@dataclass(frozen=True, slots=True)
class RumourRecord:
    id: uuid.UUID
    operation_id: uuid.UUID
    claim: str
    source: str
    reach: Reach
    risk: int
    status: RumourStatus
    owner: str
    first_seen_at: datetime
    created_at: datetime
    last_action_at: datetime
    age: timedelta  # since it was first seen
    idle: timedelta  # since the last action on it

    @property
    def short_id(self) -> str:
        return short_id(self.id)


@dataclass(frozen=True, slots=True)
class SimilarRumour:
    rumour: RumourRecord
    score: float


@dataclass(frozen=True, slots=True)
class RumourEventRecord:
    at: datetime
    by: str
    status: RumourStatus
    note: str


@dataclass(frozen=True, slots=True)
class RumourLinkRecord:
    kind: str  # incident, message, url, note
    ref_id: uuid.UUID | None
    text: str
    added_at: datetime
    added_by: str


@dataclass(frozen=True, slots=True)
class RumourDetail:
    rumour: RumourRecord
    events: list[RumourEventRecord]
    links: list[RumourLinkRecord]
    responses: list[MessageRecord]  # each with its approval state and outbox rows per channel


@dataclass(frozen=True, slots=True)
class AddedRumour:
    rumour: RumourRecord
    similar: list[SimilarRumour] = field(default_factory=list)  # claims already tracked that look like this one


class RumourService:
    def __init__(self, context: ServiceContext, messages: MessageService, templates: TemplateLibrary) -> None:
        self._ctx = context
        self._messages = messages
        self._templates = templates

    # -- writing -----------------------------------------------------------------------------------------

    def add(
        self,
        operation_id: uuid.UUID,
        claim: str,
        *,
        actor: str,
        source: str = "",
        reach: str | None = None,
        risk: int | str | None = None,
    ) -> AddedRumour:
        """Enter a rumour (status new). Similar claims already in the register are returned for the person to
        check; entering it anyway is their call."""
        text = clean_claim(claim)
        where = clean_source(source)
        level = parse_enum(Reach, reach or DEFAULT_REACH, "reach")
        danger = check_risk(DEFAULT_RISK if risk is None else risk)
        now = self._ctx.clock()
        with self._ctx.db.write() as session:
            op, user = self._op_and_user(session, operation_id, actor)
            similar = self._similar(session, op.id, text, now)
            rumour = Rumour(
                id=uuid.uuid4(),
                operation_id=op.id,
                claim=text,
                first_seen_at=now,
                source=where,
                reach=level.value,
                risk=danger,
                status=RumourStatus.NEW.value,
                owner_id=user.id,
                created_at=now,
                last_action_at=now,
            )
            session.add(rumour)
            session.flush()
            session.add(RumourEvent(rumour_id=rumour.id, at=now, by_id=user.id, status=rumour.status, note="Entered."))
            self._ctx.record(
                session,
                user.name,
                "rumour.add",
                f"rumour:{rumour.id.hex}",
                operation=op.id.hex,
                claim=text,
                source=where,
                reach=level.value,
                risk=danger,
                similar=[s.rumour.id.hex for s in similar],
            )
            return AddedRumour(_record(rumour, user.name, now), similar)

    def update(self, rumour_ref: str, status: str, note: str, *, actor: str) -> RumourRecord:
        target = parse_enum(RumourStatus, status, "status")
        why = clean_note(note)
        now = self._ctx.clock()
        with self._ctx.db.write() as session:
            rumour = _find(session, rumour_ref)
            _, user = self._op_and_user(session, rumour.operation_id, actor)
            was = RumourStatus(rumour.status)
            require_transition(was, target)
            rumour.status = target.value
            rumour.last_action_at = now
            session.add(RumourEvent(rumour_id=rumour.id, at=now, by_id=user.id, status=target.value, note=why))
            self._ctx.record(
                session,
                user.name,
                "rumour.status",
                f"rumour:{rumour.id.hex}",
                previous_status=was.value,
                status=target.value,
                note=why,
            )
            return _record(rumour, find_user_name(session, rumour.owner_id), now)

    def respond(
        self,
        rumour_ref: str,
        *,
        actor: str,
        template: str | None = None,
        values: Mapping[str, str] | None = None,
    ) -> MessageRecord:
        """Draft a `rumour-response` message from the template that fits the rumour's state (or the one named),
        linked to the rumour, and link the draft back from the rumour. The claim fills `{claim}` unless given;
        other placeholders (the facts, the advice) must be given in `values`."""
        with self._ctx.db.read() as session:
            rumour = _find(session, rumour_ref)
            self._op_and_user(session, rumour.operation_id, actor)
            status = RumourStatus(rumour.status)
            if status is RumourStatus.CLOSED:
                raise ValidationError(f"Rumour {short_id(rumour.id)} is closed: it is not answered any more.")
            chosen = self._templates.get(template) if template else self._templates.get(self._fitting(session, rumour))
            if chosen.purpose.value != "rumour-response":
                raise ValidationError(f"The template '{chosen.id}' is not a rumour response; use a rumour-… template.")
            filled = {k.strip(): v for k, v in (values or {}).items()}
            if "claim" in chosen.placeholder_names and "claim" not in filled:
                filled["claim"] = rumour.claim.rstrip(" .!?;")
            missing = [name for name in chosen.placeholder_names if not filled.get(name, "").strip()]
            if missing:
                asks = ", ".join(f"{name} ({chosen.description_of(name)})" for name in missing)
                raise ValidationError(f"The template '{chosen.id}' needs: {asks}. Give each as KEY=VALUE.")
            operation_id, rumour_id = rumour.operation_id, rumour.id
        # The draft is linked to the rumour in its own transaction; the rumour's link back follows at once.
        draft = self._messages.draft(
            operation_id,
            DraftInput(template=chosen.id, values=filled, links=[("rumour", rumour_id.hex)]),
            actor=actor,
        )
        now = self._ctx.clock()
        with self._ctx.db.write() as session:
            rumour = _find(session, rumour_id.hex)
            user = find_user(session, actor)
            session.add(
                RumourLink(
                    rumour_id=rumour.id,
                    kind="message",
                    ref_id=draft.id,
                    text=chosen.id,
                    added_at=now,
                    added_by=user.id,
                )
            )
            note = f"Response drafted from {chosen.id}: message {draft.short_id}."
            session.add(RumourEvent(rumour_id=rumour.id, at=now, by_id=user.id, status=rumour.status, note=note))
            rumour.last_action_at = now
            self._ctx.record(
                session,
                user.name,
                "rumour.respond",
                f"rumour:{rumour.id.hex}",
                message=draft.id.hex,
                template=chosen.id,
                status=rumour.status,
            )
        return draft

    # -- reading -----------------------------------------------------------------------------------------

    def similar(self, operation_id: uuid.UUID, claim: str) -> list[SimilarRumour]:
        """Rumours of this operation whose claim looks like `claim`, most alike first."""
        text = clean_claim(claim)
        with self._ctx.db.read() as session:
            return self._similar(session, operation_id, text, self._ctx.clock())

    def list(self, operation_id: uuid.UUID, status: str | None = None) -> list[RumourRecord]:
        """The register, the longest without action first: what sits unanswered shows at the top."""
        query = select(Rumour, User.name).join(User, User.id == Rumour.owner_id)
        query = query.where(Rumour.operation_id == operation_id)
        if status:
            query = query.where(Rumour.status == parse_enum(RumourStatus, status, "status").value)
        now = self._ctx.clock()
        with self._ctx.db.read() as session:
            rows = session.execute(query.order_by(Rumour.last_action_at, Rumour.created_at)).all()
            return [_record(rumour, name, now) for rumour, name in rows]

    def get(self, rumour_ref: str) -> RumourDetail:
        now = self._ctx.clock()
        with self._ctx.db.read() as session:
            rumour = _find(session, rumour_ref)
            names = {u.id: u.name for u in session.scalars(select(User))}
            events = [
                RumourEventRecord(e.at, names.get(e.by_id, "?"), RumourStatus(e.status), e.note)
                for e in session.scalars(
                    select(RumourEvent).where(RumourEvent.rumour_id == rumour.id).order_by(RumourEvent.at)
                )
            ]
            links = [
                RumourLinkRecord(link.kind, link.ref_id, link.text, link.added_at, names.get(link.added_by, "?"))
                for link in session.scalars(
                    select(RumourLink).where(RumourLink.rumour_id == rumour.id).order_by(RumourLink.added_at)
                )
            ]
            record = _record(rumour, names.get(rumour.owner_id, "?"), now)
        responses = [self._messages.get(link.ref_id.hex) for link in links if link.kind == "message" and link.ref_id]
        return RumourDetail(record, events, links, responses)

    # -- helpers ------------------------------------------------------------------------------------------

    def _op_and_user(self, session: Session, operation_id: uuid.UUID, actor: str) -> tuple[Operation, User]:
        op = session.get(Operation, operation_id)
        if op is None:
            raise NotFoundError("The operation no longer exists.")
        user = find_user(session, actor)
        require_can_manage_rumours(Role(user.role), op.exercise, user.name)
        return op, user

    def _similar(self, session: Session, operation_id: uuid.UUID, claim: str, now: datetime) -> list[SimilarRumour]:
        rows = session.execute(
            select(Rumour, User.name).join(User, User.id == Rumour.owner_id).where(Rumour.operation_id == operation_id)
        ).all()
        scored = [(similarity(claim, rumour.claim), rumour, name) for rumour, name in rows]
        found = [SimilarRumour(_record(r, name, now), score) for score, r, name in scored if score >= SIMILAR_THRESHOLD]
        return sorted(found, key=lambda s: -s.score)[:SIMILAR_LIMIT]

    def _fitting(self, session: Session, rumour: Rumour) -> str:
        """The template for the rumour's state; once responded, the one for its latest verdict."""
        status = RumourStatus(rumour.status)
        if status is RumourStatus.RESPONDED:
            verdicts = session.scalars(
                select(RumourEvent.status)
                .where(RumourEvent.rumour_id == rumour.id, RumourEvent.status.in_([v.value for v in VERDICTS]))
                .order_by(RumourEvent.at.desc())
                .limit(1)
            ).first()
            status = RumourStatus(verdicts) if verdicts else RumourStatus.VERIFYING
        return response_template(status)


def _find(session: Session, ref: str) -> Rumour:
    prefix = ref.strip().lower().replace("-", "")
    if len(prefix) < 4 or any(c not in "0123456789abcdef" for c in prefix):
        raise ValidationError(f"'{ref}' is not a rumour id: give at least its first 4 characters.")
    found = list(session.scalars(select(Rumour).where(literal_column("rumours.id").like(prefix + "%")).limit(2)))
    if not found:
        raise NotFoundError(f"No rumour with id {ref}.")
    if len(found) > 1:
        raise ValidationError(f"The id {ref} is ambiguous: give more of its characters.")
    return found[0]


def _record(rumour: Rumour, owner: str, now: datetime) -> RumourRecord:
    return RumourRecord(
        id=rumour.id,
        operation_id=rumour.operation_id,
        claim=rumour.claim,
        source=rumour.source,
        reach=Reach(rumour.reach),
        risk=rumour.risk,
        status=RumourStatus(rumour.status),
        owner=owner,
        first_seen_at=rumour.first_seen_at,
        created_at=rumour.created_at,
        last_action_at=rumour.last_action_at,
        age=max(now - rumour.first_seen_at, timedelta(0)),
        idle=max(now - rumour.last_action_at, timedelta(0)),
    )
