"""/settings: one inline menu, edited in place, over the four ``user_settings`` documents.

Every button carries ``s::<code>`` (a view) or ``s::<key>=<value>`` (a change) with short
codes from the tables below, never a raw JSON key. A press is validated against those
tables and the data layer's validators, and always acts on the presser's own user (their
Telegram link), so a forwarded or forged menu can only ever change the presser's settings.
"""

from __future__ import annotations

import html
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any, Final
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.buttons import EXPIRED
from bot.commands import Command
from bot.dialogs import data_of, dialog
from bot.services import get_services
from bot.session import ask_to_log_in, load_link, logged_in
from core.callback_data import decode, encode
from core.schedule import Frequency, ReminderRule, next_reminder, parse_time_of_day
from core.vocab import VocabularyError
from db import dialogs, profile, reminders, settings
from db.accounts import Link
from db.models import DialogState, UserSettings
from db.settings import COLOR_SCHEMES, EXTERNAL_AI_CONSENT, SettingsDocument

logger = logging.getLogger(__name__)

COMMANDS = [
    Command("settings", "Notifications, reminders, theme, privacy and AI", "Reminders & settings"),
]

ACTION: Final = "s"
TIME_DIALOG: Final = "settings.time"

NOTIFICATIONS: Final[SettingsDocument] = "notification_preferences"
THEME: Final[SettingsDocument] = "theme_preferences"
PRIVACY: Final[SettingsDocument] = "privacy_settings"
AI: Final[SettingsDocument] = "ai_interaction_settings"

COMMON_TIMES: Final = ("07:00", "08:00", "12:00", "18:00", "20:00", "21:00", "22:00")
# Stored when reminders are switched on without a time, so the menu and the scheduler agree.
DEFAULT_REMINDER_TIME: Final = "20:00"
WEEKDAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAY_NAMES: Final = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)
SHORT_MONTHS_NOTE: Final = "Days 29–31 fall on the last day of shorter months."


# --- wire codes ---------------------------------------------------------------------


def _on_off(wire: str) -> object | None:
    return {"1": True, "0": False}.get(wire)


def _one_of(*choices: str) -> Callable[[str], object | None]:
    return lambda wire: wire if wire in choices else None


def _hhmm(wire: str) -> object | None:
    # "0730" -> "07:30" (':' can't appear in callback args); the data layer checks the range.
    return f"{wire[:2]}:{wire[2:]}" if len(wire) == 4 and wire.isdigit() else None


def _number(low: int, high: int) -> Callable[[str], object | None]:
    def parse(wire: str) -> object | None:
        if wire.isdigit() and len(wire) <= 2 and low <= int(wire) <= high:
            return int(wire)
        return None

    return parse


@dataclass(frozen=True)
class Option:
    code: str
    view: str  # the submenu it lives in
    document: SettingsDocument
    key: str
    parse: Callable[[str], object | None]  # wire value -> value to store, None if invalid
    toast: Callable[[Any], str]


def _state(value: object) -> str:
    return "on" if value else "off"


