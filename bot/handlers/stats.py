"""/stats: the user's numbers in one message. Months and days are the user's own (their
time zone)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from statistics import fmean

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.commands import Command
from bot.handlers.checkin import METRICS, label
from bot.services import get_services
from bot.session import logged_in
from core.clock import naive_utc
from core.dates import month_start
from core.ratings import unusable_note, unusable_rows
from core.streaks import current_streak, local_date, longest_streak
from core.trends import Basis, arrow, bases_text, change_between, missing_text
from core.vocab import MetricType
from db import entries, goals, metrics
from db.accounts import Link
from db.goals import GoalStats

COMMANDS = [
    Command(
        "stats",
        "Your numbers: entries, writing streaks, check-ins, goals and metric averages",
        "Journal",
    ),
]


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def _goals_line(stats: GoalStats) -> str:
    if stats.accepted == 0:
        return "🎯 Goals: none accepted yet"
    rate = round(100 * stats.completed / stats.accepted)
    return f"🎯 Goals: {stats.completed} of {stats.accepted} accepted completed ({rate}%)"


def _metric_lines(
    series: Mapping[MetricType, Sequence[tuple[datetime, int]]], this_month: datetime, tz: str
) -> list[str]:
    """Average this month vs last month per metric; ``series`` starts with last month.

    An arrow is a trend, so it shows only with ratings on enough different days, and the
    last line says what the arrows are based on (or why there are none yet).
    """
    if not any(series.values()):
        return ["No ratings this month or last. Rate your growth metrics with /checkin."]
    start = naive_utc(this_month)
    lines = ["<b>Growth metrics</b> · average this month vs last month"]
    arrows: list[Basis] = []
    short_of_days = 0
    for kind in METRICS:
        points = [(local_date(at.replace(tzinfo=UTC), tz), at, float(v)) for at, v in series[kind]]
        before = [(day, value) for day, at, value in points if at < start]
        now = [(day, value) for day, at, value in points if at >= start]
        change = change_between(before, now)
        if change is not None:
            mark = ""
            if change.is_trend:
                mark = f" {arrow(change.after, change.before)}"
                arrows.append(change.basis)
            else:
                short_of_days = max(short_of_days, change.basis.days)
            lines.append(
                f"{label(kind)}: {change.after:.1f}{mark} (last month {change.before:.1f})"
            )
        elif now:
            lines.append(f"{label(kind)}: {fmean(v for _, v in now):.1f} (none last month)")
        elif before:
            lines.append(
                f"{label(kind)}: none yet this month (last month {fmean(v for _, v in before):.1f})"
            )
        else:
            lines.append(f"{label(kind)}: no ratings")
    if arrows:
        lines.append(f"↑↓ compare the two months, {bases_text(arrows, 'rating')}.")
    if short_of_days:
        lines.append(f"No arrow where {missing_text(short_of_days)}.")
    return lines


@logged_in
async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link) -> None:
    message = update.effective_message
    user_id = link.user_id
    if message is None or user_id is None:
        return
    tz = link.timezone
    now = datetime.now(UTC)
    this_month, last_month = month_start(now, tz), month_start(now, tz, shift=-1)
    next_month = month_start(now, tz, shift=1)
    async with get_services(context).db.sessions() as s:
        total = await entries.count_all_entries(s, user_id)
        month_entries = await entries.count_entries_since(s, user_id, this_month)
        days = await entries.entry_local_dates(s, user_id, tz)
        checkins = await metrics.count_checkins(s, user_id)
        goal_counts = await goals.goal_stats(s, user_id)
        series = await metrics.metric_series(s, user_id, last_month)
        odd = await metrics.unusable_ratings(s, user_id, last_month, next_month)
    current = current_streak(days, local_date(now, tz))
    longest = longest_streak(days)
    streak = (
        f"🔥 Writing streak: {_days(current)} now, longest {_days(longest)}"
        if current
        else f"🔥 Writing streak: none right now, longest {_days(longest)}"
    )
    lines = [
        "<b>Your stats</b>",
        "",
        f"📝 Entries: {total} in total, {month_entries} this month",
        streak,
        f"✅ Check-ins: {checkins}",
        _goals_line(goal_counts),
        "",
        *_metric_lines(series, this_month, tz),
    ]
    note = unusable_note(unusable_rows(odd, tz), "averages")
    if note:
        lines += ["", note]
    await message.reply_text("\n".join(lines))


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("stats", stats))
