"""Tables of the design document (shared with the Drizzle app) and the bot's own tables.

The first eight classes mirror ``shared/seed/data-models.md`` column for column: same
names, PostgreSQL types, nullability, ``now()`` / ``gen_random_uuid()`` defaults,
unique keys, foreign keys (Drizzle's default ``NO ACTION``) and named indexes.
Timestamps are ``TIMESTAMP WITHOUT TIME ZONE`` as Drizzle's ``timestamp()`` creates
them; the bot always stores UTC in them (connections run with ``timezone=UTC``).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Computed,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, REGCONFIG, TSVECTOR, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    # Drizzle's names, so both tools agree on constraint names.
    "pk": "%(table_name)s_pkey",
    "uq": "%(table_name)s_%(column_0_name)s_unique",
    "fk": "%(table_name)s_%(column_0_name)s_%(referred_table_name)s_%(referred_column_0_name)s_fk",
    "ix": "ix_%(table_name)s_%(column_0_name)s",
}

DEFAULT_NOTIFICATION_PREFERENCES: dict[str, Any] = {
    "emailNotifications": False,
    "pushNotifications": False,
    "reminderFrequency": "daily",
}
DEFAULT_THEME_PREFERENCES: dict[str, Any] = {
    "darkMode": False,
    "fontSize": "medium",
    "colorScheme": "default",
}
DEFAULT_PRIVACY_SETTINGS: dict[str, Any] = {
    "journalVisibility": "private",
    "shareAnalytics": False,
}
DEFAULT_AI_INTERACTION_SETTINGS: dict[str, Any] = {
    "enableAiInsights": True,
    "enableSentimentAnalysis": True,
    "enableGrowthSuggestions": True,
}
DEFAULT_GROWTH_GOALS: dict[str, list[str]] = {"shortTerm": [], "longTerm": []}


def _jsonb_default(value: dict[str, Any]) -> Any:
    import json

    literal = json.dumps(value, separators=(",", ":")).replace("'", "''")
    # text() reads ":name" as a bind parameter; the JSON's colons must be escaped.
    return text(f"'{literal}'::jsonb".replace(":", r"\:"))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _uuid_pk() -> Mapped[uuid.UUID]:
    return mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=func.gen_random_uuid()
    )


def _created_at() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=False), nullable=False, server_default=func.now())


def _updated_at() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=False), nullable=False, server_default=func.now())


def _owner(table: str = "users") -> Mapped[uuid.UUID]:
    return mapped_column(UUID(as_uuid=True), ForeignKey(f"{table}.id"), nullable=False)


# --- the design document's tables -------------------------------------------------


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        Index("idx_users_email", "email"),
        # The bot's addition: the other app stores emails as typed, so logins and the
        # "address taken" check compare lower(email).
        Index("idx_users_email_lower", text("lower(email)")),
    )

    id: Mapped[uuid.UUID] = _uuid_pk()
    email: Mapped[str] = mapped_column(Text, nullable=False, unique=True)
    password_hash: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = _created_at()
    updated_at: Mapped[datetime] = _updated_at()


class Journal(Base):
    __tablename__ = "journals"
    __table_args__ = (Index("idx_journals_user_id", "user_id"),)

    id: Mapped[uuid.UUID] = _uuid_pk()
    user_id: Mapped[uuid.UUID] = _owner()
    title: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = _created_at()
    updated_at: Mapped[datetime] = _updated_at()


class Entry(Base):
    __tablename__ = "entries"
    __table_args__ = (
        Index("idx_entries_journal_id", "journal_id"),
        # The bot's additions: newest-first listing per journal, and full-text search.
        Index("idx_entries_journal_created", "journal_id", "created_at"),
        Index("idx_entries_content_fts", "content_tsv", postgresql_using="gin"),
    )

    id: Mapped[uuid.UUID] = _uuid_pk()
    journal_id: Mapped[uuid.UUID] = _owner("journals")
    content: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = _created_at()
    updated_at: Mapped[datetime] = _updated_at()
    # The bot's addition: the searchable form of content, kept by PostgreSQL itself
    # (the other app's inserts need not know it). Stored, so ranking a common word
    # reads it instead of re-parsing every entry (bench/RESULTS.md, queries at scale).
    content_tsv: Mapped[str] = mapped_column(
        TSVECTOR,
        Computed("to_tsvector('english'::regconfig, content)", persisted=True),
        deferred=True,
    )


class UserSettings(Base):
    __tablename__ = "user_settings"
    # The bot's addition: every settings lookup is by user, and reminders read many.
    __table_args__ = (Index("idx_user_settings_user_id", "user_id"),)

    id: Mapped[uuid.UUID] = _uuid_pk()
    user_id: Mapped[uuid.UUID] = _owner()
    notification_preferences: Mapped[dict[str, Any]] = mapped_column(
        JSONB, nullable=False, server_default=_jsonb_default(DEFAULT_NOTIFICATION_PREFERENCES)
    )
    theme_preferences: Mapped[dict[str, Any]] = mapped_column(
        JSONB, nullable=False, server_default=_jsonb_default(DEFAULT_THEME_PREFERENCES)
    )
    privacy_settings: Mapped[dict[str, Any]] = mapped_column(
        JSONB, nullable=False, server_default=_jsonb_default(DEFAULT_PRIVACY_SETTINGS)
    )
    ai_interaction_settings: Mapped[dict[str, Any]] = mapped_column(
        JSONB, nullable=False, server_default=_jsonb_default(DEFAULT_AI_INTERACTION_SETTINGS)
    )
    created_at: Mapped[datetime] = _created_at()
    updated_at: Mapped[datetime] = _updated_at()


class Metric(Base):
    __tablename__ = "metrics"
    __table_args__ = (Index("idx_metrics_user_created", "user_id", "created_at"),)

    id: Mapped[uuid.UUID] = _uuid_pk()
    user_id: Mapped[uuid.UUID] = _owner()
    type: Mapped[str] = mapped_column(Text, nullable=False)
    value: Mapped[str] = mapped_column(Text, nullable=False)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = _created_at()


class Session(Base):
    __tablename__ = "sessions"

    id: Mapped[uuid.UUID] = _uuid_pk()
    user_id: Mapped[uuid.UUID] = _owner()
    token: Mapped[str] = mapped_column(Text, nullable=False, unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=False), nullable=False)
    created_at: Mapped[datetime] = _created_at()
    updated_at: Mapped[datetime] = _updated_at()


class UserInfo(Base):
    __tablename__ = "user_info"

    id: Mapped[uuid.UUID] = _uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id"), nullable=False, unique=True
    )
    first_name: Mapped[str] = mapped_column(Text, nullable=False)
    last_name: Mapped[str] = mapped_column(Text, nullable=False)
    bio: Mapped[str | None] = mapped_column(Text)
    timezone: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("'UTC'"))
    growth_goals: Mapped[dict[str, list[str]] | None] = mapped_column(
        JSONB, server_default=_jsonb_default(DEFAULT_GROWTH_GOALS)
    )
    created_at: Mapped[datetime] = _created_at()
    updated_at: Mapped[datetime] = _updated_at()


class Goal(Base):
    __tablename__ = "goals"
    __table_args__ = (
        Index("idx_goals_user_id", "user_id"),
        # Deleting an entry unlinks its goals; without this that scans every goal.
        Index("idx_goals_journal_entry_id", "journal_entry_id"),
    )

    id: Mapped[uuid.UUID] = _uuid_pk()
    user_id: Mapped[uuid.UUID] = _owner()
    journal_entry_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("entries.id")
    )
    content: Mapped[str] = mapped_column(Text, nullable=False)
    suggested_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=False), nullable=False, server_default=func.now()
    )
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=False))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=False))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=False))
    target_date: Mapped[date | None] = mapped_column(Date)
    related_metric_type: Mapped[str | None] = mapped_column(Text)
    source_type: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = _created_at()
    updated_at: Mapped[datetime] = _updated_at()


# --- the bot's own tables ---------------------------------------------------------


class TelegramAccount(Base):
    """A Telegram user as the bot knows them, and the session linking them to a user.

    One row per Telegram account, so an account is linked to at most one user at a
    time; several accounts may point at the same user.
    """

    __tablename__ = "telegram_accounts"
    __table_args__ = (Index("idx_telegram_accounts_user_id", "user_id"),)

    # Telegram's own ids: no sequence.
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL")
    )
    session_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("sessions.id", ondelete="SET NULL")
    )
    active_journal_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("journals.id", ondelete="SET NULL")
    )
    first_name: Mapped[str | None] = mapped_column(Text)
    language_code: Mapped[str | None] = mapped_column(Text)
    # Chosen with /language (a code of core.i18n.LANGUAGES); NULL follows language_code.
    language: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = _created_at()
    updated_at: Mapped[datetime] = _updated_at()


class LoginAttempt(Base):
    """Failed logins ("login") and addresses tried in the sign-up dialog ("register"),
    counted per Telegram account and per email for the delays of db/throttle.py."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("idx_login_attempts_telegram", "telegram_user_id", "created_at"),
        Index("idx_login_attempts_email", "email", "created_at"),
    )

    id: Mapped[uuid.UUID] = _uuid_pk()
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    email: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = _created_at()
    kind: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("'login'"))


