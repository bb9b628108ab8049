"""/profile: name, bio, time zone and personal growth goals, each edited in a short dialog.

Buttons carry ``u::<code>``; every press is checked against the presser's own profile (a
goal to remove is named by its position and a fingerprint of its text, so a stale or
forged button never removes another goal).
"""

from __future__ import annotations

import hashlib
import html
import uuid
from datetime import UTC, datetime
from typing import Final
from zoneinfo import ZoneInfo

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.buttons import EXPIRED
from bot.commands import Command
from bot.dialogs import data_of, dialog
from bot.handlers import accounts as accounts_handler
from bot.handlers.profile_goals import (
    GOALS_EXPLAINED,
    TERM_NAMES,
    is_tracked,
    profile_goal_lines,
    track_button,
    tracked_texts,
    untracked_count,
)
from bot.handlers.settings_menu import reschedule_reminders, show
from bot.messaging import send_html
from bot.services import get_services
from bot.session import ask_to_log_in, load_link, logged_in
from bot.zone_picker import EXAMPLES as ZONE_EXAMPLES
from bot.zone_picker import ambiguous, choice_keyboard, confirmation, locate, lookup, unknown
from bot.zone_picker import prepare as prepare_zones
from core.callback_data import decode, encode
from core.schedule import validate_timezone
from core.text import clean_text
from core.vocab import GoalSource
from db import dialogs, profile
from db import goals as goals_db
from db.accounts import Link
from db.errors import InvalidInput
from db.models import DialogState, UserInfo
from db.profile import (
    BIO_MAX_CHARS,
    GROWTH_GOAL_MAX_CHARS,
    GROWTH_GOALS_PER_TERM,
    NAME_MAX_CHARS,
    GrowthTerm,
)

COMMANDS = [
    Command(
        "profile", "Your name, bio, time zone and personal growth goals", "Reminders & settings"
    ),
]

ACTION: Final = "u"
DIALOG: Final = "profile"
CANCEL_TEXT: Final = "✖ Cancel"
TERMS: Final[dict[str, GrowthTerm]] = {"s": "shortTerm", "l": "longTerm"}
# The markup counts too, so a text this long always fits one message when edited.
EDITABLE_CHARS: Final = 4000
# The removal list names goals by number; a shortened text is enough to tell them apart.
REMOVAL_PREVIEW_CHARS: Final = 80
NO_PROFILE: Final = (
    "I can't find a profile for your account, so there's nothing to show or edit here yet."
)

LOCATION_KEYBOARD: Final = ReplyKeyboardMarkup(
    [[KeyboardButton("📍 Share location", request_location=True)], [KeyboardButton(CANCEL_TEXT)]],
    resize_keyboard=True,
    one_time_keyboard=True,
    input_field_placeholder="Europe/Berlin",
)


def _data(arg: str) -> str:
    return encode(ACTION, arg=arg)


def _button(text: str, arg: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=_data(arg))


def fingerprint(text: str) -> str:
    """Eight hex characters naming a goal's text in a button (the text itself may be long)."""
    return hashlib.sha256(text.strip().encode()).hexdigest()[:8]


def local_now(tz: str, now: datetime | None = None) -> str:
    return f"{(now or datetime.now(UTC)).astimezone(ZoneInfo(tz)):%H:%M}"


# --- rendering ----------------------------------------------------------------------