OPTIONS: Final[dict[str, Option]] = {
    o.code: o
    for o in (
        Option(
            "pu",
            "n",
            NOTIFICATIONS,
            "pushNotifications",
            _on_off,
            lambda v: f"Push reminders {_state(v)}",
        ),
        Option(
            "em",
            "n",
            NOTIFICATIONS,
            "emailNotifications",
            _on_off,
            lambda v: f"Email notifications {_state(v)}",
        ),
        Option(
            "fr",
            "n",
            NOTIFICATIONS,
            "reminderFrequency",
            _one_of("daily", "weekly", "monthly"),
            lambda v: f"Reminders {v}",
        ),
        Option("tm", "n", NOTIFICATIONS, "reminderTime", _hhmm, lambda v: f"Reminder time {v}"),
        Option(
            "wd",
            "n",
            NOTIFICATIONS,
            "reminderWeekday",
            _number(0, 6),
            lambda v: f"Reminders on {WEEKDAY_NAMES[v]}s",
        ),
        Option(
            "dm",
            "n",
            NOTIFICATIONS,
            "reminderDayOfMonth",
            _number(1, 31),
            lambda v: f"Reminders on day {v} of the month",
        ),
        Option("dk", "t", THEME, "darkMode", _on_off, lambda v: f"Dark mode {_state(v)}"),
        Option(
            "fs",
            "t",
            THEME,
            "fontSize",
            _one_of("small", "medium", "large"),
            lambda v: f"Font size {v}",
        ),
        Option(
            "cs",
            "t",
            THEME,
            "colorScheme",
            _one_of(*COLOR_SCHEMES),
            lambda v: f"Colour scheme {v}",
        ),
        Option(
            "jv",
            "p",
            PRIVACY,
            "journalVisibility",
            _one_of("private", "shared"),
            lambda v: f"Journal {v}",
        ),
        Option(
            "sa",
            "p",
            PRIVACY,
            "shareAnalytics",
            _on_off,
            lambda v: f"Share analytics {_state(v)}",
        ),
        Option("ai", "a", AI, "enableAiInsights", _on_off, lambda v: f"AI insights {_state(v)}"),
        Option(
            "se",
            "a",
            AI,
            "enableSentimentAnalysis",
            _on_off,
            lambda v: f"Sentiment analysis {_state(v)}",
        ),
        Option(
            "gs",
            "a",
            AI,
            "enableGrowthSuggestions",
            _on_off,
            lambda v: f"Growth suggestions {_state(v)}",
        ),
        # On/off on the wire; stored as the host agreed to (see on_press).
        Option(
            "ex",
            "a",
            AI,
            EXTERNAL_AI_CONSENT,
            _on_off,
            lambda v: f"Entries go to {v} for suggestions" if v else "Entries stay here",
        ),
    )
}

# m: main menu, n/t/p/a: submenus, d: day-of-month picker, x: close, o: type another time.
VIEWS: Final = frozenset({"m", "n", "t", "p", "a", "d"})
CLOSE: Final = "x"
OTHER_TIME: Final = "o"


@dataclass(frozen=True)
class Change:
    option: Option
    value: object  # as stored


def parse_press(data: object) -> str | Change | None:
    """A view code, a validated change, or None for anything stale or forged."""
    decoded = decode(data)
    if decoded is None or decoded.action != ACTION:
        return None
    if decoded.uuid is not None or decoded.number is not None:
        return None
    arg = decoded.arg
    if arg in VIEWS or arg in {CLOSE, OTHER_TIME}:
        return arg
    code, sep, wire = arg.partition("=")
    option = OPTIONS.get(code)
    if not sep or option is None:
        return None
    value = option.parse(wire)
    if value is None:
        return None
    if option.key == EXTERNAL_AI_CONSENT:
        return Change(option, value)  # a yes or no until on_press names the host
    try:
        stored = settings.validate_setting(option.document, option.key, value)
    except VocabularyError:
        return None
    return Change(option, stored)


def _wire(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value).replace(":", "")


def _data(arg: str) -> str:
    return encode(ACTION, arg=arg)


def _set(code: str, value: object) -> str:
    return _data(f"{code}={_wire(value)}")


def _button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=data)


def _mark(label: str, chosen: bool) -> str:
    return f"✓ {label}" if chosen else label


BACK = _button("« Back", _data("m"))


# --- rendering ----------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """What the menu shows: the stored values (or defaults) and the user's time zone."""

    row: UserSettings
    timezone: str
    # Where entries would go for suggestions, if the user agrees (None: no LLM is set up).
    llm_host: str | None = None

    def get(self, code: str) -> Any:
        option = OPTIONS[code]
        return settings.read_setting(self.row, option.document, option.key)

    def rule(self) -> ReminderRule:
        stored = self.get("fr")
        frequency: Frequency = (
            "weekly" if stored == "weekly" else "monthly" if stored == "monthly" else "daily"
        )
        hhmm = str(self.get("tm") or DEFAULT_REMINDER_TIME)
        return ReminderRule(
            frequency,
            time(int(hhmm[:2]), int(hhmm[3:])),
            weekday=self.get("wd") if self.get("wd") is not None else 0,
            day_of_month=self.get("dm") or 1,
        )


