"""Date filters typed after a command (``/entries 2026-11``), read on the user's calendar.

``parse`` turns the words into a range of local dates, ``[start, end)``; the caller
converts it to instants in the user's time zone. Pure: "today" is passed in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

EXAMPLES = (
    "today, yesterday, this week, last week, this month, last month, 2026, 2026-11, 2026-11-05"
)

_YEAR = re.compile(r"(\d{4})")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_LAST_N_DAYS = re.compile(r"(?:last|past) (\d{1,3}) days?")
_MIN_YEAR, _MAX_YEAR = 1970, 9998


@dataclass(frozen=True)
class DateRange:
    start: date  # first local day included
    end: date  # first local day after the range
    label: str  # for headings: "last week (23–29 Nov 2026)"


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _span(start: date, end: date) -> str:
    last = end - timedelta(days=1)
    if start == last:
        return f"{start.day} {start:%b %Y}"
    if start.year != last.year:
        return f"{start.day} {start:%b %Y} – {last.day} {last:%b %Y}"
    if start.month != last.month:
        return f"{start.day} {start:%b} – {last.day} {last:%b %Y}"
    return f"{start.day}–{last.day} {last:%b %Y}"


def parse(text: str, today: date) -> DateRange | None:
    """The range ``text`` names, or None when it names none (or an impossible date).

    Weeks start on Monday. Ranges are not clipped to today: "this month" includes its
    remaining days, which simply have no entries yet.
    """
    words = " ".join(text.lower().split())
    if words in ("today", "yesterday"):
        day = today if words == "today" else today - timedelta(days=1)
        return DateRange(
            day, day + timedelta(days=1), f"{words} ({_span(day, day + timedelta(1))})"
        )
    if words in ("this week", "last week"):
        monday = today - timedelta(days=today.weekday())
        if words == "last week":
            monday -= timedelta(days=7)
        end = monday + timedelta(days=7)
        return DateRange(monday, end, f"{words} ({_span(monday, end)})")
    if words in ("this month", "last month"):
        start = _month_start(today)
        if words == "last month":
            start = _month_start(start - timedelta(days=1))
        return DateRange(start, _next_month(start), f"{words} ({start:%B %Y})")
    if words in ("this year", "last year"):
        year = today.year - (words == "last year")
        return DateRange(date(year, 1, 1), date(year + 1, 1, 1), f"{words} ({year})")
    if match := _LAST_N_DAYS.fullmatch(words):
        count = int(match.group(1))
        if count < 1:
            return None
        start = today - timedelta(days=count - 1)
        end = today + timedelta(days=1)
        return DateRange(start, end, f"the last {count} days ({_span(start, end)})")
    try:
        if match := _DAY.fullmatch(words):
            day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            if not _MIN_YEAR <= day.year <= _MAX_YEAR:
                return None
            end = day + timedelta(days=1)
            return DateRange(day, end, _span(day, end))
        if match := _MONTH.fullmatch(words):
            start = date(int(match.group(1)), int(match.group(2)), 1)
            if not _MIN_YEAR <= start.year <= _MAX_YEAR:
                return None
            return DateRange(start, _next_month(start), f"{start:%B %Y}")
    except ValueError:  # 2026-13, 2026-02-30
        return None
    if match := _YEAR.fullmatch(words):
        year = int(match.group(1))
        if not _MIN_YEAR <= year <= _MAX_YEAR:
            return None
        return DateRange(date(year, 1, 1), date(year + 1, 1, 1), str(year))
    return None


def span_label(start: date, end: date) -> str:
    """A heading for any range (a button carries only its dates)."""
    if start.day == 1 and end == _next_month(start):
        return f"{start:%B %Y}"
    if (start.month, start.day, end.month, end.day) == (1, 1, 1, 1) and end.year == start.year + 1:
        return str(start.year)
    return _span(start, end)
