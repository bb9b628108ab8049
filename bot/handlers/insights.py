"""/insights: the last 30 days in one message: entries, themes, mood trend, goals and the
growth metric that moved the most."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Final

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.commands import Command
from bot.services import get_services
from bot.session import logged_in
from core.clock import naive_utc
from core.ratings import unusable_note, unusable_rows
from core.richtext import to_plain
from core.suggest import sentiment_score
from core.themes import dominant_themes
from core.trends import (
    MoodWord,
    local_day,
    metric_line,
    mood_trend,
)
from core.wording import plural
from db import entries, goals, metrics
from db.accounts import Link
from db.goals import GoalStats
from db.settings import get_settings, read_setting

COMMANDS = [
    Command("insights", "Your last 30 days: themes, mood, goals and metrics", "Goals"),
]

PERIOD_DAYS: Final = 30
# Entries written a moment ago carry the database's clock, which may run a little ahead.
CLOCK_SLACK: Final = timedelta(minutes=5)
AI_SETTINGS: Final = "ai_interaction_settings"
HOW_TO_TURN_ON: Final = "Turn them on in /settings → 🤖 AI."

_TREND_TEXT: Final[dict[MoodWord, str]] = {
    "improving": "improving 📈",
    "steady": "steady ➡️",
    "declining": "declining 📉 (be kind to yourself)",
}


def themes_line(texts: Sequence[str]) -> str:
    themes = dominant_themes(texts)
    if not themes:
        return "🧭 Themes: none stood out yet"
    named = ", ".join(f"{name} ({plural(count, 'entry', 'entries')})" for name, count in themes)
    return f"🧭 Main themes: {named}"


def mood_line(scored: Sequence[tuple[date, float]]) -> str:
    trend = mood_trend(scored)
    if trend.word is None:
        return (
            f"🌤 Mood trend: not enough to tell yet ({trend.basis.missing_text()}; "
            "write on a few more days)"
        )
    basis = trend.basis.text("entry", "entries")
    return f"🌤 Mood trend: {_TREND_TEXT[trend.word]} ({basis})"


def goals_line(stats: GoalStats) -> str:
    if stats.suggested == 0 and stats.accepted == 0 and stats.completed == 0:
        return "🎯 Goals: none this month. Set one with /goal, or write and I'll suggest some."
    return (
        f"🎯 Goals: {stats.suggested} suggested or set · {stats.accepted} accepted · "
        f"{stats.completed} completed"
    )


def _scores(rows: Sequence[tuple[datetime, str]], tz: str) -> list[tuple[date, float]]:
    return [(local_day(created, tz), sentiment_score(text)) for created, text in rows]


@logged_in
async def insights(update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link) -> None:
    chat = update.effective_chat
    if chat is None or link.user_id is None:
        return
    now = datetime.now(UTC)
    since = now - timedelta(days=PERIOD_DAYS)
    middle = since + timedelta(days=PERIOD_DAYS / 2)
    end = now + CLOCK_SLACK
    async with get_services(context).db.sessions.begin() as s:
        settings = await get_settings(s, link.user_id)
        ai_on = bool(read_setting(settings, AI_SETTINGS, "enableAiInsights"))
        sentiment_on = bool(read_setting(settings, AI_SETTINGS, "enableSentimentAnalysis"))
        written = await entries.entries_between(s, link.user_id, since, end)
        stats = await goals.goal_stats(s, link.user_id, since)
        series = await metrics.metric_series(s, link.user_id, since)
        odd = await metrics.unusable_ratings(s, link.user_id, since, end)
    rows = [(e.created_at, to_plain(e.content)) for e in written]
    lines = [f"🔍 <b>Your last {PERIOD_DAYS} days</b>", ""]
    lines.append(f"📝 Entries written: {len(rows)}")
    if not ai_on:
        lines.append(f"🤖 Themes and mood trend are AI insights, which are off. {HOW_TO_TURN_ON}")
    elif rows:
        lines.append(themes_line([text for _, text in rows]))
        if sentiment_on:
            # VADER takes a while over a month of long entries: keep it off the event loop.
            scored = await asyncio.to_thread(_scores, rows, link.timezone)
            lines.append(mood_line(scored))
        else:
            lines.append(
                "🌤 Mood trend: sentiment analysis is off. Turn it on in /settings → 🤖 AI."
            )
    else:
        lines.append("🧭 Write a few entries and I'll show the themes and mood of your month.")
    lines.append(goals_line(stats))
    lines.append(metric_line(series, naive_utc(middle), link.timezone))
    note = unusable_note(unusable_rows(odd, link.timezone), "metric trend")
    if note:
        lines.append(note)
    await context.bot.send_message(chat.id, "\n".join(lines))


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("insights", insights))
