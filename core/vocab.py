"""The documented vocabularies, validated in one place.

Every value the design document restricts (metric types and their 1–10 scale, goal
sources, reminder frequencies, font sizes, journal visibility) is checked here so that
handlers and the data layer reject bad input with the same clear message.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import cache
from typing import Final, TypeVar
from zoneinfo import available_timezones

from core.i18n import N_, _


class VocabularyError(ValueError):
    """A value outside a documented vocabulary; the message is safe to show a user."""


class MetricType(StrEnum):
    RESILIENCE = "resilience"
    EFFORT = "effort"
    CHALLENGE = "challenge"
    FEEDBACK = "feedback"
    LEARNING = "learning"


# Shown translated (``_``); marked here for the catalog.
METRIC_DESCRIPTIONS: dict[MetricType, str] = {
    MetricType.RESILIENCE: N_("Ability to bounce back from setbacks"),
    MetricType.EFFORT: N_("Effort put into improvement"),
    MetricType.CHALLENGE: N_("Willingness to take on challenges"),
    MetricType.FEEDBACK: N_("Openness to feedback"),
    MetricType.LEARNING: N_("Commitment to learning"),
}

METRIC_MIN = 1
METRIC_MAX = 10


class GoalSource(StrEnum):
    AI_GENERATED = "ai_generated"
    USER_CREATED = "user_created"


class ReminderFrequency(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


class FontSize(StrEnum):
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


class JournalVisibility(StrEnum):
    PRIVATE = "private"
    SHARED = "shared"


_E = TypeVar("_E", bound=StrEnum)

_LABELS: dict[type[StrEnum], str] = {
    MetricType: "metric",
    GoalSource: "goal source",
    ReminderFrequency: "reminder frequency",
    FontSize: "font size",
    JournalVisibility: "journal visibility",
}


def parse_choice(enum: type[_E], value: object) -> _E:
    """Return the member named by ``value`` (case-insensitive) or raise VocabularyError."""
    if isinstance(value, str):
        try:
            return enum(value.strip().lower())
        except ValueError:
            pass
    label = _LABELS.get(enum, enum.__name__)
    choices = ", ".join(m.value for m in enum)
    shown = repr(value) if not isinstance(value, str) else f"'{value[:40]}'"
    raise VocabularyError(f"{shown} is not a valid {label}. Choose one of: {choices}.")


def parse_metric_type(value: object) -> MetricType:
    return parse_choice(MetricType, value)


def parse_metric_value(value: object) -> int:
    """A metric rating: a whole number from 1 to 10 (int or its text)."""
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 3:
        number = int(value.strip())
    if number is None or not METRIC_MIN <= number <= METRIC_MAX:
        raise VocabularyError(
            _("A rating must be a whole number from {low} to {high}, not '{value}'.").format(
                low=METRIC_MIN, high=METRIC_MAX, value=str(value)[:20]
            )
        )
    return number


def parse_goal_source(value: object) -> GoalSource:
    return parse_choice(GoalSource, value)


def parse_reminder_frequency(value: object) -> ReminderFrequency:
    return parse_choice(ReminderFrequency, value)


def parse_font_size(value: object) -> FontSize:
    return parse_choice(FontSize, value)


def parse_journal_visibility(value: object) -> JournalVisibility:
    return parse_choice(JournalVisibility, value)


_TZ_CHARS = re.compile(r"[A-Za-z0-9/_+\-]+")
_TZ_EXCLUDED = {"localtime", "posixrules", "Factory"}  # not zones a person lives in


@cache
def _zones_by_lower_name() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones() - _TZ_EXCLUDED}


def parse_timezone(name: object) -> str:
    """The canonical IANA spelling of ``name`` (any case, spaces for underscores)."""
    cleaned = name.strip().replace(" ", "_") if isinstance(name, str) else ""
    if not cleaned:
        raise VocabularyError(
            _("Please send a time zone name. Use a name like Europe/Berlin or America/New_York.")
        )
    # Never hand arbitrary strings to ZoneInfo (it reads files); only table matches pass.
    if len(cleaned) > 64 or not _TZ_CHARS.fullmatch(cleaned) or ".." in cleaned:
        raise VocabularyError(
            _(
                "That doesn't look like a time zone. "
                "Use a name like Europe/Berlin or America/New_York."
            )
        )
    canonical = _zones_by_lower_name().get(cleaned.lower())
    if canonical is None:
        raise VocabularyError(
            _(
                "Unknown time zone '{name}'. Use a name like Europe/Berlin or America/New_York."
            ).format(name=cleaned)
        )
    return canonical


# Zones whose standard time is a fractional offset, for offsets written as "+05:30".
_FRACTIONAL_OFFSET_ZONES: Final[dict[int, str]] = {
    -570: "Pacific/Marquesas",
    -210: "America/St_Johns",
    210: "Asia/Tehran",
    270: "Asia/Kabul",
    330: "Asia/Kolkata",
    345: "Asia/Kathmandu",
    390: "Asia/Yangon",
    525: "Australia/Eucla",
    570: "Australia/Darwin",
    630: "Australia/Lord_Howe",
    765: "Pacific/Chatham",
}


def offset_timezone(stored: str) -> str | None:
    """An IANA zone for an offset such as ``GMT+2``, ``UTC-03:00`` or ``+05:30``.

    Whole hours become ``Etc/GMT-2`` (POSIX names invert the sign); fractional ones the
    zone whose standard time has that offset. None when ``stored`` is not an offset.
    """
    text = stored.strip().upper().replace(" ", "")
    for prefix in ("UTC", "GMT"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    if not text:
        return "UTC" if stored.strip() else None
    sign, digits = text[0], text[1:]
    if sign not in "+-" or not digits:
        return None
    hours_text, _, minutes_text = digits.partition(":")
    if not minutes_text and len(hours_text) == 4:  # +0530
        hours_text, minutes_text = hours_text[:2], hours_text[2:]
    if not (hours_text.isdigit() and len(hours_text) <= 2):
        return None
    if minutes_text and not (minutes_text.isdigit() and len(minutes_text) == 2):
        return None
    minutes = int(hours_text) * 60 + int(minutes_text or "0")
    minutes = -minutes if sign == "-" else minutes
    if minutes % 60 == 0 and -12 * 60 <= minutes <= 14 * 60:
        hours = minutes // 60
        return "Etc/UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"
    return _FRACTIONAL_OFFSET_ZONES.get(minutes)
