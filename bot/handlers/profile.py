"""/profile: name, bio, time zone and personal growth goals, each edited in a short dialog.

Buttons carry ``u::<code>``; every press is checked against the presser's own profile (a
goal to remove is named by its position and a fingerprint of its text, so a stale or
forged button never removes another goal).
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Mapping
from typing import Final

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import (
    Application,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.buttons import EXPIRED, button_handler
from bot.commands import Command
from bot.dialogs import StepHandler, data_of
from bot.handlers import accounts as accounts_handler
from bot.handlers.profile_goals import (
    TRACK_LIST,
    added_to,
    ask_for_goal,
    is_tracked,
    list_full,
    now_tracking,
    tracked_texts,
)
from bot.handlers.profile_views import (
    ACTION,
    TERMS,
    card,
    fingerprint,
    is_cancel,
    local_now,
    location_keyboard,
    menu_button,
    no_profile,
    removal_list,
    zone_data,
)
from bot.handlers.settings_menu import reschedule_reminders
from bot.messaging import send_html
from bot.services import get_services
from bot.session import Me, ask_to_log_in, load_link, logged_in_chat
from bot.ui import Answer, ask, logged_in_step, show
from bot.zone_picker import EXAMPLES as ZONE_EXAMPLES
from bot.zone_picker import ambiguous, choice_keyboard, confirmation, locate, lookup, unknown
from bot.zone_picker import prepare as prepare_zones
from core.callback_data import CallbackData
from core.i18n import _, ngettext
from core.schedule import validate_timezone
from core.text import clean_text
from core.vocab import GoalSource
from db import dialogs, profile
from db import goals as goals_db
from db.accounts import Link
from db.errors import InvalidInput
from db.models import DialogState
from db.profile import (
    BIO_MAX_CHARS,
    GROWTH_GOALS_PER_TERM,
    NAME_MAX_CHARS,
    GrowthTerm,
)

COMMANDS = [
    Command(
        "profile", "Your name, bio, time zone and personal growth goals", "Reminders & settings"
    ),
]


DIALOG: Final = "profile"


# --- helpers ------------------------------------------------------------------------


async def _send_card(context: ContextTypes.DEFAULT_TYPE, chat_id: int, user_id: uuid.UUID) -> None:
    services = get_services(context)
    async with services.db.sessions.begin() as s:
        info = await profile.get_profile(s, user_id)
        tz = await profile.get_timezone(s, user_id)
        tracked = await tracked_texts(s, user_id)
    if info is None:
        await context.bot.send_message(chat_id, no_profile())
        return
    text, markup = card(info, tz, tracked)
    await send_html(context.bot, chat_id, text, reply_markup=markup)


async def _start(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    query: CallbackQuery,
    step: str,
    prompt: str,
    data: dict[str, str] | None = None,
    markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None = None,
) -> None:
    await query.answer()
    await ask(update, context, DIALOG, step, prompt, data, markup)


async def _set_zone(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    telegram_user_id: int,
    link: Link,
    zone: str,
    place: str | None = None,
) -> None:
    """Save the zone (and reschedule reminders) in one transaction; confirm; show the card."""
    assert link.user_id is not None
    services = get_services(context)
    async with services.db.sessions.begin() as s:
        info = await profile.set_timezone(s, link.user_id, zone)
        if info is not None:
            await reschedule_reminders(s, link.user_id)
        state = await dialogs.get_dialog(s, telegram_user_id)
        if state is not None and state.name == DIALOG and state.step == "timezone":
            await dialogs.clear_dialog(s, telegram_user_id)
    if info is None:
        await context.bot.send_message(chat_id, no_profile(), reply_markup=ReplyKeyboardRemove())
        return
    await context.bot.send_message(
        chat_id,
        confirmation(zone, place) + " " + _("Reminders and dates follow this zone."),
        reply_markup=ReplyKeyboardRemove(),
    )
    await _send_card(context, chat_id, link.user_id)


def _keep_button(current: str) -> InlineKeyboardButton:
    return menu_button(_("Keep “{name}”").format(name=current[:40]), "keep")


# --- handlers -----------------------------------------------------------------------


@logged_in_chat
async def profile_command(update: Update, context: ContextTypes.DEFAULT_TYPE, me: Me) -> None:
    await _send_card(context, me.chat_id, me.user_id)


async def on_press(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, data: CallbackData
) -> None:
    query = update.callback_query
    if query is None or link.user_id is None:
        return
    if data.uuid is not None or data.number is not None:
        await query.answer(_(EXPIRED))
        return
    arg = data.arg
    services = get_services(context)
    async with services.db.sessions.begin() as s:
        info = await profile.get_profile(s, link.user_id)
        tz = await profile.get_timezone(s, link.user_id)
        tracked = await tracked_texts(s, link.user_id)
        state = await dialogs.get_dialog(s, query.from_user.id)
    if info is None:
        await query.answer(no_profile(), show_alert=True)
        return
    chat_id = query.message.chat.id if query.message is not None else query.from_user.id

    if arg == "name":
        await _start(
            update,
            context,
            query,
            "first_name",
            ngettext(
                "What's your first name? (1–{n} character; /cancel to stop)",
                "What's your first name? (1–{n} characters; /cancel to stop)",
                NAME_MAX_CHARS,
            ).format(n=NAME_MAX_CHARS),
            markup=InlineKeyboardMarkup([[_keep_button(info.first_name)]]),
        )
    elif arg == "keep":
        if state is None or state.name != DIALOG or state.step not in {"first_name", "last_name"}:
            await query.answer(_(EXPIRED))
            return
        await query.answer(_("Kept"))
        await _name_answer(context, chat_id, query.from_user.id, link, state, None)
    elif arg == "bio":
        await _start(
            update,
            context,
            query,
            "bio",
            ngettext(
                "Send your new bio (up to {n} character), or clear it. "
                "/cancel keeps the current one.",
                "Send your new bio (up to {n} characters), or clear it. "
                "/cancel keeps the current one.",
                BIO_MAX_CHARS,
            ).format(n=BIO_MAX_CHARS),
            markup=InlineKeyboardMarkup([[menu_button(_("🗑 Clear bio"), "bioclr")]]),
        )
    elif arg == "bioclr":
        async with services.db.sessions.begin() as s:
            await profile.update_profile(s, link.user_id, bio="")
            if state is not None and state.name == DIALOG and state.step == "bio":
                await dialogs.clear_dialog(s, query.from_user.id)
        await query.answer(_("Bio cleared"))
        await _send_card(context, chat_id, link.user_id)
    elif arg == "tz":
        prepare_zones()
        await _start(
            update,
            context,
            query,
            "timezone",
            _(
                "Your time zone is <b>{zone}</b> (it's {time} there now). "
                "Send {examples}, or share your location. /cancel keeps it."
            ).format(zone=html.escape(tz), time=local_now(tz), examples=_(ZONE_EXAMPLES)),
            markup=location_keyboard(),
        )
    elif arg.startswith("z."):
        try:
            zone = validate_timezone(arg[2:])
        except ValueError:
            await query.answer(_(EXPIRED))
            return
        await query.answer(zone)
        await show(
            update, context, _("🌍 You picked <b>{zone}</b>.").format(zone=html.escape(zone))
        )
        await _set_zone(context, chat_id, query.from_user.id, link, zone)
    elif arg in {"add.s", "add.l"}:
        term = TERMS[arg[-1]]
        if len(profile.growth_goals(info)[term]) >= GROWTH_GOALS_PER_TERM:
            await query.answer(list_full(term), show_alert=True)
            return
        await _start(
            update,
            context,
            query,
            "goal",
            ask_for_goal(term),
            {"term": term},
        )
    elif arg == "rm":
        await query.answer()
        text, markup = removal_list(info)
        await show(update, context, text, markup)
    elif arg == TRACK_LIST:
        await query.answer()
        text, markup = removal_list(info, track=tracked)
        await show(update, context, text, markup)
    elif arg.startswith("tr."):
        if (ref := await _pressed_goal(query, link, arg)) is not None:
            await _track(update, context, query, ref)
    elif arg == "back":
        await query.answer()
        text, markup = card(info, tz, tracked)
        await show(update, context, text, markup)
    elif arg.startswith("rm."):
        if (ref := await _pressed_goal(query, link, arg)) is not None:
            await _remove(update, context, query, ref)
    else:
        await query.answer(_(EXPIRED))


# The presser's user id and the term, index and fingerprint of the goal a button names.
GoalRef = tuple[uuid.UUID, GrowthTerm, int, str]


async def _pressed_goal(query: CallbackQuery, link: Link, arg: str) -> GoalRef | None:
    """``rm.s.0.abcd1234`` / ``tr.…``: the presser's user id and the term, index and
    fingerprint of the goal the button names; None after answering "expired"."""
    parts = arg.split(".")
    if len(parts) != 4 or parts[1] not in TERMS or not parts[2].isdigit() or len(parts[2]) > 3:
        await query.answer(_(EXPIRED))
        return None
    assert link.user_id is not None
    return link.user_id, TERMS[parts[1]], int(parts[2]), parts[3]


async def _track(
    update: Update, context: ContextTypes.DEFAULT_TYPE, query: CallbackQuery, ref: GoalRef
) -> None:
    """Make a profile goal a tracked goal (the profile keeps it: it is the direction)."""
    user_id, term, index, mark = ref
    async with get_services(context).db.sessions.begin() as s:
        info = await profile.lock_profile(s, user_id)  # one press at a time
        items = profile.growth_goals(info)[term] if info is not None else []
        text = items[index] if index < len(items) else None
        outcome: str | None = None
        if text is not None and fingerprint(text) == mark:
            outcome = "already"
            if not is_tracked(text, await tracked_texts(s, user_id)):
                await goals_db.create_goal(s, user_id, text, source=GoalSource.USER_CREATED)
                outcome = "new"
        tz = await profile.get_timezone(s, user_id)
        tracked = await tracked_texts(s, user_id)
    if outcome is None or info is None:
        await query.answer(_(EXPIRED))
        return
    if outcome == "already":
        await query.answer(_("Already tracked in /goals."))
    else:
        await query.answer(_("Now tracked in /goals."))
        chat_id = query.message.chat.id if query.message is not None else query.from_user.id
        await context.bot.send_message(chat_id, now_tracking(term, text or ""))
    body, markup = card(info, tz, tracked)
    await show(update, context, body, markup)


async def _remove(
    update: Update, context: ContextTypes.DEFAULT_TYPE, query: CallbackQuery, ref: GoalRef
) -> None:
    """Take a goal off the profile's list (a tracked goal of the same text stays tracked)."""
    user_id, term, index, mark = ref
    async with get_services(context).db.sessions.begin() as s:
        info = await profile.get_profile(s, user_id)
        goals = profile.growth_goals(info) if info is not None else None
        removed = None
        if (
            goals is not None
            and index < len(goals[term])
            and fingerprint(goals[term][index]) == mark
        ):
            removed = await profile.remove_growth_goal(
                s, user_id, term, index, expected=goals[term][index]
            )
        info = await profile.get_profile(s, user_id)
        tz = await profile.get_timezone(s, user_id)
        tracked = await tracked_texts(s, user_id)
    if removed is None or info is None:
        await query.answer(_(EXPIRED))
        return
    await query.answer(_("Removed: {goal}").format(goal=removed[:150]))
    text, markup = card(info, tz, tracked)
    await show(update, context, text, markup)


