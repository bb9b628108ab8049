"""Reminders that respect the day and the weekly review, end to end: the real bot against
the fake Bot API, the dispatcher run with its own clock."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.reminders import ReminderDispatcher
from core.vocab import GoalSource
from db import goals, reminders
from db.database import Database
from db.models import Metric, ReminderJob, UserSettings
from db.settings import update_setting
from fake_telegram import FakeBotAPI
from tests.factories import make_entry, make_journal
from tests.harness import BotHarness, login_as, running_bot

TG = 7600  # Telegram ids of this module: 7600, 7601, ...


async def reminder_user(
    db: Database, telegram_id: int, *, zone: str, since: datetime, **prefs: object
) -> uuid.UUID:
    user_id = await login_as(db, telegram_id, zone=zone)
    prefs = {"pushNotifications": True, "reminderTime": "20:00", **prefs}
    async with db.sessions.begin() as s:
        for key, value in prefs.items():
            await update_setting(s, user_id, "notification_preferences", key, value)
        await reminders.reschedule(s, user_id, now=since)
    return user_id


async def write_at(db: Database, user_id: uuid.UUID, *moments: datetime, words: int = 3) -> None:
    async with db.sessions.begin() as s:
        journal = await make_journal(s, user_id)
        for at in moments:
            text = " ".join(["word"] * words)
            await make_entry(s, journal.id, text, at.astimezone(UTC).replace(tzinfo=None))


def dispatcher(harness: BotHarness) -> ReminderDispatcher:
    settings = harness.app.bot_data["services"].settings
    return ReminderDispatcher(harness.app.bot, harness.db.sessions, settings)


def texts(harness: BotHarness, chat: int) -> list[str]:
    return [m.plain_text for m in harness.fake.messages(chat)]


async def jobs_of(db: Database, user_id: uuid.UUID) -> dict[str, datetime]:
    async with db.sessions() as s:
        rows = await s.execute(
            select(ReminderJob.kind, ReminderJob.due_at).where(ReminderJob.user_id == user_id)
        )
        return {kind: due for kind, due in rows}


# --- the daily reminder ---------------------------------------------------------------


async def test_no_reminder_on_a_day_the_user_already_wrote_in_their_own_time_zone(
    bot: BotHarness,
) -> None:
    now = datetime(2025, 11, 10, 11, 0, 30, tzinfo=UTC)  # 20:00:30 in Tokyo
    wrote = await reminder_user(bot.db, TG, zone="Asia/Tokyo", since=now - timedelta(hours=2))
    # 00:30 on the 10th in Tokyo (still the 9th in UTC): the same local day as the reminder.
    await write_at(bot.db, wrote, datetime(2025, 11, 9, 15, 30, tzinfo=UTC))
    # Wrote at 23:30 on the 9th in Tokyo (the 10th's UTC date would have fooled a UTC check).
    other = await reminder_user(bot.db, TG + 1, zone="Asia/Tokyo", since=now - timedelta(hours=2))
    await write_at(bot.db, other, datetime(2025, 11, 9, 14, 30, tzinfo=UTC))
    # Wrote today but asked to be reminded anyway.
    keen = await reminder_user(
        bot.db, TG + 2, zone="Asia/Tokyo", since=now - timedelta(hours=2), skipIfWritten=False
    )
    await write_at(bot.db, keen, datetime(2025, 11, 10, 1, 0, tzinfo=UTC))

    stats = await dispatcher(bot).run_once(now=now)
    await bot.fake.settle(quiet=0.2)

    assert (stats.claimed, stats.skipped, stats.sent) == (3, 1, 2)
    assert bot.fake.messages(TG) == []
    assert any("Time to reflect" in t for t in texts(bot, TG + 1))
    assert any("Time to reflect" in t for t in texts(bot, TG + 2))
    # The skipped reminder is not owed: tomorrow's is next.
    async with bot.db.sessions() as s:
        schedule = await s.get(reminders.ReminderSchedule, wrote)
    assert schedule is not None and schedule.next_at == datetime(2025, 11, 11, 11, 0)


async def test_write_now_starts_the_write_dialog_and_the_draft_is_saved(bot: BotHarness) -> None:
    now = datetime(2025, 11, 10, 19, 0, 30, tzinfo=UTC)
    await reminder_user(bot.db, TG + 3, zone="Europe/Berlin", since=now - timedelta(hours=2))
    await dispatcher(bot).run_once(now=now)
    [reminder] = bot.fake.messages(TG + 3)
    assert reminder.button_texts() == ["✍️ Write now", "⏰ In 1 hour", "Skip today"]

    await bot.press(TG + 3, "Write now", contains="Go ahead")
    await bot.say(TG + 3, "Climbed the hill again.", contains="Keep going")
    saved = await bot.say(TG + 3, "/done", contains="Saved")
    assert "My Journal" in saved.plain_text


async def test_another_users_reminder_button_does_nothing(bot: BotHarness) -> None:
    now = datetime(2025, 11, 10, 19, 0, 30, tzinfo=UTC)
    await reminder_user(bot.db, TG + 4, zone="Europe/Berlin", since=now - timedelta(hours=2))
    intruder = await login_as(bot.db, TG + 5)
    await dispatcher(bot).run_once(now=now)
    [reminder] = bot.fake.messages(TG + 4)
    snooze = next(data for text, data in reminder.buttons[0] if "1 hour" in text)
    assert snooze is not None
    toast = await bot.press_data(TG + 5, reminder.message_id, snooze)
    assert toast == "This button has expired."
    assert await jobs_of(bot.db, intruder) == {}


async def test_snooze_survives_a_restart_and_is_sent_once(
    db: Database, database_url: str, fast_bcrypt: None
) -> None:
    fake = FakeBotAPI()
    await fake.start()
    try:
        now = datetime(2025, 11, 10, 19, 0, 30, tzinfo=UTC)
        user_id = await reminder_user(
            db, TG + 6, zone="Europe/Berlin", since=now - timedelta(hours=2)
        )
        async with running_bot(db, database_url, fake=fake) as first:
            await dispatcher(first).run_once(now=now)
            answer = await first.press(TG + 6, "In 1 hour", contains="remind you again at")
            assert "⏰" in answer.plain_text
        snoozed = (await jobs_of(db, user_id))["snooze"]
        pressed = snoozed.replace(tzinfo=UTC) - timedelta(hours=1)
        assert abs(pressed - datetime.now(UTC)) < timedelta(minutes=2)

        # A new process on the same database: nothing before the hour, then once.
        async with running_bot(db, database_url, fake=fake) as second:
            early = await dispatcher(second).run_once(now=pressed + timedelta(minutes=59))
            assert early.jobs == 0
            due = pressed + timedelta(minutes=61)
            first_run, again = dispatcher(second), dispatcher(second)
            sent = await first_run.run_once(now=due)
            repeat = await again.run_once(now=due)
            await fake.settle(quiet=0.2)
        assert (sent.jobs, sent.jobs_sent, repeat.jobs) == (1, 1, 0)
        again_msgs = [t for t in texts_of(fake, TG + 6) if "Here is your reminder again" in t]
        assert len(again_msgs) == 1
        assert "snooze" not in await jobs_of(db, user_id)
    finally:
        await fake.stop()


def texts_of(fake: FakeBotAPI, chat: int) -> list[str]:
    return [m.plain_text for m in fake.messages(chat)]


async def test_skip_today_drops_the_snooze_and_tonights_nudge(bot: BotHarness) -> None:
    now = datetime.now(UTC)
    user_id = await reminder_user(
        bot.db, TG + 7, zone="UTC", since=now - timedelta(days=2), streakNudge=True
    )
    async with bot.db.sessions.begin() as s:  # the daily reminder, due now
        await reminders.reschedule(s, user_id, now=now - timedelta(days=2))
    await dispatcher(bot).run_once(now=now)
    await bot.press(TG + 7, "In 1 hour", contains="remind you again")
    assert "snooze" in await jobs_of(bot.db, user_id)
    await bot.press(TG + 7, "Skip today", contains="no more reminders today")
    jobs = await jobs_of(bot.db, user_id)
    assert "snooze" not in jobs
    assert jobs["skip"] == datetime.combine(now.date() + timedelta(days=1), datetime.min.time())

    # A three-day streak that would break tonight, and the nudge due: still not sent today.
    await write_at(bot.db, user_id, *(now - timedelta(days=d) for d in (1, 2, 3)))
    async with bot.db.sessions.begin() as s:
        job = await s.get(ReminderJob, (user_id, "nudge"))
        assert job is not None
        job.due_at = now.replace(tzinfo=None)
    before = len(bot.fake.messages(TG + 7))
    stats = await dispatcher(bot).run_once(now=now + timedelta(seconds=1))
    await bot.fake.settle(quiet=0.2)
    assert (stats.jobs, stats.jobs_sent) == (0, 0)
    assert len(bot.fake.messages(TG + 7)) == before
    assert (await jobs_of(bot.db, user_id))["nudge"] > now.replace(tzinfo=None)


# --- the streak nudge ---------------------------------------------------------------


async def test_the_evening_nudge_only_when_a_streak_would_break(bot: BotHarness) -> None:
    since = datetime(2025, 11, 9, 12, 0, tzinfo=UTC)
    nine = datetime(2025, 11, 10, 20, 0, 30, tzinfo=UTC)  # 21:00:30 in Berlin
    at_risk = await reminder_user(
        bot.db, TG + 8, zone="Europe/Berlin", since=since, pushNotifications=False,
        streakNudge=True,
    )  # fmt: skip
    await write_at(bot.db, at_risk, *(nine - timedelta(days=d) for d in (1, 2, 3)))
    safe = await reminder_user(
        bot.db, TG + 9, zone="Europe/Berlin", since=since, pushNotifications=False,
        streakNudge=True,
    )  # fmt: skip
    await write_at(bot.db, safe, *(nine - timedelta(days=d) for d in (0, 1, 2, 3)))
    short = await reminder_user(
        bot.db, TG + 10, zone="Europe/Berlin", since=since, pushNotifications=False,
        streakNudge=True,
    )  # fmt: skip
    await write_at(bot.db, short, *(nine - timedelta(days=d) for d in (1, 2)))

    stats = await dispatcher(bot).run_once(now=nine)
    await bot.fake.settle(quiet=0.2)
    assert stats.jobs == 3
    [nudge] = bot.fake.messages(TG + 8)
    assert "Your 3-day streak ends tonight" in nudge.plain_text
    assert "Write now" in nudge.button_texts()[0]
    assert bot.fake.messages(TG + 9) == [] and bot.fake.messages(TG + 10) == []
    # The next nudge is tomorrow at 21:00 local.
    assert (await jobs_of(bot.db, at_risk))["nudge"] == datetime(2025, 11, 11, 20, 0)


# --- the weekly review ----------------------------------------------------------------


async def test_opting_in_and_out_of_the_review_with_buttons(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, TG + 11, zone="Europe/Berlin")
    await bot.say(TG + 11, "/review", contains="Your week")
    options = await bot.press(TG + 11, "Review options", contains="Weekly review: off")
    assert "Weekly review: turn on" in options.button_texts()
    await bot.press(TG + 11, "Weekly review: turn on", contains="Weekly review: on")
    await bot.press(TG + 11, "Fr", contains="Fridays at 18:00")
    shown = await bot.press(TG + 11, "09", contains="Fridays at 09:00")
    assert "• Fr" in shown.button_texts() and "• 09" in shown.button_texts()
    async with bot.db.sessions() as s:
        row = (await s.scalars(select(UserSettings).where(UserSettings.user_id == user_id))).one()
    prefs = row.notification_preferences
    assert (prefs["weeklyReview"], prefs["reviewWeekday"], prefs["reviewHour"]) == (True, 4, 9)
    due = (await jobs_of(bot.db, user_id))["review"].replace(tzinfo=UTC)
    local = due.astimezone(ZoneInfo("Europe/Berlin"))
    assert (local.weekday(), local.hour, local.minute) == (4, 9, 0)
    assert due > datetime.now(UTC)

    await bot.press(TG + 11, "Weekly review: turn off", contains="Weekly review: off")
    assert "review" not in await jobs_of(bot.db, user_id)


async def test_the_weekly_review_in_berlin_across_the_clock_change(bot: BotHarness) -> None:
    """Sunday 26 Oct 2025 the clocks go back in Berlin: 18:00 is 17:00 UTC that day,
    not 16:00 as the week before."""
    since = datetime(2025, 10, 19, 17, 0, 30, tzinfo=UTC)  # just after the week before's
    user_id = await reminder_user(
        bot.db, TG + 12, zone="Europe/Berlin", since=since, pushNotifications=False,
        weeklyReview=True, reviewWeekday=6, reviewHour=18,
    )  # fmt: skip
    assert (await jobs_of(bot.db, user_id))["review"] == datetime(2025, 10, 26, 17, 0)
    # 00:30 Sunday in Berlin (Saturday in UTC) and 23:30 the Sunday before (not this week).
    await write_at(bot.db, user_id, datetime(2025, 10, 25, 22, 30, tzinfo=UTC), words=5)
    await write_at(bot.db, user_id, datetime(2025, 10, 19, 21, 30, tzinfo=UTC), words=7)
    await write_at(bot.db, user_id, datetime(2025, 10, 24, 9, 0, tzinfo=UTC), words=4)
    async with bot.db.sessions.begin() as s:
        for days_ago, value in ((10, "5"), (9, "5"), (3, "8"), (1, "7")):
            at = datetime(2025, 10, 26, 10, 0) - timedelta(days=days_ago)
            s.add(Metric(user_id=user_id, type="effort", value=value, created_at=at))
        s.add(
            Metric(user_id=user_id, type="learning", value="6", created_at=datetime(2025, 10, 25))
        )
        done = await goals.create_goal(s, user_id, "Run 5k", source=GoalSource.USER_CREATED)
        await goals.create_goal(
            s, user_id, "Read a book", source=GoalSource.USER_CREATED,
            target_date=date(2025, 10, 30),
        )  # fmt: skip
        await goals.create_goal(
            s, user_id, "Far away", source=GoalSource.USER_CREATED, target_date=date(2025, 12, 30)
        )
    async with bot.db.sessions.begin() as s:
        await goals.complete_goal(s, user_id, done.id)
        goal = await s.get(goals.Goal, done.id)
        assert goal is not None
        goal.completed_at = datetime(2025, 10, 23, 12, 0)

    # 16:00 UTC is only 17:00 in Berlin after the change: nothing yet.
    early = await dispatcher(bot).run_once(now=datetime(2025, 10, 26, 16, 0, 30, tzinfo=UTC))
    assert early.jobs == 0
    stats = await dispatcher(bot).run_once(now=datetime(2025, 10, 26, 17, 0, 30, tzinfo=UTC))
    await bot.fake.settle(quiet=0.2)
    assert (stats.jobs, stats.jobs_sent) == (1, 1)
    [review] = bot.fake.messages(TG + 12)
    assert review.photo is not None and review.photo.startswith(b"\x89PNG")
    text = review.plain_text
    assert "Your week, Ada (20 Oct – 26 Oct)" in text
    assert "2 entries, 9 words" in text
    assert "Effort: 7.5 ↑ (last week 5.0)" in text
    assert "Learning: 6.0 (last week –)" in text
    assert "• Run 5k (on 23 Oct)" in text
    assert "• Read a book (by 30 Oct)" in text and "Far away" not in text
    assert "For the week ahead" in text
    assert len(review.caption or "") <= 1024
    # A week later, again at 18:00 local (now 17:00 UTC, winter time).
    assert (await jobs_of(bot.db, user_id))["review"] == datetime(2025, 11, 2, 17, 0)


async def test_review_on_demand_for_a_user_with_nothing_yet(bot: BotHarness) -> None:
    await login_as(bot.db, TG + 13, zone="America/New_York")
    review = await bot.say(TG + 13, "/review", contains="Your week")
    assert "0 entries, 0 words" in review.plain_text
    assert "streak 0 days" in review.plain_text
    assert review.photo is not None


async def test_review_on_demand_counts_this_weeks_writing(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, TG + 14, zone="UTC")
    now = datetime.now(UTC)
    await write_at(bot.db, user_id, now - timedelta(minutes=5), now - timedelta(days=1), words=4)
    await write_at(bot.db, user_id, now - timedelta(days=9), words=50)
    review = await bot.say(TG + 14, "/review", contains="Your week")
    assert "2 entries, 8 words · 🔥 streak 2 days" in review.plain_text


async def test_review_is_in_help_and_the_command_menu(bot: BotHarness) -> None:
    await login_as(bot.db, TG + 15)
    shown = await bot.say(TG + 15, "/help", contains="/review")
    assert "Your week" in shown.plain_text
    assert "review" in [c.name for c in bot.app.bot_data["commands"]]
