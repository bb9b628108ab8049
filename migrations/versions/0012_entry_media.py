"""entry_media: photos and voice notes of entries, kept as Telegram file ids.

One row per Telegram message, deleted with its entry; an album's photos share one entry.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "entry_media",
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("entry_id", sa.UUID(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("file_id", sa.Text(), nullable=False),
        sa.Column("file_unique_id", sa.Text(), nullable=False),
        sa.Column("file_size", sa.BigInteger(), nullable=True),
        sa.Column("duration", sa.Integer(), nullable=True),
        sa.Column("mime_type", sa.Text(), nullable=True),
        sa.Column("media_group_id", sa.Text(), nullable=True),
        sa.Column("caption_above", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["entries.id"],
            name=op.f("entry_media_entry_id_entries_id_fk"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("chat_id", "message_id", name="entry_media_pkey"),
    )
    op.create_index("idx_entry_media_entry_id", "entry_media", ["entry_id", "position"])
    op.create_index(
        "idx_entry_media_group",
        "entry_media",
        ["chat_id", "media_group_id"],
        postgresql_where=sa.text("media_group_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("idx_entry_media_group", table_name="entry_media")
    op.drop_index("idx_entry_media_entry_id", table_name="entry_media")
    op.drop_table("entry_media")
