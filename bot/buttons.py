"""Inline buttons: the one "expired" answer, and routing presses by action code.

A feature names its action codes (constants or a StrEnum) and routes them with
``button_handler({CODE: action, ...})``: the press is decoded (core.callback_data, at
most 64 bytes), the presser logged in, and anything malformed, stale or forged answers
"This button has expired." A button that carries its account's id is checked against the
presser with ``owned=True``.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Final

from telegram import Update
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot.session import logged_in
from core.callback_data import CallbackData, decode
from core.i18n import N_, _
from db.accounts import Link

# Stale, forged, or another user's: all look the same to the presser. An English msgid:
# answer with ``_(EXPIRED)``.
EXPIRED: Final = N_("This button has expired.")

ButtonAction = Callable[[Update, ContextTypes.DEFAULT_TYPE, Link, CallbackData], Awaitable[None]]
# A button pressed before logging in (creating an account, logging in).
PublicAction = Callable[[Update, ContextTypes.DEFAULT_TYPE, CallbackData], Awaitable[None]]


async def answer_expired(update: Update) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer(_(EXPIRED))


def _pattern(codes: Iterable[str]) -> str:
    alternatives = "|".join(re.escape(code) for code in sorted(codes, key=len, reverse=True))
    return rf"^({alternatives}):"


def _pressed(update: Update, codes: Mapping[str, object]) -> CallbackData | None:
    query = update.callback_query
    data = decode(query.data) if query is not None else None
    return data if data is not None and data.action in codes else None


def button_handler(
    actions: Mapping[str, ButtonAction], *, owned: bool = False
) -> CallbackQueryHandler:  # type: ignore[type-arg]
    """A handler for presses whose action code is one of ``actions``: decoded, logged
    in, and dispatched; anything malformed answers EXPIRED. ``owned``: the button
    carries the id of the account it was made for, and only that account may press it."""

    @logged_in
    async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link) -> None:
        if update.callback_query is None:
            return
        data = _pressed(update, actions)
        if data is None or (owned and (data.uuid is None or data.uuid != link.user_id)):
            await answer_expired(update)
            return
        await actions[data.action](update, context, link, data)

    return CallbackQueryHandler(on_press, pattern=_pattern(actions))


def public_button_handler(actions: Mapping[str, PublicAction]) -> CallbackQueryHandler:  # type: ignore[type-arg]
    """Like ``button_handler`` for buttons a logged-out user presses."""

    async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.callback_query is None or update.effective_user is None:
            return
        data = _pressed(update, actions)
        if data is None:
            await answer_expired(update)
            return
        await actions[data.action](update, context, data)

    return CallbackQueryHandler(on_press, pattern=_pattern(actions))
