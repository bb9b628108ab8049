"""Goals: suggestions after each entry, /goals, /goal, and the buttons of the goal lifecycle.

Buttons carry ``action:goal-id:arg``; ``arg`` starts with the origin of the message the
button sits on, which decides how that message is redrawn after a press: ``s`` a
suggestion sent after an entry, ``l`` a goal card of /goals, ``p`` the one message of /goals
that holds every suggestion waiting for an answer, ``n`` the card of a goal just made with
/goal. Every goal id from a button is looked up scoped to the presser (another
user's goal is "not found": "This button has expired."), and each transition is one
conditional UPDATE, so a double press or an old message changes nothing and gets a toast
saying why ("Already accepted").
"""

from __future__ import annotations

import html
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, date
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CommandHandler,
    ContextTypes,
)

from bot.buttons import EXPIRED, button_handler
from bot.commands import Command
from bot.dialogs import CancelHandler, StepHandler
from bot.handlers import profile_goals as profile_view
from bot.handlers.goal_dialogs import (
    create_user_goal,
    date_step,
    edit_step,
    goal_dialog_cancelled,
    new_goal_step,
)
from bot.handlers.goal_views import (
    ACCEPT,
    BACK,
    CLEAR,
    COMPLETE,
    DATE_DIALOG,
    DELETE,
    EDIT,
    EDIT_DIALOG,
    END_OF_MONTH,
    IN_A_MONTH,
    IN_A_WEEK,
    LIST,
    LIST_DONE,
    METRIC,
    NEW_DIALOG,
    NO_METRIC,
    ORIGINS,
    OWN_DIALOGS,
    PENDING,
    REJECT,
    SUGGESTION,
    TARGET,
    TARGET_DATE,
    TYPE_DATE,
    answer_press,
    busy_text,
    button,
    card,
    date_keyboard,
    day_text,
    is_overdue,
    pending_message,
    refusal,
    shortcut_date,
    start_dialog,
    today_for,
    user_id_of,
)
from bot.messaging import send_html
from bot.services import get_services
from bot.session import logged_in
from bot.ui import redraw
from core.callback_data import CallbackData
from core.dates import date_examples
from core.i18n import N_, _, ngettext
from core.streaks import local_date
from core.trends import metric_name
from core.vocab import MetricType
from db import goals
from db import profile as profile_db
from db.accounts import Link
from db.goals import GOAL_MAX_CHARS, GoalChange, GoalState, Outcome, goal_state
from db.models import Goal

logger = logging.getLogger(__name__)

COMMANDS = [
    Command(
        "goals",
        "Your goals: mark them done, set target dates, answer suggestions",
        "Goals",
    ),
    Command("goal", "Set yourself a new goal", "Goals", usage="/goal what you want to achieve"),
]

MAX_CARDS: Final = 10  # goal cards /goals sends; more would flood the chat
MAX_COMPLETED_SHOWN: Final = 50


# --- buttons ------------------------------------------------------------------------

Transition = Callable[[AsyncSession, uuid.UUID, uuid.UUID], Awaitable[GoalChange]]
ButtonHandler = Callable[[Update, ContextTypes.DEFAULT_TYPE, Link, CallbackData], Awaitable[None]]


def _origin(data: CallbackData) -> str | None:
    origin = data.arg.split(".", 1)[0]
    return origin if origin in ORIGINS else None


async def _show_outcome(
    update: Update, link: Link, action: str, change: GoalChange, origin: str, ok_toast: str
) -> None:
    """Toast what happened and redraw the pressed message to the goal as it now is."""
    goal = change.goal
    if change.outcome is Outcome.NOT_FOUND or goal is None:
        await answer_press(update, _(EXPIRED))
        return
    state = goal_state(goal)
    await answer_press(update, ok_toast if change.ok else refusal(action, state))
    if not change.ok and origin == SUGGESTION and state is GoalState.SUGGESTED:
        return  # the suggestion is still open: keep its message (and reason) as it is
    await redraw(update, *card(goal, today_for(link), origin))


