"""/insights end to end: the last 30 days of entries, themes, mood, goals and metrics."""

from __future__ import annotations

import uuid
from datetime import timedelta

from core.clock import utc_now
from db import entries, goals, journals, metrics, settings
from tests.harness import BotHarness, login_as

DEE = 2201

# Oldest first: a hard start to the month, then better days.
MONTH = [
    (25, "Awful day at work, my boss shouted in the meeting and I felt terrible."),
    (20, "Terrible meeting, the project deadline is impossible and I hate it."),
    (16, "Sad and exhausted, I slept badly again."),
    (10, "Great day at work, the team meeting went really well and I'm happy!"),
    (5, "Wonderful run in the park, I love my training."),
    (2, "Amazing sleep last night, I felt happy and rested."),
]


async def fill_month(bot: BotHarness, user_id: uuid.UUID) -> None:
    now = utc_now()
    async with bot.db.sessions.begin() as s:
        journal = await journals.first_journal(s, user_id)
        assert journal is not None
        # Older than 30 days: not counted.
        await entries.add_entry(
            s,
            "Work meeting with my boss",
            user_id=user_id,
            journal_id=journal.id,
            created_at=now - timedelta(days=40),
        )
        for days_ago, text in MONTH:
            await entries.add_entry(
                s,
                text,
                user_id=user_id,
                journal_id=journal.id,
                created_at=now - timedelta(days=days_ago),
            )
        first = await goals.create_goal(
            s, user_id, "Prepare for the meeting", source="ai_generated"
        )
        await goals.create_goal(s, user_id, "Sleep by eleven", source="ai_generated")
        own = await goals.create_goal(s, user_id, "Run 5 km", source="user_created")
        await goals.accept_goal(s, user_id, first.id)
        await goals.complete_goal(s, user_id, own.id)
        for days_ago, effort, learning in (
            (25, 4, 6),
            (20, 4, 6),
            (18, 4, 7),
            (5, 8, 6),
            (3, 8, 7),
        ):
            at = now - timedelta(days=days_ago)
            await metrics.record_metric(s, user_id, "effort", effort, at=at)
            await metrics.record_metric(s, user_id, "learning", learning, at=at)


async def test_insights_sum_up_the_month(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, DEE)
    await fill_month(bot, user_id)
    reply = await bot.say(DEE, "/insights", contains="last 30 days")
    text = reply.plain_text
    assert "📝 Entries written: 6" in text
    assert "🧭 Main themes: work (3 entries), sleep (2 entries)" in text
    assert "🌤 Mood trend: improving 📈 (based on 6 entries over 6 days)" in text
    assert "🎯 Goals: 3 suggested or set · 2 accepted · 1 completed" in text
    assert (
        "📊 Moved the most: effort, up from 4.0 to 8.0 (first vs second half of the period, "
        "based on 5 ratings over 5 days)"
    ) in text


async def test_entries_written_within_minutes_make_no_trend(bot: BotHarness) -> None:
    # Issue 17: "Mood trend: declining" from four entries written within two minutes.
    user_id = await login_as(bot.db, DEE)
    now = utc_now()
    async with bot.db.sessions.begin() as s:
        journal = await journals.first_journal(s, user_id)
        assert journal is not None
        texts = [
            "Felt proud of how I handled the meeting, a wonderful day.",
            "Happy with my progress today.",
            "Then the bus broke down and I was late, awful.",
            "Terrible evening, I feel sad and angry.",
        ]
        for n, text in enumerate(texts):
            await entries.add_entry(
                s,
                text,
                user_id=user_id,
                journal_id=journal.id,
                created_at=now - timedelta(seconds=120 - 30 * n),
            )
        for n, value in enumerate((8, 3)):
            at = now - timedelta(seconds=60 - 30 * n)
            await metrics.record_metric(s, user_id, "effort", value, at=at)
    text = (await bot.say(DEE, "/insights", contains="last 30 days")).plain_text
    assert "📝 Entries written: 4" in text
    assert "declining" not in text and "improving" not in text and "steady" not in text
    assert (
        "🌤 Mood trend: not enough to tell yet (a trend needs 5 different days, so far 1; "
        "write on a few more days)"
    ) in text
    assert "Moved the most" not in text and "down from" not in text


async def test_insights_with_ai_insights_off_say_how_to_turn_them_on(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, DEE)
    await fill_month(bot, user_id)
    async with bot.db.sessions.begin() as s:
        await settings.update_setting(
            s, user_id, "ai_interaction_settings", "enableAiInsights", False
        )
    reply = await bot.say(DEE, "/insights", contains="last 30 days")
    text = reply.plain_text
    assert "AI insights, which are off. Turn them on in /settings → 🤖 AI." in text
    assert "Main themes" not in text and "Mood trend" not in text
    assert "📝 Entries written: 6" in text  # plain counts stay


async def test_insights_without_sentiment_analysis(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, DEE)
    await fill_month(bot, user_id)
    async with bot.db.sessions.begin() as s:
        await settings.update_setting(
            s, user_id, "ai_interaction_settings", "enableSentimentAnalysis", False
        )
    reply = await bot.say(DEE, "/insights", contains="last 30 days")
    assert "Main themes: work" in reply.plain_text
    assert "Mood trend: sentiment analysis is off" in reply.plain_text
    assert "improving" not in reply.plain_text


async def test_insights_for_a_new_user(bot: BotHarness) -> None:
    await login_as(bot.db, DEE)
    reply = await bot.say(DEE, "/insights", contains="last 30 days")
    text = reply.plain_text
    assert "📝 Entries written: 0" in text
    assert "Write a few entries" in text
    assert "Goals: none this month" in text
    assert "no check-ins yet" in text
