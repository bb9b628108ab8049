"""Case-insensitive email lookups and the login throttle's bookkeeping.

- ``idx_users_email_lower``: the other app stores emails as typed; the bot finds users
  and refuses sign-ups by ``lower(email)``. Not unique: the other app may already hold
  addresses that differ only in case, and the index must build on its data.
- ``login_attempts.kind``: sign-up attempts ("register") are rate limited with the same
  rows as failed logins ("login").
- ``known_logins``: Telegram accounts that have logged in to a user before are not
  delayed by failures strangers record against that user's email.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 04:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "idx_users_email_lower", "users", [sa.literal_column("lower(email)")], unique=False
    )
    op.add_column(
        "login_attempts",
        sa.Column("kind", sa.Text(), server_default=sa.text("'login'"), nullable=False),
    )
    op.create_table(
        "known_logins",
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("now()"), nullable=False),
        sa.Column("last_login_at", sa.DateTime(), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("known_logins_user_id_users_id_fk"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("telegram_user_id", "user_id", name="known_logins_pkey"),
    )
    op.create_index("idx_known_logins_user_id", "known_logins", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index("idx_known_logins_user_id", table_name="known_logins")
    op.drop_table("known_logins")
    op.drop_column("login_attempts", "kind")
    op.drop_index("idx_users_email_lower", table_name="users")
