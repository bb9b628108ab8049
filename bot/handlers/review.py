"""/review: the weekly review on demand, and its options (buttons): the weekly review on
or off with its day and hour, no reminder on a day you already wrote, and the evening
streak nudge. The options are stored as bot keys of ``notification_preferences``
(docs/bot-data.md) and the schedules follow at once (``db.reminders.reschedule``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.buttons import answer_expired, button_handler
from bot.commands import Command
from bot.reminder_jobs import REVIEW_OPTIONS, review_keyboard, review_message
from bot.services import get_services
from bot.session import Me, logged_in_chat
from bot.ui import redraw
from core.callback_data import CallbackData, encode
from core.i18n import N_, _
from db import reminders
from db.accounts import Link
from db.review import ReviewUser, review_data
from db.settings import get_settings, update_setting

COMMANDS = [
    Command("review", "Your week: writing, streak, metrics and goals", "Reminders & settings"),
]

SET = "rv"  # button action; arg: "w.1", "d.6", "h.18", "s.0", "n.1"
HOURS = (7, 9, 12, 17, 18, 19, 20, 21)
NOTIFICATIONS: Final = "notification_preferences"
# Shown in the options: "Sundays at 18:00", and the day buttons "Mo" … "Su".
WEEKDAYS_PLURAL: Final = (
    N_("Mondays"), N_("Tuesdays"), N_("Wednesdays"), N_("Thursdays"), N_("Fridays"),
    N_("Saturdays"), N_("Sundays"),
)  # fmt: skip
WEEKDAYS_SHORT: Final = (N_("Mo"), N_("Tu"), N_("We"), N_("Th"), N_("Fr"), N_("Sa"), N_("Su"))
_KEYS = {
    "w": "weeklyReview",
    "d": "reviewWeekday",
    "h": "reviewHour",
    "s": "skipIfWritten",
    "n": "streakNudge",
}


@logged_in_chat
async def review_command(update: Update, context: ContextTypes.DEFAULT_TYPE, me: Me) -> None:
    db = get_services(context).db
    today = datetime.now(UTC).astimezone(ZoneInfo(me.link.timezone)).date()
    async with db.sessions.begin() as s:
        [data] = await review_data(s, [ReviewUser(me.user_id, me.link.timezone, today, None)])
        theme = (await get_settings(s, me.user_id)).theme_preferences
    caption, png = await review_message(data, theme)
    await context.bot.send_photo(
        me.chat_id,
        png,
        caption=caption,
        filename="week.png",
        reply_markup=review_keyboard(me.user_id),
    )


def _on(value: bool) -> str:
    return _("on ✅") if value else _("off")


def _turn(on: bool) -> str:
    return _("turn off") if on else _("turn on")


async def _options(
    context: ContextTypes.DEFAULT_TYPE, link: Link
) -> tuple[str, InlineKeyboardMarkup]:
    assert link.user_id is not None
    async with get_services(context).db.sessions.begin() as s:
        row = await get_settings(s, link.user_id)
    prefs = reminders.reminder_preferences(row.notification_preferences)
    uid = link.user_id

    def button(label: str, arg: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(label, callback_data=encode(SET, uid, arg))

    day, hour = prefs.review_weekday, prefs.review_hour
    if prefs.weekly_review:
        weekly = _("📅 Weekly review: {state} — {weekdays} at {hour}").format(
            state=_on(True), weekdays=_(WEEKDAYS_PLURAL[day]), hour=f"{hour:02d}:00"
        )
    else:
        weekly = _("📅 Weekly review: {state}").format(state=_on(False))
    text = "\n".join(
        [
            _("<b>Review and reminder options</b>"),
            "",
            weekly,
            _("🤫 No daily reminder on a day you already wrote: {state}").format(
                state=_on(prefs.skip_if_written)
            ),
            _("🔥 Evening nudge (21:00) when a streak of 3+ days would break: {state}").format(
                state=_on(prefs.streak_nudge)
            ),
        ]
    )
    rows = [
        [button(_("Weekly review: {action}").format(action=_turn(prefs.weekly_review)),
                f"w.{0 if prefs.weekly_review else 1}")],
        [button(("• " if d == day else "") + _(WEEKDAYS_SHORT[d]), f"d.{d}") for d in range(7)],
        [button(("• " if h == hour else "") + f"{h:02d}", f"h.{h}") for h in HOURS],
        [button(_("Skip when I wrote: {action}").format(action=_turn(prefs.skip_if_written)),
                f"s.{0 if prefs.skip_if_written else 1}")],
        [button(_("Streak nudge: {action}").format(action=_turn(prefs.streak_nudge)),
                f"n.{0 if prefs.streak_nudge else 1}")],
    ]  # fmt: skip
    return text, InlineKeyboardMarkup(rows)


async def on_options(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, data: CallbackData
) -> None:
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None or data.uuid != link.user_id or link.user_id is None:
        await answer_expired(update)
        return
    await query.answer()
    text, markup = await _options(context, link)
    await context.bot.send_message(chat.id, text, reply_markup=markup)


def _parse(arg: str) -> tuple[str, bool | int] | None:
    code, _, raw = arg.partition(".")
    key = _KEYS.get(code)
    if key is None or not raw.isdigit():
        return None
    number = int(raw)
    if code in "wsn":
        return (key, bool(number)) if number in (0, 1) else None
    if code == "d":
        return (key, number) if 0 <= number <= 6 else None
    return (key, number) if number in HOURS else None


async def on_set(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, data: CallbackData
) -> None:
    query = update.callback_query
    change = _parse(data.arg)
    if query is None or change is None or data.uuid != link.user_id or link.user_id is None:
        await answer_expired(update)
        return
    key, value = change
    async with get_services(context).db.sessions.begin() as s:
        await update_setting(s, link.user_id, NOTIFICATIONS, key, value)
        await reminders.reschedule(s, link.user_id)
    await query.answer(_("Saved."))
    text, markup = await _options(context, link)
    await redraw(update, text, markup)


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("review", review_command))
    app.add_handler(button_handler({REVIEW_OPTIONS: on_options, SET: on_set}))
