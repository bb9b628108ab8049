"""Typed target dates and calendar months in a time zone (core.dates)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from core.dates import DateInputError, month_start, parse_target_date


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-12-31", date(2026, 12, 31)),
        ("31.12.2026", date(2026, 12, 31)),
        ("31 Dec", date(2026, 12, 31)),
        ("Dec 31, 2027", date(2027, 12, 31)),
        ("1st of March", date(2027, 3, 1)),
        ("tomorrow", date(2026, 11, 26)),
        ("Friday", date(2026, 11, 27)),
        ("next wednesday", date(2026, 12, 2)),
        ("in 3 weeks", date(2026, 12, 16)),
        ("in a month", date(2026, 12, 25)),
        ("end of month", date(2026, 11, 30)),
    ],
)
def test_parse_target_date(typed: str, expected: date) -> None:
    assert parse_target_date(typed, date(2026, 11, 25)) == expected  # a Wednesday


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("soon", "couldn't read"),
        ("2027-13-01", "no month 13"),
        ("31 Apr", "no day 31 in April"),
        ("3000-01-01", "long way off"),
    ],
)
def test_parse_target_date_refuses(typed: str, message: str) -> None:
    with pytest.raises(DateInputError, match=message):
        parse_target_date(typed, date(2026, 11, 25))


def test_month_start_follows_the_users_time_zone() -> None:
    # 23:30 UTC on 31 January is already 1 February in Tokyo.
    now = datetime(2025, 1, 31, 23, 30, tzinfo=UTC)
    assert month_start(now, "UTC") == datetime(2025, 1, 1, tzinfo=UTC)
    assert month_start(now, "Asia/Tokyo") == datetime(2025, 1, 31, 15, 0, tzinfo=UTC)
    assert month_start(now, "Asia/Tokyo", shift=-1) == datetime(2024, 12, 31, 15, 0, tzinfo=UTC)
    assert month_start(now, "UTC", shift=-1) == datetime(2024, 12, 1, tzinfo=UTC)
    assert month_start(now, "UTC", shift=1) == datetime(2025, 2, 1, tzinfo=UTC)
    assert month_start(now, "America/New_York", shift=-13) == datetime(
        2023, 12, 1, 5, 0, tzinfo=UTC
    )