class KnownLogin(Base):
    """A Telegram account that has logged in to a user before: failures strangers
    record against the user's email do not delay it."""

    __tablename__ = "known_logins"
    __table_args__ = (
        PrimaryKeyConstraint("telegram_user_id", "user_id", name="known_logins_pkey"),
        Index("idx_known_logins_user_id", "user_id"),
    )

    telegram_user_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    created_at: Mapped[datetime] = _created_at()
    last_login_at: Mapped[datetime] = _created_at()


class DialogState(Base):
    """Where a Telegram user is in a multi-step dialog, kept in PostgreSQL so a
    restart or another bot process picks the dialog up where it was."""

    __tablename__ = "dialog_states"

    # Telegram's own ids: no sequence.
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    step: Mapped[str] = mapped_column(Text, nullable=False)
    data: Mapped[dict[str, Any]] = mapped_column(
        JSONB, nullable=False, server_default=text("'{}'::jsonb")
    )
    updated_at: Mapped[datetime] = _updated_at()


class PendingMessage(Base):
    """What a user wrote while logged out or with an expired session, kept until they
    log in so nothing they wrote is lost."""

    __tablename__ = "pending_messages"
    __table_args__ = (Index("idx_pending_messages_telegram", "telegram_user_id", "created_at"),)

    id: Mapped[uuid.UUID] = _uuid_pk()
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    content: Mapped[str] = mapped_column(Text, nullable=False)
    # When the message was written (Telegram's date), which its entry keeps.
    created_at: Mapped[datetime] = _created_at()
    # The user last logged in on this Telegram account when it was written: saved to
    # that user without asking, to any other only if the writer says so.
    owner_user_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE")
    )


