"""/settings in German and /profile in Russian, end to end: menus, buttons, toasts and
dialog replies in the language Telegram reports for the user."""

from __future__ import annotations

from sqlalchemy import select

from db.models import UserSettings
from fake_telegram.server import ChatMessage
from tests.harness import BotHarness, login_as

TG = 8760  # Telegram ids of this module: 8760, 8761, ...


async def say_in(
    bot: BotHarness, user: int, text: str, language: str, contains: str
) -> ChatMessage:
    sent = await bot.fake.send_text(user, text, language_code=language)
    return await bot.fake.wait_for_message(user, after=sent, contains=contains, timeout=15)


async def tap(bot: BotHarness, user: int, msg: ChatMessage, label: str) -> str:
    """Press ``label`` on ``msg``; wait until the bot has edited ``msg``; return the toast."""
    mark = msg.changed_seq
    toast = await bot.press_data(user, msg.message_id, msg.callback_data_for(label))
    await bot.fake.wait_for_message(
        user, predicate=lambda m: m.message_id == msg.message_id and m.changed_seq > mark
    )
    return toast


async def test_settings_in_german_change_the_reminder_time_with_buttons(
    bot: BotHarness,
) -> None:
    user_id = await login_as(bot.db, TG, zone="Europe/Berlin")
    menu = await say_in(bot, TG, "/settings", "de", contains="Einstellungen")
    assert menu.button_texts() == [
        "🔔 Benachrichtigungen",
        "🎨 Design",
        "🔒 Privatsphäre",
        "🤖 KI",
        "✖ Schließen",
    ]
    assert "Erinnerungen: aus" in menu.plain_text
    assert "Jede Änderung wird sofort gespeichert." in menu.plain_text

    await tap(bot, TG, menu, "🔔 Benachrichtigungen")
    assert "Push-Erinnerungen: aus" in menu.plain_text
    assert "Erinnerungszeit: 20:00 (Europe/Berlin)" in menu.plain_text
    assert {"Täglich", "Wöchentlich", "Monatlich", "Andere…", "« Zurück"} <= {
        t.removeprefix("✓ ") for t in menu.button_texts()
    }

    assert await tap(bot, TG, menu, "🔔 Push-Erinnerungen: aus") == "Push-Erinnerungen an"
    assert await tap(bot, TG, menu, "08:00") == "Erinnerungszeit: 08:00"
    assert "✓ 08:00" in menu.button_texts()
    assert "Erinnerungszeit: 08:00" in menu.plain_text
    assert "⏰ Nächste Erinnerung:" in menu.plain_text and " um 08:00" in menu.plain_text

    assert await tap(bot, TG, menu, "Wöchentlich") == "Erinnerungen: wöchentlich"
    assert "Wochentag: Montag" in menu.plain_text
    assert await tap(bot, TG, menu, "Mi") == "Erinnerungen mittwochs"
    async with bot.db.sessions() as s:
        prefs = await s.scalar(
            select(UserSettings.notification_preferences).where(UserSettings.user_id == user_id)
        )
    assert prefs is not None and prefs["reminderTime"] == "08:00"

    # A time typed in the dialog is confirmed in German, with the next reminder.
    await bot.press_data(TG, menu.message_id, menu.callback_data_for("Andere…"))
    await bot.fake.wait_for_message(TG, contains="Wann soll ich dich erinnern")
    reply = await say_in(bot, TG, "7:30pm", "de", contains="Erinnerungszeit auf")
    assert "Erinnerungszeit auf 19:30 (Europe/Berlin) gestellt." in reply.plain_text
    assert "Nächste Erinnerung: Mi., " in reply.plain_text and " um 19:30." in reply.plain_text

    await tap(bot, TG, menu, "« Zurück")
    assert "wöchentlich um 19:30" in menu.plain_text
    closed = await bot.press(TG, "✖ Schließen", contains="geschlossen")
    assert "Mit /settings öffnest du sie wieder." in closed.plain_text


async def test_profile_in_russian(bot: BotHarness) -> None:
    await login_as(bot.db, TG + 1, first="Ада", last="Лавлейс", zone="Europe/Moscow")
    card = await say_in(bot, TG + 1, "/profile", "ru", contains="Твой профиль")
    assert "Имя: Ада Лавлейс" in card.plain_text
    assert "О себе: пока нет" in card.plain_text
    assert "Часовой пояс: Europe/Moscow (там сейчас " in card.plain_text
    assert "Краткосрочные цели" in card.plain_text and "Долгосрочные цели" in card.plain_text
    assert card.button_texts() == [
        "✏️ Изменить имя",
        "📝 Изменить «О себе»",
        "🌍 Часовой пояс",
        "➕ Краткосрочная цель",
        "➕ Долгосрочная цель",
    ]

    await bot.press(TG + 1, "➕ Краткосрочная цель", contains="краткосрочная цель роста")
    added = await say_in(bot, TG + 1, "Читать каждый день", "ru", contains="Добавлено")
    assert added.plain_text == "✅ Добавлено в краткосрочные цели."
    card = await bot.fake.wait_for_message(TG + 1, after=added.message_id, contains="профиль")
    assert "1. Читать каждый день" in card.plain_text
    assert "➖ Удалить цель" in card.button_texts()
    assert "⬆️ Отслеживать цель профиля" in card.button_texts()

    # The time-zone dialog's reply keyboard speaks Russian, and its cancel button works.
    prompt = await bot.press(TG + 1, "🌍 Часовой пояс", contains="Твой часовой пояс")
    keyboard = prompt.reply_markup["keyboard"] if prompt.reply_markup else []
    assert [b["text"] for row in keyboard for b in row] == [
        "📍 Поделиться местоположением",
        "✖ Отмена",
    ]
    cancelled = await say_in(bot, TG + 1, "✖ Отмена", "ru", contains="Отменено")
    assert cancelled.plain_text == "Отменено. Часовой пояс не изменился."
