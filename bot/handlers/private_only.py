"""Private chats only: the one place that keeps a diary out of groups and channels.

Runs before every feature. An update from a group, supergroup or channel goes no
further: the chat gets at most one short note (recorded in PostgreSQL, so restarts and
other processes agree) with a button to the private chat, and the bot leaves. Nothing
there reads or changes account data, and no account is ever linked to such a chat.
A button pressed under a group message (or an inline message) is answered without
effect.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import ChatMemberUpdated, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes, TypeHandler

from bot.commands import Command
from bot.services import get_services
from bot.session import prefetch_link
from core.i18n import N_, _, negotiate, speaking
from db import chats

logger = logging.getLogger(__name__)

# Before every feature module's handlers (they use the default group 0).
GROUP = -100

NOTE = N_(
    "I'm a private journal, so I only work in a one-to-one chat: nothing anyone writes "
    "to me is shown here. Tap below to open our private chat. I'll leave this chat now."
)
PRESS_ANSWER = N_("I only work in a private chat with you.")


def open_private_chat(username: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(_("Open a private chat"), url=f"https://t.me/{username}")]]
    )


def _bot_was_removed(member: ChatMemberUpdated | None) -> bool:
    if member is None:
        return False
    return member.new_chat_member.status in {ChatMemberStatus.LEFT, ChatMemberStatus.BANNED}


async def private_only(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is not None and chat.type == ChatType.PRIVATE:
        await prefetch_link(update, context)  # and with it, the language to answer in
        return  # on to the features
    # No account is looked up here: the sender's Telegram language will do.
    user = update.effective_user
    with speaking(negotiate(user.language_code if user is not None else None)):
        await _keep_out(update, context)


async def _keep_out(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a group's press or post the note once, leave, and stop the update."""
    chat = update.effective_chat
    query = update.callback_query
    if query is not None:
        # Too old to answer: there is nothing to undo either.
        with contextlib.suppress(TelegramError):
            await query.answer(_(PRESS_ANSWER))
        raise ApplicationHandlerStop
    if chat is None or _bot_was_removed(update.my_chat_member):
        raise ApplicationHandlerStop  # e.g. an inline query, or the bot was removed
    async with get_services(context).db.sessions.begin() as s:
        first = await chats.claim_group_notice(s, chat.id, chat.type)
    bot = context.bot
    try:
        if first:
            await bot.send_message(chat.id, _(NOTE), reply_markup=open_private_chat(bot.username))
        await bot.leave_chat(chat.id)
    except TelegramError as exc:  # e.g. no right to post in a channel
        logger.info("could not post the private-only note or leave a %s: %s", chat.type, exc)
    raise ApplicationHandlerStop


COMMANDS: list[Command] = []  # no commands of its own


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(TypeHandler(Update, private_only), group=GROUP)
