"""The ``#tags`` of entries (table ``entry_tags``): kept up to date, counted, filtered by.

The tags are read from the content by the caller (``core/tags.py``; db/ does not
parse text). The bot writes a row when it saves or edits an entry; entries the web app
wrote or edited are read again on the next read of the user's tags (``sync_tags``), and
a deleted entry's row goes with it (``ON DELETE CASCADE``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import naive_utc
from db.models import Entry, EntryTags, Journal

# Entries read again per statement when catching up with the web app's writes.
SYNC_CHUNK = 500

ReadTags = Callable[[str], Sequence[str]]


@dataclass(frozen=True)
class TagCount:
    tag: str
    entries: int


@dataclass(frozen=True)
class FoundEntry:
    entry: Entry
    journal_title: str


async def set_tags(
    session: AsyncSession, entry_id: uuid.UUID, tags: Sequence[str], content_updated_at: datetime
) -> None:
    """Record the tags read from the entry's content as of ``content_updated_at``."""
    statement = insert(EntryTags).values(
        entry_id=entry_id, tags=list(tags), content_updated_at=naive_utc(content_updated_at)
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[EntryTags.entry_id],
            set_={
                "tags": statement.excluded.tags,
                "content_updated_at": statement.excluded.content_updated_at,
            },
        )
    )


async def sync_tags(session: AsyncSession, user_id: uuid.UUID, read_tags: ReadTags) -> int:
    """Read the tags of the user's entries written or edited elsewhere (no row, or a row
    for an older version); returns how many entries were read."""
    done = 0
    while True:
        rows = (
            await session.execute(
                select(Entry.id, Entry.content, Entry.updated_at)
                .join(Journal, Journal.id == Entry.journal_id)
                .outerjoin(EntryTags, EntryTags.entry_id == Entry.id)
                .where(
                    Journal.user_id == user_id,
                    EntryTags.content_updated_at.is_distinct_from(Entry.updated_at),
                )
                .limit(SYNC_CHUNK)
            )
        ).all()
        if not rows:
            return done
        statement = insert(EntryTags).values(
            [
                {
                    "entry_id": row.id,
                    "tags": list(read_tags(row.content or "")),
                    "content_updated_at": row.updated_at,
                }
                for row in rows
            ]
        )
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=[EntryTags.entry_id],
                set_={
                    "tags": statement.excluded.tags,
                    "content_updated_at": statement.excluded.content_updated_at,
                },
            )
        )
        done += len(rows)
        if len(rows) < SYNC_CHUNK:
            return done


def tagged_with(tags: Sequence[str]) -> ColumnElement[bool]:
    """Entries carrying every one of ``tags`` (an extra condition on a query of entries)."""
    return Entry.id.in_(select(EntryTags.entry_id).where(EntryTags.tags.contains(list(tags))))


async def tag_counts(session: AsyncSession, user_id: uuid.UUID) -> list[TagCount]:
    """The user's tags with how many entries carry each, most used first."""
    tag = func.unnest(EntryTags.tags).label("tag")
    tagged = (
        select(tag)
        .select_from(EntryTags)
        .join(Entry, Entry.id == EntryTags.entry_id)
        .join(Journal, Journal.id == Entry.journal_id)
        .where(Journal.user_id == user_id)
        .subquery()
    )
    count = func.count().label("n")
    rows = await session.execute(
        select(tagged.c.tag, count).group_by(tagged.c.tag).order_by(count.desc(), tagged.c.tag)
    )
    return [TagCount(row.tag, int(row.n)) for row in rows]


def _filtered(
    user_id: uuid.UUID, tags: Sequence[str], start: datetime | None, end: datetime | None
) -> Select[Entry, str]:
    query = (
        select(Entry, Journal.title)
        .join(Journal, Journal.id == Entry.journal_id)
        .where(Journal.user_id == user_id)
    )
    if tags:
        query = query.where(tagged_with(tags))
    if start is not None:
        query = query.where(Entry.created_at >= naive_utc(start))
    if end is not None:
        query = query.where(Entry.created_at < naive_utc(end))
    return query


async def filtered_entries(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    tags: Sequence[str] = (),
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int,
    offset: int = 0,
) -> tuple[list[FoundEntry], int]:
    """A page of the user's entries (all journals) with all ``tags``, created in
    [start, end), newest first; and how many there are in all."""
    query = _filtered(user_id, tags, start, end)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.execute(
        query.order_by(Entry.created_at.desc(), Entry.id.desc())
        .limit(max(limit, 0))
        .offset(max(offset, 0))
    )
    return [FoundEntry(entry, title) for entry, title in rows], int(total or 0)
