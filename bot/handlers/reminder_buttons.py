"""The buttons under a reminder: ✍️ Write now (starts /write), ⏰ In 1 hour (a snooze kept
in the database, so it survives a restart and goes out once), and Skip today.

Each button names the user it was sent to and only that user's press counts.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.ext import Application, ContextTypes

from bot.buttons import ButtonAction, answer_expired, button_handler
from bot.commands import Command
from bot.handlers import journal
from bot.reminder_jobs import SKIP_TODAY, SNOOZE, WRITE_NOW, skip_today_button
from bot.services import get_services
from core.callback_data import CallbackData
from core.i18n import _
from db import reminder_jobs
from db.accounts import Link


def _mine(link: Link, data: CallbackData) -> bool:
    return link.user_id is not None and data.uuid == link.user_id


async def _drop_buttons(update: Update) -> None:
    query = update.callback_query
    if query is not None and query.message is not None:
        with contextlib.suppress(Exception):
            await query.edit_message_reply_markup(None)


@dataclass(frozen=True)
class Press:
    """A press on a button of a reminder sent to the presser."""

    query: CallbackQuery
    chat_id: int
    user_id: uuid.UUID


ReminderAction = Callable[[Update, ContextTypes.DEFAULT_TYPE, Link, Press], Awaitable[None]]


def _own(action: ReminderAction) -> ButtonAction:
    """Only the user the reminder was sent to may press it; anyone else gets "expired"."""

    async def press(
        update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, data: CallbackData
    ) -> None:
        query, chat = update.callback_query, update.effective_chat
        if not _mine(link, data) or query is None or chat is None or link.user_id is None:
            await answer_expired(update)
            return
        await action(update, context, link, Press(query, chat.id, link.user_id))

    return press


@_own
async def on_write_now(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, press: Press
) -> None:
    await press.query.answer()
    await journal.write(update, context)


@_own
async def on_snooze(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, press: Press
) -> None:
    async with get_services(context).db.sessions.begin() as s:
        due = await reminder_jobs.snooze(s, press.user_id, press.chat_id, datetime.now(UTC))
    local = due.astimezone(ZoneInfo(link.timezone)).strftime("%H:%M")
    await press.query.answer(_("I'll remind you again at {time}.").format(time=local))
    await _drop_buttons(update)
    await context.bot.send_message(
        press.chat_id,
        _("⏰ Okay, I'll remind you again at {time}.").format(time=local),
        reply_markup=InlineKeyboardMarkup([[skip_today_button(press.user_id)]]),
    )


@_own
async def on_skip(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, press: Press
) -> None:
    async with get_services(context).db.sessions.begin() as s:
        await reminder_jobs.skip_today(s, press.user_id, link.timezone, datetime.now(UTC))
    await press.query.answer(_("Skipped for today."))
    await _drop_buttons(update)
    await context.bot.send_message(
        press.chat_id, _("Okay, no more reminders today. See you tomorrow 🌱")
    )


COMMANDS: list[Command] = []  # buttons only, no commands


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(
        button_handler({WRITE_NOW: on_write_now, SNOOZE: on_snooze, SKIP_TODAY: on_skip})
    )
