"""Goals: suggested (by the AI) or created by the user, then accepted, completed or rejected.

The lifecycle lives in the timestamps (design document)::

    suggested_at ─► accepted_at ─► completed_at
        │               │
        └─► deleted_at  └─► deleted_at
          (rejected)      (deleted)

The web app may leave timestamps that disagree. One rule reads every row (also written
in docs/bot-data.md), the first that applies:

1. ``deleted_at`` set: gone, whatever else is set; "rejected" if it was never accepted
   nor completed (a suggestion turned down), else "deleted".
2. ``completed_at`` set: completed. Completion implies acceptance: a missing
   ``accepted_at`` reads as accepted when completed.
3. ``accepted_at`` set: accepted, in progress.
4. Otherwise: suggested.

Timestamps are not compared with one another (a completion before the acceptance is
still a completion). ``goal_state`` and the SQL conditions below follow the same rule.

Each transition is one conditional ``UPDATE ... RETURNING``: a double press or two
devices racing change the goal once, and the loser learns the state it found.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, and_, func, literal, select, update
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import naive_utc, utc_now
from core.i18n import _
from core.text import clean_text
from core.vocab import GoalSource, MetricType, parse_goal_source, parse_metric_type
from db.errors import InvalidInput, NotFound
from db.models import Entry, Goal, Journal

GOAL_MAX_CHARS = 500


class GoalState(StrEnum):
    SUGGESTED = "suggested"
    ACCEPTED = "accepted"
    COMPLETED = "completed"
    REJECTED = "rejected"  # deleted before it was ever accepted
    DELETED = "deleted"


class Outcome(StrEnum):
    OK = "ok"
    NOT_FOUND = "not_found"  # missing, or another user's
    ALREADY = "already"  # the goal is already at or past the state the action leads to
    NOT_ALLOWED = "not_allowed"  # the goal has not reached the state the action needs yet


@dataclass(frozen=True)
class GoalChange:
    outcome: Outcome
    goal: Goal | None  # after the change when OK; as found when ALREADY / NOT_ALLOWED

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.OK

    @property
    def state(self) -> GoalState | None:
        return goal_state(self.goal) if self.goal is not None else None


@dataclass(frozen=True)
class GoalStats:
    suggested: int
    accepted: int
    completed: int
    rejected: int


def goal_state(goal: Goal) -> GoalState:
    if goal.deleted_at is not None:
        was_taken_up = goal.accepted_at is not None or goal.completed_at is not None
        return GoalState.DELETED if was_taken_up else GoalState.REJECTED
    if goal.completed_at is not None:
        return GoalState.COMPLETED
    if goal.accepted_at is not None:
        return GoalState.ACCEPTED
    return GoalState.SUGGESTED


def clean_goal_text(content: str) -> str:
    return clean_text(content, what="goal", max_chars=GOAL_MAX_CHARS)


_OPEN = and_(Goal.completed_at.is_(None), Goal.deleted_at.is_(None))
_SUGGESTED = and_(_OPEN, Goal.accepted_at.is_(None))
_ACCEPTED = and_(_OPEN, Goal.accepted_at.is_not(None))


async def create_goal(
    session: AsyncSession,
    user_id: uuid.UUID,
    content: str,
    *,
    source: GoalSource | str,
    journal_entry_id: uuid.UUID | None = None,
    related_metric_type: MetricType | str | None = None,
    target_date: date | None = None,
    accepted: bool = False,
) -> Goal:
    """A new goal. The user's own goals are accepted at once; AI suggestions wait for an
    answer unless ``accepted``. Raises NotFound if the entry is not (or no longer) theirs."""
    text = clean_goal_text(content)
    kind = parse_goal_source(source)
    metric = parse_metric_type(related_metric_type) if related_metric_type is not None else None
    if journal_entry_id is not None:
        owned = await session.scalar(
            select(Entry.id)
            .join(Journal, Journal.id == Entry.journal_id)
            .where(Entry.id == journal_entry_id, Journal.user_id == user_id)
        )
        if owned is None:
            raise NotFound(_("That journal entry no longer exists."))
    goal = Goal(
        user_id=user_id,
        content=text,
        source_type=kind.value,
        journal_entry_id=journal_entry_id,
        related_metric_type=metric.value if metric is not None else None,
        target_date=target_date,
    )
    # The app's clock, not now(): goals suggested together keep the order they came in.
    goal.created_at = goal.updated_at = goal.suggested_at = utc_now()
    if accepted or kind is GoalSource.USER_CREATED:
        goal.accepted_at = goal.suggested_at
    session.add(goal)
    await session.flush()
    return goal


async def get_goal(session: AsyncSession, user_id: uuid.UUID, goal_id: uuid.UUID) -> Goal | None:
    """The goal in any state (see ``goal_state``); None if missing or another user's."""
    return await session.scalar(
        select(Goal)
        .where(Goal.id == goal_id, Goal.user_id == user_id)
        .execution_options(populate_existing=True)
    )


