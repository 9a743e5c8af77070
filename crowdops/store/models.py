"""Typed ORM models. Primary keys are UUIDs so records from several laptops can one day be merged."""

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, validates

from crowdops.domain.names import name_key
from crowdops.store.types import UTCDateTime


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime}  # noqa: RUF012 (SQLAlchemy reads it as a class attribute)


class NameKeyed:
    """Names are unique and looked up by their key (case folded in every script), set whenever a name is."""

    name_key: Mapped[str] = mapped_column(Text, unique=True)

    @validates("name")
    def _set_name_key(self, _attribute: str, name: str) -> str:
        self.name_key = name_key(name)
        return name


class User(NameKeyed, Base):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(20))
    passphrase_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


class Operation(NameKeyed, Base):
    __tablename__ = "operations"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    phase: Mapped[str] = mapped_column(String(10))
    timezone: Mapped[str] = mapped_column(String(64))
    area: Mapped[str] = mapped_column(String(300), default="")
    # Fixed at creation: an exercise can never become live, nor the reverse.
    exercise: Mapped[bool]
    created_at: Mapped[datetime]
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


class Incident(Base):
    """One entry of the append-only incident log. A correction is a new entry whose `corrects_id` points at the
    entry it replaces; `root_id` names the first entry of the chain, so every version shares it."""

    __tablename__ = "incidents"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    operation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("operations.id"))
    root_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("incidents.id"))
    # Unique: each version is corrected at most once, so history is a line, never a fork.
    corrects_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("incidents.id"), unique=True)
    occurred_at: Mapped[datetime]
    logged_at: Mapped[datetime]
    logged_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    category: Mapped[str] = mapped_column(String(40))
    severity: Mapped[int]
    location: Mapped[str] = mapped_column(String(300), default="")
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    source: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    methane_json: Mapped[str | None] = mapped_column(Text)
    correction_reason: Mapped[str] = mapped_column(String(300), default="")

    __table_args__ = (
        Index(
            "ix_incidents_timeline",
            "operation_id",
            text("occurred_at DESC"),
            text("logged_at DESC"),
            text("id DESC"),
        ),
        Index("ix_incidents_root", "root_id"),
    )


class Setting(Base):
    """Small shared settings, e.g. the current operation that `op use` sets and the GUI follows."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
