"""Writing streaks, counted in the user's local calendar days."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

_ONE_DAY = timedelta(days=1)


def local_date(instant_utc: datetime, tz: str) -> date:
    """The calendar date the user saw on their clock at ``instant_utc``."""
    if instant_utc.tzinfo is None or instant_utc.utcoffset() is None:
        raise ValueError("instant_utc must be an aware datetime")
    return instant_utc.astimezone(ZoneInfo(tz)).date()


def current_streak(days: Iterable[date], today: date) -> int:
    """Consecutive days with an entry, ending today or yesterday.

    A streak that ended yesterday still counts: the user has until the end of
    today to keep it alive. Entries dated after ``today`` are ignored.
    """
    written = set(days)
    end = today if today in written else today - _ONE_DAY
    streak = 0
    while end in written:
        streak += 1
        end -= _ONE_DAY
    return streak


def longest_streak(days: Iterable[date]) -> int:
    """Length of the longest run of consecutive days with at least one entry."""
    written = set(days)
    best = 0
    for day in written:
        if day - _ONE_DAY in written:
            continue  # not the start of a run
        length = 1
        while day + timedelta(days=length) in written:
            length += 1
        best = max(best, length)
    return best


def _same_day_in_month(today: date, candidate: date) -> bool:
    """Whether ``candidate`` is the monthly anniversary that ``today`` stands for.

    On the last day of a short month, entries from later days of longer months
    count too (on 30 April we show 31 March), so those entries resurface
    every month rather than only in 31-day months.
    """
    if candidate.day == today.day:
        return True
    month_end = calendar.monthrange(today.year, today.month)[1]
    return today.day == month_end and candidate.day > month_end


def on_this_day(today: date, candidates: Iterable[date]) -> list[date]:
    """Earlier dates worth revisiting today, newest first, without duplicates.

    Includes the same day of the month in earlier months (and therefore the
    same date in earlier years). On the last day of a month, later days of
    longer months are included as well: Feb 28 in a common year shows Feb 29
    of leap years plus the 29th-31st of other months; Apr 30 shows Mar 31.
    On Feb 29 itself only the 29th of earlier months matches.
    """
    matches = {day for day in candidates if day < today and _same_day_in_month(today, day)}
    return sorted(matches, reverse=True)
