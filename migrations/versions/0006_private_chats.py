"""Private chats only: remember which group chats were told so (once per chat, across
processes and restarts), and point every Telegram account back at its private chat.

Before this, /start in a group linked the account's chat there, so reminders went to
the group; a private chat's id is the user's own id, so the repair is exact.

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-30 04:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "group_chat_notices",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("chat_type", sa.Text(), nullable=False),
        sa.Column("noticed_at", sa.DateTime(), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", name="group_chat_notices_pkey"),
    )
    op.execute(
        "UPDATE telegram_accounts SET chat_id = telegram_user_id WHERE chat_id <> telegram_user_id"
    )


def downgrade() -> None:
    op.drop_table("group_chat_notices")