async def _transition(
    session: AsyncSession,
    user_id: uuid.UUID,
    goal_id: uuid.UUID,
    *,
    allowed: ColumnElement[bool],
    values: dict[str, Any],
    too_early: frozenset[GoalState] = frozenset(),
) -> GoalChange:
    changed = await session.scalar(
        update(Goal)
        .where(Goal.id == goal_id, Goal.user_id == user_id, allowed)
        .values(**values, updated_at=func.now())
        .returning(Goal)
        .execution_options(populate_existing=True)
    )
    if changed is not None:
        return GoalChange(Outcome.OK, changed)
    current = await get_goal(session, user_id, goal_id)
    if current is None:
        return GoalChange(Outcome.NOT_FOUND, None)
    if goal_state(current) in too_early:
        return GoalChange(Outcome.NOT_ALLOWED, current)
    return GoalChange(Outcome.ALREADY, current)


async def accept_goal(session: AsyncSession, user_id: uuid.UUID, goal_id: uuid.UUID) -> GoalChange:
    return await _transition(
        session, user_id, goal_id, allowed=_SUGGESTED, values={"accepted_at": func.now()}
    )


async def reject_goal(session: AsyncSession, user_id: uuid.UUID, goal_id: uuid.UUID) -> GoalChange:
    """Turn a suggestion down; an accepted goal is ALREADY past that (delete it instead)."""
    return await _transition(
        session, user_id, goal_id, allowed=_SUGGESTED, values={"deleted_at": func.now()}
    )


async def complete_goal(
    session: AsyncSession, user_id: uuid.UUID, goal_id: uuid.UUID
) -> GoalChange:
    """Mark an accepted goal done; a suggestion not yet accepted is NOT_ALLOWED."""
    return await _transition(
        session,
        user_id,
        goal_id,
        allowed=_ACCEPTED,
        values={"completed_at": func.now()},
        too_early=frozenset({GoalState.SUGGESTED}),
    )


async def delete_goal(session: AsyncSession, user_id: uuid.UUID, goal_id: uuid.UUID) -> GoalChange:
    """Soft-delete a goal in any state (a suggestion deleted this way reads as rejected)."""
    return await _transition(
        session,
        user_id,
        goal_id,
        allowed=Goal.deleted_at.is_(None),
        values={"deleted_at": func.now()},
    )


async def set_target_date(
    session: AsyncSession,
    user_id: uuid.UUID,
    goal_id: uuid.UUID,
    target_date: date | None,
    *,
    today: date | None = None,
) -> GoalChange:
    """Set (or clear, with None) the target date of an open goal; pass the user's ``today``
    to refuse dates in the past."""
    if target_date is not None and today is not None and target_date < today:
        raise InvalidInput(_("The target date is in the past. Pick today or a later day."))
    return await _transition(
        session, user_id, goal_id, allowed=_OPEN, values={"target_date": target_date}
    )


async def update_goal_content(
    session: AsyncSession, user_id: uuid.UUID, goal_id: uuid.UUID, content: str
) -> GoalChange:
    """Reword a goal while it is suggested or accepted; completed or deleted is ALREADY."""
    return await _transition(
        session, user_id, goal_id, allowed=_OPEN, values={"content": clean_goal_text(content)}
    )


# --- listing ----------------------------------------------------------------------


async def list_open_goals(session: AsyncSession, user_id: uuid.UUID) -> list[Goal]:
    """Suggestions waiting for an answer and accepted goals in progress, oldest first."""
    result = await session.scalars(
        select(Goal).where(Goal.user_id == user_id, _OPEN).order_by(Goal.created_at, Goal.id)
    )
    return list(result)


