"""Finding a record by the first characters of its id, as people type them (`crowdops message show 3f2a`)."""

from typing import Any, TypeVar

from sqlalchemy import literal_column, select
from sqlalchemy.orm import Session

from crowdops.domain.errors import NotFoundError, ValidationError

T = TypeVar("T")
HEX = frozenset("0123456789abcdef")


def id_prefix(ref: str, noun: str) -> str:
    """The typed id, lower case without dashes; refused unless it is at least 4 hex characters."""
    prefix = ref.strip().lower().replace("-", "")
    if len(prefix) < 4 or not set(prefix) <= HEX:
        article = "an" if noun[:1] in "aeiou" else "a"
        raise ValidationError(f"'{ref}' is not {article} {noun} id: give at least its first 4 characters.")
    return prefix


def by_id_prefix(session: Session, model: type[T], ref: str, noun: str, missing: str | None = None) -> T:
    """The one `model` row whose id starts with `ref`; `missing` words the not-found message ("No {noun}")."""
    prefix = id_prefix(ref, noun)
    column = literal_column(f"{model.__tablename__}.id")  # type: ignore[attr-defined]
    found: list[Any] = list(session.scalars(select(model).where(column.like(prefix + "%")).limit(2)))
    if not found:
        raise NotFoundError(f"{missing or 'No ' + noun} with id {ref}.")
    if len(found) > 1:
        raise ValidationError(f"The id {ref} is ambiguous: give more of its characters.")
    return found[0]  # type: ignore[no-any-return]