async def _name_answer(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    telegram_user_id: int,
    link: Link,
    state: DialogState,
    text: str | None,
) -> None:
    """One step of the name dialog; ``text`` None keeps the current value."""
    assert link.user_id is not None
    services = get_services(context)
    data = data_of(state)
    name: str | None = None
    if text is not None:
        try:
            name = clean_text(" ".join(text.split()), what="name", max_chars=NAME_MAX_CHARS)
        except InvalidInput as exc:
            await context.bot.send_message(
                chat_id,
                ngettext(
                    "{error} Please send a name of 1 to {n} character, or /cancel.",
                    "{error} Please send a name of 1 to {n} characters, or /cancel.",
                    NAME_MAX_CHARS,
                ).format(error=html.escape(str(exc)), n=NAME_MAX_CHARS),
            )
            return
    if state.step == "first_name":
        async with services.db.sessions.begin() as s:
            info = await profile.get_profile(s, link.user_id)
            await dialogs.set_dialog(
                s, telegram_user_id, DIALOG, "last_name", {"first": name} if name else {}
            )
        last = info.last_name if info is not None else ""
        await context.bot.send_message(
            chat_id,
            _("And your last name?"),
            reply_markup=InlineKeyboardMarkup([[_keep_button(last)]]),
        )
        return
    first = data.get("first")
    async with services.db.sessions.begin() as s:
        info = await profile.update_profile(
            s,
            link.user_id,
            first_name=first if isinstance(first, str) else None,
            last_name=name,
        )
        await dialogs.clear_dialog(s, telegram_user_id)
    if info is None:
        await context.bot.send_message(chat_id, no_profile())
        return
    await context.bot.send_message(
        chat_id,
        _("✅ Name saved: <b>{first} {last}</b>").format(
            first=html.escape(info.first_name), last=html.escape(info.last_name)
        ),
    )
    await _send_card(context, chat_id, link.user_id)


