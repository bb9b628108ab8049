"""/help, the text router, unknown commands and expired buttons."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.buttons import EXPIRED
from bot.commands import Command, help_text
from bot.services import get_services
from bot.session import load_link
from core.i18n import _
from db import dialogs

COMMANDS: list[Command] = []  # /help is listed with accounts' "Getting started"


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_chat is None:
        return
    await context.bot.send_message(
        update.effective_chat.id, help_text(context.bot_data["commands"])
    )


async def route_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A plain text message: an answer inside a dialog (``Services.dialogs``), or else
    ``Services.default_text`` (journal.on_text saves it as an entry)."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    services = get_services(context)
    link = await load_link(update, context, as_arrived=True)
    if link is None or link.dialog is not None:
        async with services.db.sessions.begin() as s:
            state = await dialogs.get_dialog(s, user.id)
        step = services.dialogs.step_for(state.name) if state is not None else None
        if state is not None and step is not None:
            await step(update, context, state)
            return
    await services.default_text(update, context, link)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None or message.text is None:
        return
    command = message.text.split()[0][:40]
    await message.reply_text(
        _("I don't know {command}. Send /help to see what I can do.").format(command=command),
        parse_mode=None,
    )


async def expired_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer(_(EXPIRED))


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("help", help_command))


def register_fallbacks(app: Application) -> None:  # type: ignore[type-arg]
    """Added after every feature, so they only see what no feature handled (the first
    matching handler of a group wins)."""
    app.add_handler(
        MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE, route_text)
    )
    app.add_handler(MessageHandler(filters.COMMAND, unknown_command))
    app.add_handler(CallbackQueryHandler(expired_button))
