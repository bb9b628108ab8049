"""What the goals feature's parts share: button codes and origins, how a goal looks
(cards, keyboards, toasts), and redrawing a goal's message."""

from __future__ import annotations

import html
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.services import get_services
from bot.ui import redraw_stored
from core import i18n
from core.callback_data import encode
from core.dates import add_months, end_of_month
from core.i18n import N_, _, ngettext
from core.streaks import local_date
from core.trends import metric_name
from core.vocab import MetricType
from db import dialogs
from db.accounts import Link
from db.goals import GoalState, goal_state
from db.models import DialogState, Goal

# Button actions (all start with "g": the goals feature's prefix).
ACCEPT, REJECT, EDIT, COMPLETE, DELETE = "ga", "gr", "ge", "gc", "gd"
TARGET, TARGET_DATE, METRIC, LIST_DONE = "gt", "gtd", "gm", "gl"

# Where the pressed button sits (how its message is redrawn).
SUGGESTION, LIST, PENDING, NEW = "s", "l", "p", "n"
ORIGINS: Final = frozenset({SUGGESTION, LIST, PENDING, NEW})

# What a dialog answer meets when its goal or its writer's session is gone.
# Marked only: shown through _() (bot.ui's logged_in_step gets them as they are).
NOT_EDITABLE: Final = N_("That suggestion can't be edited any more.")
NOT_CHANGEABLE: Final = N_("That goal can't be changed any more.")
EDIT_DIALOG: Final = "goal_edit"
NEW_DIALOG: Final = "goal_new"
DATE_DIALOG: Final = "goal_date"
OWN_DIALOGS: Final = frozenset({EDIT_DIALOG, NEW_DIALOG, DATE_DIALOG})

# Target-date shortcuts on the date keyboard.
IN_A_WEEK, IN_A_MONTH, END_OF_MONTH, TYPE_DATE, CLEAR, BACK = "w", "m", "e", "t", "c", "b"
NO_METRIC: Final = "none"

Markup = InlineKeyboardMarkup | None


# --- small helpers ------------------------------------------------------------------


def day_text(day: date) -> str:
    """ "Mon 7 Dec 2026" in the user's language."""
    return i18n.day(day, "EEE d MMM y")


def today_for(link: Link) -> date:
    """Today on the user's clock."""
    return local_date(datetime.now(UTC), link.timezone)


def user_id_of(link: Link) -> uuid.UUID:
    assert link.user_id is not None
    return link.user_id


def button(text: str, action: str, goal_id: uuid.UUID | None = None, arg: str = "") -> Any:
    return InlineKeyboardButton(text, callback_data=encode(action, goal_id, arg))


def one_line(text: str) -> str:
    """A goal is one line: the user's line breaks and runs of spaces become single spaces."""
    return " ".join(text.split())


def busy_text(state: DialogState) -> str:
    if state.name == "write":
        return _(
            "You have an unsaved /write draft. Send /done to save it or /cancel to discard it."
        )
    return _("You're in the middle of something else. Finish it or send /cancel first.")


# --- dates --------------------------------------------------------------------------


def shortcut_date(choice: str, today: date) -> date | None:
    if choice == IN_A_WEEK:
        return today + timedelta(days=7)
    if choice == IN_A_MONTH:
        return add_months(today, 1)
    if choice == END_OF_MONTH:
        return end_of_month(today)
    return None


# --- how a goal looks ---------------------------------------------------------------


def target_line(goal: Goal, today: date) -> str | None:
    if goal.target_date is None:
        return None
    day = goal.target_date
    when = _("📅 Target: {day}").format(day=day_text(day))
    if goal_state(goal) is not GoalState.ACCEPTED:
        return when
    days = (day - today).days
    if days < 0:
        return ngettext(
            "{when} · ⚠️ <b>overdue</b> by {n} day", "{when} · ⚠️ <b>overdue</b> by {n} days", -days
        ).format(when=when, n=-days)
    if days == 0:
        return _("{when} · due today").format(when=when)
    if days == 1:
        return _("{when} · due tomorrow").format(when=when)
    return ngettext("{when} · in {n} day", "{when} · in {n} days", days).format(when=when, n=days)


def is_overdue(goal: Goal, today: date) -> bool:
    return (
        goal_state(goal) is GoalState.ACCEPTED
        and goal.target_date is not None
        and goal.target_date < today
    )


def suggestion_text(content: str, reason: str) -> str:
    return _("💡 Suggested goal: <b>{goal}</b>\n<i>Why: {reason}</i>").format(
        goal=html.escape(content), reason=html.escape(reason)
    )


def suggestion_keyboard(goal_id: uuid.UUID) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(_("✅ Accept"), ACCEPT, goal_id, SUGGESTION),
                button(_("✏️ Edit"), EDIT, goal_id, SUGGESTION),
                button(_("✖ Reject"), REJECT, goal_id, SUGGESTION),
            ]
        ]
    )