def _transition_button(action: str, transition: Transition, ok_toast: str) -> ButtonHandler:
    async def handle(
        update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, data: CallbackData
    ) -> None:
        origin, toast = _origin(data), _(ok_toast)
        if origin is None or data.uuid is None:
            await answer_press(update, _(EXPIRED))
            return
        async with get_services(context).db.sessions.begin() as s:
            change = await transition(s, user_id_of(link), data.uuid)
            waiting = await waiting_suggestions(s, link) if origin == PENDING else []
        if origin == PENDING and change.goal is not None:
            state = goal_state(change.goal)
            await answer_press(update, toast if change.ok else refusal(action, state))
            done = (
                _("✅ Accepted: {goal}") if state is GoalState.ACCEPTED else _("✖ Rejected: {goal}")
            ).format(goal=html.escape(change.goal.content))
            await redraw(update, *pending_message(waiting[:MAX_CARDS], done if change.ok else None))
            return
        await _show_outcome(update, link, action, change, origin, toast)

    return handle


async def waiting_suggestions(s: AsyncSession, link: Link) -> list[Goal]:
    """The suggestions waiting for an answer, latest first (the most relevant)."""
    open_goals = await goals.list_open_goals(s, user_id_of(link))
    suggested = [g for g in open_goals if goal_state(g) is GoalState.SUGGESTED]
    return sorted(suggested, key=lambda g: g.created_at, reverse=True)


async def _current(
    context: ContextTypes.DEFAULT_TYPE, link: Link, data: CallbackData
) -> Goal | None:
    if data.uuid is None:
        return None
    async with get_services(context).db.sessions() as s:
        return await goals.get_goal(s, user_id_of(link), data.uuid)


async def on_edit_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, data: CallbackData
) -> None:
    """[✏️ Edit] on a suggestion: ask for the new wording."""
    origin, goal = _origin(data), await _current(context, link, data)
    query = update.callback_query
    if origin is None or goal is None or query is None:
        await answer_press(update, _(EXPIRED))
        return
    state = goal_state(goal)
    if state is not GoalState.SUGGESTED:
        await _show_outcome(update, link, EDIT, GoalChange(Outcome.ALREADY, goal), origin, "")
        return
    question = _(
        "✏️ How would you put it? Send the goal in your own words "
        "(up to {limit} characters) and I'll accept it.\n"
        "Now: <i>{goal}</i>\n\n"
        "/cancel keeps the suggestion as it was."
    ).format(limit=GOAL_MAX_CHARS, goal=html.escape(goal.content))
    await _ask_about(update, context, link, goal, origin, EDIT_DIALOG, question)


async def on_target_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, data: CallbackData
) -> None:
    """[📅 Target date]: the date keyboard in place of the goal's buttons."""
    origin, goal = _origin(data), await _current(context, link, data)
    if origin is None or goal is None:
        await answer_press(update, _(EXPIRED))
        return
    if goal_state(goal) is not GoalState.ACCEPTED:
        await _show_outcome(update, link, TARGET, GoalChange(Outcome.ALREADY, goal), origin, "")
        return
    await answer_press(update)
    text = card(goal, today_for(link), origin)[0]
    await redraw(
        update,
        text + "\n\n" + _("📅 When do you want to reach it?"),
        date_keyboard(goal.id, origin),
    )


async def on_target_date_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, data: CallbackData
) -> None:
    """A choice on the date keyboard: a shortcut, Clear, Back, or Type a date…"""
    origin = _origin(data)
    choice = data.arg.partition(".")[2]
    if (
        origin is None
        or data.uuid is None
        or choice
        not in {
            IN_A_WEEK,
            IN_A_MONTH,
            END_OF_MONTH,
            TYPE_DATE,
            CLEAR,
            BACK,
        }
    ):
        await answer_press(update, _(EXPIRED))
        return
    today = today_for(link)
    if choice in (BACK, TYPE_DATE):
        goal = await _current(context, link, data)
        if goal is None:
            await answer_press(update, _(EXPIRED))
            return
        if choice == BACK or goal_state(goal) is not GoalState.ACCEPTED:
            change = GoalChange(Outcome.OK if choice == BACK else Outcome.ALREADY, goal)
            await _show_outcome(update, link, TARGET, change, origin, "")
            return
        await _ask_for_date(update, context, link, goal, origin)
        return
    day = shortcut_date(choice, today)
    async with get_services(context).db.sessions.begin() as s:
        change = await goals.set_target_date(s, user_id_of(link), data.uuid, day, today=today)
    toast = (
        _("Target date: {day}").format(day=day_text(day))
        if day is not None
        else _("Target date cleared")
    )
    await _show_outcome(update, link, TARGET, change, origin, toast)


