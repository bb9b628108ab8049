"""Rows for data-layer tests, made directly with the ORM (no account logic involved)."""

from __future__ import annotations

import itertools
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ClauseElement
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import utc_now
from db.models import Entry, Journal, User, UserInfo

_numbers = itertools.count(1)


async def make_user(
    session: AsyncSession,
    *,
    email: str | None = None,
    profile: bool = True,
    timezone: str = "UTC",
    first_name: str = "Ada",
    last_name: str = "Lovelace",
) -> uuid.UUID:
    user = User(email=email or f"user{next(_numbers)}@example.com", password_hash="x")
    session.add(user)
    await session.flush()
    if profile:
        session.add(
            UserInfo(user_id=user.id, first_name=first_name, last_name=last_name, timezone=timezone)
        )
        await session.flush()
    return user.id


async def make_journal(session: AsyncSession, user_id: uuid.UUID, title: str = "Daily") -> Journal:
    now = utc_now()  # not now(): rows made in one transaction keep their order
    journal = Journal(user_id=user_id, title=title, created_at=now, updated_at=now)
    session.add(journal)
    await session.flush()
    return journal


async def make_entry(
    session: AsyncSession, journal_id: uuid.UUID, content: str, at: datetime | None = None
) -> Entry:
    moment = at or utc_now()
    entry = Entry(journal_id=journal_id, content=content, created_at=moment, updated_at=moment)
    session.add(entry)
    await session.flush()
    return entry


async def explain(session: AsyncSession, statement: ClauseElement) -> str:
    """The plan of ``statement`` (bound values inlined) with sequential scans disabled,
    so the answer says whether an index *can* serve the query, whatever the table size."""
    connection = await session.connection()
    await connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    sql = statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
    rows: Any = await connection.exec_driver_sql(f"EXPLAIN {sql}")
    return "\n".join(row[0] for row in rows)
