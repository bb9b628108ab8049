"""/pixels' arguments, daily values and caption words (pure logic)."""

from __future__ import annotations

from datetime import date

import pytest

from core import pixels


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ([], ("writing", 2026)),
        (["Effort"], ("effort", 2026)),
        (["2024", "learning"], ("learning", 2024)),
        (["writing", "2000"], ("writing", 2000)),
    ],
)
def test_arguments(words: list[str], expected: tuple[str, int]) -> None:
    assert pixels.parse_args(words, 2026) == expected


@pytest.mark.parametrize("words", [["mood"], ["2027"], ["1999"], ["12"]])
def test_bad_arguments_say_what_is_wrong(words: list[str]) -> None:
    reply = pixels.parse_args(words, 2026)
    assert isinstance(reply, str)
    assert ("effort" in reply) or ("2000 to 2026" in reply)


def test_daily_means_keep_only_the_year() -> None:
    points = [(date(2026, 3, 1), 4), (date(2026, 3, 1), 7), (date(2025, 12, 31), 9)]
    assert pixels.daily_means(points, 2026) == {date(2026, 3, 1): 5.5}


def test_bins_round_half_up_and_cap_writing() -> None:
    assert pixels._bin("effort", 1.0) == 0
    assert pixels._bin("effort", 6.5) == 3  # shows with 7–8
    assert pixels._bin("effort", 10.0) == 4
    assert pixels._bin("writing", 1.0) == 0
    assert pixels._bin("writing", 12.0) == 3


def test_describe_in_words() -> None:
    values = {date(2026, 5, 1): 2.0, date(2026, 5, 2): 1.0, date(2026, 7, 1): 1.0}
    text = pixels.describe(pixels.YearValues("writing", 2026, values))
    assert text == "You wrote on 3 days of 2026 (4 entries); most days in May (2)."
    rated = pixels.describe(pixels.YearValues("effort", 2026, {date(2026, 1, 1): 6.5}))
    assert rated == "Effort: rated on 1 day of 2026, average 6.5."
