"""The append-only incident log, with full-text search.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_uuid = sa.Uuid()


def _utc() -> sa.DateTime:
    return sa.DateTime()


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", _uuid, primary_key=True),
        sa.Column("operation_id", _uuid, sa.ForeignKey("operations.id"), nullable=False),
        sa.Column("root_id", _uuid, sa.ForeignKey("incidents.id"), nullable=False),
        sa.Column("corrects_id", _uuid, sa.ForeignKey("incidents.id"), nullable=True, unique=True),
        sa.Column("occurred_at", _utc(), nullable=False),
        sa.Column("logged_at", _utc(), nullable=False),
        sa.Column("logged_by", _uuid, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(300), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("methane_json", sa.Text(), nullable=True),
        sa.Column("correction_reason", sa.String(300), nullable=False),
        sa.CheckConstraint("severity BETWEEN 1 AND 5", name="ck_incidents_severity"),
    )
    op.create_index(
        "ix_incidents_timeline",
        "incidents",
        ["operation_id", sa.text("occurred_at DESC"), sa.text("logged_at DESC"), sa.text("id DESC")],
    )
    op.create_index("ix_incidents_root", "incidents", ["root_id"])
    # The log is append-only: the database itself refuses to change or remove an entry.
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER incidents_no_{verb.lower()} BEFORE {verb} ON incidents "
            "BEGIN SELECT RAISE(ABORT, 'the incident log is append-only'); END"
        )
    # Full-text index, filled in the same transaction as each insert. It keeps the incident id rather than
    # relying on rowids, which VACUUM may renumber for tables with UUID keys. It holds folded text (accents and
    # case removed in every script, crowdops.domain.search.fold, registered on each connection by the engine).
    op.execute(
        "CREATE VIRTUAL TABLE incident_fts USING fts5("
        "description, location, incident_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE TRIGGER incidents_fts_insert AFTER INSERT ON incidents BEGIN "
        "INSERT INTO incident_fts (description, location, incident_id) "
        "VALUES (crowdops_fold(NEW.description), crowdops_fold(NEW.location), NEW.id); END"
    )


def downgrade() -> None:
    raise NotImplementedError("CrowdOps never downgrades a database; restore a backup instead.")
