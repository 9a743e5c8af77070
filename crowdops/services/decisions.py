"""The decision log (JESIP Joint Decision Model): append-only entries, revisions that point at the entry they
revise, review reminders, and "explain publicly" as a message draft linked to the decision."""

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import literal_column, select
from sqlalchemy.orm import Session

from crowdops.domain.decisions import (
    clean_decision,
    clean_note,
    clean_options,
    clean_rationale,
    parse_link,
    require_can_decide,
)
from crowdops.domain.enums import Role
from crowdops.domain.errors import ConflictError, NotFoundError, ValidationError
from crowdops.domain.times import iso_utc, parse_since, zone
from crowdops.services.context import ServiceContext
from crowdops.services.events import DecisionChanged
from crowdops.services.inputs import DraftInput
from crowdops.services.lookup import by_id_prefix, id_prefix
from crowdops.services.message_records import MessageRecord
from crowdops.services.messages import MessageService
from crowdops.services.records import short_id
from crowdops.services.templates import TemplateLibrary
from crowdops.services.users import find_user
from crowdops.store.message_models import Message
from crowdops.store.models import Incident, Operation, User
from crowdops.store.register_models import Decision, Rumour

EXPLAIN_TEMPLATE = "decision-explanation"


@dataclass(frozen=True)
class DecisionRecord:
    id: uuid.UUID
    root_id: uuid.UUID
    revises_id: uuid.UUID | None
    operation_id: uuid.UUID
    decision: str
    rationale: str
    options: list[tuple[str, str]]
    information: str
    powers: str
    decided_by: str
    decided_at: datetime
    review_at: datetime | None
    links: list[tuple[str, uuid.UUID]] = field(default_factory=list)
    due: bool = False

    @property
    def short_id(self) -> str:
        return short_id(self.id)


@dataclass(frozen=True)
class DecisionInput:
    decision: str
    rationale: str
    options: Sequence[tuple[str, str]] = ()
    information: str = ""
    powers: str = ""
    review_at: str | None = None  # ISO, local to the operation
    links: Sequence[str] = ()  # "incident:ID", "rumour:ID", "message:ID"


