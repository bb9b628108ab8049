"""Reminder scheduling maths: when is the next reminder due, in UTC?

Rules are expressed in the user's local wall-clock time; all instants passed in
and returned are aware UTC datetimes. Only the standard library's ``zoneinfo`` is used.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from core.i18n import _
from core.vocab import parse_timezone

Frequency = Literal["daily", "weekly", "monthly"]


@dataclass(frozen=True)
class ReminderRule:
    frequency: Frequency
    time_of_day: time
    weekday: int = 0  # 0=Monday, used when weekly
    day_of_month: int = 1  # 1..31, used when monthly; clamped to the month's last day

    def __post_init__(self) -> None:
        if self.frequency not in ("daily", "weekly", "monthly"):
            raise ValueError(f"Unknown frequency {self.frequency!r}")
        if not 0 <= self.weekday <= 6:
            raise ValueError("weekday must be 0 (Monday) .. 6 (Sunday)")
        if not 1 <= self.day_of_month <= 31:
            raise ValueError("day_of_month must be 1..31")
        if not isinstance(self.time_of_day, time) or self.time_of_day.tzinfo is not None:
            raise ValueError("time_of_day is local wall-clock time and must be naive")


# ---------------------------------------------------------------------------
# Next reminder


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")


def _candidate_dates(rule: ReminderRule, start: date) -> Iterator[date]:
    """Local dates >= start on which the rule fires, in order."""
    if rule.frequency == "daily":
        day = start
        while True:
            yield day
            day += timedelta(days=1)
    elif rule.frequency == "weekly":
        day = start + timedelta(days=(rule.weekday - start.weekday()) % 7)
        while True:
            yield day
            day += timedelta(days=7)
    else:
        year, month = start.year, start.month
        while True:
            last = calendar.monthrange(year, month)[1]
            day = date(year, month, min(rule.day_of_month, last))
            if day >= start:
                yield day
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _gap_end(zone: ZoneInfo, local: datetime) -> datetime:
    """First valid instant (UTC) after the DST gap that swallowed ``local``.

    Interpreting the missing wall time with the offset after the gap gives an
    instant before the transition, with the offset before the gap one after it;
    the transition sits in between and is found by bisection on whole seconds.
    """
    early = local.replace(tzinfo=zone, fold=1).astimezone(UTC)
    late = local.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if early > late:
        early, late = late, early
    after_offset = late.astimezone(zone).utcoffset()
    lo, hi = 0, int((late - early).total_seconds())
    while lo < hi:
        mid = (lo + hi) // 2
        if (early + timedelta(seconds=mid)).astimezone(zone).utcoffset() == after_offset:
            hi = mid
        else:
            lo = mid + 1
    return early + timedelta(seconds=lo)


def _local_to_utc(zone: ZoneInfo, local: datetime) -> datetime:
    """Map a naive local wall time to UTC, resolving DST edge cases.

    Ambiguous times (fall back) take the first occurrence (fold=0); times inside
    a spring-forward gap fire at the end of the gap, so the reminder is neither
    skipped nor doubled.
    """
    instant = local.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == local:
        return instant
    return _gap_end(zone, local)


def next_reminder(rule: ReminderRule, tz: str, after: datetime) -> datetime:
    """The first UTC instant strictly after ``after`` at which ``rule`` is due in ``tz``.

    A wall time skipped by a spring-forward gap fires when the gap ends (02:30
    -> 03:00 local); a repeated one (fall back) fires once, at its first
    occurrence. ``tz`` must be a valid zone name (see ``validate_timezone``).
    """
    _require_aware(after, "after")
    zone = ZoneInfo(tz)
    after = after.astimezone(UTC)
    # Start a day early: a gap-shifted time from the previous local date may still lie ahead.
    start = after.astimezone(zone).date() - timedelta(days=1)
    for day in _candidate_dates(rule, start):
        due = _local_to_utc(zone, datetime.combine(day, rule.time_of_day))
        if due > after:
            return due
    raise AssertionError("unreachable: candidate dates are infinite")


def catch_up(
    rule: ReminderRule, tz: str, last_due: datetime, now: datetime
) -> tuple[bool, datetime]:
    """Decide what to do after downtime.

    Returns ``(send_now, next_due)``. However many periods were missed, at most
    one reminder is sent now; the schedule then resumes from ``now``.
    """
    _require_aware(last_due, "last_due")
    _require_aware(now, "now")
    if last_due <= now:
        return True, next_reminder(rule, tz, now)
    return False, last_due.astimezone(UTC)


# ---------------------------------------------------------------------------
# Parsing user input


def validate_timezone(name: str) -> str:
    """Canonical IANA spelling of ``name``; ValueError with a friendly message if unknown.

    The one rule lives with the other vocabularies (core.vocab.parse_timezone, a pure
    function); its VocabularyError is a ValueError.
    """
    return parse_timezone(name)


_TIME_RE = re.compile(
    r"(?P<hour>\d{1,2})(?:\s*[:.h]\s*(?P<minute>\d{2}))?\s*(?P<ampm>[ap])?(?:\.?\s*m\.?)?",
)
_TIME_WORDS = {"noon": time(12, 0), "midday": time(12, 0), "midnight": time(0, 0)}


def parse_time_of_day(text: str) -> time:
    """Parse "7", "07:30", "19:05", "7pm", "7:30 am", "noon" into a naive time."""
    cleaned = text.strip().lower()
    if cleaned in _TIME_WORDS:
        return _TIME_WORDS[cleaned]
    match = _TIME_RE.fullmatch(cleaned)
    # "7m" would match the optional "m" on its own; demand the a/p when an m is present.
    if match is None or (match["ampm"] is None and cleaned.endswith("m")):
        raise ValueError(
            _("Couldn't read '{text}' as a time. Try 07:30, 19:05 or 7pm.").format(
                text=text.strip()[:20]
            )
        )
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    if match["ampm"] is not None:
        if not 1 <= hour <= 12:
            raise ValueError(_("With am/pm the hour must be between 1 and 12, e.g. 7pm."))
        hour = hour % 12 + (12 if match["ampm"] == "p" else 0)
    if hour > 23:
        raise ValueError(_("The hour must be between 0 and 23, e.g. 07:30 or 19:05."))
    if minute > 59:
        raise ValueError(_("The minutes must be between 00 and 59, e.g. 07:30."))
    return time(hour, minute)
