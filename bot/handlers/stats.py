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
from core import i18n
from core.clock import naive_utc
from core.dates import month_start
from core.i18n import _
from core.ratings import unusable_note, unusable_rows
from core.streaks import current_streak, local_date, longest_streak
from core.trends import Basis, arrow, bases_text, change_between, days_text, missing_text
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


def _goals_line(stats: GoalStats) -> str:
    if stats.accepted == 0:
        return _("🎯 Goals: none accepted yet")
    rate = round(100 * stats.completed / stats.accepted)
    return _("🎯 Goals: {completed} of {accepted} accepted completed ({rate}%)").format(
        completed=stats.completed, accepted=stats.accepted, rate=rate
    )


def _metric_lines(
    series: Mapping[MetricType, Sequence[tuple[datetime, int]]], this_month: datetime, tz: str
) -> list[str]:
    """Average this month vs last month per metric; ``series`` starts with last month.

    An arrow is a trend, so it shows only with ratings on enough different days, and the
    last line says what the arrows are based on (or why there are none yet).
    """
    if not any(series.values()):
        return [_("No ratings this month or last. Rate your growth metrics with /checkin.")]
    start = naive_utc(this_month)
    lines = [_("<b>Growth metrics</b> · average this month vs last month")]
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
                _("{metric}: {now}{arrow} (last month {before})").format(
                    metric=label(kind),
                    now=i18n.decimal(change.after),
                    arrow=mark,
                    before=i18n.decimal(change.before),
                )
            )
        elif now:
            lines.append(
                _("{metric}: {now} (none last month)").format(
                    metric=label(kind), now=i18n.decimal(fmean(v for _day, v in now))
                )
            )
        elif before:
            lines.append(
                _("{metric}: none yet this month (last month {before})").format(
                    metric=label(kind), before=i18n.decimal(fmean(v for _day, v in before))
                )
            )
        else:
            lines.append(_("{metric}: no ratings").format(metric=label(kind)))
    if arrows:
        lines.append(
            _("↑↓ compare the two months, {basis}.").format(basis=bases_text(arrows, "rating"))
        )
    if short_of_days:
        lines.append(_("No arrow where {why}.").format(why=missing_text(short_of_days)))
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
        _("🔥 Writing streak: {now} now, longest {longest}").format(
            now=days_text(current), longest=days_text(longest)
        )
        if current
        else _("🔥 Writing streak: none right now, longest {longest}").format(
            longest=days_text(longest)
        )
    )
    lines = [
        _("<b>Your stats</b>"),
        "",
        _("📝 Entries: {total} in total, {month} this month").format(
            total=total, month=month_entries
        ),
        streak,
        _("✅ Check-ins: {n}").format(n=checkins),
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
