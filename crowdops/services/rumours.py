"""The rumour register: enter a claim (offering similar ones already tracked), move it through its lifecycle with
a note, gather evidence (links, notes, incidents) and answer it with a `rumour-response` draft from the matching
template, linked both ways. Every change announces itself (RumourChanged) once committed."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import select
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
    clean_evidence_note,
    clean_evidence_url,
    clean_note,
    clean_source,
    require_transition,
    response_template,
    similarity,
)
from crowdops.domain.templates import Template
from crowdops.services.context import ServiceContext
from crowdops.services.events import RumourChanged
from crowdops.services.incidents import find_user_name
from crowdops.services.inputs import DraftInput
from crowdops.services.lookup import by_id_prefix
from crowdops.services.message_records import MessageRecord
from crowdops.services.messages import MessageService
from crowdops.services.records import short_id
from crowdops.services.rumour_records import (
    AddedRumour,
    ResponseNeeds,
    RumourDetail,
    RumourEventRecord,
    RumourLinkRecord,
    RumourRecord,
    SimilarRumour,
)
from crowdops.services.templates import TemplateLibrary
from crowdops.services.users import find_user
from crowdops.store import timeline
from crowdops.store.models import Incident, Operation, User
from crowdops.store.register_models import Rumour, RumourEvent, RumourLink

DEFAULT_REACH = Reach.LOW.value
DEFAULT_RISK = 3  # not yet assessed: neither played down nor alarming
SIMILAR_LIMIT = 5
LINK_TEXT_MAX = 200  # an incident's description, kept with the link so the register reads without a look-up

__all__ = [
    "AddedRumour",
    "ResponseNeeds",
    "RumourDetail",
    "RumourEventRecord",
    "RumourLinkRecord",
    "RumourRecord",
    "RumourService",
    "SimilarRumour",
]


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
        incident: str | None = None,
    ) -> AddedRumour:
        """Enter a rumour (status new), linked to `incident` if given (say, the report it was heard in). Similar
        claims already in the register are returned for the person to check; entering it anyway is their call."""
        text = clean_claim(claim)
        where = clean_source(source)
        level = parse_enum(Reach, reach or DEFAULT_REACH, "reach")
        danger = check_risk(DEFAULT_RISK if risk is None else risk)
        now = self._ctx.clock()
        with self._ctx.db.write() as session:
            op, user = self._op_and_user(session, operation_id, actor)
            linked = _incident(session, op.id, incident) if incident else None
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
            if linked is not None:
                session.add(_incident_link(rumour.id, linked, "", user.id, now))
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
                incident=linked.root_id.hex if linked else None,
            )
            added = AddedRumour(_record(rumour, user.name, now), similar)
        self._changed(added.rumour)
        return added

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
            record = _record(rumour, find_user_name(session, rumour.owner_id), now)
        self._changed(record)
        return record

    def add_evidence(
        self, rumour_ref: str, *, actor: str, note: str = "", url: str = "", incident: str = ""
    ) -> RumourLinkRecord:
        """Add one piece of evidence: a web link or an incident of this operation (each with an optional note of
        what it shows), or a note on its own. Kept in the rumour's history; refused once the rumour is closed."""
        if url.strip() and incident.strip():
            raise ValidationError("Add one piece of evidence at a time: a link or an incident, with a note if needed.")
        link = clean_evidence_url(url) if url.strip() else ""
        why = clean_evidence_note(note, required=not link and not incident.strip())
        now = self._ctx.clock()
        with self._ctx.db.write() as session:
            rumour = _find(session, rumour_ref)
            _, user = self._op_and_user(session, rumour.operation_id, actor)
            if rumour.status == RumourStatus.CLOSED.value:
                raise ValidationError(f"Rumour {short_id(rumour.id)} is closed: that is final, no evidence is added.")
            if incident.strip():
                found = _incident(session, rumour.operation_id, incident)
                if _linked(session, rumour.id, found.root_id):
                    raise ValidationError(f"Incident {short_id(found.root_id)} is already linked to this rumour.")
                row = _incident_link(rumour.id, found, why, user.id, now)
                said = f"incident {short_id(found.root_id)}"
            else:
                kind, text = ("url", f"{link} — {why}" if why else link) if link else ("note", why)
                row = RumourLink(rumour_id=rumour.id, kind=kind, ref_id=None, text=text, added_at=now, added_by=user.id)
                said = text
            session.add(row)
            history = f"Evidence added: {said}" + (f" — {why}" if why and row.kind == "incident" else "")
            session.add(RumourEvent(rumour_id=rumour.id, at=now, by_id=user.id, status=rumour.status, note=history))
            rumour.last_action_at = now
            self._ctx.record(
                session,
                user.name,
                "rumour.evidence",
                f"rumour:{rumour.id.hex}",
                kind=row.kind,
                incident=row.ref_id.hex if row.ref_id else None,
                url=link or None,
                note=why,
            )
            added = RumourLinkRecord(row.kind, row.ref_id, row.text, now, user.name)
            record = _record(rumour, find_user_name(session, rumour.owner_id), now)
        self._changed(record)
        return added

    def response_needs(self, rumour_ref: str, template: str | None = None) -> ResponseNeeds:
        """The template a response would be drafted from and the values it needs beyond the claim (the facts, the
        advice), so a face can ask for them before drafting."""
        with self._ctx.db.read() as session:
            chosen, filled = self._response_plan(session, _find(session, rumour_ref), template)
        needed = [(name, chosen.description_of(name)) for name in chosen.placeholder_names if name not in filled]
        return ResponseNeeds(chosen.id, needed)

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
            chosen, filled = self._response_plan(session, rumour, template)
            filled.update({k.strip(): v for k, v in (values or {}).items()})
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
            record = _record(rumour, find_user_name(session, rumour.owner_id), now)
        self._changed(record)
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

    def _changed(self, record: RumourRecord) -> None:
        """Called after the commit: views and the timeline reload."""
        self._ctx.bus.publish(RumourChanged(record.operation_id, record.id))

    def _response_plan(self, session: Session, rumour: Rumour, template: str | None) -> tuple[Template, dict[str, str]]:
        """The template to answer with, and the values the rumour itself gives it (the claim)."""
        if rumour.status == RumourStatus.CLOSED.value:
            raise ValidationError(f"Rumour {short_id(rumour.id)} is closed: it is not answered any more.")
        chosen = self._templates.get(template) if template else self._templates.get(self._fitting(session, rumour))
        if chosen.purpose.value != "rumour-response":
            raise ValidationError(f"The template '{chosen.id}' is not a rumour response; use a rumour-… template.")
        filled = {"claim": rumour.claim.rstrip(" .!?;")} if "claim" in chosen.placeholder_names else {}
        return chosen, filled

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
    return by_id_prefix(session, Rumour, ref, "rumour")


