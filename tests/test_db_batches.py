"""The batched data functions behind the hot path: same answers as one by one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from db import goals
from db.database import Database
from db.entries import NewEntry, SavedNew, SaveProblem, save_new_entries
from db.models import Entry, EntryMessage, UserSettings
from db.settings import ai_settings_many
from db.vocab import GoalSource
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
    async with db.sessions.begin() as s:
        results = await save_new_entries(
            s,
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
    async with db.sessions.begin() as s:
        [first] = await save_new_entries(s, [_new(user, journal.id, "once", 42)])
    async with db.sessions.begin() as s:
        [again] = await save_new_entries(s, [_new(user, journal.id, "once", 42)])
    assert isinstance(first, SavedNew)
    assert again is SaveProblem.DUPLICATE
    async with db.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Entry)) == 1
        assert await s.scalar(select(func.count()).select_from(EntryMessage)) == 1


async def test_writing_days_come_back_per_user_in_their_zone(db: Database) -> None:
    async with db.sessions.begin() as s:
        user = await make_user(s, email="a@example.com")
        journal = await make_journal(s, user)
    async with db.sessions.begin() as s:
        [saved] = await save_new_entries(s, [_new(user, journal.id, "today", 1)])
    assert isinstance(saved, SavedNew)
    assert saved.local_dates == [datetime.now(UTC).date()]


async def test_ai_settings_and_open_goals_for_many_users(db: Database) -> None:
    async with db.sessions.begin() as s:
        alice, bob = (
            await make_user(s, email="a@example.com"),
            await make_user(s, email="b@example.com"),
        )
        carol = await make_user(s, email="c@example.com")
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
    async with db.sessions() as s:
        ai = await ai_settings_many(s, [alice, bob, carol])
        texts = await goals.open_goal_texts_many(s, [alice, bob])
    assert ai[alice]["enableGrowthSuggestions"] is False
    assert ai[alice]["enableAiInsights"] is True  # garbage reads as the default
    assert ai[bob]["enableGrowthSuggestions"] is True
    assert ai[carol]["enableSentimentAnalysis"] is True  # no row: defaults
    assert texts == {alice: [], bob: ["Run 5k"]}
