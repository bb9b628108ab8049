"""Reminders end to end: the real bot (AIORateLimiter included) against the fake Bot API,
and a real SMTP server (aiosmtpd) on 127.0.0.1 for the emails."""

from __future__ import annotations

import asyncio
import signal
import socket
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import select

from bot.app import build_application
from bot.reminders import ReminderDispatcher
from bot.runner import run_bot
from core.prompts import pick_prompt
from core.vocab import GoalSource
from db import goals, reminders
from db.database import Database
from db.engine import make_engine, make_sessionmaker
from db.models import ReminderSchedule, UserSettings
from db.settings import update_setting
from fake_telegram import FakeBotAPI
from tests.harness import BotHarness, login_as, settings_for

TG = 7200  # Telegram ids of this module: 7200, 7201, ...
NOW = datetime(2025, 11, 10, 19, 0, 30, tzinfo=UTC)  # 20:00:30 in Berlin


async def reminder_user(
    harness: BotHarness, telegram_id: int, *, zone: str = "Europe/Berlin", **prefs: object
) -> uuid.UUID:
    """A logged-in user whose 20:00 (local) reminder is due at NOW."""
    user_id = await login_as(harness.db, telegram_id, zone=zone)
    prefs = {"pushNotifications": True, "reminderTime": "20:00", **prefs}
    async with harness.db.sessions.begin() as s:
        for key, value in prefs.items():
            await update_setting(s, user_id, "notification_preferences", key, value)
        await reminders.reschedule(s, user_id, now=NOW - timedelta(hours=2))
    return user_id


def dispatcher(harness: BotHarness, **kwargs: Any) -> ReminderDispatcher:
    settings = harness.app.bot_data["services"].settings
    return ReminderDispatcher(harness.app.bot, harness.db.sessions, settings, **kwargs)


def send_calls(harness: BotHarness, chat_id: int) -> list[Any]:
    return [c for c in harness.fake.calls if c.method == "sendMessage" and c.chat_id == chat_id]


async def test_the_reminder_brings_a_prompt_open_goals_and_the_overdue_one(
    bot: BotHarness,
) -> None:
    user_id = await reminder_user(bot, TG)
    async with bot.db.sessions.begin() as s:
        await goals.create_goal(
            s, user_id, "Run 5k", source=GoalSource.USER_CREATED, target_date=date(2025, 11, 3)
        )
        await goals.create_goal(s, user_id, "Read 12 books", source=GoalSource.USER_CREATED)

    stats = await dispatcher(bot).run_once(now=NOW)
    assert (stats.claimed, stats.sent) == (1, 1)

    [reminder] = bot.fake.messages(TG)
    text = reminder.plain_text
    assert pick_prompt(str(user_id), date(2025, 11, 10)) in text
    assert "• Run 5k (by 3 Nov)" in text
    assert "• Read 12 books" in text
    assert "⏰ 'Run 5k' was due on 3 Nov — still on it?" in text
    # The reminder says a reply goes in the journal; it does.
    reply = await bot.say(TG, "Today I kept going on the hill runs.", contains="Saved to")
    assert "My Journal" in reply.plain_text


async def test_a_blocked_user_gets_push_off_and_is_not_tried_again(bot: BotHarness) -> None:
    user_id = await reminder_user(bot, TG)
    bot.fake.block_user(TG)
    sender = dispatcher(bot)
    stats = await sender.run_once(now=NOW)
    assert (stats.sent, stats.blocked) == (0, 1)
    async with bot.db.sessions() as s:
        prefs = await s.scalar(
            select(UserSettings.notification_preferences).where(UserSettings.user_id == user_id)
        )
        assert prefs is not None
        assert prefs["pushNotifications"] is False and prefs["reminderTime"] == "20:00"
        assert await s.get(ReminderSchedule, user_id) is None
    for days in (1, 2):
        await sender.run_once(now=NOW + timedelta(days=days))
    assert len(send_calls(bot, TG)) == 1  # the one that answered 403, never again


async def test_a_429_is_retried_after_retry_after_and_delivered(bot: BotHarness) -> None:
    await reminder_user(bot, TG)
    bot.fake.fail_next("sendMessage", status=429, retry_after=1)
    stats = await dispatcher(bot).run_once(now=NOW)
    assert (stats.sent, stats.failed) == (1, 0)
    calls = send_calls(bot, TG)
    assert [c.ok for c in calls] == [False, True]
    assert calls[0].error is not None and calls[0].error["error_code"] == 429
    assert calls[1].at - calls[0].at >= 1.0  # waited as told
    assert len(bot.fake.messages(TG)) == 1