class DecisionService:
    def __init__(self, context: ServiceContext, messages: MessageService, templates: TemplateLibrary) -> None:
        self._ctx = context
        self._messages = messages
        self._templates = templates

    # -- writing -----------------------------------------------------------------------------------------

    def add(self, operation_id: uuid.UUID, entry: DecisionInput, *, actor: str) -> DecisionRecord:
        """Validate everything, then write the entry and its audit in one transaction."""
        now = self._ctx.clock()
        with self._ctx.db.write() as session:
            op = _operation(session, operation_id)
            user = self._decider(session, op, actor)
            decision_id = uuid.uuid4()
            row = Decision(
                id=decision_id,
                operation_id=op.id,
                root_id=decision_id,
                revises_id=None,
                decision=clean_decision(entry.decision),
                rationale=clean_rationale(entry.rationale),
                options_json=json.dumps(clean_options(list(entry.options))),
                information=clean_note(entry.information, "information"),
                powers=clean_note(entry.powers, "powers and policies"),
                decided_by=user.id,
                decided_at=now,
                review_at=_review_time(entry.review_at, op, now),
                links_json=json.dumps(_links(session, op, entry.links)),
            )
            record = self._write(session, row, user, "decision.add")
        self._ctx.bus.publish(DecisionChanged(record.operation_id, record.id))  # after the commit
        return record

    def revise(
        self,
        decision_ref: str,
        *,
        actor: str,
        decision: str | None = None,
        rationale: str | None = None,
        options: Sequence[tuple[str, str]] | None = None,
        information: str | None = None,
        powers: str | None = None,
        review_at: str | None = None,
        links: Sequence[str] | None = None,
    ) -> DecisionRecord:
        """Append a new version of a decision; only the latest version may be revised."""
        now = self._ctx.clock()
        with self._ctx.db.write() as session:
            old = _find(session, decision_ref)
            newer = _revised_by(session, old.id)
            if newer is not None:
                latest = _latest(session, old)
                raise ConflictError(
                    f"Decision {short_id(old.id)} has already been revised; revise its latest version "
                    f"{short_id(latest.id)} instead."
                )
            op = _operation(session, old.operation_id)
            user = self._decider(session, op, actor)
            fields = {
                "decision": clean_decision(decision) if decision is not None else old.decision,
                "rationale": clean_rationale(rationale) if rationale is not None else old.rationale,
                "options_json": json.dumps(clean_options(list(options))) if options is not None else old.options_json,
                "information": clean_note(information, "information") if information is not None else old.information,
                "powers": clean_note(powers, "powers and policies") if powers is not None else old.powers,
                "review_at": _review_time(review_at, op, now) if review_at is not None else _aware(old.review_at),
                "links_json": json.dumps(_links(session, op, links)) if links is not None else old.links_json,
            }
            if all(_same(getattr(old, name), value) for name, value in fields.items()):
                raise ValidationError(
                    "The revision changes nothing: give a new decision, rationale, options or review time."
                )
            row = Decision(
                id=uuid.uuid4(),
                operation_id=old.operation_id,
                root_id=old.root_id,
                revises_id=old.id,
                decided_by=user.id,
                decided_at=now,
                **fields,
            )
            record = self._write(session, row, user, "decision.revise")
        self._ctx.bus.publish(DecisionChanged(record.operation_id, record.id))
        return record

    def explain(
        self, decision_ref: str, *, actor: str, values: Mapping[str, str] | None = None, language: str = "en"
    ) -> MessageRecord:
        """A decision-explanation draft filled from the decision (its text and rationale) and `values` for what the
        decision cannot say (what it means for people); linked to the decision."""
        with self._ctx.db.read() as session:
            row = _find(session, decision_ref)
            if _revised_by(session, row.id) is not None:
                latest = _latest(session, row)
                raise ConflictError(
                    f"Decision {short_id(row.id)} has been revised; explain its latest version "
                    f"{short_id(latest.id)} instead."
                )
            filled = {"decision": _phrase(row.decision), "reason": _phrase(row.rationale), **dict(values or {})}
            operation_id, root_id = row.operation_id, row.root_id
        template = self._templates.get(EXPLAIN_TEMPLATE)
        missing = [name for name in template.placeholder_names if not str(filled.get(name, "")).strip()]
        if missing:
            wanted = " ".join(f"--set {name}=TEXT" for name in missing)
            described = "; ".join(f"{name}: {template.description_of(name)}" for name in missing)
            raise ValidationError(f"The explanation needs what the decision does not say ({described}): {wanted}.")
        entry = DraftInput(
            template=EXPLAIN_TEMPLATE, language=language, values=filled, links=[("decision", root_id.hex)]
        )
        return self._messages.draft(operation_id, entry, actor=actor)

    # -- reading -----------------------------------------------------------------------------------------

    def get(self, decision_ref: str) -> DecisionRecord:
        with self._ctx.db.read() as session:
            return self._record(session, _find(session, decision_ref))

    def history(self, decision_ref: str) -> list[DecisionRecord]:
        """Every version of the decision, oldest first."""
        with self._ctx.db.read() as session:
            row = _find(session, decision_ref)
            rows = session.scalars(
                select(Decision).where(Decision.root_id == row.root_id).order_by(Decision.decided_at, Decision.id)
            )
            return _chain([self._record(session, r) for r in rows])

    def list(self, operation_id: uuid.UUID) -> list[DecisionRecord]:
        """The latest version of each decision of the operation, oldest first; `due` when its review time came."""
        with self._ctx.db.read() as session:
            _operation(session, operation_id)
            revised = select(Decision.revises_id).where(Decision.revises_id.is_not(None))
            rows = session.scalars(
                select(Decision)
                .where(Decision.operation_id == operation_id, Decision.id.not_in(revised))
                .order_by(Decision.decided_at, Decision.id)
            )
            return [self._record(session, r) for r in rows]

    # -- helpers -----------------------------------------------------------------------------------------

    def _decider(self, session: Session, op: Operation, actor: str) -> User:
        user = find_user(session, actor)
        require_can_decide(Role(user.role), op.exercise, user.name)
        return user

    def _write(self, session: Session, row: Decision, user: User, action: str) -> DecisionRecord:
        session.add(row)
        session.flush()
        record = self._record(session, row)
        self._ctx.record(session, user.name, action, f"decision:{record.id.hex}", **audit_fields(record))
        return record

    def _record(self, session: Session, row: Decision) -> DecisionRecord:
        user = session.get(User, row.decided_by)
        review_at = _aware(row.review_at)
        return DecisionRecord(
            id=row.id,
            root_id=row.root_id,
            revises_id=row.revises_id,
            operation_id=row.operation_id,
            decision=row.decision,
            rationale=row.rationale,
            options=[(o, w) for o, w in json.loads(row.options_json or "[]")],
            information=row.information,
            powers=row.powers,
            decided_by=user.name if user else "?",
            decided_at=_aware(row.decided_at) or row.decided_at,
            review_at=review_at,
            links=[(k, uuid.UUID(r)) for k, r in json.loads(row.links_json or "[]")],
            due=review_at is not None and review_at <= self._ctx.clock(),
        )


