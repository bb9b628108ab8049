"""The input check every stored text passes."""

from __future__ import annotations

from core.errors import InvalidInput


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
