"""Snoozes, streak nudges and weekly reviews end to end (the real bot against the fake Bot
API, the dispatcher with its own clock): a job whose claimer dies is sent by another
instance exactly once, a live claim is not taken, a stop gives untried jobs back, and a
user who blocked the bot gets every push turned off, whichever push met the 403."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from datetime import UTC, datetime, timedelta
from typing import Final

import pytest
from sqlalchemy import func, select

from bot.app import build_application
from bot.reminders import ReminderDispatcher
from db import reminder_jobs, reminders
from db.database import Database
from db.engine import make_engine, make_sessionmaker
from db.models import ReminderJob, ReminderSchedule, UserSettings
from db.reminder_jobs import LEASE
from db.settings import update_setting
from tests.factories import make_entry, make_journal
from tests.harness import BotHarness, login_as

TG = 7700  # Telegram ids of this module: 7700, 7701, ...
NOW = datetime(2025, 11, 10, 20, 0, 30, tzinfo=UTC)  # 21:00:30 in Berlin: nudge time
KINDS: Final = ("snooze", "nudge", "review")
SENDS: Final = ("sendMessage", "sendPhoto")  # a review is a photo with a caption


async def due_job(db: Database, telegram_id: int, kind: str, *, push: bool = False) -> uuid.UUID:
    """A Berlin user with the review and the nudge on and a three-day streak that breaks
    tonight; ``kind`` is due at NOW, the user's other jobs are not."""
    user_id = await login_as(db, telegram_id, zone="Europe/Berlin")
    prefs = {"pushNotifications": push, "reminderTime": "20:00"}
    prefs |= {"weeklyReview": True, "streakNudge": True}
    async with db.sessions.begin() as s:
        for key, value in prefs.items():
            await update_setting(s, user_id, "notification_preferences", key, value)
        await reminders.reschedule(s, user_id, now=NOW - timedelta(minutes=10))
        journal = await make_journal(s, user_id)
        for days in (1, 2, 3):
            at = (NOW - timedelta(days=days)).replace(tzinfo=None)
            await make_entry(s, journal.id, "Kept at it.", at)
        if kind == "snooze":
            await reminder_jobs.snooze(s, user_id, telegram_id, NOW - timedelta(minutes=61))
    async with db.sessions.begin() as s:
        for job in await s.scalars(select(ReminderJob).where(ReminderJob.user_id == user_id)):
            late = job.kind != kind
            job.due_at = (NOW + timedelta(days=1) if late else NOW - timedelta(minutes=1)).replace(
                tzinfo=None
            )
    return user_id


def dispatcher(harness: BotHarness) -> ReminderDispatcher:
    settings = harness.app.bot_data["services"].settings
    return ReminderDispatcher(harness.app.bot, harness.db.sessions, settings)


async def jobs_of(db: Database, user_id: uuid.UUID) -> dict[str, ReminderJob]:
    async with db.sessions() as s:
        rows = await s.scalars(select(ReminderJob).where(ReminderJob.user_id == user_id))
        return {job.kind: job for job in rows}


async def wait_until_claimed(db: Database, users: list[uuid.UUID]) -> None:
    """Until every user in ``users`` has one job held by a claim (one job is due each)."""
    for _ in range(300):
        async with db.sessions() as s:
            held = await s.scalar(
                select(func.count())
                .select_from(ReminderJob)
                .where(ReminderJob.user_id.in_(users), ReminderJob.claimed_by.is_not(None))
            )
        if held == len(users):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the jobs were never claimed")


