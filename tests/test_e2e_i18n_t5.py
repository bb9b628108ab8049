"""Reminders, the weekly review and the reminder email in the user's language, end to end:
sent outside any update, so the language comes with the claimed reminder (the Telegram
account's /language choice, else the language Telegram reported)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from bot.reminders import ReminderDispatcher, compose_email
from core.i18n import speaking
from core.prompts import pick_prompt
from core.vocab import GoalSource
from db import goals, reminders
from db.database import Database
from db.settings import update_setting
from fake_telegram.server import ChatMessage
from tests.factories import make_entry, make_journal
from tests.harness import BotHarness, login_as

TG = 8900  # Telegram ids of this module: 8900, 8901, ...
NOW = datetime(2025, 11, 10, 19, 0, 30, tzinfo=UTC)  # Monday, 20:00:30 in Berlin
REVIEW_AT = datetime(2025, 10, 26, 18, 0, 30, tzinfo=UTC)  # Sunday 18:00:30 UTC


async def reminder_user(
    db: Database, telegram_id: int, *, since: datetime, zone: str = "UTC", **prefs: object
) -> uuid.UUID:
    user_id = await login_as(db, telegram_id, zone=zone)
    async with db.sessions.begin() as s:
        for key, value in prefs.items():
            await update_setting(s, user_id, "notification_preferences", key, value)
        await reminders.reschedule(s, user_id, now=since)
    return user_id


def dispatcher(harness: BotHarness) -> ReminderDispatcher:
    settings = harness.app.bot_data["services"].settings
    return ReminderDispatcher(harness.app.bot, harness.db.sessions, settings)


def buttons(message: ChatMessage) -> list[str]:
    keyboard = message.reply_markup["inline_keyboard"] if message.reply_markup else []
    return [b["text"] for row in keyboard for b in row]


async def speak(bot: BotHarness, user: int, language: str) -> None:
    """The user chooses ``language`` with /language (Telegram says English)."""
    sent = await bot.fake.send_text(user, "/language", language_code="en")
    await bot.fake.wait_for_message(user, after=sent, contains="Which language", timeout=15)
    name = {"de": "Deutsch", "ru": "Русский"}[language]
    await bot.press(user, name, contains={"de": "Fertig", "ru": "Готово"}[language])


async def weekly_review_user(bot: BotHarness, telegram_id: int) -> uuid.UUID:
    user_id = await reminder_user(
        bot.db, telegram_id, since=REVIEW_AT - timedelta(days=7), pushNotifications=False,
        weeklyReview=True, reviewWeekday=6, reviewHour=18,
    )  # fmt: skip
    async with bot.db.sessions.begin() as s:
        journal = await make_journal(s, user_id)
        for days_ago in (1, 2):
            at = (REVIEW_AT - timedelta(days=days_ago)).replace(tzinfo=None)
            await make_entry(s, journal.id, "one two three four", at)
    return user_id


async def review_of(bot: BotHarness, telegram_id: int) -> ChatMessage:
    stats = await dispatcher(bot).run_once(now=REVIEW_AT)
    await bot.fake.settle(quiet=0.2)
    assert stats.jobs_sent >= 1
    return [m for m in bot.fake.messages(telegram_id) if m.photo is not None][-1]


async def test_a_german_users_daily_reminder_and_its_buttons_are_german(bot: BotHarness) -> None:
    sent = await bot.fake.send_text(TG, "/start", language_code="de-AT")
    await bot.fake.wait_for_message(TG, after=sent, timeout=15)
    user_id = await reminder_user(
        bot.db, TG, since=NOW - timedelta(hours=2), zone="Europe/Berlin",
        pushNotifications=True, reminderTime="20:00",
    )  # fmt: skip
    async with bot.db.sessions.begin() as s:
        await goals.create_goal(
            s, user_id, "5 km laufen", source=GoalSource.USER_CREATED,
            target_date=date(2025, 11, 3),
        )  # fmt: skip

    stats = await dispatcher(bot).run_once(now=NOW)
    assert (stats.claimed, stats.sent) == (1, 1)
    [reminder] = [m for m in bot.fake.messages(TG) if "Zeit zum Nachdenken" in m.plain_text]
    text = reminder.plain_text
    assert "🌱 Zeit zum Nachdenken, Ada" in text
    with speaking("de"):
        prompt = pick_prompt(str(user_id), date(2025, 11, 10))
    assert prompt in text and prompt != pick_prompt(str(user_id), date(2025, 11, 10))
    assert "Antworte einfach hier" in text
    assert "Deine offenen Ziele" in text
    assert "• 5 km laufen (bis 3. Nov.)" in text
    assert "⏰ „5 km laufen“ war am 3. Nov. fällig – bist du noch dran?" in text
    assert buttons(reminder) == ["✍️ Jetzt schreiben", "⏰ In 1 Stunde", "Heute auslassen"]

    later = await bot.press(TG, "⏰ In 1 Stunde", contains="erinnere dich um")
    assert buttons(later) == ["Heute auslassen"]
    done = await bot.press(TG, "Heute auslassen", contains="Bis morgen")
    assert done.plain_text == "Okay, heute keine Erinnerungen mehr. Bis morgen 🌱"


async def test_the_reminder_email_speaks_the_last_used_accounts_language(
    bot: BotHarness,
) -> None:
    await bot.fake.send_text(TG + 1, "/start", language_code="de")
    await bot.fake.wait_for_message(TG + 1, timeout=15)
    await reminder_user(
        bot.db, TG + 1, since=NOW - timedelta(hours=2), zone="Europe/Berlin",
        pushNotifications=False, emailNotifications=True, reminderTime="20:00",
    )  # fmt: skip
    async with bot.db.sessions.begin() as s:
        [due] = await reminders.claim_due(s, NOW, 10)
    assert due.chats == () and due.language == "de"
    with speaking(due.language):
        email = compose_email(due, "Eine Frage", sender="bot@example.com", sent_at=NOW)
    assert email["Subject"] == "Deine Growth-Journal-Frage für Montag, 10. November"
    body = email.get_body(("plain",))
    assert body is not None
    assert body.get_content().startswith("Hallo Ada,\n\nZeit zum Nachdenken. Die Frage für heute:")


async def test_a_russian_users_weekly_review_is_russian(bot: BotHarness) -> None:
    await weekly_review_user(bot, TG + 2)
    await speak(bot, TG + 2, "ru")
    review = await review_of(bot, TG + 2)
    text = review.plain_text
    assert "📅 Твоя неделя, Ada (20 окт. – 26 окт.)" in text
    assert "✍️ 2 записи, 8 слов · 🔥 серия 2 дня" in text
    assert "На предстоящую неделю" in text
    assert buttons(review) == ["✍️ Написать сейчас", "⚙️ Настройки обзора"]
    options = await bot.press(TG + 2, "⚙️ Настройки обзора", contains="Настройки обзора и")
    assert "📅 Обзор недели: вкл. ✅ — по воскресеньям в 18:00" in options.plain_text
    assert "Обзор недели: выключить" in buttons(options)
    assert "• Вс" in buttons(options)


async def test_an_english_users_weekly_review_stays_as_it_was(bot: BotHarness) -> None:
    await weekly_review_user(bot, TG + 3)
    review = await review_of(bot, TG + 3)
    text = review.plain_text
    assert "📅 Your week, Ada (20 Oct – 26 Oct)" in text
    assert "✍️ 2 entries, 8 words · 🔥 streak 2 days" in text
    assert "For the week ahead" in text
    assert buttons(review) == ["✍️ Write now", "⚙️ Review options"]
