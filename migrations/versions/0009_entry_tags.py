"""entry_tags: the #tags of each entry, kept by the bot for /tags and tag filters.

One row per entry, deleted with it; ``content_updated_at`` says which version of the
entry the tags were read from, so entries the web app writes or edits are read again.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 05:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "entry_tags",
        sa.Column("entry_id", sa.UUID(), nullable=False),
        sa.Column("tags", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("content_updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["entries.id"],
            name=op.f("entry_tags_entry_id_entries_id_fk"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", name="entry_tags_pkey"),
    )


def downgrade() -> None:
    op.drop_table("entry_tags")
