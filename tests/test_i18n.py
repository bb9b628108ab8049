"""Speaking the user's language: choosing it, plurals and dates in it, English fallback."""

from __future__ import annotations

from datetime import date

import pytest

from core import i18n
from core.i18n import _, negotiate, ngettext, speaking


@pytest.mark.parametrize(
    ("telegram", "shipped"),
    [
        ("de", "de"),
        ("de-AT", "de"),
        ("pt-br", "pt-br"),
        ("pt", "pt-br"),
        ("pt-PT", "pt-br"),
        ("es-419", "es"),
        ("RU", "ru"),
        ("fr", "en"),
        ("", "en"),
        (None, "en"),
        ("x-klingon", "en"),
    ],
)
def test_telegram_language_codes_pick_the_closest_shipped_language(
    telegram: str | None, shipped: str
) -> None:
    assert negotiate(telegram) == shipped


def test_help_line_is_translated_and_english_is_the_default() -> None:
    line = "/cancel leaves any dialog. Buttons do most of the work."
    assert _(line) == line
    with speaking("de"):
        assert _(line) != line and "/cancel" in _(line)
    assert _(line) == line  # the block ends, and so does German


def test_a_message_missing_from_a_catalog_falls_back_to_english() -> None:
    with speaking("ru"):
        assert _("A sentence no catalog has.") == "A sentence no catalog has."


def test_an_unknown_language_is_spoken_as_english() -> None:
    with speaking("xx"):
        assert i18n.current() == "en"


def test_russian_plurals_follow_russian_rules() -> None:
    singular = (
        "I've kept your message for up to {days} days: logging in to your account saves "
        "it to your journal (another account asks you first)."
    )
    plural = (
        "I've kept your {n} messages for up to {days} days: logging in to your account "
        "saves them to your journal (another account asks you first)."
    )
    with speaking("ru"):
        forms = {n: ngettext(singular, plural, n) for n in (1, 2, 5, 21)}
    assert forms[2] != forms[5]  # "2 сообщения", "5 сообщений"
    assert forms[21] != plural and "{n}" in forms[21]  # 21 takes Russian's "one" form


def test_dates_are_written_in_the_users_locale() -> None:
    day = date(2026, 3, 5)
    with speaking("de"):
        assert i18n.day(day, "long") == "5. März 2026"
    with speaking("ru"):
        assert "марта" in i18n.day(day, "long")
    assert i18n.day(day, "long") == "March 5, 2026"


def test_chart_labels_use_the_locales_month_and_weekday_names() -> None:
    assert i18n.month_name(3) == "Mar"
    with speaking("de"):
        assert i18n.month_name(3, "wide") == "März"
        assert i18n.decimal(6.25) in {"6,2", "6,3"}
    with speaking("ru"):
        assert i18n.weekday_name(0, "short").lower() == "пн"
    with speaking("pt-br"):
        assert i18n.month_name(12, "wide").lower() == "dezembro"


def test_input_errors_from_the_data_layer_are_in_the_users_language() -> None:
    from core.errors import InvalidInput
    from core.text import clean_text
    from core.vocab import VocabularyError, parse_timezone

    with speaking("de"), pytest.raises(InvalidInput, match="Der Tagebuchtitel darf nicht leer"):
        clean_text("  ", what="journal title", max_chars=10)
    with speaking("ru"), pytest.raises(InvalidInput, match="— 21 символ, можно не больше 20"):
        clean_text("x" * 21, what="goal", max_chars=20)
    with speaking("es"), pytest.raises(VocabularyError, match="No conozco la zona horaria"):
        parse_timezone("Mars/Olympus")
    with pytest.raises(InvalidInput, match="The goal is too long: 21 characters, at most 20"):
        clean_text("x" * 21, what="goal", max_chars=20)
