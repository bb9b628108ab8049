"""Reminder jobs are leased, not consumed, when claimed.

- ``reminder_jobs.claimed_by``: the dispatcher sending the job (``host:pid:tag``).
- ``reminder_jobs.claimed_at``: when it claimed it (naive UTC).
- ``reminder_jobs.lease_until``: until when the claim holds (naive UTC); after that any
  dispatcher claims the job again (``idx_reminder_jobs_lease_until``).

All NULL while nobody holds the job.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("reminder_jobs", sa.Column("claimed_by", sa.String(length=64), nullable=True))
    op.add_column("reminder_jobs", sa.Column("claimed_at", sa.DateTime(), nullable=True))
    op.add_column("reminder_jobs", sa.Column("lease_until", sa.DateTime(), nullable=True))
    op.create_index("idx_reminder_jobs_lease_until", "reminder_jobs", ["lease_until"])


def downgrade() -> None:
    op.drop_index("idx_reminder_jobs_lease_until", table_name="reminder_jobs")
    op.drop_column("reminder_jobs", "lease_until")
    op.drop_column("reminder_jobs", "claimed_at")
    op.drop_column("reminder_jobs", "claimed_by")
