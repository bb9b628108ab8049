"""Journaling in the user's language, end to end: the saved reply with its streak, /entries,
an opened entry, /search by a word form, and /journals and /tags in German."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from core.clock import utc_now
from core.i18n import speaking
from core.localdates import day_text
from db import entries, journals
from db.models import TelegramAccount
from fake_telegram.server import ChatMessage
from tests.harness import BotHarness, login_as

TG = 8930  # Telegram ids of this module: 8930, 8931, ...


async def say_in(
    bot: BotHarness, user: int, text: str, language: str, contains: str
) -> ChatMessage:
    sent = await bot.fake.send_text(user, text, language_code=language)
    return await bot.fake.wait_for_message(user, after=sent, contains=contains, timeout=15)


def buttons(message: ChatMessage) -> list[str]:
    keyboard = message.reply_markup["inline_keyboard"] if message.reply_markup else []
    return [str(b["text"]) for row in keyboard for b in row]


async def test_a_russian_writer_saves_lists_opens_and_searches(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, TG)
    async with bot.db.sessions.begin() as s:
        # What /start keeps of Telegram's language: the entries' search vectors follow it.
        await s.execute(
            update(TelegramAccount)
            .where(TelegramAccount.telegram_user_id == TG)
            .values(language_code="ru")
        )
        journal = await journals.first_journal(s, user_id)
        assert journal is not None
        for days_ago in (1, 2):
            await entries.add_entry(
                s,
                f"Вчерашняя запись {days_ago}",
                user_id=user_id,
                journal_id=journal.id,
                created_at=utc_now() - timedelta(days=days_ago),
            )

    saved = await say_in(bot, TG, "Весь вечер читала книги про привычки", "ru", "Сохранено")
    assert "Сохранено в My Journal · 3 дня подряд 🔥" in saved.plain_text

    listed = await say_in(bot, TG, "/entries", "ru", "сначала новые")
    assert "My Journal · 3 записи, сначала новые (1–3)" in listed.plain_text
    assert "Нажми на номер, чтобы открыть запись." in listed.plain_text
    assert buttons(listed) == ["1", "2", "3"]

    opened = await bot.press(TG, "1", contains="читала книги")
    assert buttons(opened) == ["Изменить", "Удалить", "« Назад"]
    # The date in the header is Russian ("30 нояб. 2026 г. 08:15"), not "30 Nov 2026".
    with speaking("ru"):
        today = day_text(utc_now().date())
    assert opened.plain_text.startswith(f"My Journal · {today} ")

    asked = await bot.press(TG, "Удалить", contains="Удалить запись от")
    assert "Это нельзя отменить." in asked.plain_text
    assert buttons(asked) == ["Да, удалить", "Оставить"]

    # Russian stemming: "книга" finds "книги".
    found = await say_in(bot, TG, "/search книга", "ru", "🔎")
    assert found.plain_text.startswith("🔎 1 запись по запросу “книга”, сначала лучшие:")
    assert "Нажми на номер, чтобы открыть запись." in found.plain_text
    nothing = await say_in(bot, TG, "/search самолёт", "ru", "ничего не нашлось")
    assert "Попробуй меньше слов" in nothing.plain_text


async def test_write_and_done_speak_german(bot: BotHarness) -> None:
    await login_as(bot.db, TG + 1)
    await say_in(bot, TG + 1, "/write", "de", "Leg los")
    await say_in(bot, TG + 1, "Erster Teil", "de", "Hab ich")
    done = await say_in(bot, TG + 1, "/done", "de", "Gespeichert in")
    assert done.plain_text == "Gespeichert in My Journal"
    empty = await say_in(bot, TG + 1, "/done", "de", "keinen Eintrag")
    assert empty.plain_text == "Es gibt keinen Eintrag zum Abschließen. Fang mit /write einen an."


async def test_journals_and_tags_speak_german(bot: BotHarness) -> None:
    await login_as(bot.db, TG + 2)
    await say_in(bot, TG + 2, "Langer Lauf heute #laufen", "de", "Gespeichert")
    listed = await say_in(bot, TG + 2, "/journals", "de", "Deine Tagebücher")
    assert "✅ My Journal · 1 Eintrag — neue Einträge landen hier" in listed.plain_text
    assert "➕ Neues Tagebuch" in buttons(listed)
    tagged = await say_in(bot, TG + 2, "/tags", "de", "Deine Tags")
    assert "#laufen — 1 Eintrag" in tagged.plain_text
    filtered = await say_in(bot, TG + 2, "/entries #laufen yesterday", "de", "Keine Einträge")
    assert filtered.plain_text.startswith("Keine Einträge für #laufen · gestern (")
    assert "Deine Tags siehst du mit /tags." in filtered.plain_text
