"""Publishing channels, public messages with their variants, approvals, the outbox and the audit chain.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_uuid = sa.Uuid()


def _utc() -> sa.DateTime:
    return sa.DateTime()


def upgrade() -> None:
    op.create_table(
        "channels",
        sa.Column("id", _uuid, primary_key=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("name_key", sa.Text(), nullable=False, unique=True),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
    )
    op.create_table(
        "messages",
        sa.Column("id", _uuid, primary_key=True),
        sa.Column("operation_id", _uuid, sa.ForeignKey("operations.id"), nullable=False),
        sa.Column("purpose", sa.String(30), nullable=False),
        sa.Column("priority", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("created_by", _uuid, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.Column("submitted_hash", sa.String(64), nullable=True),
        sa.Column("status_reason", sa.String(500), nullable=False),
    )
    op.create_index("ix_messages_operation_status", "messages", ["operation_id", "status"])
    op.create_table(
        "message_variants",
        sa.Column("id", _uuid, primary_key=True),
        sa.Column("message_id", _uuid, sa.ForeignKey("messages.id"), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("channel_id", _uuid, sa.ForeignKey("channels.id"), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
    )
    # One default text per language, and one override per language and channel.
    op.create_index(
        "ux_variant_default",
        "message_variants",
        ["message_id", "language"],
        unique=True,
        sqlite_where=sa.text("channel_id IS NULL"),
    )
    op.create_index(
        "ux_variant_override",
        "message_variants",
        ["message_id", "language", "channel_id"],
        unique=True,
        sqlite_where=sa.text("channel_id IS NOT NULL"),
    )
    op.create_table(
        "message_channels",
        sa.Column("message_id", _uuid, sa.ForeignKey("messages.id"), primary_key=True),
        sa.Column("channel_id", _uuid, sa.ForeignKey("channels.id"), primary_key=True),
    )
    op.create_table(
        "message_links",
        sa.Column("message_id", _uuid, sa.ForeignKey("messages.id"), primary_key=True),
        sa.Column("kind", sa.String(20), primary_key=True),  # incident, rumour, decision
        sa.Column("ref_id", _uuid, primary_key=True),
    )
    # Everyone who wrote or changed any of the content: none of them may approve it (four eyes).
    op.create_table(
        "message_contributors",
        sa.Column("message_id", _uuid, sa.ForeignKey("messages.id"), primary_key=True),
        sa.Column("user_id", _uuid, sa.ForeignKey("users.id"), primary_key=True),
    )
    op.create_table(
        "privacy_acks",
        sa.Column("message_id", _uuid, sa.ForeignKey("messages.id"), primary_key=True),
        sa.Column("flag_key", sa.String(200), primary_key=True),
        sa.Column("acknowledged_by", _uuid, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("acknowledged_at", _utc(), nullable=False),
    )
    op.create_table(
        "approvals",
        sa.Column("id", _uuid, primary_key=True),
        sa.Column("message_id", _uuid, sa.ForeignKey("messages.id"), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("content_json", sa.Text(), nullable=False),  # what was approved, for the next diff
        sa.Column("approved_by", _uuid, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("approved_at", _utc(), nullable=False),
        sa.Column("break_glass_reason", sa.String(500), nullable=True),  # set: published unreviewed
    )
    op.create_table(
        "outbox_items",
        sa.Column("id", _uuid, primary_key=True),
        sa.Column("message_id", _uuid, sa.ForeignKey("messages.id"), nullable=False),
        sa.Column("approval_id", _uuid, sa.ForeignKey("approvals.id"), nullable=False),
        sa.Column("channel_id", _uuid, sa.ForeignKey("channels.id"), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("idempotency_key", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("next_attempt_at", _utc(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.UniqueConstraint("approval_id", "channel_id", "language", name="uq_outbox_once_per_approval"),
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("subject", sa.String(80), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("mac", sa.String(64), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_audit_subject", "audit_log", ["subject"])
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
        )
    # Names this database's audit key in the keyring; it travels with the file, the key does not.
    op.execute(
        sa.text("INSERT OR IGNORE INTO settings (key, value) VALUES ('installation_id', :value)").bindparams(
            value=uuid.uuid4().hex
        )
    )


def downgrade() -> None:
    raise NotImplementedError("CrowdOps never downgrades a database; restore a backup instead.")
