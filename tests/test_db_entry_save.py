"""One save path: a message becomes one entry however often, and by whichever path, it
is saved (the batched save of a live message, or a message kept while logged out)."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from db import inbox
from db.database import Database
from db.entry_save import NewEntry, SavedNew, SaveProblem, save_new_entries
from db.models import BotUpdate, Entry, EntryMessage, EntryTags
from db.prepared import driver_connection, driver_of
from tests.factories import make_journal, make_user

BOT = 4242


def _item(
    user_id: uuid.UUID,
    journal_id: uuid.UUID,
    text: str,
    message_ids: tuple[int, ...],
    written_at: datetime | None = None,
) -> NewEntry:
    return NewEntry(
        user_id=user_id,
        journal_id=journal_id,
        content=text,
        chat_id=7,
        message_ids=message_ids,
        timezone="UTC",
        dates_since=datetime.now(UTC) - timedelta(days=30),
        tags=("calm",) if "#calm" in text else (),
        written_at=written_at,
    )


async def _writer(db: Database) -> tuple[uuid.UUID, uuid.UUID]:
    async with db.sessions.begin() as s:
        user = await make_user(s, email="a@example.com")
        journal = await make_journal(s, user)
    return user, journal.id


async def _counts(db: Database) -> tuple[int, int]:
    async with db.sessions() as s:
        entries = await s.scalar(select(func.count()).select_from(Entry))
        links = await s.scalar(select(func.count()).select_from(EntryMessage))
    return entries or 0, links or 0


async def test_the_same_message_saved_twice_at_once_is_one_entry(db: Database) -> None:
    user, journal = await _writer(db)
    # Concurrent saves share one batch: the copy meets the original in one statement.
    first, again = await asyncio.gather(
        db.fast.save_entry(_item(user, journal, "once", (5,))),
        db.fast.save_entry(_item(user, journal, "once", (5,))),
    )
    assert sorted(type(one).__name__ for one in (first, again)) == ["SaveProblem", "SavedNew"]
    assert SaveProblem.DUPLICATE in (first, again)
    assert await db.fast.save_entry(_item(user, journal, "once", (5,))) is SaveProblem.DUPLICATE
    assert await _counts(db) == (1, 1)


async def test_a_kept_message_is_saved_once_dated_when_written(db: Database) -> None:
    user, journal = await _writer(db)
    written = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
    kept = _item(user, journal, "before login #calm", (9,), written_at=written)
    async with db.sessions.begin() as s:
        [saved] = await save_new_entries(await driver_of(s), [kept])
    assert isinstance(saved, SavedNew)
    async with db.sessions() as s:
        entry = await s.scalar(select(Entry))
        tags = await s.scalar(select(EntryTags.tags))
    assert entry is not None and entry.created_at == written.replace(tzinfo=None)
    assert tags == ["calm"]
    # The same message again, by either path (a re-delivered update after the login,
    # or the kept copy saved twice): still one entry.
    assert await db.fast.save_entry(_item(user, journal, "before login #calm", (9,))) is (
        SaveProblem.DUPLICATE
    )
    async with db.sessions.begin() as s:
        assert await save_new_entries(await driver_of(s), [kept]) == [SaveProblem.DUPLICATE]
    assert await _counts(db) == (1, 1)


async def test_a_kept_message_without_a_message_id_is_saved(db: Database) -> None:
    user, journal = await _writer(db)
    async with db.sessions.begin() as s:
        [saved] = await save_new_entries(await driver_of(s), [_item(user, journal, "old", ())])
    assert isinstance(saved, SavedNew)
    assert await _counts(db) == (1, 0)


async def test_a_save_inside_a_session_rolls_back_with_it(db: Database) -> None:
    """Kept messages are taken and saved in one transaction: a failure keeps them kept
    and leaves no entry behind."""
    user, journal = await _writer(db)
    with pytest.raises(RuntimeError):
        async with db.sessions.begin() as s:
            await save_new_entries(await driver_of(s), [_item(user, journal, "kept", (3,))])
            raise RuntimeError("saving the next one failed")
    assert await _counts(db) == (0, 0)
    assert isinstance(await db.fast.save_entry(_item(user, journal, "kept", (3,))), SavedNew)


async def _update_state(db: Database, update_id: int) -> tuple[str, str]:
    async with db.sessions() as s:
        row = (
            await s.execute(
                select(BotUpdate.state, BotUpdate.payload).where(
                    BotUpdate.bot_id == BOT, BotUpdate.update_id == update_id
                )
            )
        ).one()
    return row.state, row.payload


async def test_the_save_marks_its_inbox_update_done_unless_nothing_was_saved(
    db: Database,
) -> None:
    """The update is marked done by the statement that saves its entry (or finds it saved
    before); a save that found no journal leaves it pending, since the handler saves
    again elsewhere and a crash in between must not lose the entry."""
    user, journal = await _writer(db)
    async with db.sessions.begin() as s:
        stranger = await make_user(s, email="b@example.com")
        elsewhere = (await make_journal(s, stranger)).id
    async with driver_connection(db.engine) as driver:
        await inbox.store(
            driver, BOT, [inbox.NewUpdate(n, 7, {"update_id": n, "text": "hi"}) for n in (1, 2, 3)]
        )

    def finishing(item: NewEntry, update_id: int) -> NewEntry:
        return replace(item, finishes_update=(BOT, update_id))

    saved = await db.fast.save_entry(finishing(_item(user, journal, "one", (11,)), 1))
    again = await db.fast.save_entry(finishing(_item(user, journal, "one", (11,)), 2))
    lost = await db.fast.save_entry(finishing(_item(user, elsewhere, "two", (12,)), 3))
    assert isinstance(saved, SavedNew)
    assert again is SaveProblem.DUPLICATE and lost is SaveProblem.NO_JOURNAL
    assert await _update_state(db, 1) == ("done", "{}")
    assert await _update_state(db, 2) == ("done", "{}")
    assert (await _update_state(db, 3))[0] == "pending"
    assert await _counts(db) == (1, 1)
