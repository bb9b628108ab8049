"""Who is writing: the Telegram account's link to a user, loaded per update."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Coroutine
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.services import get_services
from core.callback_data import encode
from core.i18n import _, negotiate, ngettext, number, set_current
from db import accounts, dialogs
from db.accounts import Link


def login_buttons() -> InlineKeyboardMarkup:
    """[Create account] [Log in], in the current language."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(_("Create account"), callback_data=encode("acc", arg="new")),
                InlineKeyboardButton(_("Log in"), callback_data=encode("acc", arg="login")),
            ]
        ]
    )


# The link loaded as the update arrived (bot/handlers/private_only.py), by update id.
_prefetched: ContextVar[tuple[int, Link | None] | None] = ContextVar("prefetched", default=None)


async def prefetch_link(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Load the sender's link before any feature runs: it says which language every reply
    is in, and the update's first ``load_link`` takes it instead of asking again."""
    user = update.effective_user
    link = await _fetch(context, user.id) if user else None
    _prefetched.set((update.update_id, link))
    _speak(update, link)
    reported = user.language_code if user is not None else None
    if user is not None and link is not None and reported and reported != link.language_code:
        # Rare (the user changed their app's language, or the account predates storing it):
        # reminders and the search trigger read the stored one.
        async with get_services(context).db.sessions.begin() as s:
            await accounts.note_language_code(s, user.id, reported)


async def load_link(
    update: Update, context: ContextTypes.DEFAULT_TYPE, *, as_arrived: bool = False
) -> Link | None:
    """The sender's link, loaded together with those of concurrent updates.

    ``as_arrived``: the link prefetched as the update arrived will do, because nothing of
    this update has run that could change it (the text router's first step).
    """
    user = update.effective_user
    if user is None:
        return None
    prefetched = _prefetched.get()
    if as_arrived and prefetched is not None and prefetched[0] == update.update_id:
        return prefetched[1]
    link = await _fetch(context, user.id)
    _speak(update, link)
    return link


async def _fetch(context: ContextTypes.DEFAULT_TYPE, telegram_user_id: int) -> Link | None:
    services = get_services(context)
    return await services.db.fast.link(
        telegram_user_id, session_days=services.settings.session_days
    )


def _speak(update: Update, link: Link | None) -> None:
    """The account's chosen language, else the one Telegram reports for the sender."""
    user = update.effective_user
    chosen = link.language if link is not None else None
    set_current(chosen or negotiate(user.language_code if user is not None else None))


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
        text = _("Your session has expired. Please log in again to continue.")
    elif been_in:
        text = _(
            "You're logged out, so this isn't in a journal yet. Log in again (or create an "
            "account) to carry on."
        )
    else:
        text = _("You're not logged in yet. Create an account or log in to start your journal.")
    days = dialogs.PENDING_TTL.days
    if kept:
        text += "\n\n" + ngettext(
            "I've kept your message for up to {days} days: logging in to your account saves "
            "it to your journal (another account asks you first).",
            "I've kept your {n} messages for up to {days} days: logging in to your account "
            "saves them to your journal (another account asks you first).",
            kept,
        ).format(n=kept, days=days)
    elif full:
        text += "\n\n" + _(
            "⚠️ I did <b>not</b> keep this message: while you're logged out I hold at most "
            "{messages} messages or {chars} characters, and that's full. Please copy it, "
            "log in, and send it again."
        ).format(messages=dialogs.MAX_PENDING_MESSAGES, chars=number(dialogs.MAX_PENDING_CHARS))
    await context.bot.send_message(chat.id, text, reply_markup=login_buttons())


Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE, Link], Awaitable[Any]]


@dataclass(frozen=True)
class Me:
    """A logged-in user in their private chat: whom a command answers, and where."""

    link: Link
    user_id: uuid.UUID
    chat_id: int


def logged_in_chat(
    handler: Callable[[Update, ContextTypes.DEFAULT_TYPE, Me], Awaitable[Any]],
) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, Any]]:
    """``logged_in`` for commands that answer in the chat: the handler gets ``Me``."""

    async def in_chat(update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link) -> Any:
        chat = update.effective_chat
        if chat is None or link.user_id is None:
            return None
        return await handler(update, context, Me(link, link.user_id, chat.id))

    in_chat.__name__ = getattr(handler, "__name__", "handler")
    in_chat.__doc__ = handler.__doc__
    return logged_in(in_chat)


def logged_in(
    handler: Handler,
) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, Any]]:
    """Run ``handler`` with the user's link, or ask them to log in first."""

    async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Any:
        link = await load_link(update, context)
        if link is None or not link.logged_in:
            if update.callback_query is not None:
                await update.callback_query.answer(_("Please log in first."), show_alert=False)
            await ask_to_log_in(update, context, link)
            return None
        return await handler(update, context, link)

    wrapper.__name__ = getattr(handler, "__name__", "handler")
    wrapper.__doc__ = handler.__doc__
    return wrapper