def _chain(records: list[DecisionRecord]) -> list[DecisionRecord]:
    """Order versions by their revision links (a clock set back must not reorder them)."""
    by_revised = {r.revises_id: r for r in records}
    chain, current = [], by_revised.get(None)
    while current is not None:
        chain.append(current)
        current = by_revised.get(current.id)
    return chain


def audit_fields(record: DecisionRecord) -> dict[str, object]:
    return {
        "operation": record.operation_id.hex,
        "revises": record.revises_id.hex if record.revises_id else None,
        "decision": record.decision,
        "rationale": record.rationale,
        "options": [list(o) for o in record.options],
        "information": record.information,
        "powers": record.powers,
        "review_at": iso_utc(record.review_at) if record.review_at else None,
        "links": [[k, r.hex] for k, r in record.links],
    }


def _operation(session: Session, operation_id: uuid.UUID) -> Operation:
    op = session.get(Operation, operation_id)
    if op is None:
        raise NotFoundError("The operation no longer exists.")
    return op


def _find(session: Session, ref: str) -> Decision:
    return by_id_prefix(session, Decision, ref, "decision")


def _revised_by(session: Session, decision_id: uuid.UUID) -> Decision | None:
    return session.scalars(select(Decision).where(Decision.revises_id == decision_id)).first()


def _latest(session: Session, row: Decision) -> Decision:
    current = row
    while (newer := _revised_by(session, current.id)) is not None:
        current = newer
    return current


def _links(session: Session, op: Operation, raw: Sequence[str]) -> list[list[str]]:
    """Check each link names a record of this operation; incidents are linked by their first version."""
    tables = {"incident": (Incident, "incidents"), "rumour": (Rumour, "rumours"), "message": (Message, "messages")}
    links: list[list[str]] = []
    for text in raw:
        kind, ref = parse_link(text)
        model, table = tables[kind]
        prefix = id_prefix(ref, kind)
        found = list(
            session.scalars(
                select(model)
                .where(model.operation_id == op.id, literal_column(f"{table}.id").like(prefix + "%"))
                .limit(2)
            )
        )
        if len(found) != 1:
            raise NotFoundError(f"No {kind} {ref} in this operation to link to.")
        target = found[0].root_id if kind == "incident" else found[0].id
        if [kind, target.hex] not in links:
            links.append([kind, target.hex])
    return links


def _review_time(text: str | None, op: Operation, now: datetime) -> datetime | None:
    if text is None or not text.strip():
        return None
    moment = parse_since(text, zone(op.timezone))
    if moment <= now:
        raise ValidationError(f"The review time '{text.strip()}' has already passed: give a time still to come.")
    return moment


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def _same(old: object, new: object) -> bool:
    if isinstance(old, datetime) or isinstance(new, datetime):
        return _aware(old) == _aware(new)  # type: ignore[arg-type]
    return old == new


def _phrase(text: str) -> str:
    """A sentence as a template phrase: the template adds its own full stop."""
    return text.strip().rstrip(".!").strip()