async def test_jobs_whose_claimer_died_mid_send_go_out_once_from_another_instance(
    bot: BotHarness, database_url: str
) -> None:
    users = [await due_job(bot.db, TG + i, kind) for i, kind in enumerate(KINDS)]
    # A second bot process claims the three jobs and dies while Telegram holds its first
    # send (the call is dropped unanswered, so nothing reached the user).
    for method in SENDS:
        bot.fake.delay(method, 60)
    settings = bot.app.bot_data["services"].settings
    engine = make_engine(database_url, pool_size=2)
    other_db = Database(engine=engine, sessions=make_sessionmaker(engine), url=database_url)
    other_app = build_application(settings, other_db)
    try:
        async with other_app:
            dying = ReminderDispatcher(other_app.bot, other_db.sessions, settings)
            run = asyncio.create_task(dying.run_once(now=NOW))
            await wait_until_claimed(bot.db, users)
            await asyncio.sleep(0.3)  # into the first send
            assert not run.done()
            run.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await run
    finally:
        await engine.dispose()
    for method in SENDS:
        bot.fake.delay(method, 0)
    await bot.fake.settle(quiet=0.2)
    [dropped] = [c for c in bot.fake.calls if c.method in SENDS]
    assert dropped.error is not None and dropped.error["description"] == "client disconnected"
    for user_id in users:  # still held by the dead claimer
        [held] = [j for j in (await jobs_of(bot.db, user_id)).values() if j.claimed_by]
        assert held.lease_until is not None
        assert held.lease_until >= (NOW + LEASE).replace(tzinfo=None)
    assert all(bot.fake.messages(TG + i) == [] for i in range(3))

    # Within the lease the claim holds: the live instance does not take the jobs.
    early = await dispatcher(bot).run_once(now=NOW + timedelta(minutes=5))
    assert (early.jobs, early.jobs_sent) == (0, 0)
    assert all(bot.fake.messages(TG + i) == [] for i in range(3))

    # Once it ran out, another instance sends each job exactly once.
    late = NOW + LEASE + timedelta(minutes=1)
    first, second = dispatcher(bot), dispatcher(bot)
    sent, again = await asyncio.gather(first.run_once(now=late), second.run_once(now=late))
    await bot.fake.settle(quiet=0.2)
    assert (sent.jobs + again.jobs, sent.jobs_sent + again.jobs_sent) == (3, 3)
    snoozed, nudged, reviewed = (bot.fake.messages(TG + i) for i in range(3))
    assert [m.plain_text.splitlines()[0] for m in snoozed] == ["⏰ Here is your reminder again"]
    assert [m.plain_text.splitlines()[0] for m in nudged] == ["🔥 Your 3-day streak ends tonight"]
    assert len(reviewed) == 1 and reviewed[0].photo is not None
    assert "Your week" in reviewed[0].plain_text

    # Finished: the snooze is gone, the nudge and review let go at their next times.
    assert "snooze" not in await jobs_of(bot.db, users[0])
    nudge = (await jobs_of(bot.db, users[1]))["nudge"]
    review = (await jobs_of(bot.db, users[2]))["review"]
    for job in (nudge, review):
        assert (job.claimed_by, job.claimed_at, job.lease_until) == (None, None, None)
    assert nudge.due_at == datetime(2025, 11, 11, 20, 0)  # tomorrow, 21:00 in Berlin
    assert review.due_at == datetime(2025, 11, 16, 17, 0)  # Sunday, 18:00 in Berlin
    quiet = await dispatcher(bot).run_once(now=late + timedelta(minutes=1))
    assert quiet.jobs == 0


async def test_a_stop_gives_untried_jobs_back_for_the_next_instance(bot: BotHarness) -> None:
    users = [await due_job(bot.db, TG + 10 + i, "snooze") for i in range(3)]
    bot.fake.delay("sendMessage", 0.5)
    stopping = dispatcher(bot)
    run = asyncio.create_task(stopping.run_once(now=NOW))
    await wait_until_claimed(bot.db, users)
    await stopping.stop()
    stats = await run
    bot.fake.delay("sendMessage", 0)
    assert stats.jobs == 3 and stats.jobs_sent + stats.released == 3 and stats.released >= 1

    # Given back, not held: the next instance sends the rest at once, none twice.
    rest = await dispatcher(bot).run_once(now=NOW + timedelta(seconds=30))
    await bot.fake.settle(quiet=0.2)
    assert (rest.jobs, rest.jobs_sent) == (stats.released, stats.released)
    assert all(len(bot.fake.messages(TG + 10 + i)) == 1 for i in range(3))
    for user_id in users:
        assert "snooze" not in await jobs_of(bot.db, user_id)


@pytest.mark.parametrize("kind", KINDS)
async def test_a_403_on_any_push_turns_every_push_off(bot: BotHarness, kind: str) -> None:
    chat = TG + 20
    user_id = await due_job(bot.db, chat, kind, push=True)
    async with bot.db.sessions() as s:
        assert await s.get(ReminderSchedule, user_id) is not None  # the daily one: tomorrow
    bot.fake.block_user(chat)

    stats = await dispatcher(bot).run_once(now=NOW)
    assert (stats.jobs, stats.jobs_sent, stats.blocked) == (1, 0, 1)
    async with bot.db.sessions() as s:
        prefs = await s.scalar(
            select(UserSettings.notification_preferences).where(UserSettings.user_id == user_id)
        )
        assert await s.get(ReminderSchedule, user_id) is None
    assert prefs is not None
    assert (prefs["pushNotifications"], prefs["streakNudge"], prefs["weeklyReview"]) == (
        False,
        False,
        False,
    )
    assert prefs["reminderTime"] == "20:00"  # other keys are kept
    assert await jobs_of(bot.db, user_id) == {}

    # Not tried again: not tomorrow's nudge, not next week's review or daily reminder.
    for days in (1, 7):
        later = await dispatcher(bot).run_once(now=NOW + timedelta(days=days))
        assert (later.claimed, later.jobs) == (0, 0)
    refused = [c for c in bot.fake.calls if c.method in SENDS and c.chat_id == chat]
    assert len(refused) == 1 and refused[0].error is not None
    assert refused[0].error["error_code"] == 403
