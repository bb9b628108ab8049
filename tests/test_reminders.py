"""Reminder schedules and the dispatcher, with a controllable clock and a recording bot.

End-to-end sending through the fake Bot API is in test_e2e_reminders.py.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import re
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update
from telegram.error import BadRequest, Forbidden, RetryAfter, TimedOut

from bot.config import Settings
from bot.reminders import (
    OUTAGE_AFTER,
    Pacer,
    ReminderDispatcher,
    compose_email,
    format_day,
    reminder_prompt,
    render_telegram,
)
from core.prompts import PROMPTS
from core.vocab import GoalSource
from db import accounts, goals, reminder_jobs, reminders
from db.database import Database
from db.engine import make_engine, make_sessionmaker
from db.models import ReminderJob, ReminderSchedule, UserSettings
from db.reminders import DueReminder, ReminderGoal, reminder_preferences
from db.settings import update_setting
from tests.harness import login_as

UTC_ = ZoneInfo("UTC")
BERLIN = ZoneInfo("Europe/Berlin")
TG = 7100  # Telegram ids of this module: 7100, 7101, ...


class RecordingBot:
    """Stands in for telegram.Bot: records what would be sent, raises queued errors."""

    def __init__(self, *, delay: float = 0.0) -> None:
        self.sent: list[tuple[int, str, datetime | None]] = []
        self.attempts: Counter[int] = Counter()
        self.blocked: set[int] = set()
        self.errors: dict[int, list[Exception]] = {}
        self.delay = delay
        self.now: datetime | None = None  # the test's clock, stamped on each send

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> None:
        self.attempts[chat_id] += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        queued = self.errors.get(chat_id)
        if queued:
            raise queued.pop(0)
        if chat_id in self.blocked:
            raise Forbidden("Forbidden: bot was blocked by the user")
        self.sent.append((chat_id, text, self.now))

    def texts(self, chat_id: int) -> list[str]:
        return [text for chat, text, _ in self.sent if chat == chat_id]


def settings(**overrides: Any) -> Settings:
    return Settings(_env_file=None, smtp_host=None, **overrides)  # type: ignore[call-arg]


def dispatcher(db: Database, bot: RecordingBot, **kwargs: Any) -> ReminderDispatcher:
    kwargs.setdefault("rate_per_second", 0)  # no pacing: the pacer has its own test
    return ReminderDispatcher(bot, db.sessions, settings(), **kwargs)  # type: ignore[arg-type]


async def reminder_user(
    db: Database,
    telegram_id: int,
    now: datetime,
    *,
    zone: str = "UTC",
    email: str | None = None,
    **preferences: object,
) -> uuid.UUID:
    """A logged-in user (chat id == telegram id) with these notification preferences."""
    user_id = await login_as(db, telegram_id, email, zone=zone)
    preferences.setdefault("pushNotifications", True)
    async with db.sessions.begin() as s:
        for key, value in preferences.items():
            await update_setting(s, user_id, "notification_preferences", key, value)
        await reminders.reschedule(s, user_id, now=now)
    return user_id


async def next_at(db: Database, user_id: uuid.UUID) -> datetime | None:
    async with db.sessions() as s:
        value = await s.scalar(
            select(ReminderSchedule.next_at).where(ReminderSchedule.user_id == user_id)
        )
    return value.replace(tzinfo=UTC) if value is not None else None


async def preferences_of(db: Database, user_id: uuid.UUID) -> dict[str, Any]:
    async with db.sessions() as s:
        document = await s.scalar(
            select(UserSettings.notification_preferences).where(UserSettings.user_id == user_id)
        )
    assert isinstance(document, dict)
    return document


def prompt_of(text: str) -> str:
    match = re.search(r"<i>(.*?)</i>", text)
    assert match is not None
    return html.unescape(match[1])


# --- preferences --------------------------------------------------------------------


def test_preferences_default_to_daily_at_eight_pm_and_off() -> None:
    prefs = reminder_preferences({})
    assert (prefs.push, prefs.email, prefs.wanted) == (False, False, False)
    assert (prefs.rule.frequency, prefs.rule.time_of_day.isoformat()) == ("daily", "20:00:00")
    assert (prefs.rule.weekday, prefs.rule.day_of_month) == (0, 1)


def test_preferences_written_by_the_other_app_never_break_a_reminder() -> None:
    prefs = reminder_preferences(
        {
            "pushNotifications": "yes please",
            "emailNotifications": True,
            "reminderFrequency": "hourly",
            "reminderTime": "25:99",
            "reminderWeekday": 9,
            "reminderDayOfMonth": "31",
            "somethingElse": [1, 2],
        }
    )
    assert (prefs.push, prefs.email) == (False, True)
    assert (prefs.rule.frequency, prefs.rule.time_of_day.isoformat()) == ("daily", "20:00:00")
    assert (prefs.rule.weekday, prefs.rule.day_of_month) == (0, 31)
    assert reminder_preferences(None) == reminder_preferences("not json")


# --- reschedule -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "preferences", "now", "expected_local"),
    [
        # daily 07:30 in Tokyo; it is already 09:00 there, so tomorrow
        (
            "Asia/Tokyo",
            {"reminderFrequency": "daily", "reminderTime": "07:30"},
            datetime(2025, 1, 10, 0, 0, tzinfo=UTC),
            datetime(2025, 1, 11, 7, 30),
        ),
        # daily 20:00 in Kolkata (UTC+05:30); 19:30 there: later today
        (
            "Asia/Kolkata",
            {"reminderTime": "20:00"},
            datetime(2025, 6, 1, 14, 0, tzinfo=UTC),
            datetime(2025, 6, 1, 20, 0),
        ),
        # weekly on Fridays at 18:00 in New York, asked on a Wednesday
        (
            "America/New_York",
            {"reminderFrequency": "weekly", "reminderWeekday": 4, "reminderTime": "18:00"},
            datetime(2025, 1, 8, 12, 0, tzinfo=UTC),
            datetime(2025, 1, 10, 18, 0),
        ),
        # monthly on the 15th at 09:00 in Sydney (summer time, UTC+11), the 15th has passed
        (
            "Australia/Sydney",
            {"reminderFrequency": "monthly", "reminderDayOfMonth": 15, "reminderTime": "09:00"},
            datetime(2025, 1, 20, 3, 0, tzinfo=UTC),
            datetime(2025, 2, 15, 9, 0),
        ),
        # weekly on Sundays in Berlin across the spring-forward night: 02:30 does not exist
        (
            "Europe/Berlin",
            {"reminderFrequency": "weekly", "reminderWeekday": 6, "reminderTime": "02:30"},
            datetime(2025, 3, 27, 12, 0, tzinfo=UTC),
            datetime(2025, 3, 30, 3, 0),
        ),
    ],
)
async def test_reschedule_puts_the_next_reminder_at_the_local_time(
    db: Database,
    zone: str,
    preferences: dict[str, object],
    now: datetime,
    expected_local: datetime,
) -> None:
    user_id = await reminder_user(db, TG, now, zone=zone, **preferences)
    expected = expected_local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
    assert await next_at(db, user_id) == expected


async def test_a_schedule_exists_only_while_push_or_email_reminders_are_on(db: Database) -> None:
    now = datetime(2025, 5, 5, 12, 0, tzinfo=UTC)
    user_id = await login_as(db, TG)
    async with db.sessions.begin() as s:
        await reminders.reschedule(s, user_id, now=now)
    assert await next_at(db, user_id) is None  # the documented defaults: both off

    async with db.sessions.begin() as s:
        await update_setting(s, user_id, "notification_preferences", "emailNotifications", True)
        await reminders.reschedule(s, user_id, now=now)
    assert await next_at(db, user_id) == datetime(2025, 5, 5, 20, 0, tzinfo=UTC)

    async with db.sessions.begin() as s:
        await update_setting(s, user_id, "notification_preferences", "emailNotifications", False)
        await reminders.reschedule(s, user_id, now=now)
    assert await next_at(db, user_id) is None


async def test_changing_preferences_or_time_zone_moves_next_at(db: Database) -> None:
    now = datetime(2025, 5, 5, 12, 0, tzinfo=UTC)  # a Monday
    user_id = await reminder_user(db, TG, now, reminderTime="20:00")
    assert await next_at(db, user_id) == datetime(2025, 5, 5, 20, 0, tzinfo=UTC)

    async with db.sessions.begin() as s:
        await update_setting(s, user_id, "notification_preferences", "reminderTime", "07:15")
        await reminders.reschedule(s, user_id, now=now)
    assert await next_at(db, user_id) == datetime(2025, 5, 6, 7, 15, tzinfo=UTC)

    async with db.sessions.begin() as s:
        await update_setting(s, user_id, "notification_preferences", "reminderFrequency", "weekly")
        await update_setting(s, user_id, "notification_preferences", "reminderWeekday", 3)
        await reminders.reschedule(s, user_id, now=now)
    assert await next_at(db, user_id) == datetime(2025, 5, 8, 7, 15, tzinfo=UTC)

    from db.profile import set_timezone

    async with db.sessions.begin() as s:
        await set_timezone(s, user_id, "America/Los_Angeles")  # UTC-7 in May
        await reminders.reschedule(s, user_id, now=now)
    assert await next_at(db, user_id) == datetime(2025, 5, 8, 14, 15, tzinfo=UTC)


async def test_a_change_while_a_reminder_is_due_keeps_that_reminder(db: Database) -> None:
    now = datetime(2025, 5, 5, 12, 0, tzinfo=UTC)
    user_id = await reminder_user(db, TG, now, reminderTime="20:00")
    later = datetime(2025, 5, 5, 20, 0, 40, tzinfo=UTC)  # due, not yet claimed
    async with db.sessions.begin() as s:
        await update_setting(s, user_id, "notification_preferences", "reminderTime", "21:00")
        await reminders.reschedule(s, user_id, now=later)
    assert await next_at(db, user_id) == datetime(2025, 5, 5, 20, 0, tzinfo=UTC)
    bot = RecordingBot()
    await dispatcher(db, bot).run_once(now=later)
    assert len(bot.texts(TG)) == 1
    assert await next_at(db, user_id) == datetime(2025, 5, 5, 21, 0, tzinfo=UTC)


# --- sending at the right times ------------------------------------------------------


async def step_clock(
    db: Database, bot: RecordingBot, start: datetime, end: datetime, step: timedelta
) -> None:
    """Run the dispatcher at every tick of a clock from start to end, as the scheduler would."""
    sender = dispatcher(db, bot)
    t = start
    while t < end:
        bot.now = t
        await sender.run_once(now=t)
        t += step


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # spring forward on Sunday 30 March 2025: 02:30 does not exist, it fires at 03:00
        (
            datetime(2025, 3, 27, 0, 0, tzinfo=UTC),
            {
                date(2025, 3, 27): datetime(2025, 3, 27, 2, 30),
                date(2025, 3, 28): datetime(2025, 3, 28, 2, 30),
                date(2025, 3, 29): datetime(2025, 3, 29, 2, 30),
                date(2025, 3, 30): datetime(2025, 3, 30, 3, 0),
                date(2025, 3, 31): datetime(2025, 3, 31, 2, 30),
                date(2025, 4, 1): datetime(2025, 4, 1, 2, 30),
            },
        ),
        # fall back on Sunday 26 October 2025: 02:30 happens twice, it fires once
        (
            datetime(2025, 10, 23, 0, 0, tzinfo=UTC),
            {
                date(2025, 10, 23): datetime(2025, 10, 23, 2, 30),
                date(2025, 10, 24): datetime(2025, 10, 24, 2, 30),
                date(2025, 10, 25): datetime(2025, 10, 25, 2, 30),
                date(2025, 10, 26): datetime(2025, 10, 26, 2, 30),
                date(2025, 10, 27): datetime(2025, 10, 27, 2, 30),
                date(2025, 10, 28): datetime(2025, 10, 28, 2, 30),
            },
        ),
    ],
)
async def test_daily_reminders_through_a_dst_week_in_berlin_never_skip_or_double(
    db: Database, start: datetime, expected: dict[date, datetime]
) -> None:
    await reminder_user(db, TG, start, zone="Europe/Berlin", reminderTime="02:30")
    bot = RecordingBot()
    step = timedelta(minutes=10)
    await step_clock(db, bot, start, start + timedelta(days=6), step)

    sent_at = [at for _, _, at in bot.sent]
    assert all(at is not None for at in sent_at)
    by_day = Counter(at.astimezone(BERLIN).date() for at in sent_at if at is not None)
    assert by_day == dict.fromkeys(expected, 1)
    for at in sent_at:
        assert at is not None
        due = expected[at.astimezone(BERLIN).date()].replace(tzinfo=BERLIN)
        if due.replace(fold=1).utcoffset() != due.utcoffset():  # the repeated hour
            due = due.replace(fold=0)  # fires at the first 02:30 (summer time)
        assert timedelta(0) <= at - due.astimezone(UTC) < step
    prompts = [prompt_of(text) for _, text, _ in bot.sent]
    assert len(set(prompts)) == len(prompts)  # a different prompt every day
    assert all(p in PROMPTS for p in prompts)


@pytest.mark.parametrize(
    ("year", "expected_days"),
    [
        (2024, [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30)]),
        (2025, [date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31), date(2025, 4, 30)]),
    ],
)
async def test_a_monthly_reminder_on_the_31st_comes_on_the_last_day_of_short_months(
    db: Database, year: int, expected_days: list[date]
) -> None:
    start = datetime(year, 1, 20, tzinfo=UTC)
    user_id = await reminder_user(
        db,
        TG,
        start,
        zone="Europe/Berlin",
        reminderFrequency="monthly",
        reminderDayOfMonth=31,
        reminderTime="09:00",
    )
    bot = RecordingBot()
    sender = dispatcher(db, bot)
    for _ in expected_days:
        due = await next_at(db, user_id)
        assert due is not None
        bot.now = due + timedelta(seconds=30)
        assert (await sender.run_once(now=bot.now)).sent == 1
    sent = [at.astimezone(BERLIN) for _, _, at in bot.sent if at is not None]
    assert [at.date() for at in sent] == expected_days
    assert {(at.hour, at.minute) for at in sent} == {(9, 0)}


async def test_after_downtime_exactly_one_reminder_then_back_on_schedule(db: Database) -> None:
    now = datetime(2025, 6, 10, 9, 0, tzinfo=UTC)
    user_id = await reminder_user(db, TG, now - timedelta(days=60), reminderTime="20:00")
    async with db.sessions.begin() as s:  # the bot was down for a month
        await s.execute(
            update(ReminderSchedule)
            .where(ReminderSchedule.user_id == user_id)
            .values(next_at=datetime(2025, 5, 10, 20, 0))
        )
    bot = RecordingBot()
    sender = dispatcher(db, bot)
    stats = await sender.run_once(now=now)
    assert (stats.claimed, stats.sent) == (1, 1)
    assert await next_at(db, user_id) == datetime(2025, 6, 10, 20, 0, tzinfo=UTC)
    assert (await sender.run_once(now=now + timedelta(minutes=1))).claimed == 0
    assert len(bot.texts(TG)) == 1


async def test_nothing_is_sent_before_the_time(db: Database) -> None:
    now = datetime(2025, 6, 10, 19, 59, tzinfo=UTC)
    await reminder_user(db, TG, now, reminderTime="20:00")
    bot = RecordingBot()
    assert (await dispatcher(db, bot).run_once(now=now)).claimed == 0
    assert (await dispatcher(db, bot).run_once(now=now + timedelta(minutes=1))).sent == 1


# --- who gets what ---------------------------------------------------------------------


async def test_every_logged_in_chat_gets_the_reminder_and_logged_out_ones_do_not(
    db: Database,
) -> None:
    now = datetime(2025, 6, 10, 12, 0, tzinfo=UTC)
    user_id = await reminder_user(db, TG, now - timedelta(days=1))
    async with db.sessions.begin() as s:  # a second Telegram account, logged in to the same user
        await accounts.start_session(
            s, user_id=user_id, telegram_user_id=TG + 1, chat_id=TG + 1, days=30
        )
    other = await reminder_user(db, TG + 2, now - timedelta(days=1))
    async with db.sessions.begin() as s:
        await accounts.end_session(s, TG + 2)
    bot = RecordingBot()
    stats = await dispatcher(db, bot).run_once(now=now)
    assert stats.claimed == 2
    assert Counter(chat for chat, _, _ in bot.sent) == {TG: 1, TG + 1: 1}
    assert await next_at(db, other) is not None  # still scheduled for when they log in again


async def test_a_schedule_whose_user_turned_reminders_off_elsewhere_is_dropped(
    db: Database,
) -> None:
    now = datetime(2025, 6, 10, 12, 0, tzinfo=UTC)
    user_id = await reminder_user(db, TG, now - timedelta(days=1))
    async with db.sessions.begin() as s:  # the other app writes the JSON and never reschedules
        await s.execute(
            update(UserSettings)
            .where(UserSettings.user_id == user_id)
            .values(notification_preferences={"pushNotifications": False, "theme": "x"})
        )
    bot = RecordingBot()
    assert (await dispatcher(db, bot).run_once(now=now)).sent == 0
    assert await next_at(db, user_id) is None
    assert bot.sent == []


async def test_open_and_overdue_goals_match_the_goal_functions_and_appear_in_the_text(
    db: Database,
) -> None:
    now = datetime(2025, 11, 10, 20, 0, 30, tzinfo=UTC)
    user_id = await reminder_user(db, TG, now - timedelta(days=1), zone="Europe/Berlin")
    async with db.sessions.begin() as s:

        async def goal(text: str, **kwargs: Any) -> uuid.UUID:
            kwargs.setdefault("source", GoalSource.USER_CREATED)
            return (await goals.create_goal(s, user_id, text, **kwargs)).id

        await goal("Run 5k", target_date=date(2025, 11, 3))
        await goal("Read 12 <books>")
        await goal("Meditate daily", source=GoalSource.AI_GENERATED, target_date=date(2025, 1, 1))
        await goals.complete_goal(s, user_id, await goal("Finished one"))
        await goals.delete_goal(s, user_id, await goal("Dropped one"))
        await goal("Speak Spanish", target_date=date(2026, 1, 1))
    async with db.sessions.begin() as s:
        [due] = await reminders.claim_due(s, now, 10)
        local_today = now.astimezone(BERLIN).date()
        expected_open = await goals.list_open_goals(s, user_id)
        expected_overdue = await goals.overdue_goals(s, user_id, local_today)
    assert [g.content for g in due.open_goals] == [g.content for g in expected_open]
    assert [g.content for g in due.overdue_goals] == [g.content for g in expected_overdue]
    assert [g.content for g in due.overdue_goals] == ["Run 5k"]
    assert due.open_goal_count == 4
    text = render_telegram(due, reminder_prompt(due))
    assert "⏰ 'Run 5k' was due on 3 Nov — still on it?" in text
    assert "Read 12 &lt;books&gt;" in text
    assert "Meditate daily <i>(suggested, waiting for your answer)</i>" in text
    assert "Finished one" not in text and "Dropped one" not in text


# --- failures ------------------------------------------------------------------------


async def test_a_user_who_blocked_the_bot_gets_push_off_and_is_not_tried_again(
    db: Database,
) -> None:
    now = datetime(2025, 6, 10, 20, 0, 30, tzinfo=UTC)
    blocked = await reminder_user(db, TG, now - timedelta(days=1), reminderTime="20:00")
    both = await reminder_user(
        db, TG + 1, now - timedelta(days=1), emailNotifications=True, reminderTime="20:00"
    )
    bot = RecordingBot()
    bot.blocked |= {TG, TG + 1}
    sender = dispatcher(db, bot)
    stats = await sender.run_once(now=now)
    assert (stats.claimed, stats.sent, stats.blocked) == (2, 0, 2)
    prefs = await preferences_of(db, blocked)
    assert prefs["pushNotifications"] is False
    assert prefs["reminderTime"] == "20:00"  # other keys kept
    assert await next_at(db, blocked) is None
    # Email is still on for the other user: the schedule stays, without Telegram chats.
    assert (await preferences_of(db, both))["emailNotifications"] is True
    assert await next_at(db, both) == datetime(2025, 6, 11, 20, 0, tzinfo=UTC)
    await sender.run_once(now=now + timedelta(days=1))
    assert bot.attempts == {TG: 1, TG + 1: 1}


async def test_one_blocked_account_of_a_user_with_two_keeps_push_on(db: Database) -> None:
    now = datetime(2025, 6, 10, 20, 0, 30, tzinfo=UTC)
    user_id = await reminder_user(db, TG, now - timedelta(days=1), reminderTime="20:00")
    async with db.sessions.begin() as s:
        await accounts.start_session(
            s, user_id=user_id, telegram_user_id=TG + 1, chat_id=TG + 1, days=30
        )
    bot = RecordingBot()
    bot.blocked.add(TG)
    stats = await dispatcher(db, bot).run_once(now=now)
    assert (stats.sent, stats.blocked) == (1, 0)
    assert (await preferences_of(db, user_id))["pushNotifications"] is True


async def test_other_errors_are_not_retried_and_the_next_period_tries_again(
    db: Database,
) -> None:
    now = datetime(2025, 6, 10, 20, 0, 30, tzinfo=UTC)
    user_id = await reminder_user(db, TG, now - timedelta(days=1), reminderTime="20:00")
    bot = RecordingBot()
    bot.errors[TG] = [BadRequest("Chat not found")]
    sender = dispatcher(db, bot)
    stats = await sender.run_once(now=now)
    assert (stats.sent, stats.failed, bot.attempts[TG]) == (0, 1, 1)
    assert await next_at(db, user_id) == datetime(2025, 6, 11, 20, 0, tzinfo=UTC)
    assert (await preferences_of(db, user_id))["pushNotifications"] is True
    assert (await sender.run_once(now=now + timedelta(days=1))).sent == 1


async def test_a_429_that_reaches_the_dispatcher_is_waited_out_and_retried(db: Database) -> None:
    now = datetime(2025, 6, 10, 20, 0, 30, tzinfo=UTC)
    await reminder_user(db, TG, now - timedelta(days=1), reminderTime="20:00")
    bot = RecordingBot()
    bot.errors[TG] = [RetryAfter(0), RetryAfter(0)]
    stats = await dispatcher(db, bot).run_once(now=now)
    assert (stats.sent, bot.attempts[TG]) == (1, 3)


async def test_when_telegram_is_unreachable_the_untried_reminders_are_given_back(
    db: Database,
) -> None:
    now = datetime(2025, 6, 10, 20, 0, 30, tzinfo=UTC)
    users = [
        await reminder_user(db, TG + i, now - timedelta(days=1), reminderTime="20:00")
        for i in range(OUTAGE_AFTER + 10)
    ]
    bot = RecordingBot()
    for i in range(len(users)):
        bot.errors[TG + i] = [TimedOut()]
    stats = await dispatcher(db, bot, concurrency=1).run_once(now=now)
    assert stats.failed == OUTAGE_AFTER and stats.released == len(users) - OUTAGE_AFTER
    due = datetime(2025, 6, 10, 20, 0, tzinfo=UTC)
    schedule = [await next_at(db, u) for u in users]
    bot.errors.clear()
    assert schedule.count(due) == len(users) - OUTAGE_AFTER  # given back, still due
    # Telegram is back: the given-back ones are sent; the tried ones are not sent twice.
    stats = await dispatcher(db, bot).run_once(now=now + timedelta(minutes=1))
    assert stats.sent == len(users) - OUTAGE_AFTER
    assert max(bot.attempts.values()) == 1


async def test_when_telegram_is_unreachable_untried_snoozes_go_back_and_tried_ones_are_done(
    db: Database,
) -> None:
    now = datetime(2025, 6, 10, 20, 0, 30, tzinfo=UTC)
    users = []
    for i in range(OUTAGE_AFTER + 5):
        user_id = await login_as(db, TG + i)
        async with db.sessions.begin() as s:
            # due oldest first, so claimed and tried in this order
            pressed = now - timedelta(minutes=120 - i)
            await reminder_jobs.snooze(s, user_id, TG + i, pressed)
        users.append(user_id)
    bot = RecordingBot()
    for i in range(len(users)):
        bot.errors[TG + i] = [TimedOut()]
    stats = await dispatcher(db, bot).run_once(now=now)
    assert (stats.jobs, stats.jobs_sent, stats.released) == (len(users), 0, 5)
    async with db.sessions() as s:
        left = set(await s.scalars(select(ReminderJob.user_id)))
    # A timeout may have reached the user: the tried snoozes are done, the rest wait.
    assert left == set(users[OUTAGE_AFTER:])
    bot.errors.clear()
    stats = await dispatcher(db, bot).run_once(now=now + timedelta(minutes=1))
    assert (stats.jobs, stats.jobs_sent) == (5, 5)
    assert max(bot.attempts.values()) == 1


# --- racing and stopping ----------------------------------------------------------------


async def test_two_dispatchers_racing_send_each_reminder_exactly_once(
    db: Database, database_url: str
) -> None:
    now = datetime(2025, 6, 10, 20, 0, 30, tzinfo=UTC)
    count = 60
    for i in range(count):
        await reminder_user(db, TG + i, now - timedelta(days=1), reminderTime="20:00")
    engines = [make_engine(database_url, pool_size=2) for _ in range(2)]
    bots = [RecordingBot(delay=0.002), RecordingBot(delay=0.002)]
    try:
        senders = [
            ReminderDispatcher(
                bot,  # type: ignore[arg-type]
                make_sessionmaker(engine),
                settings(),
                batch_size=4,
                rate_per_second=0,
            )
            for bot, engine in zip(bots, engines, strict=True)
        ]
        results = await asyncio.gather(*(s.run_once(now=now) for s in senders))
    finally:
        for engine in engines:
            await engine.dispose()
    per_chat = Counter(chat for bot in bots for chat, _, _ in bot.sent)
    assert per_chat == {TG + i: 1 for i in range(count)}
    assert sum(r.claimed for r in results) == count
    assert all(r.sent > 0 for r in results)  # both really took part


async def test_stopping_mid_run_gives_back_what_was_not_sent_and_nothing_doubles(
    db: Database,
) -> None:
    now = datetime(2025, 6, 10, 20, 0, 30, tzinfo=UTC)
    count = 30
    for i in range(count):
        await reminder_user(db, TG + i, now - timedelta(days=1), reminderTime="20:00")
    bot = RecordingBot(delay=0.02)
    sender = dispatcher(db, bot, concurrency=2)
    run = asyncio.create_task(sender.run_once(now=now))
    while len(bot.sent) < 4:  # noqa: ASYNC110 - polling a test double
        await asyncio.sleep(0.005)
    await sender.stop()
    stats = await run
    assert 0 < stats.sent < count and stats.released == count - stats.sent
    assert stats.claimed == count

    after = await dispatcher(db, bot).run_once(now=now + timedelta(minutes=1))
    assert after.sent == count - stats.sent
    assert Counter(chat for chat, _, _ in bot.sent) == {TG + i: 1 for i in range(count)}


async def test_started_dispatcher_runs_on_its_own_and_stops(db: Database) -> None:
    real_now = datetime.now(UTC)
    await reminder_user(db, TG, real_now - timedelta(days=2), reminderTime="00:00")
    bot = RecordingBot()
    sender = dispatcher(db, bot)
    sender.start()
    try:
        job = sender._scheduler.get_job("reminders")
        assert (job.max_instances, job.coalesce) == (1, True)
        async with asyncio.timeout(10):
            while not bot.sent:  # noqa: ASYNC110 - polling a test double
                await asyncio.sleep(0.02)
    finally:
        await sender.stop()
    assert len(bot.texts(TG)) == 1


# --- the pacer -----------------------------------------------------------------------------


async def test_pacer_spaces_sends_evenly_and_caps_every_window() -> None:
    clock = [0.0]
    passed: list[float] = []

    sleeps = [0]

    async def sleep(seconds: float) -> None:
        sleeps[0] += 1
        # Wake-ups come late, every seventh one very late (a busy event loop).
        clock[0] += seconds + (0.15 if sleeps[0] % 7 == 0 else 0.003)

    pacer = Pacer(25, max_in_window=30, window=1.025, clock=lambda: clock[0], sleep=sleep)
    for _ in range(300):
        await pacer.wait()
        passed.append(clock[0])
    rate = (len(passed) - 1) / (passed[-1] - passed[0])
    # Late wake-ups are made up for (the rate stays 25/s, not 25/s minus the delays; the
    # first sends may use the 0.2 s catch-up allowance at once)...
    assert 24.5 < rate < 25.5
    gaps = [b - a for a, b in itertools.pairwise(passed)]
    assert min(gaps) < 0.001  # catching up after a late wake-up...
    # ...but never more than 30 within the window, however late the loop was.
    assert all(b - a >= 1.025 for a, b in zip(passed, passed[30:], strict=False))


# --- composing (pure) ------------------------------------------------------------------


def sample(**overrides: Any) -> DueReminder:
    values: dict[str, Any] = {
        "user_id": uuid.UUID(int=7),
        "due_at": datetime(2025, 11, 10, 19, 0, tzinfo=UTC),
        "next_at": datetime(2025, 11, 11, 19, 0, tzinfo=UTC),
        "previous_last_sent_at": None,
        "timezone": "Europe/Berlin",
        "local_date": date(2025, 11, 10),
        "chats": (1,),
        "email": "ada@example.com",
        "first_name": "Ada <3",
        "open_goals": (
            ReminderGoal("Run 5k", date(2025, 11, 3), True),
            ReminderGoal("Learn <b>Rust</b>", None, True),
        ),
        "open_goal_count": 12,
        "overdue_goals": (ReminderGoal("Run 5k", date(2025, 11, 3), True),),
    }
    values.update(overrides)
    return DueReminder(**values)


def test_telegram_text_escapes_user_text_and_counts_the_goals_not_shown() -> None:
    text = render_telegram(sample(), "What did you learn?")
    assert "Time to reflect, Ada &lt;3" in text
    assert "<i>What did you learn?</i>" in text
    assert "• Run 5k <i>(by 3 Nov)</i>" in text
    assert "• Learn &lt;b&gt;Rust&lt;/b&gt;" in text
    assert "…and 10 more" in text
    assert text.endswith("⏰ 'Run 5k' was due on 3 Nov — still on it?")
    long = render_telegram(
        sample(open_goals=(ReminderGoal("x" * 500, None, True),) * 8), PROMPTS[0]
    )
    assert len(long) < 4096


def test_dates_carry_the_year_only_when_it_differs() -> None:
    assert format_day(date(2025, 11, 3), date(2025, 11, 10)) == "3 Nov"
    assert format_day(date(2024, 12, 30), date(2025, 1, 2)) == "30 Dec 2024"


def test_email_has_headers_plain_text_and_html() -> None:
    sent_at = datetime(2025, 11, 10, 19, 0, 5, tzinfo=UTC)
    message = compose_email(
        sample(), "What did <you> learn?", sender="Journal <j@example.org>", sent_at=sent_at
    )
    assert isinstance(message, EmailMessage)
    assert message["To"] == "ada@example.com"
    assert message["From"] == "Journal <j@example.org>"
    assert message["Subject"] == "Your Growth Journal prompt for Monday 10 November"
    assert message["Message-ID"].endswith("@example.org>")
    plain = message.get_body(("plain",))
    rich = message.get_body(("html",))
    assert plain is not None and rich is not None
    plain_text, html_text = plain.get_content(), rich.get_content()  # type: ignore[attr-defined]
    assert "What did <you> learn?" in plain_text
    assert "⏰ 'Run 5k' was due on 3 Nov — still on it?" in plain_text
    assert "What did &lt;you&gt; learn?" in html_text
    assert "Learn &lt;b&gt;Rust&lt;/b&gt;" in html_text
    # Pure: the same reminder gives the same message.
    again = compose_email(
        sample(), "What did <you> learn?", sender="Journal <j@example.org>", sent_at=sent_at
    )
    assert again.as_bytes() == message.as_bytes()
