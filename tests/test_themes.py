"""Themes and mood trend for the 30-day insights summary."""

from __future__ import annotations

from datetime import date, timedelta

from bot.logic.themes import dominant_themes, entry_themes, sentiment_trend

MONTH = [
    "Deadline at work tomorrow and my boss moved the meeting again.",
    "Slept badly, woke up at 4am thinking about the project.",
    "Went to the gym before work. Felt strong!",
    "Couldn't sleep, too much coffee. Exhausted all day at the office.",
    "Long run by the river, 10k in under an hour.",
    "Revised for my statistics exam for three hours.",
    "My manager praised my presentation to the client.",
    "Tired again. Need a proper bedtime routine.",
]


def test_dominant_themes_of_a_month() -> None:
    assert dominant_themes(MONTH) == [("work", 5), ("sleep", 3), ("exercise", 2)]


def test_top_limits_the_number_of_themes() -> None:
    assert dominant_themes(MONTH, top=1) == [("work", 5)]
    assert dominant_themes(MONTH, top=0) == []
    assert len(dominant_themes(MONTH, top=20)) == len({t for e in MONTH for t in entry_themes(e)})


def test_word_forms_are_stemmed() -> None:
    entries = [
        "Studying all evening.",
        "Studied with Maya in the library.",
        "Two exams next week!",
        "Nothing much happened.",
    ]
    assert dominant_themes(entries) == [("study", 3)]


def test_an_entry_counts_once_per_theme() -> None:
    entries = ["Work work work. At work all day, after work more work emails.", "Lazy Sunday."]
    assert dominant_themes(entries) == [("work", 1)]


def test_ambiguous_verbs_do_not_make_a_theme() -> None:
    assert "work" not in entry_themes("The new recipe didn't work but the soup was fine.")
    assert "work" in entry_themes("Work was hectic today.")


def test_html_entries_and_ties() -> None:
    entries = [
        "<b>Paid the rent</b> &amp; sorted my budget",
        "Called my <i>sister</i>",
        "Dinner with my mum and the kids",
        "Checked my savings account",
    ]
    # money and family both appear twice; ties are ordered by label.
    assert dominant_themes(entries) == [("family", 2), ("money", 2)]


def test_no_entries_no_themes() -> None:
    assert dominant_themes([]) == []
    assert dominant_themes(["", "   ", "Nice."]) == []


def scores(values: list[float], start: date = date(2024, 3, 1)) -> list[tuple[date, float]]:
    return [(start + timedelta(days=3 * i), v) for i, v in enumerate(values)]


def test_trend_improving() -> None:
    assert sentiment_trend(scores([-0.6, -0.4, -0.2, 0.1, 0.3, 0.5])) == "improving"


def test_trend_declining() -> None:
    assert sentiment_trend(scores([0.7, 0.5, 0.6, 0.1, -0.2, -0.1])) == "declining"


def test_trend_steady_when_change_is_small() -> None:
    assert sentiment_trend(scores([0.2, 0.3, 0.25, 0.28, 0.22, 0.3])) == "steady"
    # Swinging moods around the same mean are not a trend.
    assert sentiment_trend(scores([-0.5, 0.5, -0.5, 0.5, -0.5, 0.5, -0.5, 0.5])) == "steady"


def test_trend_uses_dates_not_input_order() -> None:
    improving = scores([-0.6, -0.4, -0.2, 0.1, 0.3, 0.5])
    assert sentiment_trend(list(reversed(improving))) == "improving"


def test_trend_threshold() -> None:
    # Halves differ by 0.15 (over the 0.1 threshold) or 0.05 (under it).
    assert sentiment_trend(scores([0.0, 0.0, 0.15, 0.15])) == "improving"
    assert sentiment_trend(scores([0.0, 0.0, 0.05, 0.05])) == "steady"
    assert sentiment_trend(scores([0.15, 0.15, 0.0, 0.0])) == "declining"


def test_trend_needs_a_few_entries() -> None:
    assert sentiment_trend([]) == "not enough data"
    assert sentiment_trend(scores([-0.9, 0.9])) == "not enough data"
    assert sentiment_trend(scores([-0.9, 0.0, 0.9])) == "improving"
