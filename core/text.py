"""The input check every stored text passes."""

from __future__ import annotations

from typing import Final

from core.errors import InvalidInput
from core.i18n import N_, N_plural, _, ngettext

# Whole sentences per field, so each language can say them its own way.
_EMPTY: Final[dict[str, str]] = {
    "entry": N_("The entry can't be empty."),
    "note": N_("The note can't be empty."),
    "goal": N_("The goal can't be empty."),
    "first name": N_("The first name can't be empty."),
    "last name": N_("The last name can't be empty."),
    "bio": N_("The bio can't be empty."),
    "journal title": N_("The journal title can't be empty."),
    "name": N_("The name can't be empty."),
}


def _too_long(what: str, n: int, most: int) -> str:
    forms = {
        "entry": N_plural(
            "The entry is too long: {n} character, at most {most} allowed.",
            "The entry is too long: {n} characters, at most {most} allowed.",
        ),
        "note": N_plural(
            "The note is too long: {n} character, at most {most} allowed.",
            "The note is too long: {n} characters, at most {most} allowed.",
        ),
        "goal": N_plural(
            "The goal is too long: {n} character, at most {most} allowed.",
            "The goal is too long: {n} characters, at most {most} allowed.",
        ),
        "first name": N_plural(
            "The first name is too long: {n} character, at most {most} allowed.",
            "The first name is too long: {n} characters, at most {most} allowed.",
        ),
        "last name": N_plural(
            "The last name is too long: {n} character, at most {most} allowed.",
            "The last name is too long: {n} characters, at most {most} allowed.",
        ),
        "bio": N_plural(
            "The bio is too long: {n} character, at most {most} allowed.",
            "The bio is too long: {n} characters, at most {most} allowed.",
        ),
        "journal title": N_plural(
            "The journal title is too long: {n} character, at most {most} allowed.",
            "The journal title is too long: {n} characters, at most {most} allowed.",
        ),
        "name": N_plural(
            "The name is too long: {n} character, at most {most} allowed.",
            "The name is too long: {n} characters, at most {most} allowed.",
        ),
    }.get(what)
    if forms is None:
        return f"The {what} is too long: {n} characters, at most {most} allowed."
    return ngettext(forms[0], forms[1], n).format(n=n, most=most)


def clean_text(value: object, *, what: str, max_chars: int, allow_empty: bool = False) -> str:
    """``value`` stripped, checked to be non-empty (unless allowed) and at most ``max_chars``.

    NUL characters are dropped: PostgreSQL text cannot hold them. ``what`` names the field
    in the message (one of ``_EMPTY``'s keys, so that it is said in the user's language).
    """
    if not isinstance(value, str):
        raise InvalidInput(f"The {what} must be text.")  # only a program sends non-text
    cleaned = value.replace("\x00", "").strip()
    if not cleaned and not allow_empty:
        empty = _EMPTY.get(what)
        raise InvalidInput(_(empty) if empty else f"The {what} can't be empty.")
    if len(cleaned) > max_chars:
        raise InvalidInput(_too_long(what, len(cleaned), max_chars))
    return cleaned
