"""Date filters typed after a command (``/entries 2026-11``), read on the user's calendar.

``parse`` turns the words into a range of local dates, ``[start, end)``; the caller
converts it to instants in the user's time zone. Pure: "today" is passed in. The words
typed are English in every language; the labels shown are in the user's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from core.i18n import N_, _, ngettext
from core.localdates import month_text, span_text

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
    return span_text(start, end - timedelta(days=1))


# The heading of each keyword's range, by the keyword typed.
_LABELS: Final = {
    "today": N_("today ({span})"),
    "yesterday": N_("yesterday ({span})"),
    "this week": N_("this week ({span})"),
    "last week": N_("last week ({span})"),
    "this month": N_("this month ({month})"),
    "last month": N_("last month ({month})"),
    "this year": N_("this year ({year})"),
    "last year": N_("last year ({year})"),
}


def parse(text: str, today: date) -> DateRange | None:
    """The range ``text`` names, or None when it names none (or an impossible date).

    Weeks start on Monday. Ranges are not clipped to today: "this month" includes its
    remaining days, which simply have no entries yet.
    """
    words = " ".join(text.lower().split())
    if words in ("today", "yesterday"):
        day = today if words == "today" else today - timedelta(days=1)
        end = day + timedelta(days=1)
        return DateRange(day, end, _(_LABELS[words]).format(span=_span(day, end)))
    if words in ("this week", "last week"):
        monday = today - timedelta(days=today.weekday())
        if words == "last week":
            monday -= timedelta(days=7)
        end = monday + timedelta(days=7)
        return DateRange(monday, end, _(_LABELS[words]).format(span=_span(monday, end)))
    if words in ("this month", "last month"):
        start = _month_start(today)
        if words == "last month":
            start = _month_start(start - timedelta(days=1))
        label = _(_LABELS[words]).format(month=month_text(start))
        return DateRange(start, _next_month(start), label)
    if words in ("this year", "last year"):
        year = today.year - (words == "last year")
        label = _(_LABELS[words]).format(year=year)
        return DateRange(date(year, 1, 1), date(year + 1, 1, 1), label)
    if match := _LAST_N_DAYS.fullmatch(words):
        count = int(match.group(1))
        if count < 1:
            return None
        start = today - timedelta(days=count - 1)
        end = today + timedelta(days=1)
        label = ngettext("the last {n} days ({span})", "the last {n} days ({span})", count).format(
            n=count, span=_span(start, end)
        )
        return DateRange(start, end, label)
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
            return DateRange(start, _next_month(start), month_text(start))
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
        return month_text(start)
    if (start.month, start.day, end.month, end.day) == (1, 1, 1, 1) and end.year == start.year + 1:
        return str(start.year)
    return _span(start, end)
