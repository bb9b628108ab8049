"""Journals: creating, listing with entry counts, renaming, deleting with their entries."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from core.vocab import GoalSource
from db import journals
from db.database import Database
from db.entries import link_message
from db.errors import InvalidInput
from db.goals import create_goal
from db.models import Entry, EntryMessage, Goal, Journal, TelegramAccount
from tests.factories import explain, make_entry, make_journal, make_user

T0 = datetime(2024, 3, 10, 12, 0)


async def test_list_journals_with_counts_includes_empty_journals_oldest_first(
    db: Database,
) -> None:
    async with db.sessions.begin() as s:
        alice, bob = await make_user(s), await make_user(s)
        work = await journals.create_journal(s, alice, "Work")
        life = await journals.create_journal(s, alice, "  Life  ")
        empty = await journals.create_journal(s, alice, "Empty")
        bobs = await journals.create_journal(s, bob, "Bob's")
        for i in range(3):
            await make_entry(s, work.id, f"w{i}")
        await make_entry(s, life.id, "l")
        await make_entry(s, bobs.id, "b")
    async with db.sessions() as s:
        summaries = await journals.list_journals_with_counts(s, alice)
        assert [(j.id, j.title, j.entry_count) for j in summaries] == [
            (work.id, "Work", 3),
            (life.id, "Life", 1),
            (empty.id, "Empty", 0),
        ]
        assert [j.entry_count for j in await journals.list_journals_with_counts(s, bob)] == [1]


@pytest.mark.parametrize("title", ["", "   ", "x" * (journals.TITLE_MAX_CHARS + 1)])
async def test_titles_must_be_non_empty_and_short(db: Database, title: str) -> None:
    async with db.sessions.begin() as s:
        alice = await make_user(s)
        journal = await make_journal(s, alice, "Keep")
        with pytest.raises(InvalidInput):
            await journals.create_journal(s, alice, title)
        with pytest.raises(InvalidInput):
            await journals.rename_journal(s, alice, journal.id, title)
    async with db.sessions() as s:
        assert (await s.scalars(select(Journal.title))).all() == ["Keep"]


async def test_title_of_exactly_the_limit_is_accepted(db: Database) -> None:
    async with db.sessions.begin() as s:
        alice = await make_user(s)
        journal = await journals.create_journal(s, alice, "x" * journals.TITLE_MAX_CHARS)
        assert len(journal.title) == journals.TITLE_MAX_CHARS


async def test_rename_and_get_are_scoped_to_the_owner(db: Database) -> None:
    async with db.sessions.begin() as s:
        alice, bob = await make_user(s), await make_user(s)
        mine = await make_journal(s, alice, "Mine")
        bobs = await make_journal(s, bob, "Bob's")
    async with db.sessions.begin() as s:
        renamed = await journals.rename_journal(s, alice, mine.id, "Renamed")
        assert renamed is not None and renamed.title == "Renamed"
        assert await journals.rename_journal(s, alice, bobs.id, "Stolen") is None
        assert await journals.get_journal(s, alice, bobs.id) is None
        assert await journals.rename_journal(s, alice, uuid.uuid4(), "Nothing") is None
    async with db.sessions() as s:
        untouched = await s.get(Journal, bobs.id)
        assert untouched is not None and untouched.title == "Bob's"
        reread = await journals.get_journal(s, alice, mine.id)
        assert reread is not None and reread.title == "Renamed"


async def test_first_journal_is_the_oldest(db: Database) -> None:
    async with db.sessions.begin() as s:
        alice, bob = await make_user(s), await make_user(s)
        assert await journals.first_journal(s, alice) is None
        newer = Journal(user_id=alice, title="Newer", created_at=T0 + timedelta(days=1))
        older = Journal(user_id=alice, title="Older", created_at=T0)
        s.add_all([newer, older])
        await make_journal(s, bob, "Bob's")
    async with db.sessions() as s:
        first = await journals.first_journal(s, alice)
        assert first is not None and first.title == "Older"


async def test_delete_journal_removes_entries_and_keeps_goals_unlinked(db: Database) -> None:
    async with db.sessions.begin() as s:
        alice = await make_user(s)
        doomed = await make_journal(s, alice, "Doomed")
        kept = await make_journal(s, alice, "Kept")
        first = await make_entry(s, doomed.id, "one")
        await make_entry(s, doomed.id, "two")
        survivor = await make_entry(s, kept.id, "survivor")
        await link_message(s, first.id, chat_id=1, message_id=1)
        goal = await create_goal(
            s, alice, "From entry one", source=GoalSource.AI_GENERATED, journal_entry_id=first.id
        )
        s.add(TelegramAccount(telegram_user_id=42, chat_id=42, user_id=alice))
        await s.flush()
        account = await s.get(TelegramAccount, 42)
        assert account is not None
        account.active_journal_id = doomed.id
    async with db.sessions.begin() as s:
        assert await journals.delete_journal(s, alice, doomed.id) == 2
    async with db.sessions.begin() as s:
        assert await journals.delete_journal(s, alice, doomed.id) is None
        assert await journals.get_journal(s, alice, doomed.id) is None
        assert (await s.scalars(select(Entry.id))).all() == [survivor.id]
        assert await s.scalar(select(func.count()).select_from(EntryMessage)) == 0
        stored_goal = await s.get(Goal, goal.id)
        assert stored_goal is not None and stored_goal.journal_entry_id is None
        account = await s.get(TelegramAccount, 42)
        assert account is not None and account.active_journal_id is None
        assert account.user_id == alice


async def test_deleting_another_users_journal_changes_nothing(db: Database) -> None:
    async with db.sessions.begin() as s:
        alice, bob = await make_user(s), await make_user(s)
        bobs = await make_journal(s, bob, "Bob's")
        await make_entry(s, bobs.id, "bob's entry")
    async with db.sessions.begin() as s:
        assert await journals.delete_journal(s, alice, bobs.id) is None
        assert await journals.delete_journal(s, alice, uuid.uuid4()) is None
    async with db.sessions() as s:
        assert await journals.count_entries(s, bob, bobs.id) == 1
        assert await journals.get_journal(s, bob, bobs.id) is not None


async def test_count_entries_is_scoped(db: Database) -> None:
    async with db.sessions.begin() as s:
        alice, bob = await make_user(s), await make_user(s)
        mine = await make_journal(s, alice)
        bobs = await make_journal(s, bob)
        await make_entry(s, mine.id, "a")
        await make_entry(s, mine.id, "b")
        await make_entry(s, bobs.id, "c")
    async with db.sessions() as s:
        assert await journals.count_entries(s, alice, mine.id) == 2
        assert await journals.count_entries(s, alice, bobs.id) == 0


async def test_listing_journals_uses_the_user_index(db: Database) -> None:
    async with db.sessions.begin() as s:
        alice = await make_user(s)
        journal = await make_journal(s, alice)
        await make_entry(s, journal.id, "a")
        plan = await explain(s, journals.journals_with_counts_query(alice))
    assert "idx_journals_user_id" in plan, plan
    assert re.search(r"idx_entries_journal_(created|id)\b", plan), plan
