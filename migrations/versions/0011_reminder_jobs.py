"""Reminder jobs: snoozed reminders, weekly reviews, streak nudges and "skip today",
one row per user and kind, claimed like reminder_schedules (FOR UPDATE SKIP LOCKED).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 05:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reminder_jobs",
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("reminder_jobs_user_id_users_id_fk"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "kind", name=op.f("reminder_jobs_pkey")),
    )
    op.create_index("idx_reminder_jobs_due_at", "reminder_jobs", ["due_at"])


def downgrade() -> None:
    op.drop_index("idx_reminder_jobs_due_at", table_name="reminder_jobs")
    op.drop_table("reminder_jobs")