def pending_message(suggested: Sequence[Goal], done: str | None = None) -> tuple[str, Markup]:
    """The suggestions waiting for an answer, in one message with a row of buttons each;
    ``done`` says what the last press did."""
    lines = [done] if done else []
    if not suggested:
        lines.append(_("No suggestions are waiting for an answer."))
        return "\n".join(lines), None
    count = len(suggested)
    lines.append(
        ngettext(
            "💡 <b>{n} suggestion for you</b>", "💡 <b>{n} suggestions for you</b>", count
        ).format(n=count)
    )
    rows = []
    for number, goal in enumerate(suggested, start=1):
        lines.append(f"{number}. {html.escape(goal.content)}")
        rows.append(
            [
                button(_("✅ Accept {number}").format(number=number), ACCEPT, goal.id, PENDING),
                button(_("✖ Reject {number}").format(number=number), REJECT, goal.id, PENDING),
            ]
        )
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def _metric_keyboard_rows(goal: Goal) -> list[list[InlineKeyboardButton]]:
    def label(name: str, text: str) -> str:
        chosen = (goal.related_metric_type or NO_METRIC) == name
        return f"✓ {text}" if chosen else text

    buttons = [
        button(
            label(kind.value, metric_name(kind.value).capitalize()),
            METRIC,
            goal.id,
            f"{NEW}.{kind.value}",
        )
        for kind in MetricType
    ]
    buttons.append(button(label(NO_METRIC, _("None")), METRIC, goal.id, f"{NEW}.{NO_METRIC}"))
    return [buttons[:3], buttons[3:]]


def card(goal: Goal, today: date, origin: str) -> tuple[str, Markup]:
    """The message showing ``goal`` where it was sent from (see the module docstring)."""
    state = goal_state(goal)
    content = html.escape(goal.content)
    if state is GoalState.REJECTED:
        return _("✖ Rejected: <s>{goal}</s>").format(goal=content), None
    if state is GoalState.DELETED:
        return _("🗑 Deleted: <s>{goal}</s>").format(goal=content), None
    if state is GoalState.COMPLETED:
        return _("🏆 Completed: <b>{goal}</b>").format(goal=content), None
    if origin == SUGGESTION:
        if state is GoalState.SUGGESTED:  # redrawn without its reason, which is not stored
            return _("💡 Suggested goal: <b>{goal}</b>").format(goal=content), suggestion_keyboard(
                goal.id
            )
        return (
            _(
                "✅ Accepted: <b>{goal}</b>\n<i>Set a target date or mark it done in /goals.</i>"
            ).format(goal=content),
            None,
        )
    if state is GoalState.SUGGESTED:
        return (
            _("💡 <b>{goal}</b>\n<i>Suggested for you: accept it to make it your goal.</i>").format(
                goal=content
            ),
            InlineKeyboardMarkup(
                [
                    [
                        button(_("✅ Accept"), ACCEPT, goal.id, origin),
                        button(_("✖ Reject"), REJECT, goal.id, origin),
                    ]
                ]
            ),
        )
    lines = [
        _("🎯 New goal: <b>{goal}</b>").format(goal=content)
        if origin == NEW
        else f"🎯 <b>{content}</b>"
    ]
    if (target := target_line(goal, today)) is not None:
        lines.append(target)
    if goal.related_metric_type:
        metric = metric_name(goal.related_metric_type)
        lines.append(_("📊 Metric: {metric}").format(metric=html.escape(metric)))
    if origin == NEW:
        lines.append(_("\nLink it to a growth metric, or give it a target date:"))
        rows = [[button(_("📅 Set a target date"), TARGET, goal.id, NEW)]]
        return "\n".join(lines), InlineKeyboardMarkup(rows + _metric_keyboard_rows(goal))
    return "\n".join(lines), InlineKeyboardMarkup(
        [
            [
                button(_("✅ Done"), COMPLETE, goal.id, origin),
                button(_("📅 Target date"), TARGET, goal.id, origin),
                button(_("🗑 Delete"), DELETE, goal.id, origin),
            ]
        ]
    )


def date_keyboard(goal_id: uuid.UUID, origin: str) -> InlineKeyboardMarkup:
    def b(text: str, choice: str) -> InlineKeyboardButton:
        return button(text, TARGET_DATE, goal_id, f"{origin}.{choice}")  # type: ignore[no-any-return]

    return InlineKeyboardMarkup(
        [
            [b(_("In a week"), IN_A_WEEK), b(_("In a month"), IN_A_MONTH)],
            [b(_("End of month"), END_OF_MONTH), b(_("Type a date…"), TYPE_DATE)],
            [b(_("Clear"), CLEAR), b(_("« Back"), BACK)],
        ]
    )


def refusal(action: str, state: GoalState) -> str:
    """The toast for a button whose goal is not (or no longer) in the state it needs."""
    if state is GoalState.DELETED:
        return _("Already deleted") if action == DELETE else _("This goal was deleted.")
    if state is GoalState.REJECTED:
        if action in (REJECT, DELETE):
            return _("Already rejected")
        return _("This suggestion was rejected.")
    if state is GoalState.COMPLETED:
        return _("Already completed 🏆")
    if state is GoalState.ACCEPTED:
        if action == REJECT:
            return _("Already accepted. To drop it, delete it in /goals.")
        return _("Already accepted")
    return _("Accept this suggestion first.")


# --- sending and editing ------------------------------------------------------------


async def redraw_goal(
    context: ContextTypes.DEFAULT_TYPE, data: dict[str, Any], text: str, markup: Markup
) -> None:
    """Redraw the message a dialog started from (its chat and message id are in ``data``)."""
    await redraw_stored(context.bot, data.get("chat_id"), data.get("message_id"), text, markup)


async def answer_press(update: Update, text: str | None = None) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer(text or None)


async def start_dialog(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    name: str,
    data: dict[str, Any],
) -> DialogState | None:
    """Make ``name`` the user's dialog; returns the other feature's dialog that blocks it
    (a /write draft is never thrown away by a goal question), else None."""
    user = update.effective_user
    assert user is not None
    async with get_services(context).db.sessions.begin() as s:
        current = await dialogs.lock_dialog(s, user.id)
        if current is not None and current.name not in OWN_DIALOGS:
            return current
        await dialogs.set_dialog(s, user.id, name, "text", data)
    return None


def goal_id_of(data: dict[str, Any]) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(data.get("goal")))
    except ValueError:
        return None
