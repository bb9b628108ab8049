"""Index user_settings by user: every settings lookup (and each reminder batch) is by
user_id, which the shared schema leaves unindexed.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 12:50:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("idx_user_settings_user_id", "user_settings", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index("idx_user_settings_user_id", table_name="user_settings")
