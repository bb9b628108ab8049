"""Kept messages belong to their writer.

- ``pending_messages.owner_user_id``: the user last logged in on the Telegram account
  when the message was written (NULL: none, or that user is gone). Logging in to that
  user saves the message; logging in to any other asks first.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 05:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("pending_messages", sa.Column("owner_user_id", sa.UUID(), nullable=True))
    op.create_foreign_key(
        "pending_messages_owner_user_id_fkey",
        "pending_messages",
        "users",
        ["owner_user_id"],
        ["id"],
        ondelete="CASCADE",
    )


def downgrade() -> None:
    op.drop_constraint(
        "pending_messages_owner_user_id_fkey", "pending_messages", type_="foreignkey"
    )
    op.drop_column("pending_messages", "owner_user_id")
