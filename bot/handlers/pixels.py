"""/pixels: a year in pixels of writing days or of one growth metric, in the user's theme.

Drawn in a worker thread like /progress. Buttons switch the metric or the year
(``px::kind.year``) and replace the photo in place when it can be edited.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputMediaPhoto, Message, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.buttons import answer_expired, button_handler
from bot.commands import Command
from bot.services import get_services
from bot.session import Me, logged_in_chat
from core import pixels
from core.callback_data import CallbackData, encode
from core.charts import theme_from_preferences
from core.i18n import _
from core.streaks import local_date
from core.vocab import MetricType
from db import calendar
from db.accounts import Link
from db.database import Database
from db.settings import get_settings

COMMANDS = [
    Command(
        "pixels",
        "Your year in pixels: writing days or a metric, day by day",
        "Growth metrics",
        usage="/pixels [writing|metric] [year]",
    ),
]

ACTION: Final = "px"
FILENAME: Final = "pixels.png"


@dataclass(frozen=True)
class Picture:
    png: bytes
    caption: str  # HTML


async def build_picture(db: Database, user_id: uuid.UUID, tz: str, kind: str, year: int) -> Picture:
    async with db.sessions() as s:
        if kind == pixels.WRITING:
            values = pixels.daily_counts(await calendar.entries_per_day(s, user_id, tz, year), year)
        else:
            ratings = await calendar.ratings_per_day(s, user_id, MetricType(kind), tz, year)
            values = pixels.daily_means(ratings, year)
        prefs = (await get_settings(s, user_id)).theme_preferences
    data = pixels.YearValues(kind, year, values)
    png = await asyncio.to_thread(pixels.render_pixels, data, theme_from_preferences(prefs))
    heading = html.escape(pixels.heading(kind, year))
    caption = f"<b>{heading}</b>\n{html.escape(pixels.describe(data))}"
    return Picture(png, caption)


def keyboard(kind: str, year: int, this_year: int) -> InlineKeyboardMarkup:
    def button(text: str, k: str, y: int) -> InlineKeyboardButton:
        return InlineKeyboardButton(text, callback_data=encode(ACTION, None, f"{k}.{y}"))

    kinds = [
        button(("• " if k == kind else "") + pixels.kind_label(k), k, year) for k in pixels.KINDS
    ]
    years = []
    if year > pixels.MIN_YEAR:
        years.append(button(f"« {year - 1}", kind, year - 1))
    if year < this_year:
        years.append(button(f"{year + 1} »", kind, year + 1))
    rows = [kinds[:3], kinds[3:]]
    return InlineKeyboardMarkup(rows + ([years] if years else []))


def _this_year(link: Link) -> int:
    return local_date(datetime.now(UTC), link.timezone).year


@logged_in_chat
async def pixels_command(update: Update, context: ContextTypes.DEFAULT_TYPE, me: Me) -> None:
    this_year = _this_year(me.link)
    parsed = pixels.parse_args(context.args or [], this_year)
    if isinstance(parsed, str):
        await context.bot.send_message(
            me.chat_id,
            f"{html.escape(parsed)}\n\n"
            + _(
                "For example <code>/pixels</code>, <code>/pixels effort</code> or "
                "<code>/pixels writing {year}</code>."
            ).format(year=this_year - 1),
        )
        return
    kind, year = parsed
    with contextlib.suppress(TelegramError):  # only a courtesy while it draws
        await context.bot.send_chat_action(me.chat_id, ChatAction.UPLOAD_PHOTO)
    picture = await build_picture(
        get_services(context).db, me.user_id, me.link.timezone, kind, year
    )
    await context.bot.send_photo(
        me.chat_id,
        picture.png,
        caption=picture.caption,
        filename=FILENAME,
        reply_markup=keyboard(kind, year, this_year),
    )


async def _on_press(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, data: CallbackData
) -> None:
    query = update.callback_query
    assert query is not None and link.user_id is not None
    kind, _dot, year_text = data.arg.partition(".")
    this_year = _this_year(link)
    if (
        kind not in pixels.KINDS
        or not year_text.isdigit()
        or not pixels.MIN_YEAR <= int(year_text[:5]) <= this_year
    ):
        await answer_expired(update)
        return
    year = int(year_text)
    await query.answer()
    picture = await build_picture(get_services(context).db, link.user_id, link.timezone, kind, year)
    markup = keyboard(kind, year, this_year)
    message = query.message
    if isinstance(message, Message) and message.photo:
        try:
            await query.edit_message_media(
                InputMediaPhoto(picture.png, caption=picture.caption, filename=FILENAME),
                reply_markup=markup,
            )
            return
        except TelegramError:  # deleted or too old to edit: send a new one
            pass
    await context.bot.send_photo(
        message.chat.id if message is not None else link.chat_id,
        picture.png,
        caption=picture.caption,
        filename=FILENAME,
        reply_markup=markup,
    )


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("pixels", pixels_command))
    app.add_handler(button_handler({ACTION: _on_press}))