def describe_next(snapshot: Snapshot, now: datetime | None = None) -> str:
    """ "today at 20:00", "tomorrow at 07:00" or "Mon 3 Mar at 20:00", in the user's zone."""
    now = now or datetime.now(UTC)
    zone = ZoneInfo(snapshot.timezone)
    due = next_reminder(snapshot.rule(), snapshot.timezone, now).astimezone(zone)
    today = now.astimezone(zone).date()
    days = (due.date() - today).days
    if days == 0:
        day = "today"
    elif days == 1:
        day = "tomorrow"
    else:
        day = f"{due:%a} {due.day} {due:%b}"
    return f"{day} at {due:%H:%M}"


def _main(snapshot: Snapshot) -> tuple[str, InlineKeyboardMarkup]:
    push = snapshot.get("pu")
    summary = f"{snapshot.get('fr')} at {snapshot.get('tm') or DEFAULT_REMINDER_TIME}"
    text = (
        "<b>⚙️ Settings</b>\n\n"
        f"🔔 Reminders: <b>{html.escape(summary) if push else 'off'}</b>\n"
        f"🎨 Theme: <b>{'dark' if snapshot.get('dk') else 'light'}, "
        f"{html.escape(str(snapshot.get('cs')))}</b>\n"
        f"🔒 Journal: <b>{html.escape(str(snapshot.get('jv')))}</b>\n"
        f"🌐 {_where_entries_go(snapshot)}\n\n"
        "Choose a group to change it. Every change is saved at once."
    )
    markup = InlineKeyboardMarkup(
        [
            [_button("🔔 Notifications", _data("n")), _button("🎨 Theme", _data("t"))],
            [_button("🔒 Privacy", _data("p")), _button("🤖 AI", _data("a"))],
            [_button("✖ Close", _data(CLOSE))],
        ]
    )
    return text, markup


def _notifications(snapshot: Snapshot, now: datetime | None) -> tuple[str, InlineKeyboardMarkup]:
    push, email, frequency = snapshot.get("pu"), snapshot.get("em"), snapshot.get("fr")
    at = str(snapshot.get("tm") or DEFAULT_REMINDER_TIME)
    lines = [
        "<b>🔔 Notifications</b>",
        "",
        f"Push reminders: <b>{_state(push)}</b>",
        f"Email notifications: <b>{_state(email)}</b>",
        f"Frequency: <b>{html.escape(str(frequency))}</b>",
        f"Reminder time: <b>{at}</b> ({html.escape(snapshot.timezone)})",
    ]
    if frequency == "weekly":
        lines.append(f"Weekday: <b>{WEEKDAY_NAMES[snapshot.rule().weekday]}</b>")
    if frequency == "monthly":
        lines.append(f"Day of month: <b>{snapshot.rule().day_of_month}</b>")
        lines.append(f"<i>{SHORT_MONTHS_NOTE}</i>")
    lines.append("")
    if push or email:
        lines.append(f"⏰ Next reminder: <b>{describe_next(snapshot, now)}</b>")
    else:
        lines.append("Reminders are off. Turn on push reminders to get them here.")
    rows = [
        [
            _button(f"🔔 Push reminders: {_state(push)}", _set("pu", not push)),
            _button(f"✉️ Email: {_state(email)}", _set("em", not email)),
        ],
        [
            _button(_mark(name.capitalize(), frequency == name), _set("fr", name))
            for name in ("daily", "weekly", "monthly")
        ],
    ]
    times = [_button(_mark(t, at == t), _set("tm", t)) for t in COMMON_TIMES]
    other = f"✓ {at} · Other…" if at not in COMMON_TIMES else "Other…"
    times.append(_button(other, _data(OTHER_TIME)))
    rows += [times[:4], times[4:]]
    if frequency == "weekly":
        weekday = snapshot.rule().weekday
        rows.append(
            [_button(_mark(d, weekday == i), _set("wd", i)) for i, d in enumerate(WEEKDAYS)]
        )
    if frequency == "monthly":
        rows.append([_button(f"📅 Day of month: {snapshot.rule().day_of_month} ▸", _data("d"))])
    rows.append([BACK])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def _day_picker(snapshot: Snapshot) -> tuple[str, InlineKeyboardMarkup]:
    chosen = snapshot.rule().day_of_month
    text = (
        "<b>📅 Day of month</b>\n\n"
        f"Monthly reminders come on day <b>{chosen}</b>. Pick another day.\n"
        f"<i>{SHORT_MONTHS_NOTE}</i>"
    )
    days = [_button(_mark(str(d), d == chosen), _set("dm", d)) for d in range(1, 32)]
    rows = [days[i : i + 7] for i in range(0, 31, 7)]
    rows.append([_button("« Back", _data("n"))])
    return text, InlineKeyboardMarkup(rows)


