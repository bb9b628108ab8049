"""Days, months and ranges of days as users read them, in the current language.

English keeps the bot's own compact forms ("5 Mar 2024", "23–29 Nov 2026"); other
languages take CLDR's through Babel's skeletons and intervals ("5. März 2024",
"23–29 нояб. 2026 г."), so word order, case and dots are the locale's.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_interval, format_skeleton

from core import i18n
from core.i18n import ngettext


def _english() -> bool:
    return i18n.current() == i18n.DEFAULT


def _skeleton(skeleton: str, value: date) -> str:
    return format_skeleton(skeleton, value, locale=i18n.locale(i18n.current()))


def day_text(day: date) -> str:
    """``5 Mar 2024``."""
    if _english():
        return f"{day.day} {day:%b %Y}"
    return _skeleton("yMMMd", day)


def long_day_text(day: date) -> str:
    """``Tuesday, 5 March 2024``."""
    if _english():
        return f"{day:%A}, {day.day} {day:%B %Y}"
    return i18n.day(day, "full")


def month_text(day: date) -> str:
    """``March 2024``: the month ``day`` falls in."""
    if _english():
        return f"{day:%B %Y}"
    return _skeleton("yMMMM", day)


def time_text(moment: datetime) -> str:
    """``14:30`` (24-hour, as the bot has always shown times)."""
    return f"{moment:%H:%M}"


def span_text(start: date, last: date) -> str:
    """The days ``start`` to ``last``, both included: ``23–29 Nov 2026``."""
    if _english():
        if start == last:
            return day_text(start)
        if start.year != last.year:
            return f"{day_text(start)} – {day_text(last)}"
        if start.month != last.month:
            return f"{start.day} {start:%b} – {day_text(last)}"
        return f"{start.day}–{last.day} {last:%b %Y}"
    if start == last:
        return day_text(start)
    return format_interval(start, last, "yMMMd", locale=i18n.locale(i18n.current()))


def as_local(moment: datetime, tz: str) -> datetime:
    """A stored timestamp (naive UTC) on the user's clock."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(tz))


def moment_text(moment: datetime, tz: str) -> str:
    """``5 Mar 2024 14:30`` in the user's time zone."""
    local = as_local(moment, tz)
    return f"{day_text(local.date())} {time_text(local)}"


def ago_text(today: date, day: date) -> str:
    months = (today.year - day.year) * 12 + today.month - day.month
    years, rest = divmod(months, 12)
    if years and rest:
        # Two counts in one sentence: the years choose the form, the months come whole.
        months_text = ngettext("{n} month", "{n} months", rest).format(n=rest)
        return ngettext("{n} year and {months} ago", "{n} years and {months} ago", years).format(
            n=years, months=months_text
        )
    if years:
        return ngettext("{n} year ago", "{n} years ago", years).format(n=years)
    return ngettext("{n} month ago", "{n} months ago", rest).format(n=rest)
