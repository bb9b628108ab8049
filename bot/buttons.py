"""Inline buttons: the one "expired" answer, and routing presses by action code."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Final

from telegram import Update
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot.session import logged_in
from core.callback_data import CallbackData, decode
from db.accounts import Link

# Stale, forged, or another user's: all look the same to the presser.
EXPIRED: Final = "This button has expired."

ButtonAction = Callable[[Update, ContextTypes.DEFAULT_TYPE, Link, CallbackData], Awaitable[None]]


async def answer_expired(update: Update) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer(EXPIRED)


def button_handler(actions: Mapping[str, ButtonAction]) -> CallbackQueryHandler:  # type: ignore[type-arg]
    """A handler for presses whose action code is one of ``actions``: decoded, logged
    in, and dispatched; anything malformed answers EXPIRED."""

    @logged_in
    async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link) -> None:
        query = update.callback_query
        if query is None:
            return
        data = decode(query.data)
        action = actions.get(data.action) if data is not None else None
        if data is None or action is None:
            await answer_expired(update)
            return
        await action(update, context, link, data)

    codes = "|".join(re.escape(code) for code in sorted(actions, key=len, reverse=True))
    return CallbackQueryHandler(on_press, pattern=rf"^({codes}):")
