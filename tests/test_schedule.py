from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from core.schedule import (
    ReminderRule,
    catch_up,
    next_reminder,
    parse_time_of_day,
    validate_timezone,
)

ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
    "Pacific/Chatham",
    "UTC",
    "Australia/Lord_Howe",  # 30-minute DST shift
]


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def local(instant: datetime, tz: str) -> datetime:
    return instant.astimezone(ZoneInfo(tz))


def reminders_in_local_year(rule: ReminderRule, tz: str, year: int) -> list[datetime]:
    zone = ZoneInfo(tz)
    end = datetime(year + 1, 1, 1, tzinfo=zone).astimezone(UTC)
    t = datetime(year, 1, 1, tzinfo=zone).astimezone(UTC) - timedelta(microseconds=1)
    result = []
    while (t := next_reminder(rule, tz, t)) < end:
        result.append(t)
    return result


@pytest.mark.parametrize("tz", ZONES)
@pytest.mark.parametrize("year", [2024, 2025])
@pytest.mark.parametrize(
    "time_of_day", [time(0, 0), time(1, 30), time(2, 0), time(2, 30), time(2, 50), time(23, 59)]
)
def test_daily_rule_fires_exactly_once_per_local_day(tz: str, year: int, time_of_day: time) -> None:
    due = reminders_in_local_year(ReminderRule("daily", time_of_day), tz, year)

    local_days = [local(t, tz).date() for t in due]
    first = date(year, 1, 1)
    expected = [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]
    assert local_days == expected
    assert all(t.tzinfo is UTC for t in due)
    # Off the DST-gap day the reminder is exactly at the requested wall time.
    shifted = [t for t in due if local(t, tz).time() != time_of_day]
    assert len(shifted) <= 1
    for t in shifted:
        assert local(t, tz).time() > time_of_day


@pytest.mark.parametrize(
    ("tz", "wall", "after", "expected_utc", "expected_local"),
    [
        # Spring forward: the wall time does not exist, fire when the clock shows 03:00.
        ("Europe/Berlin", time(2, 30), utc(2025, 3, 29, 12), utc(2025, 3, 30, 1), time(3, 0)),
        ("America/New_York", time(2, 30), utc(2025, 3, 8, 12), utc(2025, 3, 9, 7), time(3, 0)),
        ("Australia/Sydney", time(2, 30), utc(2025, 10, 4), utc(2025, 10, 4, 16), time(3, 0)),
        # Fall back: the wall time happens twice, fire at the first one (summer time).
        (
            "Europe/Berlin",
            time(2, 30),
            utc(2025, 10, 25, 12),
            utc(2025, 10, 26, 0, 30),
            time(2, 30),
        ),
        (
            "America/New_York",
            time(1, 30),
            utc(2025, 11, 1, 12),
            utc(2025, 11, 2, 5, 30),
            time(1, 30),
        ),
        ("Australia/Sydney", time(2, 30), utc(2025, 4, 5), utc(2025, 4, 5, 15, 30), time(2, 30)),
    ],
)
def test_dst_edges(
    tz: str, wall: time, after: datetime, expected_utc: datetime, expected_local: time
) -> None:
    due = next_reminder(ReminderRule("daily", wall), tz, after)
    assert due == expected_utc
    assert local(due, tz).time() == expected_local


def test_ambiguous_time_is_not_repeated_at_its_second_occurrence() -> None:
    rule = ReminderRule("daily", time(2, 30))
    first = next_reminder(rule, "Europe/Berlin", utc(2025, 10, 25, 12))
    following = next_reminder(rule, "Europe/Berlin", first)
    # The second 02:30 that night is 01:30 UTC; the next reminder must be a day later.
    assert following == utc(2025, 10, 27, 1, 30)


def test_chatham_gap_of_an_hour_at_quarter_to_three() -> None:
    # Chatham jumps from 02:45 to 03:45 local (+12:45 -> +13:45).
    due = next_reminder(ReminderRule("daily", time(3, 0)), "Pacific/Chatham", utc(2025, 9, 27, 0))
    assert due == utc(2025, 9, 27, 14, 0)
    assert local(due, "Pacific/Chatham").time() == time(3, 45)


