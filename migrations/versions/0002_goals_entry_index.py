"""Index goals by their source entry, so deleting entries does not scan all goals.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 12:45:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("idx_goals_journal_entry_id", "goals", ["journal_entry_id"], unique=False)


def downgrade() -> None:
    op.drop_index("idx_goals_journal_entry_id", table_name="goals")
