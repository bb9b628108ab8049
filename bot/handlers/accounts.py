"""Accounts over Telegram: /start, create account, log in, /logout, /cancel."""

from __future__ import annotations

import asyncio
import functools
import html
import secrets
import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import Final

from email_validator import EmailNotValidError, validate_email
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.buttons import EXPIRED, public_button_handler
from bot.commands import Command
from bot.dialogs import StepHandler, data_of
from bot.messaging import delete_quietly
from bot.services import get_services
from bot.session import load_link, login_buttons
from bot.ui import Answer, text_step
from bot.zone_picker import ambiguous, choice_keyboard, confirmation, locate, lookup, unknown
from bot.zone_picker import prepare as prepare_zones
from core.callback_data import CallbackData, encode
from core.i18n import N_, _, ngettext
from core.schedule import validate_timezone
from db import accounts, dialogs, profile, throttle
from db.models import User

COMMANDS = [
    Command("start", "Start here: create an account or log in", "Getting started"),
    Command("help", "What I can do", "Getting started"),
    Command("cancel", "Leave the current dialog", "Getting started"),
    Command("logout", "Log this Telegram account out", "Account"),
]

# Button codes: [Create account] / [Log in] (bot.session's login buttons), and a
# time zone picked at sign-up.
ACCOUNT: Final = "acc"
SIGN_UP_ZONE: Final = "regtz"
MIN_PASSWORD = 8
# bcrypt (here and in the web app) reads no further: a longer new password would be
# cut without the user knowing. Existing longer ones still log in (bcryptjs rules).
MAX_PASSWORD_BYTES = accounts.BCRYPT_MAX_BYTES
MAX_NAME = 100
COMMON_ZONES = [
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
]


def _zone_data(zone: str) -> str:
    return encode(SIGN_UP_ZONE, arg=zone)


def _zone_keyboard() -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(z, callback_data=_zone_data(z)) for z in COMMON_ZONES]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


@functools.cache
def _dummy_hash() -> str:
    """Checked against when an email is unknown, so a miss costs as long as a wrong
    password and does not tell which emails have accounts."""
    return accounts.hash_password(secrets.token_urlsafe(16))


