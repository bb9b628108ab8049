"""Who is writing: the Telegram account's link to a user, loaded per update."""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.services import get_services
from core.callback_data import encode
from db import accounts, dialogs
from db.accounts import Link

# Called after a successful login with (update, context, link): e.g. to save what the
# user wrote while logged out.
LoginHook = Callable[[Update, ContextTypes.DEFAULT_TYPE, Link], Awaitable[None]]
LOGIN_HOOKS: list[LoginHook] = []

LOGIN_BUTTONS = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Create account", callback_data=encode("acc", arg="new")),
            InlineKeyboardButton("Log in", callback_data=encode("acc", arg="login")),
        ]
    ]
)


async def load_link(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Link | None:
    """The sender's link, loaded together with those of concurrent updates."""
    user = update.effective_user
    if user is None:
        return None
    services = get_services(context)
    return await services.db.fast.link(user.id, session_days=services.settings.session_days)


async def ask_to_log_in(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    link: Link | None,
    *,
    keep: str | None = None,
) -> None:
    """Tell a logged-out user what to do; keep what they wrote so nothing is lost."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    kept = 0
    full = False
    message = update.effective_message
    services = get_services(context)
    async with services.db.sessions.begin() as s:
        if keep:
            await accounts.touch_account(s, user.id, chat.id, first_name=user.first_name)
            try:
                kept = await dialogs.keep_pending(
                    s,
                    user.id,
                    keep,
                    message.message_id if message else None,
                    written_at=message.date if message else None,
                )
            except dialogs.PendingFull:
                full = True
        been_in = link is not None and (await accounts.last_user(s, user.id)) is not None
    if link is not None and link.expired:
        text = "Your session has expired. Please log in again to continue."
    elif been_in:
        text = (
            "You're logged out, so this isn't in a journal yet. Log in again (or create an "
            "account) to carry on."
        )
    else:
        text = "You're not logged in yet. Create an account or log in to start your journal."
    days = dialogs.PENDING_TTL.days
    if kept:
        noun = "message" if kept == 1 else f"{kept} messages"
        text += (
            f"\n\nI've kept your {html.escape(noun)} for up to {days} days: logging in to "
            "your account saves it to your journal (another account asks you first)."
        )
    elif full:
        text += (
            "\n\n⚠️ I did <b>not</b> keep this message: while you're logged out I hold at "
            f"most {dialogs.MAX_PENDING_MESSAGES} messages or "
            f"{dialogs.MAX_PENDING_CHARS:,} characters, and that's full. Please copy it, "
            "log in, and send it again."
        )
    await context.bot.send_message(chat.id, text, reply_markup=LOGIN_BUTTONS)


Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE, Link], Awaitable[Any]]


def logged_in(
    handler: Handler,
) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, Any]]:
    """Run ``handler`` with the user's link, or ask them to log in first."""

    async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Any:
        link = await load_link(update, context)
        if link is None or not link.logged_in:
            if update.callback_query is not None:
                await update.callback_query.answer("Please log in first.", show_alert=False)
            await ask_to_log_in(update, context, link)
            return None
        return await handler(update, context, link)

    wrapper.__name__ = getattr(handler, "__name__", "handler")
    wrapper.__doc__ = handler.__doc__
    return wrapper
