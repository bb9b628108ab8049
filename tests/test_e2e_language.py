"""Speaking the user's language, end to end: Telegram's language first, /language to change
it, kept in PostgreSQL, and the command menu in every shipped language."""

from __future__ import annotations

from sqlalchemy import select

from db.models import TelegramAccount
from fake_telegram.server import ChatMessage
from tests.harness import BotHarness, login_as

TG = 8700  # Telegram ids of this module: 8700, 8701, ...


async def say_in(
    bot: BotHarness, user: int, text: str, language: str, contains: str
) -> ChatMessage:
    sent = await bot.fake.send_text(user, text, language_code=language)
    return await bot.fake.wait_for_message(user, after=sent, contains=contains, timeout=15)


async def test_help_comes_in_the_language_telegram_reports(bot: BotHarness) -> None:
    german = await say_in(bot, TG, "/help", "de-AT", contains="Erste Schritte")
    assert "/cancel beendet jeden Dialog" in german.plain_text
    english = await say_in(bot, TG + 1, "/help", "fr", contains="Getting started")
    assert "/cancel leaves any dialog" in english.plain_text


async def test_a_logged_out_writer_is_told_in_their_language(bot: BotHarness) -> None:
    reply = await say_in(bot, TG, "ein Gedanke für heute", "de", contains="angemeldet")
    assert "Ich bewahre deine Nachricht bis zu 7 Tage auf" in reply.plain_text


async def test_language_chosen_with_a_button_wins_over_telegrams_and_is_kept(
    bot: BotHarness,
) -> None:
    await say_in(bot, TG, "/language", "de", contains="Welche Sprache")
    done = await bot.press(TG, "Русский", contains="Готово")
    assert "Русский" in done.plain_text
    # Telegram still says German; the choice wins, in every later reply.
    help_ = await say_in(bot, TG, "/help", "de", contains="С чего начать")
    assert "/cancel выходит из любого диалога" in help_.plain_text
    async with bot.db.sessions() as s:
        stored = await s.scalar(
            select(TelegramAccount.language).where(TelegramAccount.telegram_user_id == TG)
        )
    assert stored == "ru"
    # This chat's menu follows the choice.
    chat_menu = bot.fake.commands[
        ('{"chat_id": %d, "type": "chat"}' % TG, "")  # noqa: UP031 - the fake's own key
    ]
    assert {"command": "help", "description": "Что я умею"} in chat_menu


async def test_another_users_language_button_changes_nothing(bot: BotHarness) -> None:
    menu = await say_in(bot, TG, "/language", "en", contains="Which language")
    keyboard = menu.reply_markup["inline_keyboard"] if menu.reply_markup else []
    german = next(b["callback_data"] for row in keyboard for b in row if b["text"] == "Deutsch")
    answer = await bot.press_data(TG + 1, menu.message_id, german)
    assert answer == "This button has expired."
    async with bot.db.sessions() as s:
        chosen = await s.scalars(select(TelegramAccount.language))
        assert set(chosen) <= {None}
    await say_in(bot, TG, "/help", "en", contains="Getting started")


async def test_the_command_menu_is_published_in_every_shipped_language(bot: BotHarness) -> None:
    def description(language: str, command: str) -> str:
        default = '{"type": "default"}'
        menu = bot.fake.commands[(default, language)]
        return next(str(c["description"]) for c in menu if c["command"] == command)

    assert description("", "help") == "What I can do"
    assert description("de", "help") == "Was ich alles kann"
    assert description("es", "help") == "Lo que puedo hacer"
    assert description("pt", "help") == "O que eu sei fazer"
    assert description("ru", "help") == "Что я умею"
    assert description("de", "language") == "Sprache wechseln"


async def test_year_in_pixels_is_drawn_and_captioned_in_german(bot: BotHarness) -> None:
    await login_as(bot.db, TG, zone="Europe/Berlin")
    shown = await say_in(bot, TG, "/pixels", "de", contains="Jahr in Pixeln")
    assert "Jahr in Pixeln · Schreibtage ·" in shown.plain_text
    assert "Noch keine Einträge" in shown.plain_text
    assert "✍️ Schreiben" in " ".join(shown.button_texts())
    effort = await bot.press(TG, "Einsatz", contains="Einsatz")
    assert "Einsatz: noch keine Bewertungen" in effort.plain_text


async def test_export_headings_are_in_russian(bot: BotHarness) -> None:
    await login_as(bot.db, TG)
    asked = await bot.fake.send_text(TG, "/export", language_code="ru")
    await bot.fake.wait_for_message(
        TG, after=asked, predicate=lambda m: (m.filename or "").endswith(".json")
    )
    [markdown] = [
        (m.document or b"").decode()
        for m in bot.fake.messages(TG)
        if (m.filename or "").endswith(".md") and m.message_id > asked
    ]
    assert markdown.startswith("# Экспорт Growth Journal")
    assert "Время указано в поясе UTC." in markdown
    assert "_0 записей_" in markdown