@logged_in_step()
async def profile_step(
    update: Update, context: ContextTypes.DEFAULT_TYPE, answer: Answer, link: Link
) -> None:
    message, text, telegram_id = answer.message, answer.text, answer.telegram_user_id
    assert link.user_id is not None
    services = get_services(context)
    chat_id = message.chat_id

    if answer.step in {"first_name", "last_name"}:
        await _name_answer(context, chat_id, telegram_id, link, answer.state, text)
        return

    if answer.step == "bio":
        try:
            async with services.db.sessions.begin() as s:
                info = await profile.update_profile(s, link.user_id, bio=text)
                await dialogs.clear_dialog(s, telegram_id)
        except InvalidInput as exc:
            await message.reply_text(
                _("{error} Your bio is unchanged: send a shorter one, or /cancel.").format(
                    error=html.escape(str(exc))
                )
            )
            return
        await message.reply_text(_("✅ Bio saved.") if info is not None else no_profile())
        await _send_card(context, chat_id, link.user_id)
        return

    if answer.step == "timezone":
        if is_cancel(text):
            async with services.db.sessions.begin() as s:
                await dialogs.clear_dialog(s, telegram_id)
            await message.reply_text(
                _("Cancelled. Your time zone is unchanged."), reply_markup=ReplyKeyboardRemove()
            )
            return
        choices = await lookup(text)
        if not choices:
            await message.reply_text(
                unknown(text) + " " + _("Or share your location. /cancel keeps your time zone."),
                reply_markup=location_keyboard(),
            )
            return
        if len(choices) > 1:
            await message.reply_text(
                ambiguous(text), reply_markup=choice_keyboard(choices, zone_data)
            )
            return
        await _set_zone(context, chat_id, telegram_id, link, choices[0].zone, choices[0].place)
        return

    if answer.step == "goal":
        term_value = answer.data.get("term")
        term = next((t for t in TERMS.values() if t == term_value), None)
        if term is None:
            async with services.db.sessions.begin() as s:
                await dialogs.clear_dialog(s, telegram_id)
            await message.reply_text(_("That dialog has expired. Open /profile to try again."))
            return
        try:
            async with services.db.sessions.begin() as s:
                info = await profile.add_growth_goal(s, link.user_id, term, text)
                await dialogs.clear_dialog(s, telegram_id)
        except InvalidInput as exc:
            await message.reply_text(
                _("{error} Send another goal, or /cancel.").format(error=html.escape(str(exc)))
            )
            return
        await message.reply_text(added_to(term) if info is not None else no_profile())
        await _send_card(context, chat_id, link.user_id)
        return

    async with services.db.sessions.begin() as s:  # a step this version doesn't know
        await dialogs.clear_dialog(s, telegram_id)
    await message.reply_text(_("That dialog has expired. Open /profile to try again."))


