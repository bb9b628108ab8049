"""User settings: four JSONB documents shared with the other app.

Writes validate the keys the bot knows (the design document's plus a few reminder keys of
the bot's own) and keep every other key untouched, since the other app may own them.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from datetime import time
from typing import Any, Final, Literal, get_args

from sqlalchemy import ColumnElement, ScalarSelect, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import utc_now
from core.vocab import (
    VocabularyError,
    parse_font_size,
    parse_journal_visibility,
    parse_reminder_frequency,
)
from db.errors import InvalidInput
from db.models import (
    DEFAULT_AI_INTERACTION_SETTINGS,
    DEFAULT_NOTIFICATION_PREFERENCES,
    DEFAULT_PRIVACY_SETTINGS,
    DEFAULT_THEME_PREFERENCES,
    UserSettings,
)

SettingsDocument = Literal[
    "notification_preferences", "theme_preferences", "privacy_settings", "ai_interaction_settings"
]
DOCUMENTS: Final[tuple[SettingsDocument, ...]] = get_args(SettingsDocument)
COLOR_SCHEMES: Final[tuple[str, ...]] = ("default", "ocean", "forest", "sunset", "mono")

_TRUE = {"true", "on", "yes", "1"}
_FALSE = {"false", "off", "no", "0"}
_HHMM = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


def _boolean(key: str) -> Callable[[object], bool]:
    def parse(value: object) -> bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise InvalidInput(f"{key} must be on or off.")

    return parse


def _whole_number(key: str, low: int, high: int) -> Callable[[object], int]:
    def parse(value: object) -> int:
        number: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str) and re.fullmatch(r"\s*\d{1,2}\s*", value):
            number = int(value)
        if number is None or not low <= number <= high:
            raise InvalidInput(f"{key} must be a whole number from {low} to {high}.")
        return number

    return parse


def _time_of_day(value: object) -> str:
    if isinstance(value, time):
        return f"{value.hour:02d}:{value.minute:02d}"
    match = _HHMM.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise InvalidInput("reminderTime must be a 24-hour time like 07:30 or 21:00.")
    return f"{int(match[1]):02d}:{match[2]}"


def _color_scheme(value: object) -> str:
    scheme = value.strip().lower() if isinstance(value, str) else ""
    if scheme not in COLOR_SCHEMES:
        raise InvalidInput(f"Unknown color scheme. Choose one of: {', '.join(COLOR_SCHEMES)}.")
    return scheme


EXTERNAL_AI_CONSENT: Final = "externalAiConsentHost"
_HOST = re.compile(r"[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?|\[[0-9a-f:.]{2,45}\]")


def _consent_host(value: object) -> str:
    if value is False or value is None or value == "":
        return ""
    host = value.strip().lower() if isinstance(value, str) else ""
    if not _HOST.fullmatch(host):
        raise InvalidInput(f"{EXTERNAL_AI_CONSENT} must be a host name, or empty.")
    return host


_VALIDATORS: Final[dict[SettingsDocument, dict[str, Callable[[object], object]]]] = {
    "notification_preferences": {
        "emailNotifications": _boolean("emailNotifications"),
        "pushNotifications": _boolean("pushNotifications"),
        "reminderFrequency": lambda value: parse_reminder_frequency(value).value,
        # The bot's own keys: when the reminder fires, in the user's time zone.
        "reminderTime": _time_of_day,
        "reminderWeekday": _whole_number("reminderWeekday", 0, 6),  # 0 = Monday
        "reminderDayOfMonth": _whole_number("reminderDayOfMonth", 1, 31),
        # No daily reminder on a day the user already wrote (absent: on).
        "skipIfWritten": _boolean("skipIfWritten"),
        # A 21:00 nudge when a streak of 3+ days would break tonight (absent: off).
        "streakNudge": _boolean("streakNudge"),
        # The weekly review: on or off (absent: off), its weekday and hour (local).
        "weeklyReview": _boolean("weeklyReview"),
        "reviewWeekday": _whole_number("reviewWeekday", 0, 6),  # 0 = Monday
        "reviewHour": _whole_number("reviewHour", 0, 23),
    },
    "theme_preferences": {
        "darkMode": _boolean("darkMode"),
        "fontSize": lambda value: parse_font_size(value).value,
        "colorScheme": _color_scheme,
    },
    "privacy_settings": {
        "journalVisibility": lambda value: parse_journal_visibility(value).value,
        "shareAnalytics": _boolean("shareAnalytics"),
    },
    "ai_interaction_settings": {
        "enableAiInsights": _boolean("enableAiInsights"),
        "enableSentimentAnalysis": _boolean("enableSentimentAnalysis"),
        "enableGrowthSuggestions": _boolean("enableGrowthSuggestions"),
        # The bot's own key: the host the user agreed to send entry text to (see
        # docs/security.md); "" or absent means no consent.
        EXTERNAL_AI_CONSENT: _consent_host,
    },
}

_DEFAULTS: Final[dict[SettingsDocument, Mapping[str, Any]]] = {
    "notification_preferences": DEFAULT_NOTIFICATION_PREFERENCES,
    "theme_preferences": DEFAULT_THEME_PREFERENCES,
    "privacy_settings": DEFAULT_PRIVACY_SETTINGS,
    "ai_interaction_settings": DEFAULT_AI_INTERACTION_SETTINGS,
}


def _validators(document: str) -> dict[str, Callable[[object], object]]:
    for known in DOCUMENTS:
        if document == known:
            return _VALIDATORS[known]
    raise InvalidInput(f"Unknown settings group '{document[:40]}'.")


def validate_setting(document: SettingsDocument, key: str, value: object) -> object:
    """The value as it is stored (e.g. "large", "07:30"); InvalidInput / VocabularyError
    for an unknown key or a bad value."""
    validators = _validators(document)
    if key not in validators:
        raise InvalidInput(f"Unknown setting '{key[:40]}'.")
    return validators[key](value)


def read_setting(settings: UserSettings, document: SettingsDocument, key: str) -> object:
    """The stored value if valid, else the documented default (None for the bot's own
    keys, which have none): whatever the other app stored, reads never fail."""
    _validators(document)  # refuses a name that is not one of the four columns
    stored = getattr(settings, document)
    if isinstance(stored, dict) and key in stored:
        try:
            return validate_setting(document, key, stored[key])
        except VocabularyError:
            pass
    return _DEFAULTS[document].get(key)


def _oldest_row(user_id: uuid.UUID | ColumnElement[uuid.UUID]) -> Select[UserSettings]:
    # user_id is not unique in the shared schema; the oldest row is the one both apps use.
    return (
        select(UserSettings)
        .where(UserSettings.user_id == user_id)
        .order_by(UserSettings.created_at, UserSettings.id)
        .limit(1)
    )


async def _first_row(
    session: AsyncSession, user_id: uuid.UUID, *, lock: bool = False
) -> UserSettings | None:
    query = _oldest_row(user_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return await session.scalar(query)


async def get_settings(session: AsyncSession, user_id: uuid.UUID) -> UserSettings:
    """The user's settings, created with the documented defaults if they have none yet."""
    settings = await _first_row(session, user_id)
    if settings is not None:
        return settings
    # No unique key to conflict on: a per-user advisory lock stops two first
    # requests from creating two rows.
    await session.execute(
        select(func.pg_advisory_xact_lock(func.hashtextextended(f"user_settings:{user_id}", 0)))
    )
    settings = await _first_row(session, user_id)
    if settings is None:
        settings = UserSettings(user_id=user_id)
        session.add(settings)
        await session.flush()
    return settings


