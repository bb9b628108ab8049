"""Search each entry in its own language: a bot-side vector for entries written in a
language other than English, kept by a trigger.

``entries.content_tsv`` (0004) is English for every row and stays so. An entry whose writer
speaks German, Spanish, Portuguese or Russian (their /language choice, else the language
Telegram reports) also gets a row in ``entry_search`` with a vector in that language's
text-search configuration. The trigger runs for the web app's inserts and edits too, so its
entries get the same default (their writer's bot language, else English only), and an edit
from either side keeps the vector current. It only reads and writes bot-side rows, and
cannot fail an insert of the web app's.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 08:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The text-search configuration of a Telegram language code (NULL: English only). Kept in
# step with core/i18n.py SEARCH_CONFIGS by tests/test_search_language.py.
CONFIG_OF_LANGUAGE = """
CREATE FUNCTION bot_search_config(language text) RETURNS regconfig
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE split_part(lower(coalesce(language, '')), '-', 1)
        WHEN 'de' THEN 'german'::regconfig
        WHEN 'es' THEN 'spanish'::regconfig
        WHEN 'pt' THEN 'portuguese'::regconfig
        WHEN 'ru' THEN 'russian'::regconfig
    END
$$
"""

SYNC = """
CREATE FUNCTION bot_entry_search_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    config regconfig;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        UPDATE entry_search SET tsv = to_tsvector(entry_search.config, coalesce(NEW.content, ''))
        WHERE entry_id = NEW.id;
        RETURN NULL;
    END IF;
    SELECT bot_search_config(coalesce(t.language, t.language_code)) INTO config
    FROM journals j
    JOIN telegram_accounts t ON t.user_id = j.user_id
    WHERE j.id = NEW.journal_id
    ORDER BY t.updated_at DESC
    LIMIT 1;
    IF config IS NOT NULL THEN
        INSERT INTO entry_search (entry_id, config, tsv)
        VALUES (NEW.id, config, to_tsvector(config, coalesce(NEW.content, '')))
        ON CONFLICT (entry_id) DO NOTHING;
    END IF;
    RETURN NULL;
END
$$
"""

TRIGGER = """
CREATE TRIGGER entries_search_language
AFTER INSERT OR UPDATE OF content ON entries
FOR EACH ROW EXECUTE FUNCTION bot_entry_search_sync()
"""

# Entries already written by people who speak one of the languages.
BACKFILL = """
INSERT INTO entry_search (entry_id, config, tsv)
SELECT e.id, c.config, to_tsvector(c.config, coalesce(e.content, ''))
FROM entries e
JOIN journals j ON j.id = e.journal_id
JOIN LATERAL (
    SELECT bot_search_config(coalesce(t.language, t.language_code)) AS config
    FROM telegram_accounts t
    WHERE t.user_id = j.user_id
    ORDER BY t.updated_at DESC
    LIMIT 1
) c ON c.config IS NOT NULL
ON CONFLICT (entry_id) DO NOTHING
"""


def upgrade() -> None:
    op.create_table(
        "entry_search",
        sa.Column("entry_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("config", postgresql.REGCONFIG(), nullable=False),
        sa.Column("tsv", postgresql.TSVECTOR(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["entries.id"], name="entry_search_entry_id_fkey", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("entry_id", name="entry_search_pkey"),
    )
    op.create_index(
        "idx_entry_search_tsv", "entry_search", ["tsv"], unique=False, postgresql_using="gin"
    )
    op.execute(CONFIG_OF_LANGUAGE)
    op.execute(SYNC)
    op.execute(TRIGGER)
    op.execute(BACKFILL)


def downgrade() -> None:
    op.execute("DROP TRIGGER entries_search_language ON entries")
    op.execute("DROP FUNCTION bot_entry_search_sync()")
    op.execute("DROP FUNCTION bot_search_config(text)")
    op.drop_index("idx_entry_search_tsv", table_name="entry_search", postgresql_using="gin")
    op.drop_table("entry_search")