def test_half_hour_offset_zone() -> None:
    due = next_reminder(ReminderRule("daily", time(7, 0)), "Asia/Kolkata", utc(2025, 6, 1, 0))
    assert due == utc(2025, 6, 1, 1, 30)


def test_result_is_strictly_after_the_given_instant() -> None:
    rule = ReminderRule("daily", time(9, 0))
    due = utc(2025, 6, 1, 9)
    assert next_reminder(rule, "UTC", due) == utc(2025, 6, 2, 9)
    assert next_reminder(rule, "UTC", due - timedelta(microseconds=1)) == due


def test_non_utc_aware_input_is_accepted_and_result_is_utc() -> None:
    after = datetime(2025, 6, 1, 8, 0, tzinfo=ZoneInfo("Asia/Tokyo"))  # 2025-05-31 23:00 UTC
    due = next_reminder(ReminderRule("daily", time(9, 0)), "Europe/Berlin", after)
    assert due == utc(2025, 6, 1, 7)
    assert due.tzinfo is UTC


def test_naive_datetime_is_rejected() -> None:
    with pytest.raises(ValueError):
        next_reminder(ReminderRule("daily", time(9, 0)), "UTC", datetime(2025, 1, 1))


@pytest.mark.parametrize("weekday", range(7))
def test_weekly_rule_fires_on_its_weekday_every_seven_days(weekday: int) -> None:
    rule = ReminderRule("weekly", time(19, 0), weekday=weekday)
    due = reminders_in_local_year(rule, "Europe/Berlin", 2025)
    assert len(due) in (52, 53)
    assert all(local(t, "Europe/Berlin").weekday() == weekday for t in due)
    assert all(local(t, "Europe/Berlin").time() == time(19, 0) for t in due)
    days = [local(t, "Europe/Berlin").date() for t in due]
    assert all((b - a).days == 7 for a, b in pairwise(days))
    assert days[0] <= date(2025, 1, 7)


def test_weekly_later_same_day_and_earlier_same_day() -> None:
    rule = ReminderRule("weekly", time(19, 0), weekday=2)  # Wednesday
    wednesday = utc(2025, 6, 4, 12)
    assert next_reminder(rule, "UTC", wednesday) == utc(2025, 6, 4, 19)
    assert next_reminder(rule, "UTC", utc(2025, 6, 4, 20)) == utc(2025, 6, 11, 19)


@pytest.mark.parametrize(
    ("day_of_month", "year", "expected_days"),
    [
        (31, 2025, [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]),
        (31, 2024, [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]),
        (30, 2025, [30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30]),
        (29, 2024, [29] * 12),
        (15, 2025, [15] * 12),
        (1, 2025, [1] * 12),
    ],
)
def test_monthly_rule_clamps_to_month_end(
    day_of_month: int, year: int, expected_days: list[int]
) -> None:
    rule = ReminderRule("monthly", time(8, 0), day_of_month=day_of_month)
    due = reminders_in_local_year(rule, "America/New_York", year)
    assert [local(t, "America/New_York").day for t in due] == expected_days
    assert [local(t, "America/New_York").month for t in due] == list(range(1, 13))