def _minutes(delta: timedelta) -> int:
    return max(1, -(-int(delta.total_seconds()) // 60))


def _matching_user(password: str, candidates: list[tuple[User, str]]) -> User | None:
    """The user whose hash the password matches (run in a worker thread). An unknown
    address is checked against a dummy hash so it costs as long as a wrong password."""
    if not candidates:
        accounts.verify_password(password, _dummy_hash())
    for user, password_hash in candidates:
        if accounts.verify_password(password, password_hash):
            return user
    return None


async def _candidates(context: ContextTypes.DEFAULT_TYPE, email: str) -> list[tuple[User, str]]:
    async with get_services(context).db.sessions.begin() as s:
        users = await accounts.find_users_by_email(s, email)
    return [(u, u.password_hash) for u in users]


async def account_first_name(context: ContextTypes.DEFAULT_TYPE, user_id: uuid.UUID) -> str:
    """The account's own first name (not the Telegram one); empty when it has none."""
    async with get_services(context).db.sessions.begin() as s:
        info = await profile.get_profile(s, user_id)
    return info.first_name.strip() if info is not None else ""


def _welcome_back(first_name: str) -> str:
    if not first_name:
        return _("Welcome back!")
    return _("Welcome back, {name}!").format(name=html.escape(first_name))


async def _log_in(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, email: str, text: str
) -> None:
    """Link this Telegram account to ``user`` after a right password; ``text`` follows
    the greeting by the account's first name."""
    tg_user, chat = update.effective_user, update.effective_chat
    if tg_user is None or chat is None:
        return
    services = get_services(context)
    async with services.db.sessions.begin() as s:
        await throttle.logged_in(s, tg_user.id, email, user.id)
        await accounts.start_session(
            s,
            user_id=user.id,
            telegram_user_id=tg_user.id,
            chat_id=chat.id,
            days=services.settings.session_days,
        )
        await dialogs.clear_dialog(s, tg_user.id)
    greeting = _welcome_back(await account_first_name(context, user.id))
    await context.bot.send_message(chat.id, f"{greeting} {text}")
    await _after_login(update, context)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    services = get_services(context)
    async with services.db.sessions.begin() as s:
        await accounts.touch_account(
            s, user.id, chat.id, first_name=user.first_name, language_code=user.language_code
        )
        await dialogs.clear_dialog(s, user.id)
    link = await load_link(update, context)
    if link is not None and link.logged_in and link.user_id is not None:
        greeting = _welcome_back(await account_first_name(context, link.user_id))
        more = _(
            "Just write to me and I'll save it to your journal.\n"
            "Send /help to see everything I can do."
        )
        await context.bot.send_message(chat.id, f"{greeting} {more}")
        return
    name = html.escape(user.first_name)  # no account yet: Telegram's name
    hello = _("Hi {name}!").format(name=name) if name else _("Hi there!")
    intro = _(
        "I'm your growth-mindset journal. Write to me like you'd write in a "
        "notebook, rate how you're growing, and I'll suggest goals along the way.\n\n"
        "Do you have an account already?"
    )
    await context.bot.send_message(chat.id, f"{hello} {intro}", reply_markup=login_buttons())


async def on_account_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, data: CallbackData
) -> None:
    """[Create account] or [Log in]."""
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    if data.arg not in {"new", "login"}:
        await query.answer(_(EXPIRED))
        return
    link = await load_link(update, context)
    if link is not None and link.logged_in:
        await query.answer(_("You're already logged in. Send /logout first to switch accounts."))
        return
    await query.answer()
    services = get_services(context)
    async with services.db.sessions.begin() as s:
        chat_id = query.message.chat.id if query.message else user.id
        await accounts.touch_account(s, user.id, chat_id, first_name=user.first_name)
        remaining = await throttle.account_wait(s, user.id)
        if remaining is None:
            step = "register" if data.arg == "new" else "login"
            await dialogs.set_dialog(s, user.id, step, "email")
    if remaining is not None:
        await context.bot.send_message(user.id, _locked_text(_minutes(remaining)))
    elif data.arg == "new":
        await context.bot.send_message(
            user.id, _("Let's create your account. What's your email address? (/cancel to stop)")
        )
    else:
        await context.bot.send_message(
            user.id,
            _(
                "Log in with the email and password of your Growth Journal account. "
                "What's your email? (/cancel to stop)"
            ),
        )


def _locked_text(minutes: int) -> str:
    return ngettext(
        "Too many attempts. For your security, please wait {n} minute before trying again.",
        "Too many attempts. For your security, please wait {n} minutes before trying again.",
        minutes,
    ).format(n=minutes)


# After a failed password: the address may be mistyped (never said whether it has an
# account), so offer to type another or to create one instead.
def _retry_buttons() -> InlineKeyboardMarkup:
    rows = [(_("✉️ Use another email"), "login"), (_("🆕 Create an account"), "new")]
    buttons = [InlineKeyboardButton(t, callback_data=encode(ACCOUNT, arg=a)) for t, a in rows]
    return InlineKeyboardMarkup([[button] for button in buttons])


# Said whenever a sign-up cannot go ahead because of the address, so the dialog never
# states that an account exists (see docs/security-accounts.md).
NOT_CREATED = N_(
    "I couldn't create an account with that email and password. If you already have an "
    "account, choose Log in; otherwise send /start and use another email."
)
NOT_AN_EMAIL = N_("That doesn't look like an email address. Please send it like name@example.com.")


def _parse_email(text: str) -> str | None:
    """A valid address, kept as the user typed it (the web app stores it so too)."""
    try:
        validate_email(text.strip(), check_deliverability=False)
    except EmailNotValidError:
        return None
    return text.strip()


@text_step
async def register_step(update: Update, context: ContextTypes.DEFAULT_TYPE, answer: Answer) -> None:
    message, user_id = answer.message, answer.telegram_user_id
    services = get_services(context)
    data = answer.data
    text = answer.text
    reply = message.reply_text

    if answer.step == "email":
        email = _parse_email(text)
        if email is None:
            await reply(_(NOT_AN_EMAIL))
            return
        # Every address tried counts, taken or not, and the answer is the same.
        async with services.db.sessions.begin() as s:
            remaining = await throttle.account_wait(s, user_id)
            if remaining is not None:
                await dialogs.clear_dialog(s, user_id)
            else:
                await throttle.record_attempt(s, user_id, email, throttle.REGISTER)
                await dialogs.set_dialog(s, user_id, "register", "password", {"email": email})
        if remaining is not None:
            await reply(_locked_text(_minutes(remaining)))
            return
        await reply(
            _(
                "Thanks! Now choose a password of at least {n} characters. "
                "I'll delete your message as soon as I've read it."
            ).format(n=MIN_PASSWORD)
        )
        return

    if answer.step == "password":
        await delete_quietly(context.bot, message.chat_id, message.message_id)
        if len(text) < MIN_PASSWORD:
            await context.bot.send_message(
                message.chat_id,
                _(
                    "That password is too short: it needs at least {n} characters. "
                    "Please send another one."
                ).format(n=MIN_PASSWORD),
            )
            return
        if len(text.encode()) > MAX_PASSWORD_BYTES:
            await context.bot.send_message(
                message.chat_id,
                _(
                    "That password is too long (at most {n} bytes). Please send a shorter one."
                ).format(n=MAX_PASSWORD_BYTES),
            )
            return
        if await _taken_address(update, context, str(data.get("email", "")), text):
            return
        password_hash = await asyncio.to_thread(accounts.hash_password, text)
        async with services.db.sessions.begin() as s:
            await dialogs.set_dialog(
                s, user_id, "register", "first_name", {**data, "password_hash": password_hash}
            )
        prepare_zones()  # the time-zone step is two answers away
        await context.bot.send_message(
            message.chat_id,
            _("Password saved (and your message deleted). What's your first name?"),
        )
        return

    if answer.step in {"first_name", "last_name"}:
        name = " ".join(text.split())
        if not name or len(name) > MAX_NAME:
            await reply(_("Please send a name of 1 to {max} characters.").format(max=MAX_NAME))
            return
        nxt = "last_name" if answer.step == "first_name" else "timezone"
        async with services.db.sessions.begin() as s:
            await dialogs.set_dialog(s, user_id, "register", nxt, {**data, answer.step: name})
        if nxt == "last_name":
            await reply(_("And your last name?"))
        else:
            await reply(
                _(
                    "Last step: your time zone, so reminders and dates match your day. "
                    "Pick one, type a city or country (Paris, New York, Kyiv, UK), an offset "
                    "(+2, UTC-5) or a zone name, or share your location (📎 → Location)."
                ),
                reply_markup=_zone_keyboard(),
            )
        return

    if answer.step == "timezone":
        choices = await lookup(text)
        if not choices:
            await reply(unknown(text), reply_markup=_zone_keyboard())
        elif len(choices) > 1:
            await reply(ambiguous(text), reply_markup=choice_keyboard(choices, _zone_data))
        else:
            await _finish_registration(
                update, context, {**data, "timezone": choices[0].zone}, choices[0].place
            )


async def _taken_address(
    update: Update, context: ContextTypes.DEFAULT_TYPE, email: str, password: str
) -> bool:
    """Sign-up with an address that has an account (in any case): its password logs in,
    any other answer costs a failed login and gets the neutral refusal. False when the
    address is free."""
    message, tg_user = update.effective_message, update.effective_user
    if message is None or tg_user is None:
        return False
    candidates = await _candidates(context, email)
    if not candidates:
        return False
    services = get_services(context)
    async with services.db.sessions.begin() as s:
        remaining = await throttle.login_wait(s, tg_user.id, email)
    found = None
    if remaining is None:
        found = await asyncio.to_thread(_matching_user, password, candidates)
    if found is not None:
        await _log_in(
            update,
            context,
            found,
            email,
            _(
                "You already have an account with this email, and that's its password: "
                "you're logged in. Send /help to see everything I can do."
            ),
        )
        return True
    async with services.db.sessions.begin() as s:
        if remaining is None:
            await throttle.record_attempt(s, tg_user.id, email)
        await dialogs.clear_dialog(s, tg_user.id)
    if remaining is not None:
        await context.bot.send_message(message.chat_id, _locked_text(_minutes(remaining)))
    else:
        await context.bot.send_message(
            message.chat_id, _(NOT_CREATED), reply_markup=login_buttons()
        )
    return True


async def on_timezone_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, data: CallbackData
) -> None:
    """A time zone chosen at sign-up's last step."""
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    services = get_services(context)
    async with services.db.sessions.begin() as s:
        state = await dialogs.get_dialog(s, user.id)
    if state is None or state.name != "register" or state.step != "timezone":
        await query.answer(_(EXPIRED))
        return
    try:
        zone = validate_timezone(data.arg)
    except ValueError:
        await query.answer(_(EXPIRED))
        return
    await query.answer(zone)
    await _finish_registration(update, context, {**data_of(state), "timezone": zone})


