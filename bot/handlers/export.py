"""/export (your data as Markdown and JSON files) and /deleteaccount.

Deleting needs two things: a press on [Delete everything] under the /deleteaccount
message, and that press within ten minutes of the message. The button carries the
account's id and the time it was made, so a button left in the chat for later, or one
made for an account the Telegram user has since left, only says it has expired.
"""

from __future__ import annotations

import asyncio
import html
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.buttons import answer_expired
from bot.commands import Command
from bot.handlers.entries import plural, show
from bot.media_export import send_media_zips
from bot.services import get_services
from bot.session import logged_in
from core.callback_data import decode, encode
from core.exporting import export_json, export_markdown
from core.streaks import local_date
from db import dialogs, export, journals
from db.accounts import Link
from db.errors import NotFound

COMMANDS = [
    Command("export", "Download all your data as Markdown and JSON files", "Account"),
    Command("deleteaccount", "Delete your account and everything in it", "Account"),
]

CONFIRM_SECONDS = 10 * 60
# Seconds since the epoch; tests move it forward to make a button stale.
clock: Callable[[], float] = time.time


def _files(data: dict[str, Any], timezone: str) -> tuple[bytes, bytes]:
    return export_markdown(data, timezone).encode(), export_json(data).encode()


@logged_in
async def export_command(update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link) -> None:
    chat = update.effective_chat
    if chat is None or link.user_id is None:
        return
    await context.bot.send_chat_action(chat.id, ChatAction.UPLOAD_DOCUMENT)
    services = get_services(context)
    try:
        async with services.db.sessions() as s:
            # One snapshot for every table, so entries and goals agree with each other.
            await s.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            data = await export.export_user_data(s, link.user_id)
    except NotFound as exc:
        await context.bot.send_message(chat.id, html.escape(str(exc)))
        return
    markdown, document = await asyncio.to_thread(_files, data, link.timezone)
    day = local_date(datetime.fromtimestamp(clock(), UTC), link.timezone).isoformat()
    journal_count = len(data["journals"])
    entry_count = sum(len(j["entries"]) for j in data["journals"])
    await context.bot.send_document(
        chat.id,
        document=markdown,
        filename=f"journal-{day}.md",
        caption=(
            f"Your journal: {plural(journal_count, 'journal')} with "
            f"{plural(entry_count, 'entry', 'entries')}, as Markdown."
        ),
    )
    await context.bot.send_document(
        chat.id,
        document=document,
        filename=f"journal-data-{day}.json",
        caption=(
            "Everything I keep for you as JSON: profile, settings, journals, entries, goals "
            "and metrics. Passwords and session keys are never included."
        ),
    )
    # Photos and voice notes (if any) follow in zip files under Telegram's upload limit.
    await send_media_zips(context, chat.id, link.user_id, markdown, day)


@logged_in
async def delete_account_command(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link
) -> None:
    chat = update.effective_chat
    if chat is None or link.user_id is None:
        return
    services = get_services(context)
    async with services.db.sessions() as s:
        summaries = await journals.list_journals_with_counts(s, link.user_id)
    entry_count = sum(j.entry_count for j in summaries)
    issued = str(int(clock()))
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    "Delete everything", callback_data=encode("xdy", link.user_id, issued)
                ),
                InlineKeyboardButton("Keep my account", callback_data=encode("xk", link.user_id)),
            ]
        ]
    )
    await context.bot.send_message(
        chat.id,
        "⚠️ <b>Delete your account?</b>\n\n"
        f"This deletes your account and everything in it: {plural(len(summaries), 'journal')} "
        f"with {plural(entry_count, 'entry', 'entries')}, your goals, metrics, reminders, "
        "settings and profile. It can't be undone.\n\n"
        "Want a copy first? Send /export before you decide.\n\n"
        f"The button below works for {CONFIRM_SECONDS // 60} minutes.",
        reply_markup=markup,
    )


@logged_in
async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link) -> None:
    query = update.callback_query
    if query is None:
        return
    data = decode(query.data)
    if data is None or data.uuid is None or data.uuid != link.user_id or link.user_id is None:
        await answer_expired(update)  # forged, or made for an account this Telegram user left
        return
    if data.action == "xk":
        await query.answer("Kept.")
        await show(update, context, "Good: nothing was deleted. Your account is just as it was.")
        return
    if data.action != "xdy" or not data.arg.isdigit():
        await answer_expired(update)
        return
    age = clock() - int(data.arg)
    if not 0 <= age <= CONFIRM_SECONDS:
        await answer_expired(update)
        await show(
            update,
            context,
            "This confirmation has expired, so nothing was deleted. Send /deleteaccount "
            "again if you still want to delete your account.",
        )
        return
    services = get_services(context)
    async with services.db.sessions.begin() as s:
        await export.delete_user_data(s, link.user_id)  # also logs every Telegram account out
        await dialogs.clear_dialog(s, link.telegram_user_id)
    await query.answer("Your account is deleted.")
    await show(
        update,
        context,
        "Your account and everything in it have been deleted, and you're logged out.\n\n"
        "Thank you for journaling with me. Send /start if you ever want to begin again.",
    )


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("export", export_command))
    app.add_handler(CommandHandler("deleteaccount", delete_account_command))
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^(xdy|xk):"))
