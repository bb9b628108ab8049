"""Goals and suggestions in the user's language, end to end: /goal and /goals in Russian,
no English suggestion (or care line) for a German writer from the English-only local
engine, and a German suggestion from the (fake) model with German buttons."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from sqlalchemy import select

from db.database import Database
from db.models import Goal
from db.settings import EXTERNAL_AI_CONSENT, update_setting
from fake_telegram.server import ChatMessage
from tests.harness import BotHarness, login_as, running_bot
from tests.test_e2e_goals import SPEAKING, FakeLLM

TG = 8940  # Telegram ids of this module: 8940, 8941, ...


async def say_in(
    bot: BotHarness, user: int, text: str, language: str, contains: str | None = None
) -> ChatMessage:
    sent = await bot.fake.send_text(user, text, language_code=language)
    return await bot.fake.wait_for_message(user, after=sent, contains=contains, timeout=15)


async def after_entry(bot: BotHarness, user: int, text: str, language: str) -> list[str]:
    """Write an entry; the texts of every message the bot sent after it."""
    sent = await bot.fake.send_text(user, text, language_code=language)
    await bot.fake.wait_for_message(user, after=sent, timeout=15)
    await bot.fake.settle()
    return [m.plain_text for m in bot.fake.messages(user) if m.message_id > sent]


async def test_goal_and_goals_in_russian(bot: BotHarness) -> None:
    await login_as(bot.db, TG)
    ask = await say_in(bot, TG, "/goal", "ru", contains="Какая у тебя цель?")
    assert "/cancel" in ask.plain_text
    card = await say_in(bot, TG, "Учить испанский каждый день", "ru", contains="Новая цель")
    assert "🎯 Новая цель: Учить испанский каждый день" in card.plain_text
    assert "📅 Назначить срок" in card.button_texts()
    assert "Усилия" in card.button_texts()  # the growth metrics, named in Russian
    dates = await bot.press(TG, "📅 Назначить срок", contains="К какому сроку")
    assert {"Через неделю", "Конец месяца", "« Назад"} <= set(dates.button_texts())

    summary = await say_in(bot, TG, "/goals", "ru", contains="Твои цели")
    assert "🎯 В работе: 1" in summary.plain_text
    await bot.fake.settle()
    [goal_card] = [m for m in bot.fake.messages(TG) if m.message_id > summary.message_id]
    assert goal_card.plain_text == "🎯 Учить испанский каждый день"
    assert goal_card.button_texts() == ["✅ Выполнено", "📅 Срок", "🗑 Удалить"]
    toast = await bot.press_data(TG, goal_card.message_id, goal_card.callback_data_for("✅"))
    assert toast == "Отлично! 🏆"


async def test_german_writer_gets_nothing_from_the_english_only_local_engine(
    bot: BotHarness,
) -> None:
    await login_as(bot.db, TG + 1)
    # The same entry gives an English writer a suggestion (tests/test_e2e_goals.py).
    after = await after_entry(bot, TG + 1, SPEAKING, "de")
    assert not any("Suggested goal" in text or "Vorgeschlagenes Ziel" in text for text in after)
    # Nor a warm line in English for an entry the English reader may have misread.
    after = await after_entry(bot, TG + 1, "Grandad passed away last night.", "de")
    assert not any("sorry" in text for text in after)
    async with bot.db.sessions() as s:
        assert list(await s.scalars(select(Goal))) == []


@pytest.fixture
async def fake_model() -> AsyncIterator[FakeLLM]:
    fake = FakeLLM()
    app = web.Application()
    app.router.add_post("/v1/chat/completions", fake.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    await web.SockSite(runner, sock).start()
    fake.base_url = f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
    try:
        yield fake
    finally:
        await runner.cleanup()


async def test_german_writer_gets_the_models_german_suggestion(
    db: Database, database_url: str, fake_model: FakeLLM
) -> None:
    entry = "Ich kann einfach nicht vor Leuten sprechen, heute bin ich im Meeting erstarrt."
    fake_model.goals = [
        {
            "content": "Übe die erste Minute deines Vortrags zweimal vor Freitag",
            "related_metric_type": "effort",
            "reason": 'Du hast geschrieben: "heute bin ich im Meeting erstarrt"',
        }
    ]
    async with running_bot(db, database_url, llm_base_url=fake_model.base_url) as bot:
        user_id = await login_as(bot.db, TG + 2)
        async with bot.db.sessions.begin() as s:
            await update_setting(
                s, user_id, "ai_interaction_settings", EXTERNAL_AI_CONSENT, "127.0.0.1"
            )
        after = await after_entry(bot, TG + 2, entry, "de")
        [suggestion] = [text for text in after if "Vorgeschlagenes Ziel" in text]
        assert suggestion == (
            "💡 Vorgeschlagenes Ziel: Übe die erste Minute deines Vortrags zweimal vor Freitag\n"
            'Warum: Du hast geschrieben: "heute bin ich im Meeting erstarrt"'
        )
        [(_, body)] = fake_model.requests
        assert "The writer's language is German (de)" in body["messages"][0]["content"]
        message = next(m for m in bot.fake.messages(TG + 2) if m.plain_text == suggestion)
        assert message.button_texts() == ["✅ Annehmen", "✏️ Bearbeiten", "✖ Ablehnen"]
        toast = await bot.press_data(
            TG + 2, message.message_id, message.callback_data_for("Annehmen")
        )
        assert toast == "Angenommen ✅"

        # The model fails: the English-only local engine must not answer in its place.
        fake_model.status = 500
        after = await after_entry(bot, TG + 2, SPEAKING, "de")
        assert len(fake_model.requests) == 2
        assert not any("Suggested goal" in text or "Vorgeschlagenes" in text for text in after)
        assert bot.app.post_shutdown is not None
        await bot.app.post_shutdown(bot.app)  # closes the model's HTTP client


async def test_stats_and_insights_in_german_and_russian(bot: BotHarness) -> None:
    await login_as(bot.db, TG + 3)
    await after_entry(bot, TG + 3, "Heute habe ich viel gelernt.", "de")
    stats = await say_in(bot, TG + 3, "/stats", "de", contains="Deine Statistik")
    assert "📝 Einträge: 1 insgesamt, 1 diesen Monat" in stats.plain_text
    assert "🔥 Schreibserie: jetzt 1 Tag, längste 1 Tag" in stats.plain_text
    insights = await say_in(bot, TG + 3, "/insights", "ru", contains="Твои последние 30 дней")
    assert "📝 Записей написано: 1" in insights.plain_text
    assert "📊 Метрики роста: отметок пока нет." in insights.plain_text