def card(
    info: UserInfo, tz: str, tracked: frozenset[str] = frozenset()
) -> tuple[str, InlineKeyboardMarkup]:
    goals = profile.growth_goals(info)
    name = f"{info.first_name} {info.last_name}".strip()
    lines = [
        "<b>👤 Your profile</b>",
        "",
        f"<b>Name:</b> {html.escape(name) if name else '<i>not set yet</i>'}",
        f"<b>Bio:</b> {html.escape(info.bio) if info.bio else '<i>none yet</i>'}",
        f"<b>Time zone:</b> {html.escape(tz)} (it's {local_now(tz)} there now)",
    ]
    lines += profile_goal_lines(info, tracked)
    lines += ["", GOALS_EXPLAINED]
    rows = [
        [_button("✏️ Edit name", "name"), _button("📝 Edit bio", "bio")],
        [_button("🌍 Time zone", "tz")],
        [_button("➕ Add short-term goal", "add.s"), _button("➕ Add long-term goal", "add.l")],
    ]
    if goals["shortTerm"] or goals["longTerm"]:
        row = [_button("➖ Remove a goal", "rm")]
        if untracked_count(info, tracked):
            row.append(track_button())
        rows.append(row)
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def removal_list(
    info: UserInfo, *, track: frozenset[str] | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    """Numbered buttons naming profile goals: to remove one, or with ``track`` (the
    tracked texts) to track one that isn't yet."""
    goals = profile.growth_goals(info)
    title = "<b>⬆️ Track a goal</b>" if track is not None else "<b>➖ Remove a goal</b>"
    verb = "track in /goals" if track is not None else "remove"
    lines = [title, "", f"Tap the number of the goal to {verb}."]
    buttons: list[InlineKeyboardButton] = []
    number = 0
    for code, term in TERMS.items():
        shown = [
            (index, goal)
            for index, goal in enumerate(goals[term])
            if track is None or not is_tracked(goal, track)
        ]
        if not shown:
            continue
        lines += ["", f"<b>{TERM_NAMES[term].capitalize()}</b>"]
        for index, goal in shown:
            number += 1
            preview = (
                goal
                if len(goal) <= REMOVAL_PREVIEW_CHARS
                else goal[: REMOVAL_PREVIEW_CHARS - 1] + "…"
            )
            lines.append(f"{number}. {html.escape(preview)}")
            prefix = "tr" if track is not None else "rm"
            buttons.append(_button(str(number), f"{prefix}.{code}.{index}.{fingerprint(goal)}"))
    if not buttons:
        lines = [title, "", f"You have no growth goals to {verb.split()[0]}."]
    rows = [buttons[i : i + 5] for i in range(0, len(buttons), 5)]
    rows.append([_button("« Back", "back")])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def zone_data(zone: str) -> str:
    return _data(f"z.{zone}")


# --- helpers ------------------------------------------------------------------------


async def _send_card(context: ContextTypes.DEFAULT_TYPE, chat_id: int, user_id: uuid.UUID) -> None:
    services = get_services(context)
    async with services.db.sessions.begin() as s:
        info = await profile.get_profile(s, user_id)
        tz = await profile.get_timezone(s, user_id)
        tracked = await tracked_texts(s, user_id)
    if info is None:
        await context.bot.send_message(chat_id, NO_PROFILE)
        return
    text, markup = card(info, tz, tracked)
    await send_html(context.bot, chat_id, text, reply_markup=markup)


async def _display(
    context: ContextTypes.DEFAULT_TYPE,
    query: CallbackQuery,
    text: str,
    markup: InlineKeyboardMarkup,
) -> None:
    """Edit the card in place, unless it grew past one message (long goals and bio): then
    send it anew, split over several messages."""
    if len(text) <= EDITABLE_CHARS:
        await show(context, query, text, markup)
        return
    chat_id = query.message.chat.id if query.message is not None else query.from_user.id
    await send_html(context.bot, chat_id, text, reply_markup=markup)


async def _start(
    context: ContextTypes.DEFAULT_TYPE,
    query: CallbackQuery,
    step: str,
    prompt: str,
    data: dict[str, str] | None = None,
    markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None = None,
) -> None:
    services = get_services(context)
    async with services.db.sessions.begin() as s:
        await dialogs.set_dialog(s, query.from_user.id, DIALOG, step, data)
    await query.answer()
    chat_id = query.message.chat.id if query.message is not None else query.from_user.id
    await context.bot.send_message(chat_id, prompt, reply_markup=markup)


async def _dialog_link(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Link | None:
    """The writer's link inside a dialog; if they were logged out meanwhile, end the dialog."""
    user = update.effective_user
    link = await load_link(update, context)
    if link is not None and link.logged_in and link.user_id is not None:
        return link
    if user is not None:
        services = get_services(context)
        async with services.db.sessions.begin() as s:
            await dialogs.clear_dialog(s, user.id)
    await ask_to_log_in(update, context, link)
    return None


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
        await context.bot.send_message(chat_id, NO_PROFILE, reply_markup=ReplyKeyboardRemove())
        return
    await context.bot.send_message(
        chat_id,
        confirmation(zone, place) + " Reminders and dates follow this zone.",
        reply_markup=ReplyKeyboardRemove(),
    )
    await _send_card(context, chat_id, link.user_id)


# --- handlers -----------------------------------------------------------------------


@logged_in
async def profile_command(update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link) -> None:
    chat = update.effective_chat
    if chat is None or link.user_id is None:
        return
    await _send_card(context, chat.id, link.user_id)


@logged_in
async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link) -> None:
    query = update.callback_query
    if query is None or link.user_id is None:
        return
    data = decode(query.data)
    if data is None or data.action != ACTION or data.uuid is not None or data.number is not None:
        await query.answer(EXPIRED)
        return
    arg = data.arg
    services = get_services(context)
    async with services.db.sessions.begin() as s:
        info = await profile.get_profile(s, link.user_id)
        tz = await profile.get_timezone(s, link.user_id)
        tracked = await tracked_texts(s, link.user_id)
        state = await dialogs.get_dialog(s, query.from_user.id)
    if info is None:
        await query.answer(NO_PROFILE, show_alert=True)
        return
    chat_id = query.message.chat.id if query.message is not None else query.from_user.id

    if arg == "name":
        await _start(
            context,
            query,
            "first_name",
            f"What's your first name? (1–{NAME_MAX_CHARS} characters; /cancel to stop)",
            markup=InlineKeyboardMarkup([[_button(f"Keep “{info.first_name[:40]}”", "keep")]]),
        )
    elif arg == "keep":
        if state is None or state.name != DIALOG or state.step not in {"first_name", "last_name"}:
            await query.answer(EXPIRED)
            return
        await query.answer("Kept")
        await _name_answer(context, chat_id, query.from_user.id, link, state, None)
    elif arg == "bio":
        await _start(
            context,
            query,
            "bio",
            f"Send your new bio (up to {BIO_MAX_CHARS} characters), or clear it. "
            "/cancel keeps the current one.",
            markup=InlineKeyboardMarkup([[_button("🗑 Clear bio", "bioclr")]]),
        )
    elif arg == "bioclr":
        async with services.db.sessions.begin() as s:
            await profile.update_profile(s, link.user_id, bio="")
            if state is not None and state.name == DIALOG and state.step == "bio":
                await dialogs.clear_dialog(s, query.from_user.id)
        await query.answer("Bio cleared")
        await _send_card(context, chat_id, link.user_id)
    elif arg == "tz":
        prepare_zones()
        await _start(
            context,
            query,
            "timezone",
            f"Your time zone is <b>{html.escape(tz)}</b> (it's {local_now(tz)} there now). "
            f"Send {ZONE_EXAMPLES}, or share your location. /cancel keeps it.",
            markup=LOCATION_KEYBOARD,
        )
    elif arg.startswith("z."):
        try:
            zone = validate_timezone(arg[2:])
        except ValueError:
            await query.answer(EXPIRED)
            return
        await query.answer(zone)
        await show(context, query, f"🌍 You picked <b>{html.escape(zone)}</b>.", None)
        await _set_zone(context, chat_id, query.from_user.id, link, zone)
    elif arg in {"add.s", "add.l"}:
        term = TERMS[arg[-1]]
        if len(profile.growth_goals(info)[term]) >= GROWTH_GOALS_PER_TERM:
            await query.answer(
                f"Your {TERM_NAMES[term]} list is full ({GROWTH_GOALS_PER_TERM} goals). "
                "Remove one first.",
                show_alert=True,
            )
            return
        await _start(
            context,
            query,
            "goal",
            f"What's your new {TERM_NAMES[term]} growth goal? "
            f"(up to {GROWTH_GOAL_MAX_CHARS} characters; /cancel to stop)",
            {"term": term},
        )
    elif arg == "rm":
        await query.answer()
        text, markup = removal_list(info)
        await _display(context, query, text, markup)
    elif arg == "tr":
        await query.answer()
        text, markup = removal_list(info, track=tracked)
        await _display(context, query, text, markup)
    elif arg.startswith("tr."):
        await _track(context, query, link, arg)
    elif arg == "back":
        await query.answer()
        text, markup = card(info, tz, tracked)
        await _display(context, query, text, markup)
    elif arg.startswith("rm."):
        await _remove(context, query, link, arg)
    else:
        await query.answer(EXPIRED)


def _goal_ref(arg: str) -> tuple[GrowthTerm, int, str] | None:
    """``rm.s.0.abcd1234`` / ``tr.…``: the term, index and fingerprint a button names."""
    parts = arg.split(".")
    if len(parts) != 4 or parts[1] not in TERMS or not parts[2].isdigit() or len(parts[2]) > 3:
        return None
    return TERMS[parts[1]], int(parts[2]), parts[3]


async def _track(
    context: ContextTypes.DEFAULT_TYPE, query: CallbackQuery, link: Link, arg: str
) -> None:
    """Make a profile goal a tracked goal (the profile keeps it: it is the direction)."""
    assert link.user_id is not None
    ref = _goal_ref(arg)
    if ref is None:
        await query.answer(EXPIRED)
        return
    term, index, mark = ref
    services = get_services(context)
    async with services.db.sessions.begin() as s:
        info = await profile.lock_profile(s, link.user_id)  # one press at a time
        items = profile.growth_goals(info)[term] if info is not None else []
        text = items[index] if index < len(items) else None
        outcome: str | None = None
        if text is not None and fingerprint(text) == mark:
            outcome = "already"
            if not is_tracked(text, await tracked_texts(s, link.user_id)):
                await goals_db.create_goal(s, link.user_id, text, source=GoalSource.USER_CREATED)
                outcome = "new"
        tz = await profile.get_timezone(s, link.user_id)
        tracked = await tracked_texts(s, link.user_id)
    if outcome is None or info is None:
        await query.answer(EXPIRED)
        return
    if outcome == "already":
        await query.answer("Already tracked in /goals.")
    else:
        await query.answer("Now tracked in /goals.")
        chat_id = query.message.chat.id if query.message is not None else query.from_user.id
        await context.bot.send_message(
            chat_id,
            f"⬆️ Now tracking your {TERM_NAMES[term]} goal “{html.escape(text or '')}”. "
            "Open /goals to set a target date, and mark it ✅ when it's done.",
        )
    body, markup = card(info, tz, tracked)
    await _display(context, query, body, markup)


async def _remove(
    context: ContextTypes.DEFAULT_TYPE, query: CallbackQuery, link: Link, arg: str
) -> None:
    assert link.user_id is not None
    ref = _goal_ref(arg)
    if ref is None:
        await query.answer(EXPIRED)
        return
    term, index, mark = ref
    services = get_services(context)
    async with services.db.sessions.begin() as s:
        info = await profile.get_profile(s, link.user_id)
        goals = profile.growth_goals(info) if info is not None else None
        removed = None
        if (
            goals is not None
            and index < len(goals[term])
            and fingerprint(goals[term][index]) == mark
        ):
            removed = await profile.remove_growth_goal(
                s, link.user_id, term, index, expected=goals[term][index]
            )
        info = await profile.get_profile(s, link.user_id)
        tz = await profile.get_timezone(s, link.user_id)
        tracked = await tracked_texts(s, link.user_id)
    if removed is None or info is None:
        await query.answer(EXPIRED)
        return
    await query.answer(f"Removed: {removed[:150]}")
    text, markup = card(info, tz, tracked)
    await _display(context, query, text, markup)


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
                f"{html.escape(str(exc))} Please send a name of 1 to {NAME_MAX_CHARS} "
                "characters, or /cancel.",
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
            "And your last name?",
            reply_markup=InlineKeyboardMarkup([[_button(f"Keep “{last[:40]}”", "keep")]]),
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
        await context.bot.send_message(chat_id, NO_PROFILE)
        return
    await context.bot.send_message(
        chat_id,
        f"✅ Name saved: <b>{html.escape(info.first_name)} {html.escape(info.last_name)}</b>",
    )
    await _send_card(context, chat_id, link.user_id)


@dialog(DIALOG)
async def profile_step(
    update: Update, context: ContextTypes.DEFAULT_TYPE, state: DialogState
) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.text is None:
        return
    link = await _dialog_link(update, context)
    if link is None or link.user_id is None:
        return
    services = get_services(context)
    chat_id = message.chat_id
    text = message.text

    if state.step in {"first_name", "last_name"}:
        await _name_answer(context, chat_id, user.id, link, state, text)
        return

    if state.step == "bio":
        try:
            async with services.db.sessions.begin() as s:
                info = await profile.update_profile(s, link.user_id, bio=text)
                await dialogs.clear_dialog(s, user.id)
        except InvalidInput as exc:
            await message.reply_text(
                f"{html.escape(str(exc))} Your bio is unchanged: send a shorter one, or /cancel."
            )
            return
        await message.reply_text("✅ Bio saved." if info is not None else NO_PROFILE)
        await _send_card(context, chat_id, link.user_id)
        return

    if state.step == "timezone":
        if text.strip() == CANCEL_TEXT or text.strip().lower() == "cancel":
            async with services.db.sessions.begin() as s:
                await dialogs.clear_dialog(s, user.id)
            await message.reply_text(
                "Cancelled. Your time zone is unchanged.", reply_markup=ReplyKeyboardRemove()
            )
            return
        choices = await lookup(text)
        if not choices:
            await message.reply_text(
                unknown(text) + " Or share your location. /cancel keeps your time zone.",
                reply_markup=LOCATION_KEYBOARD,
            )
            return
        if len(choices) > 1:
            await message.reply_text(
                ambiguous(text), reply_markup=choice_keyboard(choices, zone_data)
            )
            return
        await _set_zone(context, chat_id, user.id, link, choices[0].zone, choices[0].place)
        return

    if state.step == "goal":
        term_value = data_of(state).get("term")
        term = next((t for t in TERMS.values() if t == term_value), None)
        if term is None:
            async with services.db.sessions.begin() as s:
                await dialogs.clear_dialog(s, user.id)
            await message.reply_text("That dialog has expired. Open /profile to try again.")
            return
        try:
            async with services.db.sessions.begin() as s:
                info = await profile.add_growth_goal(s, link.user_id, term, text)
                await dialogs.clear_dialog(s, user.id)
        except InvalidInput as exc:
            await message.reply_text(f"{html.escape(str(exc))} Send another goal, or /cancel.")
            return
        await message.reply_text(
            f"✅ Added to your {TERM_NAMES[term]} goals." if info is not None else NO_PROFILE
        )
        await _send_card(context, chat_id, link.user_id)
        return

    async with services.db.sessions.begin() as s:  # a step this version doesn't know
        await dialogs.clear_dialog(s, user.id)
    await message.reply_text("That dialog has expired. Open /profile to try again.")


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
            "I couldn't tell a time zone from that location. Please type a city or country "
            "instead, like Paris or UK.",
            reply_markup=ReplyKeyboardRemove(),
        )
        return
    async with get_services(context).db.sessions.begin() as s:
        state = await dialogs.get_dialog(s, user.id)
    if state is not None and state.name == DIALOG and state.step == "timezone":
        await _set_zone(context, message.chat_id, user.id, link, zone, "your location")
        return
    await message.reply_text(
        f"📍 That location is in <b>{html.escape(zone)}</b> (it's {local_now(zone)} there now). "
        "Use it as your time zone?",
        reply_markup=InlineKeyboardMarkup([[_button(f"Use {zone}", f"z.{zone}")]]),
    )


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("profile", profile_command))
    app.add_handler(CallbackQueryHandler(on_press, pattern=r"^u:"))
    app.add_handler(MessageHandler(filters.LOCATION & filters.ChatType.PRIVATE, on_location))