class EntryMessage(Base):
    """Which Telegram message an entry came from, so an edit in Telegram updates it."""

    __tablename__ = "entry_messages"
    __table_args__ = (
        PrimaryKeyConstraint("chat_id", "message_id", name="entry_messages_pkey"),
        Index("idx_entry_messages_entry_id", "entry_id"),
    )

    chat_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    message_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    entry_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("entries.id", ondelete="CASCADE"), nullable=False
    )
    # Part of a multi-message entry (/write) keeps its position to rebuild the text.
    part: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))


class EntryTags(Base):
    """The ``#tags`` of one entry (core/tags.py), as read from its content when
    ``entries.updated_at`` was ``content_updated_at``: a row whose time differs (the web
    app edited the entry) or a missing row (the web app wrote it) is read again."""

    __tablename__ = "entry_tags"
    __table_args__ = (PrimaryKeyConstraint("entry_id", name="entry_tags_pkey"),)

    entry_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("entries.id", ondelete="CASCADE"), nullable=False
    )
    tags: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False)
    content_updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class EntryMedia(Base):
    """A photo or voice note of an entry, kept as Telegram's file ids (the bytes stay with
    Telegram; /export downloads them). One row per Telegram message; an album's photos
    (one ``media_group_id``) belong to one entry, in ``position`` order."""

    __tablename__ = "entry_media"
    __table_args__ = (
        PrimaryKeyConstraint("chat_id", "message_id", name="entry_media_pkey"),
        Index("idx_entry_media_entry_id", "entry_id", "position"),
        # An album's later photos find the entry its first one made.
        Index(
            "idx_entry_media_group",
            "chat_id",
            "media_group_id",
            postgresql_where=text("media_group_id IS NOT NULL"),
        ),
    )

    chat_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    message_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    entry_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("entries.id", ondelete="CASCADE"), nullable=False
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(Text, nullable=False)  # "photo" or "voice"
    file_id: Mapped[str] = mapped_column(Text, nullable=False)
    file_unique_id: Mapped[str] = mapped_column(Text, nullable=False)
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    duration: Mapped[int | None] = mapped_column(Integer)  # seconds, voice notes
    mime_type: Mapped[str | None] = mapped_column(Text)
    media_group_id: Mapped[str | None] = mapped_column(Text)
    # Telegram's show_caption_above_media: the caption was shown above the photo.
    caption_above: Mapped[bool] = mapped_column(
        Boolean, nullable=False, server_default=text("false")
    )
    created_at: Mapped[datetime] = _created_at()


