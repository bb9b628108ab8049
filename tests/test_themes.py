"""Themes for the 30-day insights summary."""

from __future__ import annotations

from core.themes import dominant_themes, entry_themes

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
