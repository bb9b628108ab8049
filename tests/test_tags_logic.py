"""What counts as a #tag, and the date filters typed after /entries."""

from __future__ import annotations

from datetime import date

import pytest

from core import datefilter
from core.tags import find_tags, normalize, split_query, tags_of_content


def test_tags_in_any_script_with_digits_and_underscores() -> None:
    text = "Walk #Work #работа #日本語 #a1 #x_y, #नमस्ते. #Work again"
    assert find_tags(text) == ["work", "работа", "日本語", "a1", "x_y", "नमस्ते"]


@pytest.mark.parametrize(
    "text", ["#1 priority", "C# code", "example.com/page#top", "a&#b", "##double", "mail@x#y", "#"]
)
def test_what_is_not_a_tag(text: str) -> None:
    assert find_tags(text) == []


def test_tags_are_read_from_rich_html_not_from_entities() -> None:
    content = "<p>It&#39;s done <strong>#Gym</strong></p><ul><li>#two&amp;three</li></ul>"
    assert tags_of_content(content) == ["gym", "two"]
    assert tags_of_content("no hash here") == []


def test_overlong_runs_are_not_cut_into_tags() -> None:
    assert find_tags("#" + "a" * 65) == []
    assert normalize("#" + "a" * 64) == "a" * 64


def test_split_query_keeps_words_and_bad_tags_apart() -> None:
    assert split_query("hard talk #Work #work #12") == ("hard talk #12", ["work"])


TODAY = date(2026, 11, 30)  # a Monday


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("today", date(2026, 11, 30), date(2026, 12, 1)),
        ("Yesterday", date(2026, 11, 29), date(2026, 11, 30)),
        ("this week", date(2026, 11, 30), date(2026, 12, 7)),
        ("last  week", date(2026, 11, 23), date(2026, 11, 30)),
        ("last month", date(2026, 10, 1), date(2026, 11, 1)),
        ("this month", date(2026, 11, 1), date(2026, 12, 1)),
        ("last year", date(2025, 1, 1), date(2026, 1, 1)),
        ("last 7 days", date(2026, 11, 24), date(2026, 12, 1)),
        ("2026-11", date(2026, 11, 1), date(2026, 12, 1)),
        ("2026-12", date(2026, 12, 1), date(2027, 1, 1)),
        ("2024-02-29", date(2024, 2, 29), date(2024, 3, 1)),
        ("2025", date(2025, 1, 1), date(2026, 1, 1)),
    ],
)
def test_date_ranges(text: str, start: date, end: date) -> None:
    found = datefilter.parse(text, TODAY)
    assert found is not None
    assert (found.start, found.end) == (start, end)


@pytest.mark.parametrize(
    "text", ["2026-13", "2025-02-29", "next tuesday", "", "last 0 days", "0001", "99999"]
)
def test_dates_that_name_nothing(text: str) -> None:
    assert datefilter.parse(text, TODAY) is None


def test_labels_for_button_ranges() -> None:
    assert datefilter.span_label(date(2026, 11, 1), date(2026, 12, 1)) == "November 2026"
    assert datefilter.span_label(date(2026, 1, 1), date(2027, 1, 1)) == "2026"
    assert datefilter.span_label(date(2026, 11, 23), date(2026, 11, 30)) == "23–29 Nov 2026"
