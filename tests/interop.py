"""Rows written the way the web app writes them: plain SQL, no bot code.

The web app (docs/data-models.md) creates a user with one INSERT and may add
``user_info``, ``user_settings`` or a journal later, or never. These helpers insert
exactly such rows, so the interop tests see what the bot would find in production.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import text

from db import accounts
from db.database import Database

APP_HASH = "$2a$10$abcdefghijklmnopqrstuuN6Q5HqJ0v1dLw6U9nq5Fvb4qvYj4xKa"  # bcryptjs-style


async def sql(db: Database, statement: str, **params: Any) -> Any:
    """Run one statement in its own transaction; returns the first column of the first row."""
    async with db.sessions.begin() as s:
        result = await s.execute(text(statement), params)
        return result.scalar() if result.returns_rows else None


async def app_user(db: Database, email: str) -> uuid.UUID:
    """A user as the web app's sign-up writes it: no profile, settings or journal."""
    user_id: uuid.UUID = await sql(
        db,
        "INSERT INTO users (email, password_hash) VALUES (:email, :hash) RETURNING id",
        email=email,
        hash=APP_HASH,
    )
    return user_id


async def app_journal(db: Database, user_id: uuid.UUID, title: str = "Notebook") -> uuid.UUID:
    journal_id: uuid.UUID = await sql(
        db,
        "INSERT INTO journals (user_id, title) VALUES (:user_id, :title) RETURNING id",
        user_id=user_id,
        title=title,
    )
    return journal_id


async def app_entry(
    db: Database, journal_id: uuid.UUID, content: str, at: datetime | None = None
) -> uuid.UUID:
    entry_id: uuid.UUID = await sql(
        db,
        "INSERT INTO entries (journal_id, content, created_at, updated_at) "
        "VALUES (:journal_id, :content, COALESCE(:at, now()), COALESCE(:at, now())) "
        "RETURNING id",
        journal_id=journal_id,
        content=content,
        at=at,
    )
    return entry_id


async def link_telegram(db: Database, user_id: uuid.UUID, telegram_user_id: int) -> None:
    """Log a Telegram account in to an existing user (what the login dialog ends with)."""
    async with db.sessions.begin() as s:
        await accounts.start_session(
            s, user_id=user_id, telegram_user_id=telegram_user_id, chat_id=telegram_user_id, days=30
        )
