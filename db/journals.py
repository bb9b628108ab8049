"""Journals: the user's named containers of entries."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import utc_now
from core.text import clean_text
from db.entries import count_entries, unlink_goals
from db.models import Entry, Journal

__all__ = [
    "TITLE_MAX_CHARS",
    "JournalSummary",
    "clean_title",
    "count_entries",
    "create_journal",
    "delete_journal",
    "first_journal",
    "get_journal",
    "journals_with_counts_query",
    "list_journals_with_counts",
    "rename_journal",
]

TITLE_MAX_CHARS = 100


@dataclass(frozen=True)
class JournalSummary:
    id: uuid.UUID
    title: str
    entry_count: int
    created_at: datetime


def clean_title(title: str) -> str:
    return clean_text(title, what="journal title", max_chars=TITLE_MAX_CHARS)


async def create_journal(session: AsyncSession, user_id: uuid.UUID, title: str) -> Journal:
    now = utc_now()
    journal = Journal(user_id=user_id, title=clean_title(title), created_at=now, updated_at=now)
    session.add(journal)
    await session.flush()
    return journal


async def get_journal(
    session: AsyncSession, user_id: uuid.UUID, journal_id: uuid.UUID
) -> Journal | None:
    return await session.scalar(
        select(Journal).where(Journal.id == journal_id, Journal.user_id == user_id)
    )


async def first_journal(session: AsyncSession, user_id: uuid.UUID) -> Journal | None:
    """The user's oldest journal: the default where messages go."""
    return await session.scalar(
        select(Journal)
        .where(Journal.user_id == user_id)
        .order_by(Journal.created_at, Journal.id)
        .limit(1)
    )


def journals_with_counts_query(user_id: uuid.UUID) -> Select[uuid.UUID, str, int, datetime]:
    """The document's "journals with entries count" query, oldest journal first."""
    return (
        select(Journal.id, Journal.title, func.count(Entry.id), Journal.created_at)
        .outerjoin(Entry, Entry.journal_id == Journal.id)
        .where(Journal.user_id == user_id)
        .group_by(Journal.id)
        .order_by(Journal.created_at, Journal.id)
    )


async def list_journals_with_counts(
    session: AsyncSession, user_id: uuid.UUID
) -> list[JournalSummary]:
    rows = await session.execute(journals_with_counts_query(user_id))
    return [
        JournalSummary(id=id_, title=title, entry_count=count, created_at=created_at)
        for id_, title, count, created_at in rows
    ]


async def rename_journal(
    session: AsyncSession, user_id: uuid.UUID, journal_id: uuid.UUID, title: str
) -> Journal | None:
    result = await session.scalars(
        update(Journal)
        .where(Journal.id == journal_id, Journal.user_id == user_id)
        .values(title=clean_title(title), updated_at=func.now())
        .returning(Journal)
        .execution_options(populate_existing=True)
    )
    return result.one_or_none()


async def delete_journal(
    session: AsyncSession, user_id: uuid.UUID, journal_id: uuid.UUID
) -> int | None:
    """Delete the journal and its entries; the number of entries deleted, None if not found.

    Goals suggested from those entries stay, unlinked; the entries' Telegram message
    links cascade, and Telegram accounts using it as active journal get NULL.
    """
    # The row lock keeps a concurrent add_entry from slipping an entry in meanwhile.
    owned = await session.scalar(
        select(Journal.id)
        .where(Journal.id == journal_id, Journal.user_id == user_id)
        .with_for_update()
    )
    if owned is None:
        return None
    await unlink_goals(session, select(Entry.id).where(Entry.journal_id == journal_id))
    deleted = await session.scalars(
        delete(Entry).where(Entry.journal_id == journal_id).returning(Entry.id)
    )
    count = len(deleted.all())
    await session.execute(delete(Journal).where(Journal.id == journal_id))
    return count