def _incident(session: Session, operation_id: uuid.UUID, ref: str) -> Incident:
    """An incident of this operation by (a prefix of) any of its versions' ids."""
    prefix = ref.strip().lower().replace("-", "")
    if len(prefix) < 4 or any(c not in "0123456789abcdef" for c in prefix):
        raise ValidationError(f"'{ref}' is not an incident id: give at least its first 4 characters.")
    found = [i for i in timeline.find_by_prefix(session, prefix) if i.operation_id == operation_id]
    if not found:
        raise NotFoundError(f"No incident {ref} in this operation to link to.")
    if len(found) > 1:
        raise ValidationError(f"The id {ref} is ambiguous: give more of its characters.")
    return found[0]


def _incident_link(rumour_id: uuid.UUID, incident: Incident, note: str, by: uuid.UUID, now: datetime) -> RumourLink:
    """Linked by the incident's first version (corrections share it); the note, else what the incident said."""
    text = note or " ".join(incident.description.split())[:LINK_TEXT_MAX]
    return RumourLink(
        rumour_id=rumour_id, kind="incident", ref_id=incident.root_id, text=text, added_at=now, added_by=by
    )


def _linked(session: Session, rumour_id: uuid.UUID, root_id: uuid.UUID) -> bool:
    query = select(RumourLink.id).where(
        RumourLink.rumour_id == rumour_id, RumourLink.kind == "incident", RumourLink.ref_id == root_id
    )
    return session.scalar(query.limit(1)) is not None


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
