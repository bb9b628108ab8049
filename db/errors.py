"""Errors the data layer raises, and the small input checks its modules share.

Every message is written for the user: handlers may show ``str(error)`` as it is.
Catching ``VocabularyError`` catches all of them, since ``InvalidInput`` and
``NotFound`` derive from it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from core.vocab import VocabularyError


class InvalidInput(VocabularyError):
    """Input the user can fix: empty, too long, malformed."""


class NotFound(VocabularyError, LookupError):
    """Something the input refers to does not exist (or belongs to another user)."""


def clean_text(value: object, *, what: str, max_chars: int, allow_empty: bool = False) -> str:
    """``value`` stripped, checked to be non-empty (unless allowed) and at most ``max_chars``.

    NUL characters are dropped: PostgreSQL text cannot hold them.
    """
    if not isinstance(value, str):
        raise InvalidInput(f"The {what} must be text.")
    cleaned = value.replace("\x00", "").strip()
    if not cleaned and not allow_empty:
        raise InvalidInput(f"The {what} can't be empty.")
    if len(cleaned) > max_chars:
        raise InvalidInput(
            f"The {what} is too long: {len(cleaned)} characters, at most {max_chars} allowed."
        )
    return cleaned


def naive_utc(moment: datetime) -> datetime:
    """``moment`` as the naive UTC the timestamp columns hold (naive input is taken as UTC)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=None)
    return moment.astimezone(UTC).replace(tzinfo=None)


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
