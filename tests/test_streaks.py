from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from core.streaks import current_streak, local_date, longest_streak, on_this_day

D = date


def run(end: date, length: int) -> list[date]:
    return [end - timedelta(days=i) for i in range(length)]


def test_late_evening_utc_is_tomorrow_in_tokyo_and_today_in_new_york() -> None:
    instant = datetime(2025, 6, 1, 23, 30, tzinfo=UTC)
    assert local_date(instant, "Asia/Tokyo") == D(2025, 6, 2)
    assert local_date(instant, "America/New_York") == D(2025, 6, 1)
    assert local_date(instant, "UTC") == D(2025, 6, 1)


def test_half_hour_zone_day_boundary() -> None:
    # Kolkata is UTC+05:30: local midnight is 18:30 UTC.
    assert local_date(datetime(2025, 6, 1, 18, 29, tzinfo=UTC), "Asia/Kolkata") == D(2025, 6, 1)
    assert local_date(datetime(2025, 6, 1, 18, 30, tzinfo=UTC), "Asia/Kolkata") == D(2025, 6, 2)


def test_local_date_rejects_naive_datetimes() -> None:
    with pytest.raises(ValueError):
        local_date(datetime(2025, 6, 1, 12), "UTC")


def test_streak_ending_today() -> None:
    today = D(2025, 6, 10)
    assert current_streak(run(today, 5), today) == 5


def test_streak_ending_yesterday_is_still_alive() -> None:
    today = D(2025, 6, 10)
    assert current_streak(run(today - timedelta(days=1), 3), today) == 3


def test_streak_is_broken_after_a_missed_day() -> None:
    today = D(2025, 6, 10)
    assert current_streak(run(today - timedelta(days=2), 7), today) == 0


def test_streak_counts_only_the_latest_run() -> None:
    today = D(2025, 6, 10)
    days = run(today, 2) + run(today - timedelta(days=4), 10)
    assert current_streak(days, today) == 2


def test_streak_ignores_duplicates_order_and_future_days() -> None:
    today = D(2025, 3, 1)
    days = [D(2025, 2, 28), D(2025, 3, 1), D(2025, 2, 27), D(2025, 3, 1), D(2025, 3, 5)]
    assert current_streak(iter(days), today) == 3


def test_streak_of_nothing_is_zero() -> None:
    assert current_streak([], D(2025, 1, 1)) == 0


def test_streak_across_year_end() -> None:
    assert current_streak(run(D(2025, 1, 2), 5), D(2025, 1, 2)) == 5


def test_longest_streak_picks_the_longest_run() -> None:
    days = run(D(2025, 1, 10), 3) + run(D(2025, 3, 1), 6) + run(D(2025, 6, 1), 2)
    random.Random(1).shuffle(days)
    assert longest_streak(iter(days + days[:4])) == 6


def test_longest_streak_edge_cases() -> None:
    assert longest_streak([]) == 0
    assert longest_streak([D(2024, 2, 29)]) == 1
    assert longest_streak([D(2024, 2, 28), D(2024, 3, 1)]) == 1  # leap day missing
    assert longest_streak([D(2024, 2, 28), D(2024, 2, 29), D(2024, 3, 1)]) == 3


def test_longest_streak_matches_brute_force() -> None:
    rng = random.Random(7)
    for _ in range(200):
        start = D(2024, 1, 1)
        days = {start + timedelta(days=rng.randrange(60)) for _ in range(rng.randrange(40))}
        best = 0
        for d in days:
            length = 0
            while d + timedelta(days=length) in days:
                length += 1
            best = max(best, length)
        assert longest_streak(days) == best


def test_on_this_day_same_day_of_earlier_months_and_years() -> None:
    today = D(2025, 6, 15)
    candidates = [
        D(2025, 5, 15),
        D(2024, 6, 15),
        D(2025, 6, 14),
        D(2025, 6, 15),  # today itself is not a memory
        D(2025, 7, 15),  # future
        D(2023, 1, 15),
        D(2024, 6, 15),  # duplicate
    ]
    assert on_this_day(today, candidates) == [D(2025, 5, 15), D(2024, 6, 15), D(2023, 1, 15)]


def test_feb_28_of_a_common_year_includes_leap_days() -> None:
    found = on_this_day(D(2025, 2, 28), [D(2024, 2, 29), D(2024, 2, 28), D(2024, 2, 27)])
    assert found == [D(2024, 2, 29), D(2024, 2, 28)]


def test_feb_28_of_a_leap_year_waits_for_the_29th() -> None:
    assert on_this_day(D(2024, 2, 28), [D(2020, 2, 29), D(2023, 2, 28)]) == [D(2023, 2, 28)]
    assert on_this_day(D(2024, 2, 29), [D(2020, 2, 29), D(2023, 2, 28)]) == [D(2020, 2, 29)]


def test_last_day_of_short_month_includes_later_days_of_longer_months() -> None:
    found = on_this_day(D(2025, 4, 30), [D(2025, 3, 31), D(2025, 3, 30), D(2025, 3, 29)])
    assert found == [D(2025, 3, 31), D(2025, 3, 30)]


def test_31st_only_matches_31st() -> None:
    found = on_this_day(D(2025, 5, 31), [D(2025, 3, 31), D(2025, 4, 30), D(2025, 2, 28)])
    assert found == [D(2025, 3, 31)]


def test_every_earlier_entry_resurfaces_at_least_once_a_year() -> None:
    # Whatever its day of month, an entry must come back on some day of each later month.
    entries = [D(2024, 1, day) for day in range(1, 32)]
    shown: set[date] = set()
    day = D(2024, 2, 1)
    while day < D(2024, 3, 1):
        shown.update(on_this_day(day, entries))
        day += timedelta(days=1)
    assert shown == set(entries)