async def _ask_for_date(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, goal: Goal, origin: str
) -> None:
    question = _(
        "📅 When do you want to reach <b>{goal}</b>?\n"
        "Send a date like {examples}.\n\n"
        "/cancel keeps the target date as it is."
    ).format(goal=html.escape(goal.content), examples=date_examples(today_for(link)))
    await _ask_about(update, context, link, goal, origin, DATE_DIALOG, question)


async def _ask_about(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    link: Link,
    goal: Goal,
    origin: str,
    dialog: str,
    question: str,
) -> None:
    """Start ``dialog`` about ``goal`` (remembering the pressed message, to redraw it
    after the answer) and ask ``question``; a dialog of another feature blocks it."""
    query = update.callback_query
    message = query.message if query is not None else None
    chat_id = message.chat.id if message is not None else link.chat_id
    blocked = await start_dialog(
        update,
        context,
        dialog,
        {
            "goal": str(goal.id),
            "chat_id": chat_id,
            "message_id": message.message_id if message is not None else None,
            "origin": origin,
        },
    )
    if blocked is not None:
        await answer_press(update, busy_text(blocked))
        return
    await answer_press(update)
    await context.bot.send_message(chat_id, question)


async def on_metric_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, data: CallbackData
) -> None:
    origin = _origin(data)
    name = data.arg.partition(".")[2]
    known = {kind.value for kind in MetricType} | {NO_METRIC}
    if origin is None or data.uuid is None or name not in known:
        await answer_press(update, _(EXPIRED))
        return
    metric = None if name == NO_METRIC else name
    async with get_services(context).db.sessions.begin() as s:
        change = await goals.set_related_metric(s, user_id_of(link), data.uuid, metric)
    toast = (
        _("Linked to {metric}").format(metric=metric_name(metric))
        if metric
        else _("Not linked to a metric")
    )
    await _show_outcome(update, link, METRIC, change, origin, toast)


async def on_list_completed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, data: CallbackData
) -> None:
    """[Show completed]: the completed goals, most recent first."""
    async with get_services(context).db.sessions() as s:
        done = await goals.list_completed_goals(s, user_id_of(link), limit=MAX_COMPLETED_SHOWN)
    await answer_press(update)
    chat = update.effective_chat
    chat_id = chat.id if chat is not None else link.chat_id
    if not done:
        await context.bot.send_message(chat_id, _("You haven't completed a goal yet. You will!"))
        return
    title = _("🏆 <b>Completed goals</b>")
    if len(done) == MAX_COMPLETED_SHOWN:
        title = _("🏆 <b>Completed goals</b> (the latest {n})").format(n=MAX_COMPLETED_SHOWN)
    lines = [title]
    for goal in done:
        assert goal.completed_at is not None
        finished = local_date(goal.completed_at.replace(tzinfo=UTC), link.timezone)
        lines.append(
            _("• {goal} — done {day}").format(
                goal=html.escape(goal.content), day=day_text(finished)
            )
        )
    await send_html(context.bot, chat_id, "\n".join(lines))


_BUTTONS: Final[dict[str, ButtonHandler]] = {
    ACCEPT: _transition_button(ACCEPT, goals.accept_goal, N_("Accepted ✅")),
    REJECT: _transition_button(REJECT, goals.reject_goal, N_("Rejected")),
    COMPLETE: _transition_button(COMPLETE, goals.complete_goal, N_("Well done! 🏆")),
    DELETE: _transition_button(DELETE, goals.delete_goal, N_("Deleted")),
    EDIT: on_edit_button,
    TARGET: on_target_button,
    TARGET_DATE: on_target_date_button,
    METRIC: on_metric_button,
    LIST_DONE: on_list_completed,
}


