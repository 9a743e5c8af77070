"""Publishing: account settings per channel, the outbox's send order and results, and the sandbox training feed.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_uuid = sa.Uuid()


def upgrade() -> None:
    with op.batch_alter_table("channels") as batch:
        # Where and as whom to publish; the secret itself lives in the OS keyring.
        batch.add_column(sa.Column("base_url", sa.String(500), nullable=False, server_default=""))
        batch.add_column(sa.Column("account", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("page_id", sa.String(100), nullable=False, server_default=""))
        batch.add_column(sa.Column("chat_id", sa.String(100), nullable=False, server_default=""))
        # A rate-limit reset the platform announced: nothing is sent to this channel before it.
        batch.add_column(sa.Column("paused_until", sa.DateTime(), nullable=True))
        # The account's own length limit where the platform reports one (a Mastodon instance's max_characters).
        batch.add_column(sa.Column("char_limit", sa.Integer(), nullable=True))
    with op.batch_alter_table("outbox_items") as batch:
        batch.add_column(sa.Column("priority", sa.String(20), nullable=False, server_default="routine"))
        batch.add_column(sa.Column("not_before", sa.DateTime(), nullable=True))  # scheduled posts
        batch.add_column(sa.Column("record_key", sa.String(16), nullable=False, server_default=""))  # Bluesky TID
        batch.add_column(sa.Column("remote_id", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("remote_url", sa.String(500), nullable=False, server_default=""))
        batch.add_column(sa.Column("sent_at", sa.DateTime(), nullable=True))
        # When it was queued or last re-confirmed by a person: the stale guard's clock.
        batch.add_column(sa.Column("queued_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("updated_at", sa.DateTime(), nullable=True))
        # Set when an attempt may have published the post: it is then checked on the platform, never blindly re-sent.
        batch.add_column(sa.Column("maybe_sent", sa.Boolean(), nullable=False, server_default=sa.false()))
    # What the dispatcher scans: open rows by status and due time.
    op.create_index("ix_outbox_status_due", "outbox_items", ["status", "next_attempt_at"])
    op.create_table(
        "sandbox_posts",
        sa.Column("id", _uuid, primary_key=True),
        sa.Column("channel_id", _uuid, sa.ForeignKey("channels.id"), nullable=False),
        # One feed entry per outbox row, whatever happens: a re-send finds the entry it made before.
        sa.Column("outbox_item_id", _uuid, sa.ForeignKey("outbox_items.id"), nullable=False, unique=True),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("posted_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_sandbox_posts_channel", "sandbox_posts", ["channel_id", "posted_at"])


def downgrade() -> None:
    raise NotImplementedError("CrowdOps never downgrades a database; restore a backup instead.")
