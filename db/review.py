"""What the weekly review shows, for a whole batch of users in a few queries.

Each user comes with their time zone and local "today"; the review covers the seven local
days ending today and compares check-in averages with the seven before. One query per
kind (writing days and words, metric averages, goals) for the whole batch, driven by
``unnest`` of the batch's ids, zones and dates, so a batch of 500 costs the same number of
round trips as one user.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final

from sqlalchemy import ARRAY, Date, Text, Uuid, bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from core.review import MAX_GOALS_SHOWN, ReviewData, ReviewGoal
from core.streaks import current_streak

METRIC_TYPES: Final = ("resilience", "effort", "challenge", "feedback", "learning")
# Streaks are counted over this many days back: longer ones show as this long.
STREAK_HORIZON_DAYS: Final = 400


@dataclass(frozen=True, slots=True)
class ReviewUser:
    user_id: uuid.UUID
    timezone: str
    today: date
    first_name: str | None


_BATCH = "unnest(:ids, :zones, :todays) AS v(user_id, zone, today)"
_LOCAL = "(timezone(v.zone, timezone('UTC', {col})))::date"
_PARAMS = (
    bindparam("ids", type_=ARRAY(Uuid())),
    bindparam("zones", type_=ARRAY(Text())),
    bindparam("todays", type_=ARRAY(Date())),
)
# Words of an entry: tags removed, split on white space.
_WORDS = (
    "coalesce(array_length(regexp_split_to_array(nullif(btrim(regexp_replace("
    "regexp_replace(e.content, '<[^>]*>', ' ', 'g'), '\\s+', ' ', 'g')), ''), ' '), 1), 0)"
)

_DAYS = text(
    f"SELECT v.user_id, {_LOCAL.format(col='e.created_at')} AS day, count(*) AS entries, "
    f"sum({_WORDS}) FILTER (WHERE e.created_at >= (v.today - 8)::timestamp) AS words "
    f"FROM {_BATCH} JOIN journals j ON j.user_id = v.user_id "
    "JOIN entries e ON e.journal_id = j.id "
    "WHERE e.created_at >= (v.today - CAST(:horizon AS integer))::timestamp "
    "AND e.created_at < (v.today + 2)::timestamp "
    "GROUP BY 1, 2"
).bindparams(*_PARAMS)

_METRICS = text(
    "SELECT user_id, type, avg(value::int) FILTER (WHERE day > today - 7) AS this_week, "
    "avg(value::int) FILTER (WHERE day <= today - 7) AS last_week FROM ("
    f"  SELECT v.user_id, v.today, m.type, m.value, {_LOCAL.format(col='m.created_at')} AS day "
    f"  FROM {_BATCH} JOIN metrics m ON m.user_id = v.user_id "
    "  WHERE m.created_at >= (v.today - 15)::timestamp "
    "  AND m.created_at < (v.today + 2)::timestamp "
    "  AND m.value ~ '^(10|[1-9])$' AND m.type = ANY(:types)"
    ") AS t WHERE day > today - 14 AND day <= today GROUP BY 1, 2"
).bindparams(*_PARAMS, bindparam("types", type_=ARRAY(Text())))

_GOALS = text(
    "SELECT user_id, kind, content, day, count(*) OVER (PARTITION BY user_id, kind) AS total, "
    "row_number() OVER (PARTITION BY user_id, kind ORDER BY day, content) AS rank FROM ("
    f"  SELECT v.user_id, 'done' AS kind, g.content, {_LOCAL.format(col='g.completed_at')} AS day,"
    "   v.today"
    f"  FROM {_BATCH} JOIN goals g ON g.user_id = v.user_id "
    "  WHERE g.completed_at IS NOT NULL AND g.deleted_at IS NULL "
    "  AND g.completed_at >= (v.today - 8)::timestamp "
    "  UNION ALL "
    "  SELECT v.user_id, 'due', g.content, g.target_date, v.today "
    f"  FROM {_BATCH} JOIN goals g ON g.user_id = v.user_id "
    "  WHERE g.completed_at IS NULL AND g.deleted_at IS NULL AND g.accepted_at IS NOT NULL "
    "  AND g.target_date >= v.today AND g.target_date <= v.today + 7"
    ") AS t WHERE kind = 'due' OR (day > today - 7 AND day <= today)"
).bindparams(*_PARAMS)


def _args(users: Sequence[ReviewUser]) -> dict[str, Any]:
    return {
        "ids": [u.user_id for u in users],
        "zones": [u.timezone for u in users],
        "todays": [u.today for u in users],
    }


async def review_data(session: AsyncSession, users: Sequence[ReviewUser]) -> list[ReviewData]:
    """The review of each user in ``users`` (same order), as of their ``today``."""
    if not users:
        return []
    args = _args(users)
    days: dict[uuid.UUID, dict[date, tuple[int, int]]] = {}
    for row in await session.execute(_DAYS, {**args, "horizon": STREAK_HORIZON_DAYS}):
        days.setdefault(row.user_id, {})[row.day] = (row.entries, int(row.words or 0))
    metrics: dict[uuid.UUID, dict[str, tuple[float | None, float | None]]] = {}
    for row in await session.execute(_METRICS, {**args, "types": list(METRIC_TYPES)}):
        now = float(row.this_week) if row.this_week is not None else None
        before = float(row.last_week) if row.last_week is not None else None
        metrics.setdefault(row.user_id, {})[row.type] = (now, before)
    goals: dict[tuple[uuid.UUID, str], tuple[list[ReviewGoal], int]] = {}
    for row in await session.execute(_GOALS, args):
        found, _ = goals.get((row.user_id, row.kind), ([], 0))
        if row.rank <= MAX_GOALS_SHOWN:
            found.append(ReviewGoal(row.content, row.day))
        goals[(row.user_id, row.kind)] = (found, row.total)

    result = []
    for user in users:
        written = days.get(user.user_id, {})
        week = [user.today - timedelta(days=6 - n) for n in range(7)]
        done, done_count = goals.get((user.user_id, "done"), ([], 0))
        due, due_count = goals.get((user.user_id, "due"), ([], 0))
        mine = metrics.get(user.user_id, {})
        result.append(
            ReviewData(
                today=user.today,
                first_name=user.first_name,
                words_by_day=tuple(written.get(d, (0, 0))[1] for d in week),
                entries=sum(written.get(d, (0, 0))[0] for d in week),
                streak=current_streak(written, user.today),
                metrics={k: mine[k] for k in METRIC_TYPES if k in mine},
                completed=tuple(done),
                completed_count=done_count,
                due_soon=tuple(due),
                due_soon_count=due_count,
                prompt_key=str(user.user_id),
            )
        )
    return result


async def written_days(
    session: AsyncSession, users: Sequence[ReviewUser], back: int
) -> dict[uuid.UUID, set[date]]:
    """The local dates each user wrote on, from ``today - back`` to today."""
    if not users:
        return {}
    query = text(
        f"SELECT DISTINCT v.user_id, {_LOCAL.format(col='e.created_at')} AS day "
        f"FROM {_BATCH} JOIN journals j ON j.user_id = v.user_id "
        "JOIN entries e ON e.journal_id = j.id "
        "WHERE e.created_at >= (v.today - CAST(:back AS integer) - 1)::timestamp "
        "AND e.created_at < (v.today + 2)::timestamp"
    ).bindparams(*_PARAMS)
    found: dict[uuid.UUID, set[date]] = {}
    for row in await session.execute(query, {**_args(users), "back": back}):
        found.setdefault(row.user_id, set()).add(row.day)
    return found