def _theme(snapshot: Snapshot) -> tuple[str, InlineKeyboardMarkup]:
    dark, size, scheme = snapshot.get("dk"), snapshot.get("fs"), snapshot.get("cs")
    text = (
        "<b>🎨 Theme</b>\n\n"
        f"Dark mode: <b>{_state(dark)}</b>\n"
        f"Font size: <b>{html.escape(str(size))}</b>\n"
        f"Colour scheme: <b>{html.escape(str(scheme))}</b>\n\n"
        "<i>Used by the /progress charts.</i>"
    )
    schemes = [_button(_mark(s.capitalize(), scheme == s), _set("cs", s)) for s in COLOR_SCHEMES]
    rows = [
        [_button(f"🌙 Dark mode: {_state(dark)}", _set("dk", not dark))],
        [
            _button(_mark(s.capitalize(), size == s), _set("fs", s))
            for s in ("small", "medium", "large")
        ],
        schemes[:3],
        schemes[3:],
        [BACK],
    ]
    return text, InlineKeyboardMarkup(rows)


def _privacy(snapshot: Snapshot) -> tuple[str, InlineKeyboardMarkup]:
    visibility, share = snapshot.get("jv"), snapshot.get("sa")
    text = (
        "<b>🔒 Privacy</b>\n\n"
        f"Journal visibility: <b>{html.escape(str(visibility))}</b>\n"
        f"Share analytics: <b>{_state(share)}</b>"
    )
    rows = [
        [
            _button(_mark(v.capitalize(), visibility == v), _set("jv", v))
            for v in ("private", "shared")
        ],
        [_button(f"📊 Share analytics: {_state(share)}", _set("sa", not share))],
        [BACK],
    ]
    return text, InlineKeyboardMarkup(rows)


def _where_entries_go(snapshot: Snapshot) -> str:
    if snapshot.llm_host is None or not consents(snapshot):
        return "Your entries: <b>stay on this server</b>"
    return f"Your entries: <b>also sent to {html.escape(snapshot.llm_host)}</b> (see AI)"


def consents(snapshot: Snapshot) -> bool:
    """Has the user agreed to send entries to the LLM configured now?"""
    return snapshot.llm_host is not None and snapshot.get("ex") == snapshot.llm_host


