"""Typed models of the rumour register and the decision log (migration 0004)."""

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crowdops.store.models import Base


class Rumour(Base):
    __tablename__ = "rumours"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    operation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("operations.id"))
    claim: Mapped[str] = mapped_column(Text)
    first_seen_at: Mapped[datetime]
    source: Mapped[str] = mapped_column(String(500), default="")
    reach: Mapped[str] = mapped_column(String(10))
    risk: Mapped[int]
    status: Mapped[str] = mapped_column(String(20))
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    last_action_at: Mapped[datetime]


class RumourEvent(Base):
    __tablename__ = "rumour_events"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    rumour_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("rumours.id"))
    at: Mapped[datetime]
    by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")


class RumourLink(Base):
    __tablename__ = "rumour_links"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    rumour_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("rumours.id"))
    kind: Mapped[str] = mapped_column(String(20))  # incident, message, url, note
    ref_id: Mapped[uuid.UUID | None]
    text: Mapped[str] = mapped_column(Text, default="")
    added_at: Mapped[datetime]
    added_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))


class Decision(Base):
    """One entry of the append-only decision log; a revision points at the entry it revises."""

    __tablename__ = "decisions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    operation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("operations.id"))
    root_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("decisions.id"))
    revises_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("decisions.id"), unique=True)
    decision: Mapped[str] = mapped_column(Text)
    rationale: Mapped[str] = mapped_column(Text)
    options_json: Mapped[str] = mapped_column(Text, default="[]")
    information: Mapped[str] = mapped_column(Text, default="")
    powers: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime]
    review_at: Mapped[datetime | None]
    links_json: Mapped[str] = mapped_column(Text, default="[]")
