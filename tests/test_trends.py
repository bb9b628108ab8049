"""When a trend may be claimed and what it is based on (pure rules behind /insights, /stats)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from core.trends import (
    MIN_TREND_DAYS,
    Basis,
    arrow,
    bases_text,
    basis_of,
    change_between,
    metric_line,
    mood_trend,
)
from core.vocab import MetricType

START = date(2024, 3, 1)


def scores(values: list[float], start: date = START) -> list[tuple[date, float]]:
    return [(start + timedelta(days=3 * i), v) for i, v in enumerate(values)]


def test_trend_improving_and_says_its_basis() -> None:
    trend = mood_trend(scores([-0.6, -0.4, -0.2, 0.1, 0.3, 0.5]))
    assert trend.word == "improving"
    assert trend.basis == Basis(count=6, days=6)
    assert trend.basis.text("entry", "entries") == "based on 6 entries over 6 days"


def test_trend_declining() -> None:
    assert mood_trend(scores([0.7, 0.5, 0.6, 0.1, -0.2, -0.1])).word == "declining"


def test_trend_steady_when_change_is_small() -> None:
    assert mood_trend(scores([0.2, 0.3, 0.25, 0.28, 0.22, 0.3])).word == "steady"
    # Swinging moods around the same mean are not a trend.
    assert mood_trend(scores([-0.5, 0.5, -0.5, 0.5, -0.5, 0.5, -0.5, 0.5])).word == "steady"


def test_trend_uses_dates_not_input_order() -> None:
    improving = scores([-0.6, -0.4, -0.2, 0.1, 0.3, 0.5])
    assert mood_trend(list(reversed(improving))).word == "improving"


def test_trend_threshold() -> None:
    # Halves differ by 0.15 (over the 0.1 threshold) or 0.05 (under it); the middle day
    # of five belongs to neither half.
    assert mood_trend(scores([0.0, 0.0, 9.0, 0.15, 0.15])).word == "improving"
    assert mood_trend(scores([0.0, 0.0, 9.0, 0.05, 0.05])).word == "steady"
    assert mood_trend(scores([0.15, 0.15, -9.0, 0.0, 0.0])).word == "declining"


def test_entries_written_within_minutes_are_no_trend() -> None:
    # Issue 17: four entries within two minutes gave "Mood trend: declining".
    same_moment = [(START, 0.8), (START, 0.6), (START, -0.4), (START, -0.7)]
    trend = mood_trend(same_moment)
    assert trend.word is None
    assert trend.basis == Basis(count=4, days=1)
    assert trend.basis.missing_text() == "a trend needs 5 different days, so far 1"


def test_a_trend_needs_five_different_days_however_many_entries() -> None:
    four_days = [(START + timedelta(days=d % 4), -0.9 + 0.1 * d) for d in range(20)]
    assert mood_trend(four_days).word is None
    five_days = [*four_days, (START + timedelta(days=9), 0.9)]
    assert mood_trend(five_days).word == "improving"
    assert MIN_TREND_DAYS == 5


def test_each_day_counts_once() -> None:
    # One very happy day with many entries first, then four ordinary days: the many
    # entries of day one do not outweigh the others.
    busy = [(START, -0.5)] * 10
    rest = [(START + timedelta(days=d), -0.5) for d in range(1, 5)]
    assert mood_trend(busy + rest).word == "steady"


def test_change_between_needs_both_sides_and_tells_whether_it_is_a_trend() -> None:
    assert change_between([], [(START, 5.0)]) is None
    two = change_between([(START, 4.0)], [(START + timedelta(days=20), 8.0)])
    assert two is not None and two.delta == 4.0 and not two.is_trend
    days = [START + timedelta(days=d) for d in range(5)]
    five = change_between([(d, 4.0) for d in days[:2]], [(d, 7.0) for d in days[2:]])
    assert five is not None and five.is_trend
    assert (five.before, five.after) == (4.0, 7.0)
    assert five.basis.text("rating") == "based on 5 ratings over 5 days"


def test_basis_counts_points_and_distinct_days() -> None:
    assert basis_of([START, START, START + timedelta(days=1)]) == Basis(count=3, days=2)
    assert Basis(1, 1).text("entry", "entries") == "based on 1 entry over 1 day"


def test_bases_text_gives_ranges_when_figures_differ() -> None:
    assert bases_text([], "rating") == ""
    assert bases_text([Basis(6, 5), Basis(6, 5)], "rating") == "based on 6 ratings over 5 days"
    assert (
        bases_text([Basis(6, 5), Basis(12, 9), Basis(8, 5)], "rating")
        == "based on 6–12 ratings over 5–9 days"
    )
    assert bases_text([Basis(6, 5), Basis(8, 5)], "rating") == "based on 6–8 ratings over 5 days"


def test_arrows_compare_the_values_as_shown() -> None:
    assert arrow(7.0, 6.9) == "↑"
    assert arrow(6.0, 6.5) == "↓"
    assert arrow(6.04, 6.0) == "→"  # both show as 6.0


def test_metric_line_cases() -> None:
    effort, learning = MetricType.EFFORT, MetricType.LEARNING
    middle = datetime(2024, 3, 16)

    def days(first: int, values: list[int]) -> list[tuple[datetime, int]]:
        return [(datetime(2024, 3, first + n, 12), v) for n, v in enumerate(values)]

    assert "no check-ins yet" in metric_line({}, middle, "UTC")
    assert "both halves" in metric_line({effort: days(1, [5])}, middle, "UTC")
    # Both halves, but on four days only: no direction is claimed.
    four = {effort: days(1, [4, 4]) + days(20, [8, 8])}
    assert metric_line(four, middle, "UTC") == (
        "📊 Growth metrics: no trend yet (a trend needs 5 different days, so far 4). "
        "Keep checking in with /checkin."
    )
    steady = {effort: days(1, [5, 5, 5]) + days(20, [5, 5]), learning: days(1, [6]) + days(20, [6])}
    assert metric_line(steady, middle, "UTC") == (
        "📊 Growth metrics: steady, none moved by half a point or more "
        "(based on 5 ratings over 5 days)."
    )
    moved = {
        effort: days(1, [5, 5, 5]) + days(20, [6, 6]),
        learning: days(1, [8, 8, 8]) + days(20, [6, 7]),
    }
    assert metric_line(moved, middle, "UTC") == (
        "📊 Moved the most: <b>learning</b>, down from 8.0 to 6.5 "
        "(first vs second half of the period, based on 5 ratings over 5 days)"
    )