async def list_completed_goals(
    session: AsyncSession, user_id: uuid.UUID, *, limit: int | None = None
) -> list[Goal]:
    """Completed (and not deleted) goals, most recently completed first."""
    result = await session.scalars(
        select(Goal)
        .where(Goal.user_id == user_id, Goal.completed_at.is_not(None), Goal.deleted_at.is_(None))
        .order_by(Goal.completed_at.desc(), Goal.id)
        .limit(limit)
    )
    return list(result)


async def open_goal_texts(session: AsyncSession, user_id: uuid.UUID) -> list[str]:
    """Texts of the open goals, oldest first, so new suggestions can avoid repeating
    them (the hot path reads the same through ``open_goal_texts_of``)."""
    texts = await session.scalar(select(open_goal_texts_of(literal(user_id, Goal.user_id.type))))
    return list(texts or ())


async def overdue_goals(session: AsyncSession, user_id: uuid.UUID, today: date) -> list[Goal]:
    """Accepted goals in progress whose target date (local) is before ``today``."""
    result = await session.scalars(
        select(Goal)
        .where(Goal.user_id == user_id, _ACCEPTED, Goal.target_date < today)
        .order_by(Goal.target_date, Goal.created_at)
    )
    return list(result)


async def goal_stats(
    session: AsyncSession, user_id: uuid.UUID, since: datetime | None = None
) -> GoalStats:
    """What happened to goals since ``since`` (all time when None), counted by event:
    suggested = goals that appeared (the user's own goals too, accepted at once),
    accepted / completed = goals accepted / completed in the period, rejected =
    suggestions turned down in the period. A later deletion does not undo an event."""

    def events(column: Any, *also: ColumnElement[bool]) -> Any:
        happened = column.is_not(None) if since is None else column >= naive_utc(since)
        return func.count().filter(happened, *also)

    row = (
        await session.execute(
            select(
                events(Goal.suggested_at),
                # Completed but never accepted: accepted when completed (module rule 2).
                events(func.coalesce(Goal.accepted_at, Goal.completed_at)),
                events(Goal.completed_at),
                events(Goal.deleted_at, Goal.accepted_at.is_(None), Goal.completed_at.is_(None)),
            ).where(Goal.user_id == user_id)
        )
    ).one()
    return GoalStats(suggested=row[0], accepted=row[1], completed=row[2], rejected=row[3])


async def set_related_metric(
    session: AsyncSession,
    user_id: uuid.UUID,
    goal_id: uuid.UUID,
    related_metric_type: MetricType | str | None,
) -> GoalChange:
    """Link an open goal to one of the five growth metrics, or unlink it with None.
    Raises VocabularyError for an unknown metric; completed or deleted is ALREADY."""
    metric = parse_metric_type(related_metric_type) if related_metric_type is not None else None
    return await _transition(
        session,
        user_id,
        goal_id,
        allowed=_OPEN,
        values={"related_metric_type": metric.value if metric is not None else None},
    )


def open_goal_texts_of(user_id: ColumnElement[uuid.UUID]) -> ScalarSelect[Any]:
    """Texts of the open goals of the user in ``user_id``, oldest first, as a correlated
    array subquery (NULL when there are none): what new suggestions must not repeat."""
    return (
        select(func.array_agg(aggregate_order_by(Goal.content, Goal.created_at)))
        .where(Goal.user_id == user_id, _OPEN)
        .scalar_subquery()
    )


# --- keeping suggestions few --------------------------------------------------------


async def rejected_goal_texts(
    session: AsyncSession, user_id: uuid.UUID, limit: int = 50
) -> list[str]:
    """Texts of the suggestions turned down most recently, so they are not offered again."""
    result = await session.scalars(
        select(Goal.content)
        .where(Goal.user_id == user_id, Goal.deleted_at.is_not(None), Goal.accepted_at.is_(None))
        .order_by(Goal.deleted_at.desc())
        .limit(limit)
    )
    return list(result)


async def expire_suggestions(session: AsyncSession, user_id: uuid.UUID, keep: int) -> int:
    """Withdraw the oldest unanswered suggestions so at most ``keep`` remain; returns how
    many. The schema has no "expired" state, so they read as turned down."""
    stale = (
        select(Goal.id)
        .where(Goal.user_id == user_id, _SUGGESTED)
        .order_by(Goal.created_at.desc(), Goal.id.desc())
        .offset(keep)
        .scalar_subquery()
    )
    result = await session.execute(
        update(Goal)
        .where(Goal.user_id == user_id, Goal.id.in_(stale))
        .values(deleted_at=func.now(), updated_at=func.now())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
