"""Users, operations and settings.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_uuid = sa.Uuid()


def _utc() -> sa.DateTime:
    return sa.DateTime()


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", _uuid, primary_key=True),
        sa.Column("name", sa.String(80), nullable=False),
        # The name as compared (crowdops.domain.names.name_key): NOCASE would fold ASCII only.
        sa.Column("name_key", sa.Text(), nullable=False, unique=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("passphrase_hash", sa.String(200), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
    )
    op.create_table(
        "operations",
        sa.Column("id", _uuid, primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("name_key", sa.Text(), nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("phase", sa.String(10), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("area", sa.String(300), nullable=False),
        sa.Column("exercise", sa.Boolean(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("created_by", _uuid, sa.ForeignKey("users.id"), nullable=True),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(80), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    raise NotImplementedError("CrowdOps never downgrades a database; restore a backup instead.")