def _ai(snapshot: Snapshot) -> tuple[str, InlineKeyboardMarkup]:
    insights, sentiment, suggestions = snapshot.get("ai"), snapshot.get("se"), snapshot.get("gs")
    host = snapshot.llm_host
    text = (
        "<b>🤖 AI</b>\n\n"
        f"AI insights: <b>{_state(insights)}</b>\n"
        f"Sentiment analysis: <b>{_state(sentiment)}</b>\n"
        f"Growth suggestions: <b>{_state(suggestions)}</b>\n\n"
    )
    rows = [
        [_button(f"💡 AI insights: {_state(insights)}", _set("ai", not insights))],
        [_button(f"🙂 Sentiment analysis: {_state(sentiment)}", _set("se", not sentiment))],
        [_button(f"🌱 Growth suggestions: {_state(suggestions)}", _set("gs", not suggestions))],
    ]
    if host is None:
        text += "🔐 Suggestions are made on this server: nothing you write is sent elsewhere."
    else:
        allowed = consents(snapshot)
        text += (
            "🔐 <b>Where your entries go</b>\n"
            "Suggestions are made on this server unless you allow more. If you allow it, "
            "the text of each new entry and your open goals are sent to "
            f"<b>{html.escape(host)}</b>, an outside AI service, to suggest goals, and "
            "your voice notes, to write them out as text.\n"
            f"Sending entries to {html.escape(host)}: <b>{'allowed' if allowed else 'off'}</b>"
        )
        label = f"🌐 Send entries to {host}: {'on' if allowed else 'off'}"
        rows.append([_button(label, _set("ex", not allowed))])
    rows.append([BACK])
    return text, InlineKeyboardMarkup(rows)


def render(
    view: str, snapshot: Snapshot, now: datetime | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    if view == "n":
        return _notifications(snapshot, now)
    if view == "d":
        return _day_picker(snapshot)
    if view == "t":
        return _theme(snapshot)
    if view == "p":
        return _privacy(snapshot)
    if view == "a":
        return _ai(snapshot)
    return _main(snapshot)


# --- data ---------------------------------------------------------------------------


async def reschedule_reminders(s: AsyncSession, user_id: uuid.UUID) -> None:
    """Recompute the user's reminder schedule in the caller's transaction: call it after
    any change to notification preferences or the time zone."""
    await reminders.reschedule(s, user_id)


async def snapshot_of(s: AsyncSession, user_id: uuid.UUID, llm_host: str | None = None) -> Snapshot:
    row = await settings.get_settings(s, user_id)
    return Snapshot(row, await profile.get_timezone(s, user_id), llm_host)


async def apply_change(
    s: AsyncSession, user_id: uuid.UUID, change: Change, llm_host: str | None = None
) -> Snapshot:
    """Save one setting (and what reminders need along with it); reschedule if needed."""
    option = change.option
    row = await settings.update_setting(s, user_id, option.document, option.key, change.value)
    if option.document == NOTIFICATIONS:
        wanted = settings.read_setting(row, NOTIFICATIONS, "pushNotifications") or (
            settings.read_setting(row, NOTIFICATIONS, "emailNotifications")
        )
        if wanted and settings.read_setting(row, NOTIFICATIONS, "reminderTime") is None:
            # An explicit time, so what the menu shows is what the scheduler uses.
            await settings.update_setting(
                s, user_id, NOTIFICATIONS, "reminderTime", DEFAULT_REMINDER_TIME
            )
        await reschedule_reminders(s, user_id)
    return await snapshot_of(s, user_id, llm_host)


# --- handlers -----------------------------------------------------------------------


async def show(
    context: ContextTypes.DEFAULT_TYPE,
    query: CallbackQuery,
    text: str,
    markup: InlineKeyboardMarkup | None,
) -> None:
    """Edit the menu in place; if that message is gone (or forged), send a new one."""
    message = query.message
    if isinstance(message, Message):
        try:
            await message.edit_text(text, reply_markup=markup)
            return
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return
            logger.info("settings menu not editable (%s); sending a new one", exc)
    chat_id = message.chat.id if message is not None else query.from_user.id
    await context.bot.send_message(chat_id, text, reply_markup=markup)


async def edit_menu(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    message_id: int,
    text: str,
    markup: InlineKeyboardMarkup,
) -> bool:
    try:
        await context.bot.edit_message_text(text, chat_id, message_id, reply_markup=markup)
    except BadRequest as exc:
        return "not modified" in str(exc).lower()
    return True


@logged_in
async def settings_command(update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link) -> None:
    chat = update.effective_chat
    if chat is None or link.user_id is None:
        return
    services = get_services(context)
    async with services.db.sessions.begin() as s:
        text, markup = render("m", await snapshot_of(s, link.user_id, services.settings.llm_host))
    await context.bot.send_message(chat.id, text, reply_markup=markup)


@logged_in
async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link) -> None:
    query, user = update.callback_query, update.effective_user
    if query is None or user is None or link.user_id is None:
        return
    press = parse_press(query.data)
    if press is None:
        await query.answer(EXPIRED)
        return
    services = get_services(context)
    if press == CLOSE:
        await query.answer()
        await show(context, query, "⚙️ Settings closed. Send /settings to open them again.", None)
        return
    if press == OTHER_TIME:
        chat_id = query.message.chat.id if query.message is not None else user.id
        menu_id = query.message.message_id if query.message is not None else None
        async with services.db.sessions.begin() as s:
            await dialogs.set_dialog(
                s, user.id, TIME_DIALOG, "time", {"chat_id": chat_id, "message_id": menu_id}
            )
        await query.answer()
        await context.bot.send_message(
            chat_id,
            "What time should I remind you (your local time)? Send it like 07:30, 19:05 or "
            "7pm. /cancel to keep the current time.",
        )
        return
    host = services.settings.llm_host
    if isinstance(press, Change) and press.option.key == EXTERNAL_AI_CONSENT:
        if press.value and host is None:
            await query.answer("No outside AI is set up: suggestions are made on this server.")
            return
        press = Change(press.option, host if press.value else "")
    async with services.db.sessions.begin() as s:
        if isinstance(press, Change):
            snapshot = await apply_change(s, link.user_id, press, host)
            view = "n" if press.option.code == "dm" else press.option.view
            toast = press.option.toast(press.value)
        else:
            snapshot = await snapshot_of(s, link.user_id, host)
            view, toast = press, ""
        text, markup = render(view, snapshot)
    await query.answer(toast or None)
    await show(context, query, text, markup)


