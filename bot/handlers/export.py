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
from typing import Any, Final

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.buttons import answer_expired, button_handler
from bot.commands import Command
from bot.media_export import send_media_zips
from bot.services import get_services
from bot.session import Me, logged_in_chat
from bot.ui import show
from core.callback_data import CallbackData, encode
from core.exporting import export_json, export_markdown
from core.i18n import _, ngettext
from core.streaks import local_date
from db import dialogs, export, journals
from db.accounts import Link
from db.errors import NotFound

COMMANDS = [
    Command("export", "Download all your data as Markdown and JSON files", "Account"),
    Command("deleteaccount", "Delete your account and everything in it", "Account"),
]

CONFIRM_SECONDS = 10 * 60
# Button codes of /deleteaccount; both carry the account's id (checked against the presser).
DELETE_CONFIRMED: Final = "xdy"  # arg: when the question was asked
KEEP: Final = "xk"
# Seconds since the epoch; tests move it forward to make a button stale.
clock: Callable[[], float] = time.time


def _journals(count: int) -> str:
    """ "1 journal", "3 journals": the part of a sentence that counts them."""
    return ngettext("{n} journal", "{n} journals", count).format(n=count)


def _files(data: dict[str, Any], timezone: str) -> tuple[bytes, bytes]:
    return export_markdown(data, timezone).encode(), export_json(data).encode()


@logged_in_chat
async def export_command(update: Update, context: ContextTypes.DEFAULT_TYPE, me: Me) -> None:
    await context.bot.send_chat_action(me.chat_id, ChatAction.UPLOAD_DOCUMENT)
    services = get_services(context)
    try:
        async with services.db.sessions() as s:
            # One snapshot for every table, so entries and goals agree with each other.
            await s.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            data = await export.export_user_data(s, me.user_id)
    except NotFound as exc:
        await context.bot.send_message(me.chat_id, html.escape(str(exc)))
        return
    markdown, document = await asyncio.to_thread(_files, data, me.link.timezone)
    day = local_date(datetime.fromtimestamp(clock(), UTC), me.link.timezone).isoformat()
    journal_count = len(data["journals"])
    entry_count = sum(len(j["entries"]) for j in data["journals"])
    await context.bot.send_document(
        me.chat_id,
        document=markdown,
        filename=f"journal-{day}.md",
        caption=ngettext(
            "Your journal: {journals} with {n} entry, as Markdown.",
            "Your journal: {journals} with {n} entries, as Markdown.",
            entry_count,
        ).format(journals=_journals(journal_count), n=entry_count),
    )
    await context.bot.send_document(
        me.chat_id,
        document=document,
        filename=f"journal-data-{day}.json",
        caption=_(
            "Everything I keep for you as JSON: profile, settings, journals, entries, goals "
            "and metrics. Passwords and session keys are never included."
        ),
    )
    # Photos and voice notes (if any) follow in zip files under Telegram's upload limit.
    await send_media_zips(context, me.chat_id, me.user_id, markdown, day)


@logged_in_chat
async def delete_account_command(
    update: Update, context: ContextTypes.DEFAULT_TYPE, me: Me
) -> None:
    services = get_services(context)
    async with services.db.sessions() as s:
        summaries = await journals.list_journals_with_counts(s, me.user_id)
    entry_count = sum(j.entry_count for j in summaries)
    issued = str(int(clock()))
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    _("Delete everything"),
                    callback_data=encode(DELETE_CONFIRMED, me.user_id, issued),
                ),
                InlineKeyboardButton(_("Keep my account"), callback_data=encode(KEEP, me.user_id)),
            ]
        ]
    )
    minutes = CONFIRM_SECONDS // 60
    what = ngettext(
        "This deletes your account and everything in it: {journals} with {n} entry, your "
        "goals, metrics, reminders, settings and profile. It can't be undone.",
        "This deletes your account and everything in it: {journals} with {n} entries, your "
        "goals, metrics, reminders, settings and profile. It can't be undone.",
        entry_count,
    ).format(journals=_journals(len(summaries)), n=entry_count)
    lasts = ngettext(
        "The button below works for {n} minute.", "The button below works for {n} minutes.", minutes
    ).format(n=minutes)
    await context.bot.send_message(
        me.chat_id,
        _("⚠️ <b>Delete your account?</b>")
        + f"\n\n{what}\n\n"
        + _("Want a copy first? Send /export before you decide.")
        + f"\n\n{lasts}",
        reply_markup=markup,
    )


async def on_keep(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, data: CallbackData
) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer(_("Kept."))
    await show(update, context, _("Good: nothing was deleted. Your account is just as it was."))


async def on_delete_confirmed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, data: CallbackData
) -> None:
    query = update.callback_query
    assert query is not None and link.user_id is not None
    if not data.arg.isdigit():
        await answer_expired(update)
        return
    age = clock() - int(data.arg)
    if not 0 <= age <= CONFIRM_SECONDS:
        await answer_expired(update)
        await show(
            update,
            context,
            _(
                "This confirmation has expired, so nothing was deleted. Send /deleteaccount "
                "again if you still want to delete your account."
            ),
        )
        return
    services = get_services(context)
    async with services.db.sessions.begin() as s:
        await export.delete_user_data(s, link.user_id)  # also logs every Telegram account out
        await dialogs.clear_dialog(s, link.telegram_user_id)
    await query.answer(_("Your account is deleted."))
    await show(
        update,
        context,
        _(
            "Your account and everything in it have been deleted, and you're logged out.\n\n"
            "Thank you for journaling with me. Send /start if you ever want to begin again."
        ),
    )


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("export", export_command))
    app.add_handler(CommandHandler("deleteaccount", delete_account_command))
    app.add_handler(
        button_handler({DELETE_CONFIRMED: on_delete_confirmed, KEEP: on_keep}, owned=True)
    )
