"""Growth metrics and account dialogs in the user's language, end to end: a check-in in
German, the /progress caption in Russian, /deleteaccount's confirmation in Spanish."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from db import metrics
from db.database import Database
from fake_telegram.server import ChatMessage
from tests.harness import BotHarness, login_as

TG = 8760  # Telegram ids of this module: 8760, 8761, ...


async def say_in(
    bot: BotHarness, user: int, text: str, language: str, contains: str
) -> ChatMessage:
    sent = await bot.fake.send_text(user, text, language_code=language)
    return await bot.fake.wait_for_message(user, after=sent, contains=contains, timeout=15)


async def rate_at(db: Database, user_id: uuid.UUID, kind: str, value: int, days_ago: float) -> None:
    async with db.sessions.begin() as s:
        await metrics.record_metric(
            s, user_id, kind, value, at=datetime.now(UTC) - timedelta(days=days_ago)
        )


async def test_a_checkin_in_german(bot: BotHarness) -> None:
    await login_as(bot.db, TG)
    first = await say_in(bot, TG, "/checkin", "de", contains="Resilienz")
    assert "<b>Check-in</b> · 1 von 5" in first.text
    assert "Die Fähigkeit, nach Rückschlägen wieder aufzustehen" in first.plain_text
    assert "von 1 (niedrig) bis 10 (hoch)" in first.plain_text
    assert [[text for text, _ in row] for row in first.buttons][-1] == [
        "Überspringen",
        "Abbrechen",
    ]
    effort = await bot.press(TG, "7", contains="Einsatz, um besser zu werden")
    assert "Bisher: Resilienz 7" in effort.plain_text
    await bot.press(TG, "8", contains="Bereitschaft, Herausforderungen anzunehmen")
    await bot.press(TG, "Überspringen", contains="Offenheit für Feedback")
    await bot.press(TG, "6", contains="Engagement fürs Lernen")
    note = await bot.press(TG, "10", contains="fast geschafft")
    assert "Herausforderung übersprungen" in note.plain_text
    assert "<b>Keine Notiz</b>" in note.text
    assert note.button_texts() == ["Keine Notiz", "Abbrechen"]
    summary = await bot.press(TG, "Keine Notiz", contains="gespeichert")
    assert "✅ Resilienz 7 · Einsatz 8 · Feedback 6 · Lernen 10 gespeichert." in summary.plain_text
    # The month's averages with a German decimal comma.
    assert "Dein Durchschnitt diesen Monat: Resilienz 7,0 · Einsatz 8,0" in summary.plain_text
    assert "Den Verlauf siehst du mit /progress." in summary.plain_text


async def test_the_progress_caption_in_russian(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, TG + 1)
    for day, value in enumerate([4, 5, 5, 6, 7, 7, 8]):
        await rate_at(bot.db, user_id, "effort", value, days_ago=20 - 3 * day)
    await rate_at(bot.db, user_id, "learning", 6, days_ago=2)
    chart = await say_in(bot, TG + 1, "/progress", "ru", contains="Твои метрики роста")
    caption = chart.plain_text
    assert "Твои метрики роста · последние 30 дней" in caption
    assert "Усилия — рост с 4,5 до 6,6 в среднем" in caption
    assert "(первая и вторая половины последних 30 дней)" in caption
    assert "На основе 7 отметок за 7 дней." in caption
    assert "Обучение: отметки только в одной половине периода" in caption
    assert chart.button_texts() == ["• 30 дней", "90 дней", "1 год"]


async def test_deleteaccount_asks_in_spanish(bot: BotHarness) -> None:
    await login_as(bot.db, TG + 2)
    ask = await say_in(bot, TG + 2, "/deleteaccount", "es", contains="¿Borrar tu cuenta?")
    assert "Esto borra tu cuenta y todo lo que contiene" in ask.plain_text
    assert "No se puede deshacer." in ask.plain_text
    assert "¿Quieres una copia antes? Envía /export antes de decidir." in ask.plain_text
    assert "El botón de abajo funciona durante 10 minutos." in ask.plain_text
    assert ask.button_texts() == ["Borrar todo", "Conservar mi cuenta"]
    kept = await bot.press(TG + 2, "Conservar mi cuenta", contains="no se borró nada")
    assert kept.message_id == ask.message_id and kept.button_texts() == []