async def test_two_bot_processes_racing_send_every_reminder_exactly_once(
    bot: BotHarness, database_url: str
) -> None:
    count = 60
    for i in range(count):
        await reminder_user(bot, TG + i)
    settings = bot.app.bot_data["services"].settings
    # A second bot process: its own engine, sessions, Application and bot.
    engine = make_engine(database_url, pool_size=2)
    other_db = Database(engine=engine, sessions=make_sessionmaker(engine), url=database_url)
    other_app = build_application(settings, other_db)
    try:
        async with other_app:
            senders = [
                ReminderDispatcher(bot.app.bot, bot.db.sessions, settings, batch_size=5),
                ReminderDispatcher(other_app.bot, other_db.sessions, settings, batch_size=5),
            ]
            results = await asyncio.gather(*(s.run_once(now=NOW) for s in senders))
    finally:
        await engine.dispose()
    per_chat = Counter(c.chat_id for c in bot.fake.calls if c.method == "sendMessage")
    assert per_chat == {TG + i: 1 for i in range(count)}
    assert all(len(bot.fake.messages(TG + i)) == 1 for i in range(count))
    assert sum(r.sent for r in results) == count
    assert all(r.claimed > 0 for r in results)  # both processes took part


# --- email -------------------------------------------------------------------------------


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_email_reminders_reach_an_smtp_server(bot: BotHarness) -> None:
    user_id = await reminder_user(bot, TG, emailNotifications=True)
    inbox = Inbox()
    port = free_port()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    await asyncio.to_thread(server.start)
    try:
        settings = bot.app.bot_data["services"].settings.model_copy(
            update={
                "smtp_host": "127.0.0.1",
                "smtp_port": port,
                "smtp_from": "Growth Journal <journal@example.org>",
                "smtp_allow_insecure": True,  # this test server has no TLS
            }
        )
        sender = ReminderDispatcher(bot.app.bot, bot.db.sessions, settings)
        stats = await sender.run_once(now=NOW)
    finally:
        await asyncio.to_thread(server.stop)
    assert (stats.sent, stats.emailed, stats.email_failed) == (1, 1, 0)
    [(recipients, message)] = inbox.received
    assert recipients == [f"user{TG}@example.com"]
    assert message["To"] == f"user{TG}@example.com"
    assert message["From"] == "Growth Journal <journal@example.org>"
    assert message["Subject"] == "Your Growth Journal prompt for Monday 10 November"
    plain = message.get_body(("plain",))
    assert plain is not None
    prompt = pick_prompt(str(user_id), date(2025, 11, 10))
    assert prompt in plain.get_content()  # type: ignore[attr-defined]
    assert message.get_body(("html",)) is not None
    assert len(bot.fake.messages(TG)) == 1  # and the Telegram reminder too


async def test_a_failing_mail_server_does_not_stop_telegram_reminders(bot: BotHarness) -> None:
    await reminder_user(bot, TG, emailNotifications=True)
    settings = bot.app.bot_data["services"].settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": free_port()}  # nothing listens there
    )
    stats = await ReminderDispatcher(bot.app.bot, bot.db.sessions, settings).run_once(now=NOW)
    assert (stats.sent, stats.emailed, stats.email_failed) == (1, 0, 1)
    assert len(bot.fake.messages(TG)) == 1


async def test_the_running_bot_sends_due_reminders_by_itself(
    db: Database, database_url: str
) -> None:
    """``run_bot`` starts the dispatcher with the application (and stops it with it)."""
    user_id = await login_as(db, TG)
    async with db.sessions.begin() as s:
        await update_setting(s, user_id, "notification_preferences", "pushNotifications", True)
        await update_setting(s, user_id, "notification_preferences", "reminderTime", "00:00")
        await reminders.reschedule(s, user_id, now=datetime.now(UTC) - timedelta(days=2))
    stop = asyncio.Event()
    async with FakeBotAPI() as fake:
        running = asyncio.create_task(run_bot(settings_for(fake, database_url), stop))
        try:
            reminder = await fake.wait_for_message(TG, contains="Time to reflect", timeout=30)
        finally:
            stop.set()
            await asyncio.wait_for(running, 30)
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)
    today = datetime.now(UTC).date()  # (yesterday's prompt, if the test ran over midnight)
    prompts = {pick_prompt(str(user_id), day) for day in (today, today - timedelta(days=1))}
    assert any(prompt in reminder.plain_text for prompt in prompts)
    async with db.sessions() as s:
        schedule = await s.get(ReminderSchedule, user_id)
    assert schedule is not None and schedule.next_at > datetime.now(UTC).replace(tzinfo=None)
