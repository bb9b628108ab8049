"""The language a Telegram account chose with /language.

NULL (every existing row) keeps following the language Telegram reports, so nothing
changes for anyone until they choose.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("telegram_accounts", sa.Column("language", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("telegram_accounts", "language")