def test_monthly_after_short_month_returns_to_requested_day() -> None:
    rule = ReminderRule("monthly", time(8, 0), day_of_month=31)
    feb = next_reminder(rule, "UTC", utc(2025, 2, 1))
    assert feb == utc(2025, 2, 28, 8)
    assert next_reminder(rule, "UTC", feb) == utc(2025, 3, 31, 8)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"frequency": "hourly", "time_of_day": time(9)},
        {"frequency": "weekly", "time_of_day": time(9), "weekday": 7},
        {"frequency": "monthly", "time_of_day": time(9), "day_of_month": 0},
        {"frequency": "monthly", "time_of_day": time(9), "day_of_month": 32},
        {"frequency": "daily", "time_of_day": time(9, tzinfo=UTC)},
        {"frequency": "daily", "time_of_day": "09:00"},
    ],
)
def test_invalid_rules_are_rejected(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        ReminderRule(**kwargs)  # type: ignore[arg-type]


def test_catch_up_sends_one_reminder_for_many_missed_periods() -> None:
    rule = ReminderRule("daily", time(9, 0))
    last_due = utc(2025, 6, 1, 9)
    now = utc(2025, 6, 5, 12)  # four reminders were missed
    send_now, next_due = catch_up(rule, "UTC", last_due, now)
    assert send_now is True
    assert next_due == utc(2025, 6, 6, 9)
    # Replaying from the new state does not send another one.
    assert catch_up(rule, "UTC", next_due, now) == (False, next_due)


def test_catch_up_when_exactly_due() -> None:
    rule = ReminderRule("daily", time(9, 0))
    now = utc(2025, 6, 1, 9)
    assert catch_up(rule, "UTC", now, now) == (True, utc(2025, 6, 2, 9))


def test_catch_up_not_due_yet_keeps_schedule() -> None:
    rule = ReminderRule("weekly", time(9, 0), weekday=0)
    last_due = utc(2025, 6, 9, 9)
    assert catch_up(rule, "UTC", last_due, utc(2025, 6, 8)) == (False, last_due)


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("AMERICA/NEW_YORK", "America/New_York"),
        (" America/New York ", "America/New_York"),
        ("utc", "UTC"),
        ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),
        ("Etc/GMT+5", "Etc/GMT+5"),
        ("Pacific/Chatham", "Pacific/Chatham"),
    ],
)
def test_validate_timezone_accepts_iana_names(given: str, canonical: str) -> None:
    assert validate_timezone(given) == canonical


@pytest.mark.parametrize(
    "bad",
    [
        "Mars/Base",
        "",
        "   ",
        "../../etc/passwd",
        "/etc/localtime",
        "Europe/../Europe/Berlin",
        "localtime",
        "Europe/Berlin\x00",
        "Europe/Berlín",
        "A" * 65,
        "Europe/Berlin; rm -rf /",
    ],
)
def test_validate_timezone_rejects_with_friendly_message(bad: str) -> None:
    with pytest.raises(ValueError, match=r"Europe/Berlin or America/New_York"):
        validate_timezone(bad)


def test_validate_timezone_message_names_the_input() -> None:
    with pytest.raises(ValueError) as info:
        validate_timezone("Mars/Base")
    assert str(info.value) == (
        "Unknown time zone 'Mars/Base'. Use a name like Europe/Berlin or America/New_York."
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7", time(7, 0)),
        ("07:30", time(7, 30)),
        ("7:30", time(7, 30)),
        ("19:05", time(19, 5)),
        ("0:00", time(0, 0)),
        ("23:59", time(23, 59)),
        ("7pm", time(19, 0)),
        ("7 PM", time(19, 0)),
        ("7:30 am", time(7, 30)),
        ("7.30pm", time(19, 30)),
        ("7 p.m.", time(19, 0)),
        ("12am", time(0, 0)),
        ("12:15 am", time(0, 15)),
        ("12pm", time(12, 0)),
        ("noon", time(12, 0)),
        (" Noon ", time(12, 0)),
        ("midnight", time(0, 0)),
        ("7h30", time(7, 30)),
    ],
)
def test_parse_time_of_day(text: str, expected: time) -> None:
    assert parse_time_of_day(text) == expected


@pytest.mark.parametrize(
    "text",
    ["25:00", "24:00", "abc", "7:61", "", "13pm", "0am", "7m", "7:5", "7:300", "-1", "7 30", "1e3"],
)
def test_parse_time_of_day_rejects_nonsense(text: str) -> None:
    with pytest.raises(ValueError, match=r"\w"):
        parse_time_of_day(text)
