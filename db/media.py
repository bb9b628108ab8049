"""Photos and voice notes of entries (the bot-side ``entry_media`` table).

Rows hold Telegram's file ids, never the bytes. Every read is scoped to the user through
the entry's journal, like db/entries.py: another user's entry has no media.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, delete, func, literal, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.mediafiles import media_file_name
from db.models import Entry, EntryMedia, Journal

PHOTO = "photo"
VOICE = "voice"


@dataclass(frozen=True)
class NewMedia:
    """One photo or voice note as Telegram describes it in the message."""

    chat_id: int
    message_id: int
    kind: str  # PHOTO or VOICE
    file_id: str
    file_unique_id: str
    file_size: int | None = None
    duration: int | None = None
    mime_type: str | None = None
    media_group_id: str | None = None
    caption_above: bool = False


def _owned_media(user_id: uuid.UUID) -> Select[EntryMedia]:
    return (
        select(EntryMedia)
        .join(Entry, Entry.id == EntryMedia.entry_id)
        .join(Journal, Journal.id == Entry.journal_id)
        .where(Journal.user_id == user_id)
    )


async def add_media(session: AsyncSession, entry_id: uuid.UUID, item: NewMedia) -> bool:
    """Attach ``item`` to the entry after its other media; False when its message was
    attached before (a re-delivered update). ``entry_id`` must come from the bot."""
    position = (
        select(func.coalesce(func.max(EntryMedia.position) + 1, 0))
        .where(EntryMedia.entry_id == entry_id)
        .scalar_subquery()
    )
    statement = (
        insert(EntryMedia)
        .from_select(
            [
                "chat_id",
                "message_id",
                "entry_id",
                "position",
                "kind",
                "file_id",
                "file_unique_id",
                "file_size",
                "duration",
                "mime_type",
                "media_group_id",
                "caption_above",
            ],
            select(
                literal(item.chat_id),
                literal(item.message_id),
                literal(entry_id),
                position,
                literal(item.kind),
                literal(item.file_id),
                literal(item.file_unique_id),
                literal(item.file_size, EntryMedia.file_size.type),
                literal(item.duration, EntryMedia.duration.type),
                literal(item.mime_type, EntryMedia.mime_type.type),
                literal(item.media_group_id, EntryMedia.media_group_id.type),
                literal(item.caption_above),
            ),
        )
        .on_conflict_do_nothing(index_elements=[EntryMedia.chat_id, EntryMedia.message_id])
        .returning(EntryMedia.message_id)
    )
    return (await session.scalar(statement)) is not None


async def media_of_entry(
    session: AsyncSession, user_id: uuid.UUID, entry_id: uuid.UUID
) -> list[EntryMedia]:
    rows = await session.scalars(
        _owned_media(user_id)
        .where(EntryMedia.entry_id == entry_id)
        .order_by(EntryMedia.position, EntryMedia.message_id)
    )
    return list(rows)


async def media_of_user(
    session: AsyncSession, user_id: uuid.UUID
) -> dict[uuid.UUID, list[EntryMedia]]:
    """Every entry's media, by entry id (for /export)."""
    rows = await session.scalars(
        _owned_media(user_id).order_by(
            EntryMedia.entry_id, EntryMedia.position, EntryMedia.message_id
        )
    )
    found: dict[uuid.UUID, list[EntryMedia]] = {}
    for row in rows:
        found.setdefault(row.entry_id, []).append(row)
    return found


async def album_entry(
    session: AsyncSession, user_id: uuid.UUID, chat_id: int, media_group_id: str
) -> Entry | None:
    """The user's entry an earlier photo of the album (``media_group_id``) made."""
    return await session.scalar(
        select(Entry)
        .join(Journal, Journal.id == Entry.journal_id)
        .join(EntryMedia, EntryMedia.entry_id == Entry.id)
        .where(
            Journal.user_id == user_id,
            EntryMedia.chat_id == chat_id,
            EntryMedia.media_group_id == media_group_id,
        )
        .limit(1)
    )


async def delete_media_of_entries(session: AsyncSession, entry_ids: Select[uuid.UUID]) -> None:
    """Delete the media of ``entry_ids`` (deleting entries does too, by cascade)."""
    await session.execute(delete(EntryMedia).where(EntryMedia.entry_id.in_(entry_ids)))


@dataclass(frozen=True)
class MediaFile:
    """One file of the export: its name in the zip and where Telegram keeps it."""

    name: str
    file_id: str
    file_size: int | None


def describe(entry: Entry, item: EntryMedia) -> dict[str, Any]:
    """How the export's JSON lists one media file (never Telegram's file ids)."""
    return {
        "kind": item.kind,
        "file": media_file_name(
            entry.id, entry.created_at, item.position, item.kind, item.mime_type
        ),
        "duration_seconds": item.duration,
        "mime_type": item.mime_type,
        "file_size": item.file_size,
    }


async def export_files(session: AsyncSession, user_id: uuid.UUID) -> list[MediaFile]:
    """Every media file of the user's entries, oldest entry first."""
    rows = await session.execute(
        select(Entry, EntryMedia)
        .join(Journal, Journal.id == Entry.journal_id)
        .join(EntryMedia, EntryMedia.entry_id == Entry.id)
        .where(Journal.user_id == user_id)
        .order_by(Entry.created_at, Entry.id, EntryMedia.position, EntryMedia.message_id)
    )
    return [
        MediaFile(describe(entry, item)["file"], item.file_id, item.file_size)
        for entry, item in rows.all()
    ]
