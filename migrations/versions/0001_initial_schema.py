"""Initial schema: the design document's tables and the bot's own.

JSONB defaults escape their colons (\\:) because sa.text() reads ":name" as a bind
parameter.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 12:09:48.430020
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dialog_states",
        sa.Column("telegram_user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("step", sa.Text(), nullable=False),
        sa.Column(
            "data",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("telegram_user_id", name=op.f("dialog_states_pkey")),
    )
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("login_attempts_pkey")),
    )
    op.create_index(
        "idx_login_attempts_email", "login_attempts", ["email", "created_at"], unique=False
    )
    op.create_index(
        "idx_login_attempts_telegram",
        "login_attempts",
        ["telegram_user_id", "created_at"],
        unique=False,
    )
    op.create_table(
        "pending_messages",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pending_messages_pkey")),
    )
    op.create_index(
        "idx_pending_messages_telegram",
        "pending_messages",
        ["telegram_user_id", "created_at"],
        unique=False,
    )
    op.create_table(
        "users",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("users_pkey")),
        sa.UniqueConstraint("email", name=op.f("users_email_unique")),
    )
    op.create_index("idx_users_email", "users", ["email"], unique=False)
    op.create_table(
        "journals",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("journals_user_id_users_id_fk")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("journals_pkey")),
    )
    op.create_index("idx_journals_user_id", "journals", ["user_id"], unique=False)
    op.create_table(
        "metrics",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("metrics_user_id_users_id_fk")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("metrics_pkey")),
    )
    op.create_index("idx_metrics_user_created", "metrics", ["user_id", "created_at"], unique=False)
    op.create_table(
        "reminder_schedules",
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("next_at", sa.DateTime(), nullable=False),
        sa.Column("last_sent_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("reminder_schedules_user_id_users_id_fk"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("reminder_schedules_pkey")),
    )
    op.create_index(
        "idx_reminder_schedules_next_at", "reminder_schedules", ["next_at"], unique=False
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("sessions_user_id_users_id_fk")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("sessions_pkey")),
        sa.UniqueConstraint("token", name=op.f("sessions_token_unique")),
    )
    op.create_table(
        "user_info",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("first_name", sa.Text(), nullable=False),
        sa.Column("last_name", sa.Text(), nullable=False),
        sa.Column("bio", sa.Text(), nullable=True),
        sa.Column("timezone", sa.Text(), server_default=sa.text("'UTC'"), nullable=False),
        sa.Column(
            "growth_goals",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text('\'{"shortTerm"\\:[],"longTerm"\\:[]}\'::jsonb'),
            nullable=True,
        ),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("user_info_user_id_users_id_fk")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("user_info_pkey")),
        sa.UniqueConstraint("user_id", name=op.f("user_info_user_id_unique")),
    )
    op.create_table(
        "user_settings",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column(
            "notification_preferences",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text(
                '\'{"emailNotifications"\\:false,"pushNotifications"\\:false,"reminderFrequency"\\:"daily"}\'::jsonb'
            ),
            nullable=False,
        ),
        sa.Column(
            "theme_preferences",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text(
                '\'{"darkMode"\\:false,"fontSize"\\:"medium","colorScheme"\\:"default"}\'::jsonb'
            ),
            nullable=False,
        ),
        sa.Column(
            "privacy_settings",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text(
                '\'{"journalVisibility"\\:"private","shareAnalytics"\\:false}\'::jsonb'
            ),
            nullable=False,
        ),
        sa.Column(
            "ai_interaction_settings",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text(
                '\'{"enableAiInsights"\\:true,"enableSentimentAnalysis"\\:true,"enableGrowthSuggestions"\\:true}\'::jsonb'
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("user_settings_user_id_users_id_fk")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("user_settings_pkey")),
    )
    op.create_table(
        "entries",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("journal_id", sa.UUID(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["journal_id"], ["journals.id"], name=op.f("entries_journal_id_journals_id_fk")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("entries_pkey")),
    )
    op.create_index(
        "idx_entries_content_fts",
        "entries",
        [sa.literal_column("to_tsvector('english'::regconfig, content)")],
        unique=False,
        postgresql_using="gin",
    )
    op.create_index(
        "idx_entries_journal_created", "entries", ["journal_id", "created_at"], unique=False
    )
    op.create_index("idx_entries_journal_id", "entries", ["journal_id"], unique=False)
    op.create_table(
        "telegram_accounts",
        sa.Column("telegram_user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=True),
        sa.Column("session_id", sa.UUID(), nullable=True),
        sa.Column("active_journal_id", sa.UUID(), nullable=True),
        sa.Column("first_name", sa.Text(), nullable=True),
        sa.Column("language_code", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["active_journal_id"],
            ["journals.id"],
            name=op.f("telegram_accounts_active_journal_id_journals_id_fk"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("telegram_accounts_session_id_sessions_id_fk"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("telegram_accounts_user_id_users_id_fk"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("telegram_user_id", name=op.f("telegram_accounts_pkey")),
    )
    op.create_index("idx_telegram_accounts_user_id", "telegram_accounts", ["user_id"], unique=False)
    op.create_table(
        "entry_messages",
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("entry_id", sa.UUID(), nullable=False),
        sa.Column("part", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["entries.id"],
            name=op.f("entry_messages_entry_id_entries_id_fk"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("chat_id", "message_id", name="entry_messages_pkey"),
    )
    op.create_index("idx_entry_messages_entry_id", "entry_messages", ["entry_id"], unique=False)
    op.create_table(
        "goals",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("journal_entry_id", sa.UUID(), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("suggested_at", sa.DateTime(), server_default=sa.text("now()"), nullable=False),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("related_metric_type", sa.Text(), nullable=True),
        sa.Column("source_type", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["journal_entry_id"], ["entries.id"], name=op.f("goals_journal_entry_id_entries_id_fk")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("goals_user_id_users_id_fk")),
        sa.PrimaryKeyConstraint("id", name=op.f("goals_pkey")),
    )
    op.create_index("idx_goals_user_id", "goals", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index("idx_goals_user_id", table_name="goals")
    op.drop_table("goals")
    op.drop_index("idx_entry_messages_entry_id", table_name="entry_messages")
    op.drop_table("entry_messages")
    op.drop_index("idx_telegram_accounts_user_id", table_name="telegram_accounts")
    op.drop_table("telegram_accounts")
    op.drop_index("idx_entries_journal_id", table_name="entries")
    op.drop_index("idx_entries_journal_created", table_name="entries")
    op.drop_index("idx_entries_content_fts", table_name="entries", postgresql_using="gin")
    op.drop_table("entries")
    op.drop_table("user_settings")
    op.drop_table("user_info")
    op.drop_table("sessions")
    op.drop_index("idx_reminder_schedules_next_at", table_name="reminder_schedules")
    op.drop_table("reminder_schedules")
    op.drop_index("idx_metrics_user_created", table_name="metrics")
    op.drop_table("metrics")
    op.drop_index("idx_journals_user_id", table_name="journals")
    op.drop_table("journals")
    op.drop_index("idx_users_email", table_name="users")
    op.drop_table("users")
    op.drop_index("idx_pending_messages_telegram", table_name="pending_messages")
    op.drop_table("pending_messages")
    op.drop_index("idx_login_attempts_telegram", table_name="login_attempts")
    op.drop_index("idx_login_attempts_email", table_name="login_attempts")
    op.drop_table("login_attempts")
    op.drop_table("dialog_states")