@dialog(TIME_DIALOG)
async def time_step(update: Update, context: ContextTypes.DEFAULT_TYPE, state: DialogState) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.text is None:
        return
    try:
        when = parse_time_of_day(message.text)
    except ValueError as exc:
        await message.reply_text(
            f"{html.escape(str(exc))}\nYour reminder time is unchanged. Send another time, "
            "or /cancel."
        )
        return
    link = await load_link(update, context)
    services = get_services(context)
    if link is None or link.user_id is None or not link.logged_in:
        async with services.db.sessions.begin() as s:
            await dialogs.clear_dialog(s, user.id)
        await ask_to_log_in(update, context, link)
        return
    option = OPTIONS["tm"]
    value = settings.validate_setting(option.document, option.key, when)
    async with services.db.sessions.begin() as s:
        snapshot = await apply_change(
            s, link.user_id, Change(option, value), services.settings.llm_host
        )
        await dialogs.clear_dialog(s, user.id)
        text, markup = render("n", snapshot)
    reply = f"Reminder time set to <b>{value}</b> ({html.escape(snapshot.timezone)})."
    if snapshot.get("pu"):
        reply += f" Next reminder: {describe_next(snapshot)}."
    else:
        reply += " Push reminders are off; turn them on in /settings to get them."
    data = data_of(state)
    chat_id, menu_id = data.get("chat_id"), data.get("message_id")
    if isinstance(chat_id, int) and isinstance(menu_id, int):
        await edit_menu(context, chat_id, menu_id, text, markup)
    await message.reply_text(reply)


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("settings", settings_command))
    app.add_handler(CallbackQueryHandler(on_press, pattern=r"^s:"))
