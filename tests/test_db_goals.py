"""Goals: creation, one-way state transitions (double presses and races), listings, stats."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from core.vocab import GoalSource, VocabularyError
from db import goals
from db.database import Database
from db.errors import InvalidInput, NotFound
from db.goals import GoalState, Outcome
from db.models import Goal
from tests.factories import explain, make_entry, make_journal, make_user

AI = GoalSource.AI_GENERATED
USER = GoalSource.USER_CREATED


async def _users(db: Database) -> tuple[uuid.UUID, uuid.UUID]:
    async with db.sessions.begin() as s:
        return await make_user(s), await make_user(s)


async def _goal(
    db: Database,
    user_id: uuid.UUID,
    text: str = "Read daily",
    *,
    source: GoalSource | str = AI,
    target_date: date | None = None,
) -> Goal:
    async with db.sessions.begin() as s:
        return await goals.create_goal(s, user_id, text, source=source, target_date=target_date)


async def _reread(db: Database, goal_id: uuid.UUID) -> Goal:
    async with db.sessions() as s:
        goal = await s.get(Goal, goal_id)
        assert goal is not None
        return goal


# --- creating ---------------------------------------------------------------------


async def test_user_goals_are_accepted_at_once_and_suggestions_wait(db: Database) -> None:
    alice, _ = await _users(db)
    own = await _goal(db, alice, "Learn Spanish", source=USER)
    suggested = await _goal(db, alice, "Ask for feedback", source="ai_generated")
    own, suggested = await _reread(db, own.id), await _reread(db, suggested.id)
    assert goals.goal_state(own) == "accepted"
    assert own.source_type == "user_created" and own.accepted_at is not None
    assert goals.goal_state(suggested) == "suggested"
    assert suggested.accepted_at is None and suggested.suggested_at is not None
    assert suggested.completed_at is None and suggested.deleted_at is None


async def test_create_goal_validates_text_source_and_metric(db: Database) -> None:
    alice, _ = await _users(db)
    async with db.sessions.begin() as s:
        with pytest.raises(InvalidInput):
            await goals.create_goal(s, alice, "   ", source=USER)
        with pytest.raises(InvalidInput):
            await goals.create_goal(s, alice, "x" * (goals.GOAL_MAX_CHARS + 1), source=USER)
        with pytest.raises(VocabularyError, match="goal source"):
            await goals.create_goal(s, alice, "ok", source="robot")
        with pytest.raises(VocabularyError, match="metric"):
            await goals.create_goal(s, alice, "ok", source=USER, related_metric_type="happiness")
        goal = await goals.create_goal(
            s, alice, "x" * goals.GOAL_MAX_CHARS, source=USER, related_metric_type="Effort"
        )
        assert goal.related_metric_type == "effort"
    async with db.sessions() as s:
        assert len((await s.scalars(select(Goal))).all()) == 1


async def test_goal_cannot_link_another_users_entry(db: Database) -> None:
    alice, bob = await _users(db)
    async with db.sessions.begin() as s:
        bobs_entry = await make_entry(s, (await make_journal(s, bob)).id, "bob's")
    async with db.sessions.begin() as s:
        with pytest.raises(NotFound):
            await goals.create_goal(s, alice, "Steal", source=AI, journal_entry_id=bobs_entry.id)
    async with db.sessions() as s:
        assert (await s.scalars(select(Goal))).all() == []


# --- transitions ------------------------------------------------------------------


async def test_accept_twice_reports_already_accepted(db: Database) -> None:
    alice, _ = await _users(db)
    goal = await _goal(db, alice)
    async with db.sessions.begin() as s:
        first = await goals.accept_goal(s, alice, goal.id)
        assert first.outcome is Outcome.OK and first.state is GoalState.ACCEPTED
    accepted_at = (await _reread(db, goal.id)).accepted_at
    async with db.sessions.begin() as s:
        second = await goals.accept_goal(s, alice, goal.id)
        assert second.outcome is Outcome.ALREADY and second.state is GoalState.ACCEPTED
    assert (await _reread(db, goal.id)).accepted_at == accepted_at


async def test_reject_after_accept_is_already_and_changes_nothing(db: Database) -> None:
    alice, _ = await _users(db)
    goal = await _goal(db, alice)
    async with db.sessions.begin() as s:
        assert (await goals.accept_goal(s, alice, goal.id)).ok
    async with db.sessions.begin() as s:
        result = await goals.reject_goal(s, alice, goal.id)
        assert result.outcome is Outcome.ALREADY and result.state is GoalState.ACCEPTED
    assert (await _reread(db, goal.id)).deleted_at is None


async def test_reject_then_accept_is_already_rejected(db: Database) -> None:
    alice, _ = await _users(db)
    goal = await _goal(db, alice)
    async with db.sessions.begin() as s:
        rejected = await goals.reject_goal(s, alice, goal.id)
        assert rejected.ok and rejected.state is GoalState.REJECTED
        again = await goals.accept_goal(s, alice, goal.id)
        assert again.outcome is Outcome.ALREADY and again.state is GoalState.REJECTED
    assert (await _reread(db, goal.id)).accepted_at is None


async def test_complete_needs_an_accepted_goal(db: Database) -> None:
    alice, _ = await _users(db)
    goal = await _goal(db, alice)
    async with db.sessions.begin() as s:
        early = await goals.complete_goal(s, alice, goal.id)
        assert early.outcome is Outcome.NOT_ALLOWED and early.state is GoalState.SUGGESTED
    assert (await _reread(db, goal.id)).completed_at is None
    async with db.sessions.begin() as s:
        assert (await goals.accept_goal(s, alice, goal.id)).ok
        done = await goals.complete_goal(s, alice, goal.id)
        assert done.ok and done.state is GoalState.COMPLETED
        twice = await goals.complete_goal(s, alice, goal.id)
        assert twice.outcome is Outcome.ALREADY and twice.state is GoalState.COMPLETED
        gone = await goals.delete_goal(s, alice, goal.id)
        assert gone.ok and gone.state is GoalState.DELETED
        assert (await goals.complete_goal(s, alice, goal.id)).outcome is Outcome.ALREADY
        assert (await goals.delete_goal(s, alice, goal.id)).outcome is Outcome.ALREADY


async def test_the_session_object_reflects_the_transition(db: Database) -> None:
    alice, _ = await _users(db)
    goal = await _goal(db, alice)
    async with db.sessions.begin() as s:
        loaded = await goals.get_goal(s, alice, goal.id)
        assert loaded is not None and loaded.accepted_at is None
        await goals.accept_goal(s, alice, goal.id)
        assert loaded.accepted_at is not None


async def test_another_users_goal_is_not_found_and_untouched(db: Database) -> None:
    alice, bob = await _users(db)
    bobs = await _goal(db, bob, "Bob's goal")
    async with db.sessions.begin() as s:
        assert await goals.get_goal(s, alice, bobs.id) is None
        for change in (
            await goals.accept_goal(s, alice, bobs.id),
            await goals.reject_goal(s, alice, bobs.id),
            await goals.complete_goal(s, alice, bobs.id),
            await goals.delete_goal(s, alice, bobs.id),
            await goals.set_target_date(s, alice, bobs.id, date(2030, 1, 1)),
            await goals.update_goal_content(s, alice, bobs.id, "hijacked"),
            await goals.accept_goal(s, alice, uuid.uuid4()),
        ):
            assert change.outcome is Outcome.NOT_FOUND and change.goal is None
    stored = await _reread(db, bobs.id)
    assert goals.goal_state(stored) is GoalState.SUGGESTED
    assert stored.content == "Bob's goal" and stored.target_date is None


async def test_racing_accepts_change_the_goal_once(db: Database) -> None:
    alice, _ = await _users(db)
    goal = await _goal(db, alice)

    async def press() -> Outcome:
        async with db.sessions.begin() as s:
            return (await goals.accept_goal(s, alice, goal.id)).outcome

    results = await asyncio.gather(press(), press(), press())
    assert sorted(results) == sorted([Outcome.OK, Outcome.ALREADY, Outcome.ALREADY])


async def test_racing_accept_and_reject_leave_one_consistent_state(db: Database) -> None:
    alice, _ = await _users(db)
    goal = await _goal(db, alice)

    async def run(action: str) -> Outcome:
        async with db.sessions.begin() as s:
            fn = goals.accept_goal if action == "accept" else goals.reject_goal
            return (await fn(s, alice, goal.id)).outcome

    results = await asyncio.gather(run("accept"), run("reject"))
    assert sorted(results) == sorted([Outcome.OK, Outcome.ALREADY])
    stored = await _reread(db, goal.id)
    assert (stored.accepted_at is None) != (stored.deleted_at is None)


async def test_update_content_only_while_open(db: Database) -> None:
    alice, _ = await _users(db)
    goal = await _goal(db, alice, "Old words", source=USER)
    async with db.sessions.begin() as s:
        changed = await goals.update_goal_content(s, alice, goal.id, "  New words ")
        assert changed.ok and changed.goal is not None and changed.goal.content == "New words"
        with pytest.raises(InvalidInput):
            await goals.update_goal_content(s, alice, goal.id, "")
        await goals.complete_goal(s, alice, goal.id)
        late = await goals.update_goal_content(s, alice, goal.id, "Rewritten history")
        assert late.outcome is Outcome.ALREADY and late.state is GoalState.COMPLETED
    assert (await _reread(db, goal.id)).content == "New words"


async def test_target_date_set_cleared_and_checked(db: Database) -> None:
    alice, _ = await _users(db)
    goal = await _goal(db, alice, source=USER)
    today = date(2024, 5, 1)
    async with db.sessions.begin() as s:
        with pytest.raises(InvalidInput, match="past"):
            await goals.set_target_date(s, alice, goal.id, date(2024, 4, 30), today=today)
        assert (await goals.set_target_date(s, alice, goal.id, today, today=today)).ok
    assert (await _reread(db, goal.id)).target_date == today
    async with db.sessions.begin() as s:
        assert (await goals.set_target_date(s, alice, goal.id, None)).ok
        await goals.delete_goal(s, alice, goal.id)
        late = await goals.set_target_date(s, alice, goal.id, date(2030, 1, 1))
        assert late.outcome is Outcome.ALREADY and late.state is GoalState.DELETED
    assert (await _reread(db, goal.id)).target_date is None


# --- listing and stats --------------------------------------------------------------


async def test_listings_by_state(db: Database) -> None:
    alice, bob = await _users(db)
    waiting = await _goal(db, alice, "Waiting")
    active = await _goal(db, alice, "Active", source=USER, target_date=date(2024, 4, 1))
    due_later = await _goal(db, alice, "Later", source=USER, target_date=date(2024, 6, 1))
    done = await _goal(db, alice, "Done", source=USER)
    dropped = await _goal(db, alice, "Dropped")
    await _goal(db, bob, "Bob's", source=USER, target_date=date(2024, 1, 1))
    async with db.sessions.begin() as s:
        await goals.complete_goal(s, alice, done.id)
        await goals.reject_goal(s, alice, dropped.id)
    async with db.sessions() as s:
        assert [g.id for g in await goals.list_open_goals(s, alice)] == [
            waiting.id,
            active.id,
            due_later.id,
        ]
        assert await goals.open_goal_texts(s, alice) == ["Waiting", "Active", "Later"]
        assert [g.id for g in await goals.list_completed_goals(s, alice)] == [done.id]
        overdue = await goals.overdue_goals(s, alice, date(2024, 5, 1))
        assert [g.id for g in overdue] == [active.id]
        assert await goals.overdue_goals(s, alice, date(2024, 4, 1)) == []


async def test_goal_stats_count_events_since_a_moment(db: Database) -> None:
    alice, bob = await _users(db)
    old = await _goal(db, alice, "Old suggestion")
    async with db.sessions.begin() as s:
        await s.execute(
            update(Goal)
            .where(Goal.id == old.id)
            .values(suggested_at=datetime(2020, 1, 1), created_at=datetime(2020, 1, 1))
        )
        await goals.accept_goal(s, alice, old.id)
    accepted = await _goal(db, alice, "Accepted")
    rejected = await _goal(db, alice, "Rejected")
    await _goal(db, alice, "Mine", source=USER)
    await _goal(db, bob, "Bob's")
    async with db.sessions.begin() as s:
        await goals.accept_goal(s, alice, accepted.id)
        await goals.complete_goal(s, alice, accepted.id)
        await goals.reject_goal(s, alice, rejected.id)
    async with db.sessions() as s:
        everything = await goals.goal_stats(s, alice)
        assert everything == goals.GoalStats(suggested=4, accepted=3, completed=1, rejected=1)
        recent = await goals.goal_stats(s, alice, since=datetime(2021, 1, 1))
        assert recent == goals.GoalStats(suggested=3, accepted=3, completed=1, rejected=1)
        future = await goals.goal_stats(s, alice, since=datetime.now(UTC) + timedelta(days=1))
        assert future == goals.GoalStats(0, 0, 0, 0)


async def test_open_goals_listing_uses_the_user_index(db: Database) -> None:
    alice, _ = await _users(db)
    await _goal(db, alice)
    async with db.sessions.begin() as s:
        plan = await explain(
            s,
            select(Goal).where(
                Goal.user_id == alice, Goal.completed_at.is_(None), Goal.deleted_at.is_(None)
            ),
        )
    assert "idx_goals_user_id" in plan, plan
