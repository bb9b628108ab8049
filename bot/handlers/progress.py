"""/progress: a chart of the growth metrics, drawn in the user's theme.

The chart is rendered in a worker thread (``asyncio.to_thread``) so other chats carry on
while it draws, and it goes to Telegram straight from memory. A range button
([30 days] [90 days] [1 year]) sends a new photo of that range and takes the buttons off
the one pressed: that works for any earlier message (a photo, the no-data text, one too
old to edit) and keeps the earlier chart to compare with.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputMediaPhoto, Message, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.buttons import EXPIRED, button_handler
from bot.commands import Command
from bot.services import get_services
from bot.session import Me, logged_in_chat
from core.callback_data import CallbackData, encode
from core.charts import (
    MetricPoint,
    Theme,
    describe_progress,
    render_progress,
    theme_from_preferences,
)
from core.i18n import N_, _, ngettext
from core.ratings import unusable_note, unusable_rows
from db import metrics
from db.accounts import Link
from db.database import Database
from db.settings import get_settings

COMMANDS = [
    Command(
        "progress", "Chart of your growth metrics: 30 days, 90 days or a year", "Growth metrics"
    ),
]

# Button labels, shown through _().
RANGES: Final[dict[int, str]] = {30: N_("30 days"), 90: N_("90 days"), 365: N_("1 year")}
DEFAULT_DAYS: Final = 30
RANGE: Final = "pr"  # button action; arg = days
FILENAME = "progress.png"
# Telegram's caption limit is 1024 characters; the heading takes a few of them.
_DESCRIPTION_MAX = 900

Series = dict[str, list[MetricPoint]]


@dataclass(frozen=True)
class Chart:
    png: bytes
    caption: str  # HTML


def range_keyboard(current: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    f"• {_(name)}" if days == current else _(name),
                    callback_data=encode(RANGE, arg=str(days)),
                )
                for days, name in RANGES.items()
            ]
        ]
    )


def _draw(
    raw: metrics.Series, days: int, now: datetime, theme: Theme, tz: str, note: str = ""
) -> Chart:
    """CPU-bound: runs in a worker thread."""
    series: Series = {
        kind.value: [MetricPoint(at, value) for at, value in points]
        for kind, points in raw.items()
        if points
    }
    png = render_progress(series, days=days, now=now, theme=theme, tz=tz)
    words = describe_progress(series, days=days, now=now, tz=tz)
    room = _DESCRIPTION_MAX - len(note)
    if len(words) > room:
        words = words[: room - 1].rstrip() + "…"
    heading = ngettext(
        "<b>Your growth metrics · last {n} day</b>",
        "<b>Your growth metrics · last {n} days</b>",
        days,
    ).format(n=days)
    caption = f"{heading}\n{html.escape(words)}"
    return Chart(png, f"{caption}\n\n{note}" if note else caption)


async def build_chart(
    db: Database, user_id: uuid.UUID, tz: str, days: int, *, now: datetime | None = None
) -> Chart | None:
    """The /progress chart for the last ``days`` days; None when there are no ratings in
    that range. The ratings are read in chunks (a year can be thousands of rows), so other
    chats' updates run in between; the drawing happens in a worker thread."""
    now = now or datetime.now(UTC)
    async with db.sessions.begin() as s:
        raw = await metrics.stream_metric_series(s, user_id, now - timedelta(days=days))
        odd = await metrics.unusable_ratings(s, user_id, now - timedelta(days=days))
        prefs = (await get_settings(s, user_id)).theme_preferences
    if not any(raw.values()):
        return None
    note = unusable_note(unusable_rows(odd, tz), "chart")
    theme = theme_from_preferences(prefs)
    return await asyncio.to_thread(_draw, raw, days, now, theme, tz, note)


def _empty_text(days: int) -> str:
    nothing = ngettext(
        "No check-ins in the last {n} day yet, so there's nothing to draw.",
        "No check-ins in the last {n} days yet, so there's nothing to draw.",
        days,
    ).format(n=days)
    how = _(
        "To start, send /checkin: it walks you through the five growth metrics "
        "(resilience, effort, challenge, feedback, learning), one tap each. "
        "Or rate one in a line, like <code>/rate effort 7</code>.\n\n"
        "Then /progress shows how they change."
    )
    return f"{nothing}\n\n{how}"


async def _send(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, chart: Chart, days: int
) -> Message:
    return await context.bot.send_photo(
        chat_id,
        chart.png,
        caption=chart.caption,
        filename=FILENAME,
        reply_markup=range_keyboard(days),
    )


@logged_in_chat
async def progress(update: Update, context: ContextTypes.DEFAULT_TYPE, me: Me) -> None:
    with contextlib.suppress(TelegramError):  # only a courtesy while the chart draws
        await context.bot.send_chat_action(me.chat_id, ChatAction.UPLOAD_PHOTO)
    db = get_services(context).db
    chart = await build_chart(db, me.user_id, me.link.timezone, DEFAULT_DAYS)
    if chart is not None:
        await _send(context, me.chat_id, chart, DEFAULT_DAYS)
        return
    async with db.sessions() as s:
        older = await metrics.count_checkins(s, me.user_id) > 0
        since = datetime.now(UTC) - timedelta(days=DEFAULT_DAYS)
        odd = await metrics.unusable_ratings(s, me.user_id, since)
    note = unusable_note(unusable_rows(odd, me.link.timezone), "chart")
    markup = None
    if older:  # earlier ratings exist: offer the longer ranges
        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(_(name), callback_data=encode(RANGE, arg=str(days)))
                    for days, name in RANGES.items()
                    if days > DEFAULT_DAYS
                ]
            ]
        )
    text = _empty_text(DEFAULT_DAYS) + (f"\n\n{note}" if note else "")
    await context.bot.send_message(me.chat_id, text, reply_markup=markup)


async def on_range(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, data: CallbackData
) -> None:
    query = update.callback_query
    if query is None or link.user_id is None:
        return
    days = int(data.arg) if data.arg in {str(d) for d in RANGES} else None
    if days is None:
        await query.answer(_(EXPIRED))
        return
    chart = await build_chart(get_services(context).db, link.user_id, link.timezone, days)
    if chart is None:
        await query.answer(
            ngettext(
                "No check-ins in the last {n} day. Send /checkin to start.",
                "No check-ins in the last {n} days. Send /checkin to start.",
                days,
            ).format(n=days)
        )
        return
    await query.answer()
    message = query.message
    if isinstance(message, Message) and message.photo:
        try:  # the chart changes in place, like a tab
            await query.edit_message_media(
                InputMediaPhoto(chart.png, caption=chart.caption, filename=FILENAME),
                reply_markup=range_keyboard(days),
            )
            return
        except TelegramError:  # deleted or too old to edit: send a new one instead
            pass
    await _send(context, message.chat.id if message is not None else link.chat_id, chart, days)
    with contextlib.suppress(TelegramError):  # the no-data hint: its buttons are used up
        await query.edit_message_reply_markup(None)


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("progress", progress))
    app.add_handler(button_handler({RANGE: on_range}))
