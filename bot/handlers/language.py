"""/language: the language I speak, chosen with a button.

Works logged in or not (it belongs to the Telegram account, like the chat itself). The
choice is stored on the account (``telegram_accounts.language``), so every instance and
the reminders use it; the command menu of this chat follows it too.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.buttons import answer_expired
from bot.commands import Command
from bot.services import get_services
from bot.session import load_link
from core.callback_data import decode, encode
from core.i18n import LANGUAGES, _, set_current, speaking
from core.i18n import current as current_language
from db import accounts

logger = logging.getLogger(__name__)

COMMANDS = [
    Command("language", "Change the language I speak", "Reminders & settings"),
]

CHOOSE = "lang"  # button action; ident: the presser's Telegram id; arg: a LANGUAGES code


def keyboard(telegram_user_id: int, current: str) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                ("✓ " if code == current else "") + name,
                callback_data=encode(CHOOSE, telegram_user_id, code),
            )
        ]
        for code, name in LANGUAGES.items()
    ]
    return InlineKeyboardMarkup(rows)


async def language_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    link = await load_link(update, context)  # speaks the stored choice from here on
    current = link.language if link is not None and link.language else current_language()
    await context.bot.send_message(
        chat.id,
        _("Which language should I speak?"),
        reply_markup=keyboard(user.id, current),
    )


async def on_choose(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return
    data = decode(query.data)
    if data is None or data.number != query.from_user.id or data.arg not in LANGUAGES:
        await answer_expired(update)
        return
    code = data.arg
    async with get_services(context).db.sessions.begin() as s:
        await accounts.set_language(s, query.from_user.id, chat.id, code)
    set_current(code)
    await query.answer()
    text = _("Done: I'll speak {language} from now on.").format(language=LANGUAGES[code])
    with contextlib.suppress(BadRequest):  # "message is not modified" on a double press
        await query.edit_message_text(text, reply_markup=keyboard(query.from_user.id, code))
    await _chat_menu(context, chat.id, code)


async def _chat_menu(context: ContextTypes.DEFAULT_TYPE, chat_id: int, code: str) -> None:
    """This chat's command menu in the chosen language (best effort, like the global one)."""
    commands: list[Command] = context.bot_data["commands"]
    with speaking(code):
        menu = [BotCommand(c.name, _(c.description)) for c in commands]
    try:
        await context.bot.set_my_commands(menu, scope=BotCommandScopeChat(chat_id))
    except TelegramError as exc:
        logger.debug("could not set the chat's command menu (%s)", exc)


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("language", language_command))
    app.add_handler(CallbackQueryHandler(on_choose, pattern=rf"^{CHOOSE}:"))
