"""Growth-mindset metrics: five 1–10 ratings, stored as TEXT as the design document has it.

The shared app may have written any text into ``type`` and ``value``. Series and
averages use only rows that are a known metric with a whole-number rating from 1 to 10;
``unusable_ratings`` lists the others as they are, so the user is told what was left out.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, not_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import naive_utc
from core.text import clean_text
from core.vocab import MetricType, parse_metric_type, parse_metric_value
from db.models import Metric

NOTES_MAX_CHARS = 500

Series = dict[MetricType, list[tuple[datetime, int]]]


async def record_metric(
    session: AsyncSession,
    user_id: uuid.UUID,
    metric_type: MetricType | str,
    value: int | str,
    notes: str | None = None,
    *,
    at: datetime | None = None,
) -> Metric:
    kind = parse_metric_type(metric_type)
    rating = parse_metric_value(value)
    note = None
    if notes is not None:
        note = clean_text(notes, what="note", max_chars=NOTES_MAX_CHARS, allow_empty=True) or None
    metric = Metric(user_id=user_id, type=kind.value, value=str(rating), notes=note)
    if at is not None:
        metric.created_at = naive_utc(at)
    session.add(metric)
    await session.flush()
    return metric


def _parse(kind: str, value: str) -> tuple[MetricType, int] | None:
    try:
        return parse_metric_type(kind), parse_metric_value(value)
    except ValueError:  # VocabularyError, or int() of an odd Unicode digit
        return None


async def _valid_rows(
    session: AsyncSession, user_id: uuid.UUID, start: datetime, end: datetime | None
) -> list[tuple[MetricType, int, datetime]]:
    query = select(Metric.type, Metric.value, Metric.created_at).where(
        Metric.user_id == user_id, Metric.created_at >= naive_utc(start)
    )
    if end is not None:
        query = query.where(Metric.created_at < naive_utc(end))
    rows = await session.execute(query.order_by(Metric.created_at, Metric.id))
    valid = []
    for kind, value, created_at in rows:
        parsed = _parse(kind, value)
        if parsed is not None:
            valid.append((parsed[0], parsed[1], created_at))
    return valid


async def metric_series(session: AsyncSession, user_id: uuid.UUID, since: datetime) -> Series:
    """Every valid rating since ``since``, per metric (all five keys present), oldest first."""
    series: Series = {kind: [] for kind in MetricType}
    for kind, value, created_at in await _valid_rows(session, user_id, since, None):
        series[kind].append((created_at, value))
    return series


async def metric_averages(
    session: AsyncSession, user_id: uuid.UUID, start: datetime, end: datetime
) -> dict[MetricType, float]:
    """Mean rating per metric over [start, end); metrics without ratings are left out."""
    totals: dict[MetricType, list[int]] = {}
    for kind, value, _ in await _valid_rows(session, user_id, start, end):
        totals.setdefault(kind, []).append(value)
    return {kind: sum(values) / len(values) for kind, values in totals.items()}


async def count_checkins(session: AsyncSession, user_id: uuid.UUID) -> int:
    """Check-ins so far: distinct minutes (UTC) with at least one metric recorded.

    A check-in stores its ratings together, so they share a minute; ratings recorded
    separately in the same minute count once.
    """
    count = await session.scalar(
        select(func.count(func.distinct(func.date_trunc("minute", Metric.created_at)))).where(
            Metric.user_id == user_id
        )
    )
    return count or 0


async def stream_metric_series(
    session: AsyncSession, user_id: uuid.UUID, since: datetime, *, chunk: int = 500
) -> Series:
    """What ``metric_series`` returns, read ``chunk`` rows at a time (a server-side cursor).

    A year of ratings can be thousands of rows; read at once, turning them into Python
    objects holds the event loop for long stretches. Between chunks other updates run.
    """
    series: Series = {kind: [] for kind in MetricType}
    result = await session.stream(
        select(Metric.type, Metric.value, Metric.created_at)
        .where(Metric.user_id == user_id, Metric.created_at >= naive_utc(since))
        .order_by(Metric.created_at, Metric.id)
        .execution_options(yield_per=chunk)
    )
    async for rows in result.partitions():
        for kind, value, created_at in rows:
            parsed = _parse(kind, value)
            if parsed is not None:
                series[parsed[0]].append((created_at, parsed[1]))
    return series


@dataclass(frozen=True)
class UnusableRating:
    """A metrics row charts and averages leave out, with its columns as stored."""

    type: str
    value: str
    created_at: datetime


async def unusable_ratings(
    session: AsyncSession,
    user_id: uuid.UUID,
    start: datetime,
    end: datetime | None = None,
) -> list[UnusableRating]:
    """Rows in [start, end) that ``metric_series`` and ``metric_averages`` skip, oldest first."""
    # Rows that are certainly usable are left out in SQL; the rest get the full check.
    certainly_usable = and_(
        Metric.value.op("~")("^(10|[1-9])$"), Metric.type.in_([kind.value for kind in MetricType])
    )
    query = select(Metric.type, Metric.value, Metric.created_at).where(
        Metric.user_id == user_id,
        Metric.created_at >= naive_utc(start),
        not_(certainly_usable),
    )
    if end is not None:
        query = query.where(Metric.created_at < naive_utc(end))
    rows = await session.execute(query.order_by(Metric.created_at, Metric.id))
    return [
        UnusableRating(kind, value, created_at)
        for kind, value, created_at in rows
        if _parse(kind, value) is None
    ]
