"""The batched data functions behind the hot path: same answers as one by one."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, text

from core.clock import utc_now
from core.vocab import GoalSource
from db import goals
from db.database import Database
from db.entry_save import (
    _SAVE,
    NewEntry,
    SavedNew,
    SaveProblem,
    _save_parameters,
    save_new_entries,
)
from db.models import Entry, EntryMessage, UserSettings
from db.prepared import driver_connection
from tests.factories import make_journal, make_user


def _new(user_id, journal_id, text, message_id, zone="UTC"):  # type: ignore[no-untyped-def]
    return NewEntry(
        user_id=user_id,
        journal_id=journal_id,
        content=text,
        chat_id=1,
        message_ids=(message_id,),
        timezone=zone,
        dates_since=datetime.now(UTC) - timedelta(days=30),
    )


async def test_a_batch_saves_each_entry_only_into_its_owners_journal(db: Database) -> None:
    async with db.sessions.begin() as s:
        alice, bob = (
            await make_user(s, email="a@example.com"),
            await make_user(s, email="b@example.com"),
        )
        a_journal, b_journal = await make_journal(s, alice), await make_journal(s, bob)
    async with driver_connection(db.engine) as driver:
        results = await save_new_entries(
            driver,
            [
                _new(alice, a_journal.id, "first", 10),
                _new(bob, b_journal.id, "bob's", 11),
                _new(alice, b_journal.id, "into bob's journal", 12),  # forged id
                _new(alice, a_journal.id, "second", 13, zone="Asia/Tokyo"),
            ],
        )
    assert isinstance(results[0], SavedNew) and isinstance(results[1], SavedNew)
    assert results[2] is SaveProblem.NO_JOURNAL
    assert isinstance(results[3], SavedNew)
    assert results[0].entry.created_at < results[3].entry.created_at  # arrival order
    async with db.sessions() as s:
        stored = dict((await s.execute(select(Entry.content, Entry.journal_id))).all())
    assert stored == {"first": a_journal.id, "bob's": b_journal.id, "second": a_journal.id}


async def test_a_redelivered_message_is_reported_and_not_saved_twice(db: Database) -> None:
    async with db.sessions.begin() as s:
        user = await make_user(s, email="a@example.com")
        journal = await make_journal(s, user)
    async with driver_connection(db.engine) as driver:
        [first] = await save_new_entries(driver, [_new(user, journal.id, "once", 42)])
        [again] = await save_new_entries(driver, [_new(user, journal.id, "once", 42)])
    assert isinstance(first, SavedNew)
    assert again is SaveProblem.DUPLICATE
    async with db.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Entry)) == 1
        assert await s.scalar(select(func.count()).select_from(EntryMessage)) == 1


async def test_writing_days_come_back_per_user_in_their_zone(db: Database) -> None:
    async with db.sessions.begin() as s:
        user = await make_user(s, email="a@example.com")
        journal = await make_journal(s, user)
    async with driver_connection(db.engine) as driver:
        [saved] = await save_new_entries(driver, [_new(user, journal.id, "today", 1)])
    assert isinstance(saved, SavedNew)
    assert saved.local_dates == [datetime.now(UTC).date()]


async def test_each_saved_entry_comes_with_its_writers_toggles_and_goals(db: Database) -> None:
    async with db.sessions.begin() as s:
        alice, bob = (
            await make_user(s, email="a@example.com"),
            await make_user(s, email="b@example.com"),
        )
        carol = await make_user(s, email="c@example.com")
        journals = {u: (await make_journal(s, u)).id for u in (alice, bob, carol)}
        s.add(
            UserSettings(
                user_id=alice,
                ai_interaction_settings={"enableGrowthSuggestions": False, "enableAiInsights": 3},
            )
        )
        s.add(UserSettings(user_id=bob))
        await goals.create_goal(s, bob, "Run 5k", source=GoalSource.USER_CREATED, accepted=True)
        done = await goals.create_goal(
            s, bob, "Done", source=GoalSource.USER_CREATED, accepted=True
        )
        await goals.complete_goal(s, bob, done.id)
        await goals.create_goal(s, bob, "Then swim", source=GoalSource.USER_CREATED)
    writers = [alice, bob, carol, bob]
    async with driver_connection(db.engine) as driver:
        saved = await save_new_entries(
            driver, [_new(u, journals[u], "entry", n) for n, u in enumerate(writers)]
        )
    assert all(isinstance(one, SavedNew) for one in saved)
    found = {u: one for u, one in zip(writers, saved, strict=True) if isinstance(one, SavedNew)}
    assert found[alice].ai_settings["enableGrowthSuggestions"] is False
    assert found[alice].ai_settings["enableAiInsights"] is True  # garbage reads as the default
    assert found[bob].ai_settings["enableGrowthSuggestions"] is True
    assert found[carol].ai_settings["enableSentimentAnalysis"] is True  # no row: defaults
    assert found[alice].open_goals == []
    assert found[bob].open_goals == ["Run 5k", "Then swim"]  # oldest first, not "Done"


async def test_one_message_twice_in_a_batch_is_saved_once(db: Database) -> None:
    async with db.sessions.begin() as s:
        user = await make_user(s, email="a@example.com")
        journal = await make_journal(s, user)
    async with driver_connection(db.engine) as driver:
        first, again = await save_new_entries(
            driver, [_new(user, journal.id, "twice", 7), _new(user, journal.id, "twice", 7)]
        )
    assert isinstance(first, SavedNew)
    assert again is SaveProblem.DUPLICATE
    async with db.sessions() as s:
        assert (await s.scalars(select(Entry.content))).all() == ["twice"]


async def test_an_entry_of_several_messages_links_each_as_a_part(db: Database) -> None:
    async with db.sessions.begin() as s:
        user = await make_user(s, email="a@example.com")
        journal = await make_journal(s, user)
    item = NewEntry(
        user_id=user,
        journal_id=journal.id,
        content="one\n\ntwo",
        chat_id=5,
        message_ids=(21, 22),
        timezone="UTC",
        dates_since=datetime.now(UTC) - timedelta(days=1),
    )
    async with driver_connection(db.engine) as driver:
        [saved] = await save_new_entries(driver, [item])
    assert isinstance(saved, SavedNew)
    async with db.sessions() as s:
        parts = (
            await s.execute(
                select(EntryMessage.message_id, EntryMessage.part, EntryMessage.entry_id)
            )
        ).all()
    assert sorted(parts) == [(21, 0, saved.entry.id), (22, 1, saved.entry.id)]


async def test_an_entry_without_messages_is_saved(db: Database) -> None:
    async with db.sessions.begin() as s:
        user = await make_user(s, email="a@example.com")
        journal = await make_journal(s, user)
    item = replace(_new(user, journal.id, "kept while logged out", 0), message_ids=())
    async with driver_connection(db.engine) as driver:
        [saved] = await save_new_entries(driver, [item])
    assert isinstance(saved, SavedNew)
    async with db.sessions() as s:
        assert (await s.scalars(select(Entry.content))).all() == ["kept while logged out"]


async def test_the_days_include_earlier_entries_and_this_batch(db: Database) -> None:
    async with db.sessions.begin() as s:
        alice, bob = (
            await make_user(s, email="a@example.com"),
            await make_user(s, email="b@example.com"),
        )
        a_journal, b_journal = await make_journal(s, alice), await make_journal(s, bob)
        two_days_ago = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=2)
        s.add(Entry(journal_id=a_journal.id, content="older", created_at=two_days_ago))
    async with driver_connection(db.engine) as driver:
        a1, b1, a2 = await save_new_entries(
            driver,
            [
                _new(alice, a_journal.id, "a1", 1),
                _new(bob, b_journal.id, "b1", 2),
                _new(alice, a_journal.id, "a2", 3),
            ],
        )
    today = datetime.now(UTC).date()
    assert isinstance(a1, SavedNew) and isinstance(a2, SavedNew) and isinstance(b1, SavedNew)
    assert a1.local_dates == a2.local_dates == [two_days_ago.date(), today]
    assert b1.local_dates == [today]  # only bob's own days


async def test_the_writing_days_read_only_the_writers_entries(db: Database) -> None:
    """With thousands of other users' entries, the planner must not swap the per-user
    index range for a scan of the whole table (it did, with the days joined flat)."""
    async with db.sessions.begin() as s:
        writer, other = await make_user(s), await make_user(s)
        journal = await make_journal(s, writer)
        await s.execute(
            text(
                "INSERT INTO journals (user_id, title) "
                "SELECT :other, 'j' || n FROM generate_series(1, 80) AS n"
            ),
            {"other": other},
        )
        await s.execute(
            text(
                "INSERT INTO entries (journal_id, content) SELECT journals.id, 'e' "
                "FROM journals, generate_series(1, 100) WHERE journals.user_id = :other"
            ),
            {"other": other},
        )
    async with driver_connection(db.engine) as driver:
        await driver.fetch("ANALYZE journals, entries")
        item = _new(writer, journal.id, "today", 1)
        plan = await driver.fetch(
            "EXPLAIN " + _SAVE.sql,
            *_SAVE.arguments(_save_parameters([item], [uuid.uuid4()], [utc_now()])),
        )
    plan_text = "\n".join(row[0] for row in plan)
    assert "Seq Scan on entries" not in plan_text, plan_text