class EntrySearch(Base):
    """An entry's search vector in its writer's language, when that is not English
    (migration 0015: kept by the trigger ``entries_search_language``, for the web app's
    rows too; ``entries.content_tsv`` stays the English one)."""

    __tablename__ = "entry_search"
    __table_args__ = (
        PrimaryKeyConstraint("entry_id", name="entry_search_pkey"),
        Index("idx_entry_search_tsv", "tsv", postgresql_using="gin"),
    )

    entry_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("entries.id", ondelete="CASCADE"), nullable=False
    )
    config: Mapped[str] = mapped_column(REGCONFIG, nullable=False)
    tsv: Mapped[str] = mapped_column(TSVECTOR, nullable=False)


class ReminderSchedule(Base):
    """Each user's next reminder instant (UTC), claimed with FOR UPDATE SKIP LOCKED.

    A row exists only while the user wants push reminders."""

    __tablename__ = "reminder_schedules"
    __table_args__ = (Index("idx_reminder_schedules_next_at", "next_at"),)

    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    next_at: Mapped[datetime] = mapped_column(DateTime(timezone=False), nullable=False)
    last_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=False))
    updated_at: Mapped[datetime] = _updated_at()


class ReminderJob(Base):
    """One-off and extra reminders, one row per user and kind, claimed with FOR UPDATE
    SKIP LOCKED like reminder_schedules: "snooze" (a daily reminder put off, sent to
    ``chat_id``), "review" (the weekly review), "nudge" (the evening streak nudge) and
    "skip" (no more reminders until ``due_at``, the end of the user's day).

    A claim is a lease: ``claimed_by`` / ``claimed_at`` / ``lease_until`` are set while a
    dispatcher sends the job, and the job is finished only after the send; a lease that
    ran out (the claimer died) is claimed again by any dispatcher."""

    __tablename__ = "reminder_jobs"
    __table_args__ = (
        Index("idx_reminder_jobs_due_at", "due_at"),
        Index("idx_reminder_jobs_lease_until", "lease_until"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=False), nullable=False)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = _updated_at()
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=False))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=False))


class GroupChatNotice(Base):
    """Groups, supergroups and channels the bot has told that it works in private chats
    only: at most one such note per chat, whichever process handles the update."""

    __tablename__ = "group_chat_notices"

    # Telegram's own ids: no sequence.
    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_type: Mapped[str] = mapped_column(Text, nullable=False)
    noticed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=False), nullable=False, server_default=func.now()
    )


class BotUpdate(Base):
    """The update inbox: every Telegram update, committed before Telegram is told it
    arrived, then handled from here (bot/inbox.py). ``last_error`` holds an error class,
    never the user's text."""

    __tablename__ = "bot_updates"
    __table_args__ = (
        # The workers' queue: only rows still to handle, per chat in update order.
        Index(
            "idx_bot_updates_pending",
            "bot_id",
            "chat_id",
            "update_id",
            postgresql_where=text("state = 'pending'"),
        ),
        # Pruning finds old handled rows without reading the pending ones.
        Index("idx_bot_updates_done_at", "done_at", postgresql_where=text("state = 'done'")),
    )

    # update_id is unique per bot only: a new token on the same database (or the offline
    # try-out's fake Telegram) starts its own sequence. The bot's id leads the token.
    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # The chat (or user, for updates without a chat) whose order the update keeps.
    chat_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    # The update as JSON text: JSONB cannot hold the NUL character a user may send.
    payload: Mapped[str] = mapped_column(Text, nullable=False)
    received_at: Mapped[datetime] = _created_at()
    # pending -> done, or failed (set aside after too many attempts).
    state: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("'pending'"))
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    last_error: Mapped[str | None] = mapped_column(Text)
    # A retried update waits until then (back-off); later updates of its chat wait too.
    not_before: Mapped[datetime] = mapped_column(
        DateTime(timezone=False), nullable=False, server_default=func.now()
    )
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=False))
