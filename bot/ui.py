"""The small UI kit handlers share: show-or-edit, plurals (from core.wording), and
dialog steps.

Button routes with named codes are in ``bot.buttons``; sending long texts in
``bot.messaging``.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, Message, ReplyKeyboardMarkup, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot.dialogs import StepHandler, data_of
from bot.messaging import edit_html, send_html
from bot.services import get_services
from bot.session import ask_to_log_in, load_link
from core.i18n import _
from core.textsplit import split_html
from core.wording import plural
from db import dialogs
from db.accounts import Link
from db.models import DialogState

__all__ = [
    "Answer",
    "ask",
    "end_dialog",
    "logged_in_step",
    "plural",
    "redraw",
    "redraw_stored",
    "show",
    "text_step",
]

logger = logging.getLogger(__name__)

Markup = InlineKeyboardMarkup | None


# --- show or edit -------------------------------------------------------------------


async def show(
    update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, markup: Markup = None
) -> None:
    """Replace the pressed button's message with ``text``; send it anew when that message
    cannot be edited (too old, gone) or ``text`` needs more than one message. Pressing
    the same button twice ("not modified") changes nothing."""
    query, chat = update.callback_query, update.effective_chat
    message = query.message if query is not None else None
    if isinstance(message, Message) and len(split_html(text)) <= 1:
        try:
            await edit_html(message, text, markup)
            return
        except BadRequest as exc:
            logger.info("message %s not editable (%s); sending anew", message.message_id, exc)
    chat_id = chat.id if chat is not None else query.from_user.id if query is not None else None
    if chat_id is not None:
        await send_html(context.bot, chat_id, text, markup)


async def redraw(update: Update, text: str, markup: Markup = None) -> None:
    """Edit the pressed button's message in place; one that cannot be edited any more
    (too old, gone) stays as it is and nothing is sent."""
    query = update.callback_query
    message = query.message if query is not None else None
    if not isinstance(message, Message):
        return
    try:
        await edit_html(message, text, markup)
    except BadRequest as exc:
        logger.info("could not redraw message %s: %s", message.message_id, exc)


async def redraw_stored(
    bot: Bot, chat_id: object, message_id: object, text: str, markup: Markup = None
) -> bool:
    """Edit a message a dialog remembered (its ids come from stored dialog data, so they
    are checked here); False when it is gone or cannot be edited, True when it shows
    ``text`` (also when it already did)."""
    if not isinstance(chat_id, int) or not isinstance(message_id, int):
        return False
    try:
        await bot.edit_message_text(
            text, chat_id=chat_id, message_id=message_id, reply_markup=markup
        )
    except TelegramError as exc:
        if "not modified" in str(exc).lower():
            return True
        logger.info("could not redraw message %s: %s", message_id, exc)
        return False
    return True


# --- dialogs ----------------------------------------------------------------------


async def ask(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    dialog: str,
    step: str,
    question: str,
    data: dict[str, Any] | None = None,
    markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None = None,
) -> None:
    """Put the sender in ``dialog`` at ``step`` and ask ``question`` in the chat: their
    answer goes to the dialog's step handler (``Services.dialogs``)."""
    user, chat = update.effective_user, update.effective_chat
    assert user is not None
    async with get_services(context).db.sessions.begin() as s:
        await dialogs.set_dialog(s, user.id, dialog, step, data)
    await context.bot.send_message(chat.id if chat else user.id, question, reply_markup=markup)


# --- dialog steps -------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """A text message sent inside a dialog, with the dialog's state."""

    message: Message
    text: str  # as typed (plain)
    telegram_user_id: int
    state: DialogState

    @property
    def step(self) -> str:
        return self.state.step

    @property
    def data(self) -> dict[str, Any]:
        """The dialog's data (a copy)."""
        return data_of(self.state)

    async def reply(self, text: str) -> None:
        await self.message.reply_text(text)


Step = Callable[[Update, ContextTypes.DEFAULT_TYPE, Answer], Awaitable[None]]
LinkedStep = Callable[[Update, ContextTypes.DEFAULT_TYPE, Answer, Link], Awaitable[None]]


def text_step(handler: Step) -> StepHandler:
    """A dialog step that takes a text answer; anything else (no message, no text) is
    ignored."""

    @functools.wraps(handler)
    async def step(update: Update, context: ContextTypes.DEFAULT_TYPE, state: DialogState) -> None:
        message, user = update.effective_message, update.effective_user
        if message is None or user is None or message.text is None:
            return
        await handler(update, context, Answer(message, message.text, user.id, state))

    return step


async def end_dialog(context: ContextTypes.DEFAULT_TYPE, telegram_user_id: int) -> None:
    async with get_services(context).db.sessions.begin() as s:
        await dialogs.clear_dialog(s, telegram_user_id)


def logged_in_step(*, logged_out: str | None = None) -> Callable[[LinkedStep], StepHandler]:
    """A text step for a logged-in user. Someone logged out meanwhile (another device,
    an expired session) leaves the dialog and is told ``logged_out``, or by default
    asked to log in."""

    def decorate(handler: LinkedStep) -> StepHandler:
        @text_step
        @functools.wraps(handler)
        async def step(update: Update, context: ContextTypes.DEFAULT_TYPE, answer: Answer) -> None:
            link = await load_link(update, context)
            if link is None or not link.logged_in or link.user_id is None:
                await end_dialog(context, answer.telegram_user_id)
                if logged_out is None:
                    await ask_to_log_in(update, context, link)
                else:
                    await answer.reply(_(logged_out))  # an N_ msgid
                return
            await handler(update, context, answer, link)

        return step

    return decorate
