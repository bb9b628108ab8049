"""/settings: one inline menu, edited in place, over the four ``user_settings`` documents.

Every button carries ``s::<code>`` (a view) or ``s::<key>=<value>`` (a change) with short
codes from the tables in ``settings_views``, never a raw JSON key. A press is validated
against those tables and the data layer's validators, and always acts on the presser's own
user (their Telegram link), so a forwarded or forged menu can only ever change the
presser's settings.
"""

from __future__ import annotations

import html
import logging
import uuid
from collections.abc import Mapping
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import (
    Update,
)
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.buttons import EXPIRED, button_handler
from bot.commands import Command
from bot.dialogs import StepHandler
from bot.handlers.settings_views import (
    ACTION,
    CLOSE,
    DEFAULT_REMINDER_TIME,
    NOTIFICATIONS,
    OPTIONS,
    OTHER_TIME,
    TIME_DIALOG,
    Change,
    Snapshot,
    describe_next,
    parse_press,
    render,
)
from bot.services import get_services
from bot.session import Me, logged_in_chat
from bot.ui import Answer, logged_in_step, redraw_stored, show
from core.callback_data import CallbackData
from core.i18n import _
from core.schedule import parse_time_of_day
from db import dialogs, profile, reminders, settings
from db.accounts import Link
from db.settings import EXTERNAL_AI_CONSENT

logger = logging.getLogger(__name__)

COMMANDS = [
    Command("settings", "Notifications, reminders, theme, privacy and AI", "Reminders & settings"),
]


# --- data ---------------------------------------------------------------------------


async def reschedule_reminders(s: AsyncSession, user_id: uuid.UUID) -> None:
    """Recompute the user's reminder schedule in the caller's transaction: call it after
    any change to notification preferences or the time zone."""
    await reminders.reschedule(s, user_id)


async def snapshot_of(s: AsyncSession, user_id: uuid.UUID, llm_host: str | None = None) -> Snapshot:
    row = await settings.get_settings(s, user_id)
    return Snapshot(row, await profile.get_timezone(s, user_id), llm_host)


async def apply_change(
    s: AsyncSession, user_id: uuid.UUID, change: Change, llm_host: str | None = None
) -> Snapshot:
    """Save one setting (and what reminders need along with it); reschedule if needed."""
    option = change.option
    row = await settings.update_setting(s, user_id, option.document, option.key, change.value)
    if option.document == NOTIFICATIONS:
        wanted = settings.read_setting(row, NOTIFICATIONS, "pushNotifications") or (
            settings.read_setting(row, NOTIFICATIONS, "emailNotifications")
        )
        if wanted and settings.read_setting(row, NOTIFICATIONS, "reminderTime") is None:
            # An explicit time, so what the menu shows is what the scheduler uses.
            await settings.update_setting(
                s, user_id, NOTIFICATIONS, "reminderTime", DEFAULT_REMINDER_TIME
            )
        await reschedule_reminders(s, user_id)
    return await snapshot_of(s, user_id, llm_host)


# --- handlers -----------------------------------------------------------------------


@logged_in_chat
async def settings_command(update: Update, context: ContextTypes.DEFAULT_TYPE, me: Me) -> None:
    services = get_services(context)
    async with services.db.sessions.begin() as s:
        text, markup = render("m", await snapshot_of(s, me.user_id, services.settings.llm_host))
    await context.bot.send_message(me.chat_id, text, reply_markup=markup)


async def on_press(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, data: CallbackData
) -> None:
    query, user = update.callback_query, update.effective_user
    if query is None or user is None or link.user_id is None:
        return
    press = parse_press(data)
    if press is None:
        await query.answer(_(EXPIRED))
        return
    services = get_services(context)
    if press == CLOSE:
        await query.answer()
        await show(update, context, _("⚙️ Settings closed. Send /settings to open them again."))
        return
    if press == OTHER_TIME:
        chat_id = query.message.chat.id if query.message is not None else user.id
        menu_id = query.message.message_id if query.message is not None else None
        async with services.db.sessions.begin() as s:
            await dialogs.set_dialog(
                s, user.id, TIME_DIALOG, "time", {"chat_id": chat_id, "message_id": menu_id}
            )
        await query.answer()
        await context.bot.send_message(
            chat_id,
            _(
                "What time should I remind you (your local time)? Send it like 07:30, 19:05 or "
                "7pm. /cancel to keep the current time."
            ),
        )
        return
    host = services.settings.llm_host
    if isinstance(press, Change) and press.option.key == EXTERNAL_AI_CONSENT:
        if press.value and host is None:
            await query.answer(_("No outside AI is set up: suggestions are made on this server."))
            return
        press = Change(press.option, host if press.value else "")
    async with services.db.sessions.begin() as s:
        if isinstance(press, Change):
            snapshot = await apply_change(s, link.user_id, press, host)
            view = "n" if press.option.code == "dm" else press.option.view
            toast = press.option.toast(press.value)
        else:
            snapshot = await snapshot_of(s, link.user_id, host)
            view, toast = press, ""
        text, markup = render(view, snapshot)
    await query.answer(toast or None)
    await show(update, context, text, markup)


@logged_in_step()
async def time_step(
    update: Update, context: ContextTypes.DEFAULT_TYPE, answer: Answer, link: Link
) -> None:
    message, user_id = answer.message, answer.telegram_user_id
    assert link.user_id is not None
    try:
        when = parse_time_of_day(answer.text)
    except ValueError as exc:
        await message.reply_text(
            _("{error}\nYour reminder time is unchanged. Send another time, or /cancel.").format(
                error=html.escape(str(exc))
            )
        )
        return
    services = get_services(context)
    option = OPTIONS["tm"]
    value = settings.validate_setting(option.document, option.key, when)
    async with services.db.sessions.begin() as s:
        snapshot = await apply_change(
            s, link.user_id, Change(option, value), services.settings.llm_host
        )
        await dialogs.clear_dialog(s, user_id)
        text, markup = render("n", snapshot)
    zone = html.escape(snapshot.timezone)
    if snapshot.get("pu"):
        reply = _("Reminder time set to <b>{time}</b> ({zone}). Next reminder: {when}.").format(
            time=value, zone=zone, when=describe_next(snapshot)
        )
    else:
        reply = _(
            "Reminder time set to <b>{time}</b> ({zone}). Push reminders are off; turn them "
            "on in /settings to get them."
        ).format(time=value, zone=zone)
    data = answer.data
    await redraw_stored(context.bot, data.get("chat_id"), data.get("message_id"), text, markup)
    await message.reply_text(reply)


# The dialogs this feature runs (bot.app combines every feature's).
DIALOGS: Final[Mapping[str, StepHandler]] = {
    TIME_DIALOG: time_step,
}


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("settings", settings_command))
    app.add_handler(button_handler({ACTION: on_press}))
