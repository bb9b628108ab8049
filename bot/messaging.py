"""Sending that respects Telegram's limits: long texts are split, never cut."""

from __future__ import annotations

import logging

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, TelegramError

from core.textsplit import split_html

logger = logging.getLogger(__name__)


async def send_html(
    bot: Bot,
    chat_id: int,
    text: str,
    reply_markup: InlineKeyboardMarkup | None = None,
) -> Message:
    """Send HTML in as many messages as it takes; buttons go on the last one."""
    chunks = split_html(text) or [text]
    message: Message | None = None
    for i, chunk in enumerate(chunks):
        last = i == len(chunks) - 1
        message = await bot.send_message(
            chat_id, chunk, reply_markup=reply_markup if last else None
        )
    assert message is not None
    return message


async def edit_html(
    message: Message | None,
    text: str,
    reply_markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Edit a message in place; "not modified" is not an error for a second press."""
    if message is None:
        return
    try:
        await message.edit_text(text, reply_markup=reply_markup)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


async def delete_quietly(bot: Bot, chat_id: int, message_id: int) -> bool:
    """Delete a message; too old or already gone is logged, not raised."""
    try:
        return await bot.delete_message(chat_id, message_id)
    except TelegramError as exc:
        logger.warning("could not delete message %s in chat %s: %s", message_id, chat_id, exc)
        return False