async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A shared location: its time zone, set at once when the user was asked for one
    (the time-zone dialog, or the last step of sign-up), otherwise offered with a button."""
    message, user = update.effective_message, update.effective_user
    if message is None or message.location is None or user is None:
        return
    link = await load_link(update, context)
    if link is None or not link.logged_in:
        if not await accounts_handler.zone_from_location(update, context):
            await ask_to_log_in(update, context, link)
        return
    zone = await locate(message.location.latitude, message.location.longitude)
    if zone is None:
        await message.reply_text(
            _(
                "I couldn't tell a time zone from that location. Please type a city or country "
                "instead, like Paris or UK."
            ),
            reply_markup=ReplyKeyboardRemove(),
        )
        return
    async with get_services(context).db.sessions.begin() as s:
        state = await dialogs.get_dialog(s, user.id)
    if state is not None and state.name == DIALOG and state.step == "timezone":
        await _set_zone(context, message.chat_id, user.id, link, zone, _("your location"))
        return
    await message.reply_text(
        _(
            "📍 That location is in <b>{zone}</b> (it's {time} there now). "
            "Use it as your time zone?"
        ).format(zone=html.escape(zone), time=local_now(zone)),
        reply_markup=InlineKeyboardMarkup(
            [[menu_button(_("Use {zone}").format(zone=zone), f"z.{zone}")]]
        ),
    )


# The dialogs this feature runs (bot.app combines every feature's).
DIALOGS: Final[Mapping[str, StepHandler]] = {
    DIALOG: profile_step,
}


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("profile", profile_command))
    app.add_handler(button_handler({ACTION: on_press}))
    app.add_handler(MessageHandler(filters.LOCATION & filters.ChatType.PRIVATE, on_location))
