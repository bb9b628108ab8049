"""The update inbox: updates are committed here before Telegram is answered.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 04:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bot_updates",
        sa.Column("bot_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(), server_default=sa.text("now()"), nullable=False),
        sa.Column("state", sa.Text(), server_default=sa.text("'pending'"), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("not_before", sa.DateTime(), server_default=sa.text("now()"), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("bot_id", "update_id", name="bot_updates_pkey"),
    )
    op.create_index(
        "idx_bot_updates_pending",
        "bot_updates",
        ["bot_id", "chat_id", "update_id"],
        unique=False,
        postgresql_where=sa.text("state = 'pending'"),
    )
    op.create_index(
        "idx_bot_updates_done_at",
        "bot_updates",
        ["done_at"],
        unique=False,
        postgresql_where=sa.text("state = 'done'"),
    )


def downgrade() -> None:
    op.drop_index("idx_bot_updates_done_at", table_name="bot_updates")
    op.drop_index("idx_bot_updates_pending", table_name="bot_updates")
    op.drop_table("bot_updates")