async def update_setting(
    session: AsyncSession,
    user_id: uuid.UUID,
    document: SettingsDocument,
    key: str,
    value: object,
) -> UserSettings:
    stored = validate_setting(document, key, value)
    await get_settings(session, user_id)
    settings = await _first_row(session, user_id, lock=True)
    assert settings is not None  # get_settings made sure of it; rows are only deleted with the user
    current = getattr(settings, document)
    # A new dict, so SQLAlchemy sees the change; unknown keys are carried over.
    updated = dict(current) if isinstance(current, dict) else {}
    updated[key] = stored
    setattr(settings, document, updated)
    settings.updated_at = utc_now()
    await session.flush()
    return settings


def ai_settings_document(user_id: ColumnElement[uuid.UUID]) -> ScalarSelect[Any]:
    """The stored ``ai_interaction_settings`` of the user in ``user_id``, as a correlated
    subquery (NULL without a settings row); read it with ``ai_settings_of``."""
    return (
        _oldest_row(user_id)
        .with_only_columns(UserSettings.ai_interaction_settings)
        .scalar_subquery()
    )


def ai_settings_of(stored: object) -> dict[str, object]:
    """The AI toggles (and the bot's consent key) of a stored document: the documented
    defaults where there is no row, and for values the other app stored badly."""
    return {key: _read_ai(stored, key) for key in _VALIDATORS["ai_interaction_settings"]}


def _read_ai(stored: object, key: str) -> object:
    if isinstance(stored, dict) and key in stored:
        try:
            return validate_setting("ai_interaction_settings", key, stored[key])
        except VocabularyError:
            pass
    return _DEFAULTS["ai_interaction_settings"].get(key)
