"""/today: what you wrote today, and on this day in past years."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.commands import Command
from bot.handlers.entries import TAP_NUMBER, number_buttons, preview
from bot.messaging import send_html
from bot.services import get_services
from bot.session import Me, logged_in_chat
from core.i18n import _
from core.localdates import ago_text, as_local, long_day_text, moment_text, time_text
from core.streaks import local_date, on_this_day
from db import entries

COMMANDS = [
    Command("today", "What you wrote today, and on this day in the past", "Journal"),
]

TODAY_PREVIEW_CHARS = 200
TODAY_LIMIT = 10


@logged_in_chat
async def today_command(update: Update, context: ContextTypes.DEFAULT_TYPE, me: Me) -> None:
    tz = me.link.timezone
    today = local_date(datetime.now(UTC), tz)
    services = get_services(context)
    async with services.db.sessions() as s:
        written = await entries.entries_on_days(s, me.user_id, tz, [today])
        days = on_this_day(today, await entries.entry_local_dates(s, me.user_id, tz))
        past = await entries.entries_on_days(s, me.user_id, tz, days) if days else []
    past.sort(key=lambda e: e.created_at, reverse=True)
    shown_today, shown_past = written[:TODAY_LIMIT], past[:TODAY_LIMIT]

    lines = [_("<b>Today, {day}</b>").format(day=long_day_text(today)), ""]
    if not written:
        lines.append(_("You haven't written anything today yet. Just send me a message."))
    for number, entry in enumerate(shown_today, start=1):
        local = as_local(entry.created_at, tz)
        lines.append(
            f"{number}. {time_text(local)} — {preview(entry.content, TODAY_PREVIEW_CHARS)}"
        )
    if len(written) > len(shown_today):
        more = len(written) - len(shown_today)
        lines.append(_("…and {n} more: see /entries.").format(n=more))
    if shown_past:
        lines += ["", _("<b>On this day</b>"), ""]
        number = len(shown_today)
        for entry in shown_past:
            number += 1
            day = as_local(entry.created_at, tz).date()
            lines.append(
                f"{number}. {ago_text(today, day)} · {moment_text(entry.created_at, tz)} — "
                f"{preview(entry.content, TODAY_PREVIEW_CHARS)}"
            )
        if len(past) > len(shown_past):
            more = len(past) - len(shown_past)
            lines.append(_("…and {n} more from this day.").format(n=more))
    ids = [e.id for e in shown_today + shown_past]
    markup = number_buttons(ids) if ids else None
    if ids:
        lines += ["", _(TAP_NUMBER)]
    await send_html(context.bot, me.chat_id, "\n".join(lines), markup)


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("today", today_command))
