"""The user's language: which one we speak, and text, plurals, dates and numbers in it.

Messages are English msgids in gettext catalogs (``core/locales``, managed with Babel:
``bash scripts/i18n.sh``). The language of the update being handled, or of the reminder
being sent, is a context variable, so ``_`` works anywhere below a handler without
passing the language down; outside any language it is English.

Anything a catalog lacks falls back to the English msgid (gettext's fallback), never to
a key or an empty string.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from typing import Final, Literal

from babel import Locale
from babel.dates import format_date, format_datetime, format_time, get_day_names, get_month_names
from babel.numbers import format_decimal

LOCALES_DIR: Final = Path(__file__).with_name("locales")
DOMAIN: Final = "messages"
DEFAULT: Final = "en"

# Shipped languages: code as stored and as Telegram's set_my_commands takes it -> the name
# shown on the /language buttons, in that language.
LANGUAGES: Final[dict[str, str]] = {
    "en": "English",
    "es": "Español",
    "pt-br": "Português (Brasil)",
    "de": "Deutsch",
    "ru": "Русский",
}

# PostgreSQL's text-search configuration per shipped language (English: the stored
# entries.content_tsv). Kept in step with migration 0015's bot_search_config().
SEARCH_CONFIGS: Final[dict[str, str]] = {
    "de": "german",
    "es": "spanish",
    "pt-br": "portuguese",
    "ru": "russian",
}

_current: ContextVar[str] = ContextVar("language", default=DEFAULT)


def negotiate(language_code: str | None) -> str:
    """The shipped language closest to Telegram's ``language_code`` (an IETF tag).

    "de-AT" gives "de", "pt" and "pt-PT" give "pt-br" (the only Portuguese we ship),
    anything unknown English.
    """
    if not language_code:
        return DEFAULT
    tag = language_code.strip().lower().replace("_", "-")
    if tag in LANGUAGES:
        return tag
    base = tag.split("-", 1)[0]
    if base in LANGUAGES:
        return base
    for code in LANGUAGES:
        if code.split("-", 1)[0] == base:
            return code
    return DEFAULT


def _locale_name(code: str) -> str:
    """Babel's and gettext's name of a shipped code: "pt-br" -> "pt_BR"."""
    base, _, region = code.partition("-")
    return f"{base}_{region.upper()}" if region else base


@cache
def translations(code: str) -> gettext.NullTranslations:
    if code == DEFAULT:
        return gettext.NullTranslations()
    return gettext.translation(
        DOMAIN, localedir=LOCALES_DIR, languages=[_locale_name(code)], fallback=True
    )


@cache
def locale(code: str) -> Locale:
    return Locale.parse(_locale_name(code))


def current() -> str:
    return _current.get()


def set_current(code: str) -> None:
    """Speak ``code`` for the rest of this task (one update is handled in one task)."""
    _current.set(code if code in LANGUAGES else DEFAULT)


@contextmanager
def speaking(code: str) -> Iterator[None]:
    """Speak ``code`` inside the block, e.g. while sending one user's reminder."""
    token = _current.set(code if code in LANGUAGES else DEFAULT)
    try:
        yield
    finally:
        _current.reset(token)


def _(message: str) -> str:
    """``message`` in the current language."""
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of ``singular``/``plural`` for ``n`` under the current language's plural rules."""
    return translations(_current.get()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks ``message`` for the catalog where it is defined; translated later by ``_``."""
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Marks a plural pair for the catalog; ``ngettext(*pair, n)`` translates it when shown."""
    return singular, plural


def number(value: float) -> str:
    return format_decimal(value, locale=locale(_current.get()))


def day(value: date, format: str = "medium") -> str:
    return format_date(value, format=format, locale=locale(_current.get()))


def moment(value: datetime, format: str = "medium") -> str:
    return format_datetime(value, format=format, locale=locale(_current.get()))


def clock(value: time | datetime, format: str = "short") -> str:
    return format_time(value, format=format, locale=locale(_current.get()))


def decimal(value: float, digits: int = 1) -> str:
    """``value`` with exactly ``digits`` decimals in the current locale ("6.5", "6,5")."""
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return format_decimal(value, format=pattern, locale=locale(_current.get()))


def month_name(month: int, width: Literal["abbreviated", "narrow", "wide"] = "abbreviated") -> str:
    """Month 1-12 as it stands alone (a label, not inside a date): "Mar", "März", "мар."."""
    names = get_month_names(width, context="stand-alone", locale=locale(_current.get()))
    return str(names[month])


def weekday_name(
    weekday: int, width: Literal["abbreviated", "narrow", "short", "wide"] = "wide"
) -> str:
    """Weekday 0 (Monday) to 6 as it stands alone; ``width`` "short" gives "Mo", "Пн"."""
    names = get_day_names(width, context="stand-alone", locale=locale(_current.get()))
    return str(names[weekday])
