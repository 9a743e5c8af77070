"""Users and their roles; passphrases are kept only as scrypt hashes."""

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crowdops.domain.enums import Role, parse_enum
from crowdops.domain.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from crowdops.domain.names import name_key
from crowdops.domain.passphrases import hash_passphrase, verify_passphrase
from crowdops.domain.permissions import require_can_manage_users
from crowdops.services.context import ServiceContext
from crowdops.services.records import UserRecord
from crowdops.store.models import User

MAX_NAME = 80


def _record(user: User) -> UserRecord:
    return UserRecord(id=user.id, name=user.name, role=Role(user.role))


def find_user(session: Session, name: str) -> User:
    user = session.scalars(select(User).where(User.name_key == name_key(name.strip()))).one_or_none()
    if user is None:
        raise NotFoundError(f"No user named '{name}'.")
    return user


class UserService:
    def __init__(self, context: ServiceContext) -> None:
        self._ctx = context

    def add(self, name: str, role: str, passphrase: str, *, actor: str | None = None) -> UserRecord:
        """Add a user. Once a commander exists, only a commander (named by `actor`) may add users; before that,
        anyone at this laptop may, so that the first commander can be created."""
        clean = name.strip()
        if not clean:
            raise ValidationError("The user name is empty.")
        if len(clean) > MAX_NAME:
            raise ValidationError(f"The user name is longer than {MAX_NAME} characters.")
        chosen = parse_enum(Role, role, "role")
        hashed = hash_passphrase(passphrase)  # slow on purpose: outside the write lock
        with self._ctx.db.write() as session:
            self._check_may_add(session, actor)
            user = User(name=clean, role=chosen.value, passphrase_hash=hashed, created_at=self._ctx.clock())
            session.add(user)
            try:
                session.flush()
            except IntegrityError:
                raise ConflictError(f"A user named '{clean}' already exists.") from None
            self._ctx.record(session, actor, "user.add", f"user:{user.id.hex}", name=user.name, role=user.role)
            return _record(user)

    def _check_may_add(self, session: Session, actor: str | None) -> None:
        has_commander = session.scalar(select(func.count()).where(User.role == Role.COMMANDER.value)) or 0
        if actor is not None:
            acting = find_user(session, actor)
            require_can_manage_users(Role(acting.role), acting.name)
        elif has_commander:
            raise PermissionDeniedError("Only a commander may add users: name one with --as.")

    def list(self) -> list[UserRecord]:
        with self._ctx.db.read() as session:
            return [_record(u) for u in session.scalars(select(User).order_by(User.name_key))]

    def get(self, name: str) -> UserRecord:
        with self._ctx.db.read() as session:
            return _record(find_user(session, name))

    def authenticate(self, name: str, passphrase: str) -> UserRecord:
        with self._ctx.db.read() as session:
            user = find_user(session, name)
            stored = user.passphrase_hash
            record = _record(user)
        if not verify_passphrase(passphrase, stored):
            raise PermissionDeniedError(f"Wrong passphrase for {record.name}.")
        return record
