"""Per-day figures of a calendar year on the user's clock (/pixels)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import naive_utc
from core.vocab import MetricType
from db.entries import local_date_of
from db.metrics import stream_metric_series
from db.models import Entry, Journal
from db.profile import require_timezone


def year_bounds(year: int, tz: str) -> tuple[datetime, datetime]:
    """The instants (UTC) the local year starts and ends at."""
    zone = ZoneInfo(require_timezone(tz))
    start = datetime.combine(date(year, 1, 1), time(), zone).astimezone(UTC)
    end = datetime.combine(date(year + 1, 1, 1), time(), zone).astimezone(UTC)
    return start, end


async def entries_per_day(
    session: AsyncSession, user_id: uuid.UUID, tz: str, year: int
) -> list[tuple[date, int]]:
    """(local date, entries written that day) for the days of ``year`` with any."""
    start, end = year_bounds(year, tz)
    day = local_date_of(Entry.created_at, require_timezone(tz)).label("day")
    rows = await session.execute(
        select(day, func.count())
        .select_from(Entry)
        .join(Journal, Journal.id == Entry.journal_id)
        .where(
            Journal.user_id == user_id,
            Entry.created_at >= naive_utc(start),
            Entry.created_at < naive_utc(end),
        )
        .group_by(day)
        .order_by(day)
    )
    return [(row[0], int(row[1])) for row in rows]


async def ratings_per_day(
    session: AsyncSession, user_id: uuid.UUID, kind: MetricType, tz: str, year: int
) -> list[tuple[date, int]]:
    """(local date, rating) for each valid rating of ``kind`` in ``year``."""
    start, end = year_bounds(year, tz)
    zone = ZoneInfo(require_timezone(tz))
    series = await stream_metric_series(session, user_id, start)
    limit = naive_utc(end)
    return [
        (at.replace(tzinfo=UTC).astimezone(zone).date(), value)
        for at, value in series[kind]
        if at < limit
    ]
