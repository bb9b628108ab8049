"""The global error handler: log it, tell the user plainly, never show a traceback."""

from __future__ import annotations

import logging

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from telegram import Update
from telegram.constants import ChatType
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.inbox_context import CURRENT
from core.i18n import N_, _

logger = logging.getLogger(__name__)

DB_DOWN = N_(
    "I can't reach the journal database right now, so nothing was saved. "
    "Please try again in a minute."
)
GENERIC = N_("Sorry, something went wrong on my side. Please try again.")


def is_database_outage(error: BaseException | None) -> bool:
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, (OperationalError, InterfaceError, ConnectionError, OSError)):
            return True
        if isinstance(error, DBAPIError) and error.connection_invalidated:
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    error = context.error
    attempt = CURRENT.get()
    if attempt is not None and error is not None:
        # Handled from the inbox: the worker retries it or, in the end, tells the user.
        attempt.errors.append(error)
        if not isinstance(error, Forbidden):
            logger.warning("update %s failed", attempt.update_id, exc_info=error)
        return
    if isinstance(error, Forbidden):
        logger.info("user blocked the bot: %s", error)
        return
    logger.error("error while handling an update", exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != ChatType.PRIVATE:
        return  # nothing is ever said in a group (bot.handlers.private_only)
    text = _(DB_DOWN if is_database_outage(error) else GENERIC)
    if update.callback_query is not None:
        try:
            await update.callback_query.answer(text[:200], show_alert=True)
            return
        except TelegramError:
            pass  # already answered by the handler: say it in the chat instead
    try:
        await context.bot.send_message(update.effective_chat.id, text)
    except TelegramError:
        logger.warning("could not tell the user about the error")
