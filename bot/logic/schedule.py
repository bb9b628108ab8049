"""Reminder scheduling maths: when is the next reminder due, in UTC?

Rules are expressed in the user's local wall-clock time; all instants passed in
and returned are aware UTC datetimes. Only the standard library's ``zoneinfo`` is used.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from importlib import resources
from typing import Literal
from zoneinfo import ZoneInfo

from db.vocab import parse_timezone

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

    The one rule lives with the other vocabularies (db.vocab.parse_timezone, a pure
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
        raise ValueError(f"Couldn't read '{text.strip()[:20]}' as a time. Try 07:30, 19:05 or 7pm.")
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    if match["ampm"] is not None:
        if not 1 <= hour <= 12:
            raise ValueError("With am/pm the hour must be between 1 and 12, e.g. 7pm.")
        hour = hour % 12 + (12 if match["ampm"] == "p" else 0)
    if hour > 23:
        raise ValueError("The hour must be between 0 and 23, e.g. 07:30 or 19:05.")
    if minute > 59:
        raise ValueError("The minutes must be between 00 and 59, e.g. 07:30.")
    return time(hour, minute)


# ---------------------------------------------------------------------------
# Time zone suggestions (hints for the user to confirm, never applied silently)

# Common zones, most widely used first within each region.
_COMMON_ZONES = (
    "Pacific/Pago_Pago", "Pacific/Honolulu", "Pacific/Marquesas", "America/Anchorage",
    "America/Los_Angeles", "America/Vancouver", "America/Tijuana", "America/Denver",
    "America/Phoenix", "America/Edmonton", "America/Chicago", "America/Mexico_City",
    "America/Winnipeg", "America/Guatemala", "America/New_York", "America/Toronto",
    "America/Bogota", "America/Lima", "America/Havana", "America/Caracas", "America/Halifax",
    "America/Santiago", "America/La_Paz", "America/Puerto_Rico", "America/St_Johns",
    "America/Sao_Paulo", "America/Argentina/Buenos_Aires", "America/Montevideo",
    "America/Noronha", "Atlantic/South_Georgia", "Atlantic/Azores", "Atlantic/Cape_Verde",
    "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Africa/Abidjan", "UTC", "Europe/Berlin",
    "Europe/Paris", "Europe/Madrid", "Europe/Rome", "Europe/Warsaw", "Europe/Amsterdam",
    "Africa/Lagos", "Africa/Casablanca", "Europe/Kyiv", "Europe/Athens", "Europe/Helsinki",
    "Europe/Bucharest", "Africa/Cairo", "Africa/Johannesburg", "Asia/Jerusalem",
    "Europe/Istanbul", "Europe/Moscow", "Asia/Riyadh", "Africa/Nairobi", "Asia/Baghdad",
    "Asia/Tehran", "Asia/Dubai", "Asia/Baku", "Europe/Samara", "Asia/Kabul", "Asia/Karachi",
    "Asia/Tashkent", "Asia/Yekaterinburg", "Asia/Kolkata", "Asia/Colombo", "Asia/Kathmandu",
    "Asia/Dhaka", "Asia/Almaty", "Asia/Yangon", "Asia/Bangkok", "Asia/Jakarta",
    "Asia/Ho_Chi_Minh", "Asia/Novosibirsk", "Asia/Shanghai", "Asia/Singapore", "Asia/Hong_Kong",
    "Asia/Manila", "Asia/Taipei", "Australia/Perth", "Australia/Eucla", "Asia/Tokyo",
    "Asia/Seoul", "Asia/Jayapura", "Australia/Adelaide", "Australia/Darwin", "Australia/Sydney",
    "Australia/Melbourne", "Australia/Brisbane", "Pacific/Guam", "Asia/Vladivostok",
    "Australia/Lord_Howe", "Pacific/Noumea", "Pacific/Guadalcanal", "Pacific/Auckland",
    "Pacific/Fiji", "Asia/Kamchatka", "Pacific/Chatham", "Pacific/Tongatapu", "Pacific/Apia",
    "Pacific/Kiritimati",
)  # fmt: skip
_MAX_SUGGESTIONS = 8


def _offsets_minutes(zone: str, year: int) -> tuple[int, int]:
    """(standard, daylight) offsets in minutes, sampled in January and July."""
    info = ZoneInfo(zone)
    samples = []
    for month in (1, 7):
        offset = datetime(year, month, 15, 12, tzinfo=UTC).astimezone(info).utcoffset()
        assert offset is not None
        samples.append(int(offset.total_seconds()) // 60)
    return min(samples), max(samples)


def suggest_timezones(utc_offset_minutes: int, *, year: int | None = None) -> list[str]:
    """Common zones that use ``utc_offset_minutes``, standard-time matches first.

    Zones whose summer offset matches follow, so a user who reports their current
    clock during DST still sees their zone. ``year`` selects which rules apply
    (default: this year). Falls back to an ``Etc/GMT`` zone for whole hours.
    """
    year = year or datetime.now(UTC).year
    standard: list[str] = []
    daylight: list[str] = []
    for zone in _COMMON_ZONES:
        std, dst = _offsets_minutes(zone, year)
        if std == utc_offset_minutes:
            standard.append(zone)
        elif dst == utc_offset_minutes:
            daylight.append(zone)
    found = (standard + daylight)[:_MAX_SUGGESTIONS]
    if not found and utc_offset_minutes % 60 == 0 and -12 <= utc_offset_minutes // 60 <= 14:
        hours = utc_offset_minutes // 60
        # POSIX sign convention: Etc/GMT-3 is three hours *ahead* of UTC.
        found = [f"Etc/GMT{-hours:+d}"]
    return found


@cache
def _zone_coordinates() -> tuple[tuple[str, float, float], ...]:
    """(zone, lat, lon) of each zone's principal city from tzdata's zone1970.tab."""
    try:
        table = resources.files("tzdata.zoneinfo").joinpath("zone1970.tab").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):  # pragma: no cover - tzdata is a dependency
        return ()
    rows = []
    for line in table.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        fields = line.split("\t")
        coords = re.fullmatch(r"([+-]\d{4,6})([+-]\d{5,7})", fields[1])
        if coords is not None:
            rows.append((fields[2], _iso6709(coords[1], 2), _iso6709(coords[2], 3)))
    return tuple(rows)


def _iso6709(value: str, degree_digits: int) -> float:
    """Convert ±DDMM[SS] / ±DDDMM[SS] to decimal degrees."""
    digits = value[1:]
    degrees = int(digits[:degree_digits])
    minutes = int(digits[degree_digits : degree_digits + 2])
    seconds = int(digits[degree_digits + 2 :] or 0)
    result = degrees + minutes / 60 + seconds / 3600
    return -result if value[0] == "-" else result


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742 * math.asin(math.sqrt(min(1.0, a)))


def timezone_from_location(lat: float, lon: float, *, year: int | None = None) -> list[str]:
    """A rough, SUGGESTION-ONLY list of zones for a shared location; ask the user to confirm.

    The first entries are the zones whose reference city (tzdata's zone1970.tab) is
    nearest; then come common zones for the offset the longitude implies (15° per
    hour), which ignores political borders and can be off by an hour or more.
    """
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError("Latitude must be within ±90 and longitude within ±180 degrees.")
    by_distance = sorted(_zone_coordinates(), key=lambda z: _distance_km(lat, lon, z[1], z[2]))
    nearest = [zone for zone, _, _ in by_distance[:3]]
    by_offset = suggest_timezones(round(lon / 15) * 60, year=year)
    return list(dict.fromkeys(nearest + by_offset))[:_MAX_SUGGESTIONS]
