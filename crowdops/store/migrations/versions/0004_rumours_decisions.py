"""The rumour register and the decision log (JESIP Joint Decision Model).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_uuid = sa.Uuid()


def upgrade() -> None:
    op.create_table(
        "rumours",
        sa.Column("id", _uuid, primary_key=True),
        sa.Column("operation_id", _uuid, sa.ForeignKey("operations.id"), nullable=False),
        sa.Column("claim", sa.Text(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(), nullable=False),
        sa.Column("source", sa.String(500), nullable=False),  # platform and URL, radio, word of mouth
        sa.Column("reach", sa.String(10), nullable=False),  # low, medium, high, viral
        sa.Column("risk", sa.Integer(), nullable=False),  # risk to safety, 1-5
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("owner_id", _uuid, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_action_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("risk BETWEEN 1 AND 5", name="ck_rumours_risk"),
    )
    op.create_index("ix_rumours_operation_status", "rumours", ["operation_id", "status"])
    # Every status change with its note, in order: the rumour's story (and its clock).
    op.create_table(
        "rumour_events",
        sa.Column("id", _uuid, primary_key=True),
        sa.Column("rumour_id", _uuid, sa.ForeignKey("rumours.id"), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("by_id", _uuid, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
    )
    op.create_index("ix_rumour_events_rumour", "rumour_events", ["rumour_id", "at"])
    # Evidence and responses: links to incidents and messages, or a URL / note.
    op.create_table(
        "rumour_links",
        sa.Column("id", _uuid, primary_key=True),
        sa.Column("rumour_id", _uuid, sa.ForeignKey("rumours.id"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),  # incident, message, url, note
        sa.Column("ref_id", _uuid, nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("added_by", _uuid, sa.ForeignKey("users.id"), nullable=False),
    )
    # Append-only like the incident log: a revision is a new entry pointing at the one it revises.
    op.create_table(
        "decisions",
        sa.Column("id", _uuid, primary_key=True),
        sa.Column("operation_id", _uuid, sa.ForeignKey("operations.id"), nullable=False),
        sa.Column("root_id", _uuid, sa.ForeignKey("decisions.id"), nullable=False),
        sa.Column("revises_id", _uuid, sa.ForeignKey("decisions.id"), nullable=True, unique=True),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("options_json", sa.Text(), nullable=False),  # [{"option": ..., "rejected_because": ...}]
        sa.Column("information", sa.Text(), nullable=False),  # information and intelligence it rests on
        sa.Column("powers", sa.Text(), nullable=False),  # powers and policies relied on
        sa.Column("decided_by", _uuid, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.Column("review_at", sa.DateTime(), nullable=True),
        sa.Column("links_json", sa.Text(), nullable=False),  # [[kind, id], ...]: incidents, rumours, messages
    )
    op.create_index("ix_decisions_operation", "decisions", ["operation_id", "decided_at"])
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER decisions_no_{verb.lower()} BEFORE {verb} ON decisions "
            "BEGIN SELECT RAISE(ABORT, 'the decision log is append-only'); END"
        )


def downgrade() -> None:
    raise NotImplementedError("CrowdOps never downgrades a database; restore a backup instead.")
