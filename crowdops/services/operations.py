"""Operations (a protest, an event, a migration movement) and which one is current."""

import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crowdops.domain.enums import OperationKind, Phase, Role, parse_enum
from crowdops.domain.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from crowdops.domain.names import name_key
from crowdops.domain.permissions import require_can_manage_operation
from crowdops.domain.times import zone
from crowdops.services.context import ServiceContext
from crowdops.services.events import CurrentOperationChanged, OperationsChanged
from crowdops.services.records import OperationRecord
from crowdops.services.users import find_user
from crowdops.store.models import Operation, Setting, User

CURRENT_OPERATION = "current_operation"
MAX_NAME = 120


def operation_record(op: Operation) -> OperationRecord:
    return OperationRecord(
        id=op.id,
        name=op.name,
        kind=OperationKind(op.kind),
        phase=Phase(op.phase),
        timezone=op.timezone,
        area=op.area,
        exercise=op.exercise,
        created_at=op.created_at,
    )


def find_operation(session: Session, name: str) -> Operation:
    op = session.scalars(select(Operation).where(Operation.name_key == name_key(name.strip()))).one_or_none()
    if op is None:
        raise NotFoundError(f"No operation named '{name}'.")
    return op


class OperationService:
    def __init__(self, context: ServiceContext) -> None:
        self._ctx = context

    def create(
        self,
        name: str,
        kind: str,
        *,
        timezone: str = "UTC",
        area: str = "",
        exercise: bool = False,
        phase: str = Phase.BEFORE.value,
        actor: str | None = None,
    ) -> OperationRecord:
        clean = name.strip()
        if not clean:
            raise ValidationError("The operation name is empty.")
        if len(clean) > MAX_NAME:
            raise ValidationError(f"The operation name is longer than {MAX_NAME} characters.")
        chosen_kind = parse_enum(OperationKind, kind, "operation kind")
        chosen_phase = parse_enum(Phase, phase, "phase")
        zone(timezone)
        with self._ctx.db.write() as session:
            created_by = self._check_may_create(session, actor, exercise)
            op = Operation(
                name=clean,
                kind=chosen_kind.value,
                phase=chosen_phase.value,
                timezone=timezone,
                area=area.strip(),
                exercise=exercise,
                created_at=self._ctx.clock(),
                created_by=created_by,
            )
            session.add(op)
            try:
                session.flush()
            except IntegrityError:
                raise ConflictError(f"An operation named '{clean}' already exists.") from None
            record = operation_record(op)
            self._ctx.record(
                session,
                actor,
                "operation.create",
                f"operation:{op.id.hex}",
                name=op.name,
                kind=op.kind,
                phase=op.phase,
                timezone=op.timezone,
                area=op.area,
                exercise=op.exercise,
            )
        self._ctx.bus.publish(OperationsChanged())
        return record

    def _check_may_create(self, session: Session, actor: str | None, exercise: bool) -> uuid.UUID | None:
        """The creator's id. Before any user exists anyone at this laptop may create an operation (so a fresh
        install can be tried out); after that, only someone whose role allows it, named by `actor`."""
        if actor is None:
            if session.scalar(select(User.id).limit(1)) is None:
                return None
            who, what = ("a commander or a trainer", "an exercise") if exercise else ("a commander", "a live operation")
            raise PermissionDeniedError(f"Only {who} may create {what}: name one with --as.")
        user = find_user(session, actor)
        require_can_manage_operation(Role(user.role), exercise, user.name)
        return user.id

    def set_phase(self, name: str, phase: str, *, actor: str) -> OperationRecord:
        chosen = parse_enum(Phase, phase, "phase")
        with self._ctx.db.write() as session:
            op = find_operation(session, name)
            user = find_user(session, actor)
            require_can_manage_operation(Role(user.role), op.exercise, user.name)
            before = op.phase
            op.phase = chosen.value
            record = operation_record(op)
            self._ctx.record(session, user.name, "operation.phase", f"operation:{op.id.hex}", old=before, new=op.phase)
        self._ctx.bus.publish(OperationsChanged())
        return record

    def list(self) -> list[OperationRecord]:
        with self._ctx.db.read() as session:
            ops = session.scalars(select(Operation).order_by(Operation.created_at.desc(), Operation.name_key))
            return [operation_record(op) for op in ops]

    def get(self, name: str) -> OperationRecord:
        with self._ctx.db.read() as session:
            return operation_record(find_operation(session, name))

    def get_by_id(self, operation_id: uuid.UUID) -> OperationRecord:
        with self._ctx.db.read() as session:
            op = session.get(Operation, operation_id)
            if op is None:
                raise NotFoundError("The operation no longer exists.")
            return operation_record(op)

    def use(self, name: str, *, actor: str | None = None) -> OperationRecord:
        """Make an operation current for the CLI and the GUI alike."""
        with self._ctx.db.write() as session:
            record = operation_record(find_operation(session, name))
            session.merge(Setting(key=CURRENT_OPERATION, value=record.id.hex))
            self._ctx.record(session, actor, "operation.use", f"operation:{record.id.hex}", name=record.name)
        self._ctx.bus.publish(CurrentOperationChanged(record.id))
        return record

    def current(self) -> OperationRecord | None:
        with self._ctx.db.read() as session:
            setting = session.get(Setting, CURRENT_OPERATION)
            op = session.get(Operation, uuid.UUID(setting.value)) if setting else None
            return operation_record(op) if op else None

    def resolve(self, name: str | None) -> OperationRecord:
        """The named operation, or the current one; a clear error when there is neither."""
        if name:
            return self.get(name)
        current = self.current()
        if current is None:
            raise NotFoundError("No operation is selected: create one with 'op create' or choose one with 'op use'.")
        return current
