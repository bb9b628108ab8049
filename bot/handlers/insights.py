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
from bot.session import Me, logged_in_chat
from core.clock import naive_utc
from core.i18n import N_, _, ngettext
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
from db import entries, goals, metrics
from db.goals import GoalStats
from db.settings import get_settings, read_setting

COMMANDS = [
    Command("insights", "Your last 30 days: themes, mood, goals and metrics", "Goals"),
]

PERIOD_DAYS: Final = 30
# Entries written a moment ago carry the database's clock, which may run a little ahead.
CLOCK_SLACK: Final = timedelta(minutes=5)
AI_SETTINGS: Final = "ai_interaction_settings"

_TREND_TEXT: Final[dict[MoodWord, str]] = {
    "improving": N_("improving 📈"),
    "steady": N_("steady ➡️"),
    "declining": N_("declining 📉 (be kind to yourself)"),
}


def themes_line(texts: Sequence[str]) -> str:
    themes = dominant_themes(texts)
    if not themes:
        return _("🧭 Themes: none stood out yet")
    named = ", ".join(
        ngettext("{theme} ({n} entry)", "{theme} ({n} entries)", count).format(theme=name, n=count)
        for name, count in themes
    )
    return _("🧭 Main themes: {themes}").format(themes=named)


def mood_line(scored: Sequence[tuple[date, float]]) -> str:
    trend = mood_trend(scored)
    if trend.word is None:
        return _("🌤 Mood trend: not enough to tell yet ({why}; write on a few more days)").format(
            why=trend.basis.missing_text()
        )
    basis = trend.basis.text("entry", "entries")
    return _("🌤 Mood trend: {trend} ({basis})").format(
        trend=_(_TREND_TEXT[trend.word]), basis=basis
    )


def goals_line(stats: GoalStats) -> str:
    if stats.suggested == 0 and stats.accepted == 0 and stats.completed == 0:
        return _("🎯 Goals: none this month. Set one with /goal, or write and I'll suggest some.")
    return _(
        "🎯 Goals: {suggested} suggested or set · {accepted} accepted · {completed} completed"
    ).format(suggested=stats.suggested, accepted=stats.accepted, completed=stats.completed)


def _scores(rows: Sequence[tuple[datetime, str]], tz: str) -> list[tuple[date, float]]:
    return [(local_day(created, tz), sentiment_score(text)) for created, text in rows]


@logged_in_chat
async def insights(update: Update, context: ContextTypes.DEFAULT_TYPE, me: Me) -> None:
    now = datetime.now(UTC)
    since = now - timedelta(days=PERIOD_DAYS)
    middle = since + timedelta(days=PERIOD_DAYS / 2)
    end = now + CLOCK_SLACK
    async with get_services(context).db.sessions.begin() as s:
        settings = await get_settings(s, me.user_id)
        ai_on = bool(read_setting(settings, AI_SETTINGS, "enableAiInsights"))
        sentiment_on = bool(read_setting(settings, AI_SETTINGS, "enableSentimentAnalysis"))
        written = await entries.entries_between(s, me.user_id, since, end)
        stats = await goals.goal_stats(s, me.user_id, since)
        series = await metrics.metric_series(s, me.user_id, since)
        odd = await metrics.unusable_ratings(s, me.user_id, since, end)
    rows = [(e.created_at, to_plain(e.content)) for e in written]
    title = ngettext(
        "🔍 <b>Your last {n} day</b>", "🔍 <b>Your last {n} days</b>", PERIOD_DAYS
    ).format(n=PERIOD_DAYS)
    lines = [title, ""]
    lines.append(_("📝 Entries written: {n}").format(n=len(rows)))
    if not ai_on:
        lines.append(
            _(
                "🤖 Themes and mood trend are AI insights, which are off. "
                "Turn them on in /settings → 🤖 AI."
            )
        )
    elif rows:
        lines.append(themes_line([text for _at, text in rows]))
        if sentiment_on:
            # VADER takes a while over a month of long entries: keep it off the event loop.
            scored = await asyncio.to_thread(_scores, rows, me.link.timezone)
            lines.append(mood_line(scored))
        else:
            lines.append(
                _("🌤 Mood trend: sentiment analysis is off. Turn it on in /settings → 🤖 AI.")
            )
    else:
        lines.append(_("🧭 Write a few entries and I'll show the themes and mood of your month."))

    lines.append(goals_line(stats))
    lines.append(metric_line(series, naive_utc(middle), me.link.timezone))
    note = unusable_note(unusable_rows(odd, me.link.timezone), "metric trend")
    if note:
        lines.append(note)
    await context.bot.send_message(me.chat_id, "\n".join(lines))


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("insights", insights))