async def zone_from_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """A location shared at sign-up's time-zone step finishes it with the zone it lies
    in; False when the sender is not at that step."""
    message, user = update.effective_message, update.effective_user
    if message is None or message.location is None or user is None:
        return False
    async with get_services(context).db.sessions.begin() as s:
        state = await dialogs.get_dialog(s, user.id)
    if state is None or state.name != "register" or state.step != "timezone":
        return False
    zone = await locate(message.location.latitude, message.location.longitude)
    if zone is None:
        await message.reply_text(
            _("I couldn't tell a time zone from that location. Please pick one or type a city."),
            reply_markup=_zone_keyboard(),
        )
        return True
    await _finish_registration(
        update, context, {**data_of(state), "timezone": zone}, _("your location")
    )
    return True


async def _finish_registration(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    data: dict[str, str],
    place: str | None = None,
) -> None:
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    services = get_services(context)
    try:
        async with services.db.sessions.begin() as s:
            created = await accounts.create_user(
                s,
                email=data["email"],
                password_hash=data["password_hash"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                timezone=data["timezone"],
            )
            await accounts.start_session(
                s,
                user_id=created.id,
                telegram_user_id=user.id,
                chat_id=chat.id,
                days=services.settings.session_days,
            )
            await throttle.logged_in(s, user.id, data["email"], created.id)
            await dialogs.clear_dialog(s, user.id)
    except accounts.EmailTaken:  # registered meanwhile, here or in the web app
        async with services.db.sessions.begin() as s:
            await dialogs.clear_dialog(s, user.id)
        await context.bot.send_message(chat.id, _(NOT_CREATED), reply_markup=login_buttons())
        return
    await context.bot.send_message(
        chat.id,
        _(
            "Welcome, {name}! Your account is ready and your first journal, <b>{title}</b>, "
            "is open.\n\nJust write to me and I'll save it. Send /help to see everything I "
            "can do.\n\n{time_zone_set} Change it any time in /profile."
        ).format(
            name=html.escape(data["first_name"]),
            title=html.escape(accounts.DEFAULT_JOURNAL_TITLE),
            time_zone_set=confirmation(data["timezone"], place),
        ),
    )
    await _after_login(update, context)


@text_step
async def login_step(update: Update, context: ContextTypes.DEFAULT_TYPE, answer: Answer) -> None:
    message, user_id = answer.message, answer.telegram_user_id
    services = get_services(context)
    text = answer.text

    if answer.step == "email":
        email = _parse_email(text)
        if email is None:
            await message.reply_text(_(NOT_AN_EMAIL))
            return
        async with services.db.sessions.begin() as s:
            remaining = await throttle.login_wait(s, user_id, email)
            if remaining is not None:
                await dialogs.clear_dialog(s, user_id)
            else:
                await dialogs.set_dialog(s, user_id, "login", "password", {"email": email})
        if remaining is not None:
            await message.reply_text(_locked_text(_minutes(remaining)))
        else:
            await message.reply_text(
                _("And your password? I'll delete your message right after reading it.")
            )
        return

    if answer.step == "password":
        await delete_quietly(context.bot, message.chat_id, message.message_id)
        email = str(answer.data.get("email", ""))
        async with services.db.sessions.begin() as s:
            remaining = await throttle.login_wait(s, user_id, email)
        if remaining is not None:
            async with services.db.sessions.begin() as s:
                await dialogs.clear_dialog(s, user_id)
            await context.bot.send_message(message.chat_id, _locked_text(_minutes(remaining)))
            return
        candidates = await _candidates(context, email)
        found = await asyncio.to_thread(_matching_user, text, candidates)
        if found is None:
            async with services.db.sessions.begin() as s:
                await throttle.record_attempt(s, user_id, email)
                remaining = await throttle.login_wait(s, user_id, email)
                if remaining is not None:
                    await dialogs.clear_dialog(s, user_id)
            if remaining is not None:
                await context.bot.send_message(message.chat_id, _locked_text(_minutes(remaining)))
            else:
                await context.bot.send_message(
                    message.chat_id,
                    _(
                        "That email and password don't match. Send the password again, "
                        "or use another email, or create an account."
                    ),
                    reply_markup=_retry_buttons(),
                )
            return
        await _log_in(
            update,
            context,
            found,
            email,
            _(
                "You're logged in. Write to me any time and I'll save it to your journal. "
                "Send /help to see everything I can do."
            ),
        )


async def _after_login(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    link = await load_link(update, context)
    if link is None or not link.logged_in:
        return
    for hook in get_services(context).login_hooks:
        await hook(update, context, link)


async def logout(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    services = get_services(context)
    async with services.db.sessions.begin() as s:
        await dialogs.clear_dialog(s, user.id)
        was_in = await accounts.end_session(s, user.id)
    if was_in:
        await context.bot.send_message(
            chat.id,
            _("You're logged out. Your journal is safe; log in again any time."),
            reply_markup=login_buttons(),
        )
    else:
        await context.bot.send_message(
            chat.id, _("You weren't logged in."), reply_markup=login_buttons()
        )


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    services = get_services(context)
    async with services.db.sessions.begin() as s:
        state = await dialogs.get_dialog(s, user.id)
        had = await dialogs.clear_dialog(s, user.id)
    text = _("Cancelled. Nothing was changed.") if had else _("There's nothing to cancel.")
    cancelled = services.dialogs.canceller_for(state.name) if had and state is not None else None
    if cancelled is not None and state is not None:
        text = await cancelled(context, state)
    # Also removes a reply keyboard a dialog may have shown (e.g. "Share location").
    await context.bot.send_message(chat.id, text, reply_markup=ReplyKeyboardRemove())


# The dialogs this feature runs (bot.app combines every feature's).
DIALOGS: Final[Mapping[str, StepHandler]] = {
    "register": register_step,
    "login": login_step,
}


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("logout", logout))
    app.add_handler(CommandHandler("cancel", cancel))
    app.add_handler(
        public_button_handler({ACCOUNT: on_account_button, SIGN_UP_ZONE: on_timezone_button})
    )