@logged_in
async def goal_command(update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link) -> None:
    """/goal <text> sets a goal at once; /goal alone asks for it."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    parts = message.text.split(None, 1)
    text = parts[1] if len(parts) > 1 else ""
    if text.strip():
        await create_user_goal(update, context, link, text, in_dialog=False)
        return
    blocked = await start_dialog(update, context, NEW_DIALOG, {})
    if blocked is not None:
        await message.reply_text(busy_text(blocked) + " " + _("Then send /goal again."))
        return
    await message.reply_text(
        _(
            "🎯 What's your goal? Send it in one message (up to "
            "{limit} characters), or /cancel.\n"
            "<i>For example: Ask for feedback on my presentation this week</i>"
        ).format(limit=GOAL_MAX_CHARS)
    )


def _goals_header(
    accepted: Sequence[Goal], suggested: Sequence[Goal], completed: int, today: date
) -> str:
    if not accepted and not suggested:
        lines = [
            _(
                "You have no open goals. Set one with /goal followed by what you want to "
                "achieve, or just write in your journal and I'll suggest some."
            )
        ]
    else:
        overdue = sum(1 for g in accepted if is_overdue(g, today))
        parts = []
        if accepted:
            n = len(accepted)
            if overdue:
                parts.append(
                    _("🎯 {n} in progress ({overdue} overdue ⚠️)").format(n=n, overdue=overdue)
                )
            else:
                parts.append(_("🎯 {n} in progress").format(n=n))
        if suggested:
            n = len(suggested)
            parts.append(
                ngettext(
                    "💡 {n} suggestion waiting for an answer",
                    "💡 {n} suggestions waiting for an answer",
                    n,
                ).format(n=n)
            )
        lines = [_("<b>Your goals</b>"), " · ".join(parts)]
        if len(accepted) > MAX_CARDS:
            lines.append(
                _("<i>Showing {shown} of {n}: finish some to see the rest.</i>").format(
                    shown=MAX_CARDS, n=len(accepted)
                )
            )
    if completed:
        lines.append(
            "\n"
            + ngettext(
                "🏆 You've completed {n} goal!", "🏆 You've completed {n} goals!", completed
            ).format(n=completed)
        )
    return "\n".join(lines)


@logged_in
async def goals_command(update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link) -> None:
    """/goals: a summary, a card per goal in progress, then the suggestions waiting for an
    answer together in one message."""
    chat = update.effective_chat
    if chat is None:
        return
    async with get_services(context).db.sessions.begin() as s:
        open_goals = await goals.list_open_goals(s, user_id_of(link))
        completed = len(await goals.list_completed_goals(s, user_id_of(link)))
        suggested = await waiting_suggestions(s, link)
        info = await profile_db.get_profile(s, user_id_of(link))
        tracked = await profile_view.tracked_texts(s, user_id_of(link))
    today = today_for(link)
    accepted = sorted(
        (g for g in open_goals if goal_state(g) is GoalState.ACCEPTED),
        key=lambda g: (g.target_date or date.max, g.created_at),
    )
    rows = [[button(_("🏆 Show completed"), LIST_DONE)]] if completed else []

    header = _goals_header(accepted, suggested, completed, today)
    # One goal story: the profile's goals (the web app's) shown here too, with a way to track them.
    if info is not None:
        header += "\n" + "\n".join(profile_view.profile_goal_lines(info, tracked))
        header += "\n\n" + _(profile_view.GOALS_EXPLAINED)
        if profile_view.untracked_count(info, tracked):
            rows.append([profile_view.track_button()])
    markup = InlineKeyboardMarkup(rows) if rows else None
    await send_html(context.bot, chat.id, header, markup)
    for goal in accepted[:MAX_CARDS]:
        await send_html(context.bot, chat.id, *card(goal, today, LIST))
    if suggested:  # in one message; older accounts may hold more than MAX_PENDING
        await send_html(context.bot, chat.id, *pending_message(suggested[:MAX_CARDS]))


# --- wiring -------------------------------------------------------------------------


# The dialogs this feature runs (bot.app combines every feature's).
DIALOGS: Final[Mapping[str, StepHandler]] = {
    EDIT_DIALOG: edit_step,
    NEW_DIALOG: new_goal_step,
    DATE_DIALOG: date_step,
}
CANCELLERS: Final[Mapping[str, CancelHandler]] = dict.fromkeys(OWN_DIALOGS, goal_dialog_cancelled)


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("goals", goals_command))
    app.add_handler(CommandHandler("goal", goal_command))
    app.add_handler(button_handler(_BUTTONS))
