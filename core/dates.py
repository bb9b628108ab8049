"""Dates as people type them (goal target dates) and calendar months in a time zone."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from core.i18n import _, month_name

MAX_YEARS_AHEAD: Final = 100


class DateInputError(ValueError):
    """A typed date that cannot be used; the message is written for the user."""


_MONTHS: Final = {
    name: number
    for number in range(1, 13)
    for name in {calendar.month_name[number].lower(), calendar.month_abbr[number].lower()}
} | {"sept": 9}
_WEEKDAYS: Final = {
    name: number
    for number in range(7)
    for name in {calendar.day_name[number].lower(), calendar.day_abbr[number].lower()}
}
_NUMBER_WORDS: Final = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "six": 6}
_ISO_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DOTTED_RE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_DAY_MONTH_RE = re.compile(r"(\d{1,2})(?:st|nd|rd|th)? (?:of )?([a-z]+)\.?(?: (\d{4}))?")
_MONTH_DAY_RE = re.compile(r"([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?(?: (\d{4}))?")
_IN_RE = re.compile(r"in (\d{1,3}|[a-z]+) (day|week|month)s?")


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, moved back to the month's last day when it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def end_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def date_examples(today: date) -> str:
    """Dates the parser reads, to fill "Send a date like {examples}." ("tomorrow" and the
    English month are what the parser understands, in every language)."""
    sample = add_months(today, 1)
    return _("{iso}, {day_month} or tomorrow").format(
        iso=sample.isoformat(),
        day_month=f"{sample.day} {calendar.month_abbr[sample.month]}",
        dotted=f"{sample.day:02d}.{sample.month:02d}.{sample.year}",
    )


def _calendar_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateInputError(
            _("There's no day {day} in {month} {year}.").format(
                day=day, month=month_name(month, "wide"), year=year
            )
            if 1 <= month <= 12
            else _("There's no month {month}: months go from 1 to 12.").format(month=month)
        ) from None


def _without_year(month: int, day: int, today: date) -> date:
    """A day and month with no year: the next time it comes round (today included)."""
    for year in (today.year, today.year + 1):
        try:
            found = date(year, month, day)
        except ValueError:  # 29 Feb outside a leap year: try the next year
            continue
        if found >= today:
            return found
    return _calendar_date(today.year + 1, month, day)  # raises: e.g. 31 Apr


def parse_target_date(text: str, today: date) -> date:
    """A target date as a person types it: 2026-12-31, 31.12.2026, 31 Dec, Dec 31 2026,
    today, tomorrow, Friday, next week, in 3 days, end of month. Raises DateInputError with a
    message for the user; does not check whether the date is in the past."""
    wanted = " ".join(text.lower().replace(",", " ").split())
    unreadable = DateInputError(
        _("I couldn't read “{text}” as a date. Send it like {examples}.").format(
            text=text.strip()[:40], examples=date_examples(today)
        )
    )
    simple = {
        "today": today,
        "tomorrow": today + timedelta(days=1),
        "next week": today + timedelta(days=7),
        "next month": add_months(today, 1),
        "end of month": end_of_month(today),
        "end of the month": end_of_month(today),
    }
    if wanted in simple:
        return simple[wanted]
    weekday = _WEEKDAYS.get(wanted.removeprefix("next ").removeprefix("on "))
    if weekday is not None:
        return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
    if match := _IN_RE.fullmatch(wanted):
        amount, unit = match.group(1), match.group(2)
        count = int(amount) if amount.isdigit() else _NUMBER_WORDS.get(amount)
        if count is None:
            raise unreadable
        if unit == "month":
            return add_months(today, count)
        return today + timedelta(days=count * (7 if unit == "week" else 1))
    if match := _ISO_RE.fullmatch(wanted):
        found = _calendar_date(int(match[1]), int(match[2]), int(match[3]))
    elif match := _DOTTED_RE.fullmatch(wanted):
        found = _calendar_date(int(match[3]), int(match[2]), int(match[1]))
    elif (match := _DAY_MONTH_RE.fullmatch(wanted)) and match[2] in _MONTHS:
        day, month = int(match[1]), _MONTHS[match[2]]
        year = match[3]
        found = _calendar_date(int(year), month, day) if year else _without_year(month, day, today)
    elif (match := _MONTH_DAY_RE.fullmatch(wanted)) and match[1] in _MONTHS:
        day, month = int(match[2]), _MONTHS[match[1]]
        year = match[3]
        found = _calendar_date(int(year), month, day) if year else _without_year(month, day, today)
    else:
        raise unreadable
    if found.year > today.year + MAX_YEARS_AHEAD:
        raise DateInputError(
            _("That's a very long way off. Pick a date within the next {years} years.").format(
                years=MAX_YEARS_AHEAD
            )
        )
    return found


def month_start(now: datetime, tz: str, *, shift: int = 0) -> datetime:
    """The start (aware, UTC) of the calendar month in time zone ``tz`` at ``now`` (aware),
    or of the month ``shift`` months later (negative: earlier)."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    zone = ZoneInfo(tz)
    local = now.astimezone(zone)
    year, month = divmod(local.year * 12 + local.month - 1 + shift, 12)
    return datetime(year, month + 1, 1, tzinfo=zone).astimezone(UTC)
