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

import asyncio
import html
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CommandHandler,
    ContextTypes,
)

from bot.buttons import EXPIRED, button_handler
from bot.commands import Command
from bot.config import Settings
from bot.dialogs import CancelHandler, StepHandler, data_of
from bot.handlers import profile_goals as profile_view
from bot.hooks import SavedEntry
from bot.inbox_context import mark_current_done
from bot.llm_engine import LLMSuggestionEngine
from bot.messaging import send_html
from bot.services import get_services
from bot.session import logged_in
from bot.ui import Answer, end_dialog, logged_in_step, plural, redraw, redraw_stored
from core.callback_data import CallbackData, encode
from core.dates import (
    DateInputError,
    add_months,
    date_examples,
    end_of_month,
    parse_target_date,
)
from core.streaks import local_date
from core.suggest import (
    MAX_GOALS,
    SuggestedGoal,
    care_for_async,
    is_similar_goal,
)
from core.suggest.vocab import CARE_LINES
from core.vocab import GoalSource, MetricType, VocabularyError
from db import accounts, dialogs, goals
from db import profile as profile_db
from db.accounts import Link
from db.errors import InvalidInput, NotFound
from db.goals import GOAL_MAX_CHARS, GoalChange, GoalState, Outcome, goal_state
from db.models import DialogState, Goal
from db.settings import EXTERNAL_AI_CONSENT

logger = logging.getLogger(__name__)

COMMANDS = [
    Command(
        "goals",
        "Your goals: mark them done, set target dates, answer suggestions",
        "Goals",
    ),
    Command("goal", "Set yourself a new goal", "Goals", usage="/goal what you want to achieve"),
]

# The local engine answers in well under a second; this only guards against a stuck thread.
LOCAL_BUDGET_SECONDS: Final = 5.0
MAX_PENDING: Final = 3  # unanswered suggestions kept; older ones are withdrawn quietly
MAX_CARDS: Final = 10  # goal cards /goals sends; more would flood the chat
MAX_COMPLETED_SHOWN: Final = 50

# Button actions (all start with "g": the goals feature's prefix).
ACCEPT, REJECT, EDIT, COMPLETE, DELETE = "ga", "gr", "ge", "gc", "gd"
TARGET, TARGET_DATE, METRIC, LIST_DONE = "gt", "gtd", "gm", "gl"

# Where the pressed button sits (how its message is redrawn).
SUGGESTION, LIST, PENDING, NEW = "s", "l", "p", "n"
ORIGINS: Final = frozenset({SUGGESTION, LIST, PENDING, NEW})

# What a dialog answer meets when its goal or its writer's session is gone.
NOT_EDITABLE: Final = "That suggestion can't be edited any more."
NOT_CHANGEABLE: Final = "That goal can't be changed any more."
EDIT_DIALOG: Final = "goal_edit"
NEW_DIALOG: Final = "goal_new"
DATE_DIALOG: Final = "goal_date"
OWN_DIALOGS: Final = frozenset({EDIT_DIALOG, NEW_DIALOG, DATE_DIALOG})

# Target-date shortcuts on the date keyboard.
IN_A_WEEK, IN_A_MONTH, END_OF_MONTH, TYPE_DATE, CLEAR, BACK = "w", "m", "e", "t", "c", "b"
NO_METRIC: Final = "none"

Markup = InlineKeyboardMarkup | None


# --- small helpers ------------------------------------------------------------------


def _day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def today_for(link: Link) -> date:
    """Today on the user's clock."""
    return local_date(datetime.now(UTC), link.timezone)


def _user_id(link: Link) -> uuid.UUID:
    assert link.user_id is not None
    return link.user_id


def _button(text: str, action: str, goal_id: uuid.UUID | None = None, arg: str = "") -> Any:
    return InlineKeyboardButton(text, callback_data=encode(action, goal_id, arg))


def _one_line(text: str) -> str:
    """A goal is one line: the user's line breaks and runs of spaces become single spaces."""
    return " ".join(text.split())


def _busy_text(state: DialogState) -> str:
    if state.name == "write":
        return "You have an unsaved /write draft. Send /done to save it or /cancel to discard it."
    return "You're in the middle of something else. Finish it or send /cancel first."


# --- dates --------------------------------------------------------------------------


def _shortcut_date(choice: str, today: date) -> date | None:
    if choice == IN_A_WEEK:
        return today + timedelta(days=7)
    if choice == IN_A_MONTH:
        return add_months(today, 1)
    if choice == END_OF_MONTH:
        return end_of_month(today)
    return None


# --- how a goal looks ---------------------------------------------------------------


def _target_line(goal: Goal, today: date) -> str | None:
    if goal.target_date is None:
        return None
    day = goal.target_date
    when = f"📅 Target: {_day(day)}"
    if goal_state(goal) is not GoalState.ACCEPTED:
        return when
    days = (day - today).days
    if days < 0:
        return f"{when} · ⚠️ <b>overdue</b> by {plural(-days, 'day')}"
    if days == 0:
        return f"{when} · due today"
    if days == 1:
        return f"{when} · due tomorrow"
    return f"{when} · in {days} days"


def is_overdue(goal: Goal, today: date) -> bool:
    return (
        goal_state(goal) is GoalState.ACCEPTED
        and goal.target_date is not None
        and goal.target_date < today
    )


def suggestion_text(content: str, reason: str) -> str:
    return f"💡 Suggested goal: <b>{html.escape(content)}</b>\n<i>Why: {html.escape(reason)}</i>"


def suggestion_keyboard(goal_id: uuid.UUID) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                _button("✅ Accept", ACCEPT, goal_id, SUGGESTION),
                _button("✏️ Edit", EDIT, goal_id, SUGGESTION),
                _button("✖ Reject", REJECT, goal_id, SUGGESTION),
            ]
        ]
    )


def pending_message(suggested: Sequence[Goal], done: str | None = None) -> tuple[str, Markup]:
    """The suggestions waiting for an answer, in one message with a row of buttons each;
    ``done`` says what the last press did."""
    lines = [done] if done else []
    if not suggested:
        lines.append("No suggestions are waiting for an answer.")
        return "\n".join(lines), None
    lines.append(f"💡 <b>{plural(len(suggested), 'suggestion')} for you</b>")
    rows = []
    for number, goal in enumerate(suggested, start=1):
        lines.append(f"{number}. {html.escape(goal.content)}")
        rows.append(
            [
                _button(f"✅ Accept {number}", ACCEPT, goal.id, PENDING),
                _button(f"✖ Reject {number}", REJECT, goal.id, PENDING),
            ]
        )
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def _metric_keyboard_rows(goal: Goal) -> list[list[InlineKeyboardButton]]:
    def label(name: str, text: str) -> str:
        chosen = (goal.related_metric_type or NO_METRIC) == name
        return f"✓ {text}" if chosen else text

    buttons = [
        _button(label(kind.value, kind.value.capitalize()), METRIC, goal.id, f"{NEW}.{kind.value}")
        for kind in MetricType
    ]
    buttons.append(_button(label(NO_METRIC, "None"), METRIC, goal.id, f"{NEW}.{NO_METRIC}"))
    return [buttons[:3], buttons[3:]]


def card(goal: Goal, today: date, origin: str) -> tuple[str, Markup]:
    """The message showing ``goal`` where it was sent from (see the module docstring)."""
    state = goal_state(goal)
    content = html.escape(goal.content)
    if state is GoalState.REJECTED:
        return f"✖ Rejected: <s>{content}</s>", None
    if state is GoalState.DELETED:
        return f"🗑 Deleted: <s>{content}</s>", None
    if state is GoalState.COMPLETED:
        return f"🏆 Completed: <b>{content}</b>", None
    if origin == SUGGESTION:
        if state is GoalState.SUGGESTED:  # redrawn without its reason, which is not stored
            return f"💡 Suggested goal: <b>{content}</b>", suggestion_keyboard(goal.id)
        return (
            f"✅ Accepted: <b>{content}</b>\n<i>Set a target date or mark it done in /goals.</i>",
            None,
        )
    if state is GoalState.SUGGESTED:
        return (
            f"💡 <b>{content}</b>\n<i>Suggested for you: accept it to make it your goal.</i>",
            InlineKeyboardMarkup(
                [
                    [
                        _button("✅ Accept", ACCEPT, goal.id, origin),
                        _button("✖ Reject", REJECT, goal.id, origin),
                    ]
                ]
            ),
        )
    lines = [f"🎯 New goal: <b>{content}</b>" if origin == NEW else f"🎯 <b>{content}</b>"]
    if (target := _target_line(goal, today)) is not None:
        lines.append(target)
    if goal.related_metric_type:
        lines.append(f"📊 Metric: {html.escape(goal.related_metric_type)}")
    if origin == NEW:
        lines.append("\nLink it to a growth metric, or give it a target date:")
        rows = [[_button("📅 Set a target date", TARGET, goal.id, NEW)]]
        return "\n".join(lines), InlineKeyboardMarkup(rows + _metric_keyboard_rows(goal))
    return "\n".join(lines), InlineKeyboardMarkup(
        [
            [
                _button("✅ Done", COMPLETE, goal.id, origin),
                _button("📅 Target date", TARGET, goal.id, origin),
                _button("🗑 Delete", DELETE, goal.id, origin),
            ]
        ]
    )


def date_keyboard(goal_id: uuid.UUID, origin: str) -> InlineKeyboardMarkup:
    def b(text: str, choice: str) -> InlineKeyboardButton:
        return _button(text, TARGET_DATE, goal_id, f"{origin}.{choice}")  # type: ignore[no-any-return]

    return InlineKeyboardMarkup(
        [
            [b("In a week", IN_A_WEEK), b("In a month", IN_A_MONTH)],
            [b("End of month", END_OF_MONTH), b("Type a date…", TYPE_DATE)],
            [b("Clear", CLEAR), b("« Back", BACK)],
        ]
    )


def refusal(action: str, state: GoalState) -> str:
    """The toast for a button whose goal is not (or no longer) in the state it needs."""
    if state is GoalState.DELETED:
        return "Already deleted" if action == DELETE else "This goal was deleted."
    if state is GoalState.REJECTED:
        return "Already rejected" if action in (REJECT, DELETE) else "This suggestion was rejected."
    if state is GoalState.COMPLETED:
        return "Already completed 🏆"
    if state is GoalState.ACCEPTED:
        if action == REJECT:
            return "Already accepted. To drop it, delete it in /goals."
        return "Already accepted"
    return "Accept this suggestion first."


# --- sending and editing ------------------------------------------------------------


async def _redraw_stored(
    context: ContextTypes.DEFAULT_TYPE, data: dict[str, Any], text: str, markup: Markup
) -> None:
    """Redraw the message a dialog started from (its chat and message id are in ``data``)."""
    await redraw_stored(context.bot, data.get("chat_id"), data.get("message_id"), text, markup)


async def _answer(update: Update, text: str | None = None) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer(text or None)


async def _start_dialog(
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


def _goal_id_of(data: dict[str, Any]) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(data.get("goal")))
    except ValueError:
        return None


# --- suggestions after an entry -----------------------------------------------------


def consents_to_external_ai(ai_settings: Mapping[str, object], settings: Settings) -> bool:
    """Did the user agree to send entry text to the configured LLM's host? Consent to
    another host (the operator changed LLM_BASE_URL since) does not count."""
    host = settings.llm_host
    return host is not None and ai_settings.get(EXTERNAL_AI_CONSENT) == host


def suggestion_budget(settings: Settings) -> float:
    """How long the suggestions of one entry may take in all (the LLM's own timeout, then
    its local fallback)."""
    return LOCAL_BUDGET_SECONDS + (settings.llm_timeout if settings.llm_base_url else 0.0)


async def suggest_after_save(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, saved: SavedEntry
) -> None:
    """Answer the entry just saved: at most one suggested goal, or a warm line instead of a
    goal when the entry speaks of pain (with a pointer to help for self-harm language)."""
    user_id = _user_id(link)
    services = get_services(context)
    engine = services.suggestion_engine
    chat = update.effective_chat
    chat_id = chat.id if chat is not None else link.chat_id
    # Read by the statement that saved the entry: no query of its own.
    enabled = bool(saved.ai_settings.get("enableGrowthSuggestions"))
    care = await care_for_async(saved.entry.content)
    if care is not None:
        # Never a task for someone in pain; the pointer to help goes out whatever the settings.
        if enabled or care == "help":
            await send_html(context.bot, chat_id, html.escape(CARE_LINES[care]))
        return
    if engine is None or not enabled:
        return
    if isinstance(engine, LLMSuggestionEngine) and not consents_to_external_ai(
        saved.ai_settings, services.settings
    ):
        engine = engine.fallback  # the local engine: nothing leaves this machine
    try:
        async with asyncio.timeout(suggestion_budget(services.settings)):
            suggested: Sequence[SuggestedGoal] = await engine.suggest(
                saved.entry.content,
                open_goals=saved.open_goals,
                with_sentiment=bool(saved.ai_settings.get("enableSentimentAnalysis")),
            )
    except TimeoutError:
        logger.warning("goal suggestions took too long; none sent for entry %s", saved.entry.id)
        return
    if not suggested:
        return
    created: list[tuple[Goal, SuggestedGoal]] = []
    async with services.db.sessions.begin() as s:
        # Only entries that earned a suggestion pay for this read.
        rejected = await goals.rejected_goal_texts(s, user_id)
        for suggestion in suggested[:MAX_GOALS]:
            if any(is_similar_goal(suggestion.content, old) for old in rejected):
                continue
            try:
                goal = await goals.create_goal(
                    s,
                    user_id,
                    suggestion.content,
                    source=GoalSource.AI_GENERATED,
                    journal_entry_id=saved.entry.id,
                    related_metric_type=suggestion.related_metric_type,
                )
            except NotFound:  # the entry was deleted meanwhile: nothing to suggest for
                return
            except VocabularyError as exc:  # e.g. too long: skip this one
                logger.info("skipped a goal suggestion: %s", exc)
                continue
            created.append((goal, suggestion))
        if created:
            await goals.expire_suggestions(s, user_id, keep=MAX_PENDING)
    for goal, suggestion in created:
        await send_html(
            context.bot,
            chat_id,
            suggestion_text(goal.content, suggestion.reason),
            suggestion_keyboard(goal.id),
        )


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
        await _answer(update, EXPIRED)
        return
    state = goal_state(goal)
    await _answer(update, ok_toast if change.ok else refusal(action, state))
    if not change.ok and origin == SUGGESTION and state is GoalState.SUGGESTED:
        return  # the suggestion is still open: keep its message (and reason) as it is
    await redraw(update, *card(goal, today_for(link), origin))


def _transition_button(action: str, transition: Transition, ok_toast: str) -> ButtonHandler:
    async def handle(
        update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, data: CallbackData
    ) -> None:
        origin = _origin(data)
        if origin is None or data.uuid is None:
            await _answer(update, EXPIRED)
            return
        async with get_services(context).db.sessions.begin() as s:
            change = await transition(s, _user_id(link), data.uuid)
            waiting = await _waiting(s, link) if origin == PENDING else []
        if origin == PENDING and change.goal is not None:
            state = goal_state(change.goal)
            await _answer(update, ok_toast if change.ok else refusal(action, state))
            done = f"{'✅ Accepted' if state is GoalState.ACCEPTED else '✖ Rejected'}: " + (
                html.escape(change.goal.content)
            )
            await redraw(update, *pending_message(waiting[:MAX_CARDS], done if change.ok else None))
            return
        await _show_outcome(update, link, action, change, origin, ok_toast)

    return handle


async def _waiting(s: AsyncSession, link: Link) -> list[Goal]:
    """The suggestions waiting for an answer, latest first (the most relevant)."""
    open_goals = await goals.list_open_goals(s, _user_id(link))
    suggested = [g for g in open_goals if goal_state(g) is GoalState.SUGGESTED]
    return sorted(suggested, key=lambda g: g.created_at, reverse=True)


async def _current(
    context: ContextTypes.DEFAULT_TYPE, link: Link, data: CallbackData
) -> Goal | None:
    if data.uuid is None:
        return None
    async with get_services(context).db.sessions() as s:
        return await goals.get_goal(s, _user_id(link), data.uuid)


async def on_edit_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, data: CallbackData
) -> None:
    """[✏️ Edit] on a suggestion: ask for the new wording."""
    origin, goal = _origin(data), await _current(context, link, data)
    query = update.callback_query
    if origin is None or goal is None or query is None:
        await _answer(update, EXPIRED)
        return
    state = goal_state(goal)
    if state is not GoalState.SUGGESTED:
        await _show_outcome(update, link, EDIT, GoalChange(Outcome.ALREADY, goal), origin, "")
        return
    message = query.message
    chat_id = message.chat.id if message is not None else link.chat_id
    blocked = await _start_dialog(
        update,
        context,
        EDIT_DIALOG,
        {
            "goal": str(goal.id),
            "chat_id": chat_id,
            "message_id": message.message_id if message is not None else None,
            "origin": origin,
        },
    )
    if blocked is not None:
        await _answer(update, _busy_text(blocked))
        return
    await _answer(update)
    await context.bot.send_message(
        chat_id,
        f"✏️ How would you put it? Send the goal in your own words "
        f"(up to {GOAL_MAX_CHARS} characters) and I'll accept it.\n"
        f"Now: <i>{html.escape(goal.content)}</i>\n\n"
        "/cancel keeps the suggestion as it was.",
    )


async def on_target_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, data: CallbackData
) -> None:
    """[📅 Target date]: the date keyboard in place of the goal's buttons."""
    origin, goal = _origin(data), await _current(context, link, data)
    if origin is None or goal is None:
        await _answer(update, EXPIRED)
        return
    if goal_state(goal) is not GoalState.ACCEPTED:
        await _show_outcome(update, link, TARGET, GoalChange(Outcome.ALREADY, goal), origin, "")
        return
    await _answer(update)
    text, _ = card(goal, today_for(link), origin)
    await redraw(
        update, text + "\n\n📅 When do you want to reach it?", date_keyboard(goal.id, origin)
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
        await _answer(update, EXPIRED)
        return
    today = today_for(link)
    if choice in (BACK, TYPE_DATE):
        goal = await _current(context, link, data)
        if goal is None:
            await _answer(update, EXPIRED)
            return
        if choice == BACK or goal_state(goal) is not GoalState.ACCEPTED:
            change = GoalChange(Outcome.OK if choice == BACK else Outcome.ALREADY, goal)
            await _show_outcome(update, link, TARGET, change, origin, "")
            return
        await _ask_for_date(update, context, link, goal, origin)
        return
    day = _shortcut_date(choice, today)
    async with get_services(context).db.sessions.begin() as s:
        change = await goals.set_target_date(s, _user_id(link), data.uuid, day, today=today)
    toast = f"Target date: {_day(day)}" if day is not None else "Target date cleared"
    await _show_outcome(update, link, TARGET, change, origin, toast)


async def _ask_for_date(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, goal: Goal, origin: str
) -> None:
    query = update.callback_query
    message = query.message if query is not None else None
    chat_id = message.chat.id if message is not None else link.chat_id
    blocked = await _start_dialog(
        update,
        context,
        DATE_DIALOG,
        {
            "goal": str(goal.id),
            "chat_id": chat_id,
            "message_id": message.message_id if message is not None else None,
            "origin": origin,
        },
    )
    if blocked is not None:
        await _answer(update, _busy_text(blocked))
        return
    await _answer(update)
    await context.bot.send_message(
        chat_id,
        f"📅 When do you want to reach <b>{html.escape(goal.content)}</b>?\n"
        f"Send a date like {date_examples(today_for(link))}.\n\n"
        "/cancel keeps the target date as it is.",
    )


async def on_metric_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, data: CallbackData
) -> None:
    origin = _origin(data)
    name = data.arg.partition(".")[2]
    known = {kind.value for kind in MetricType} | {NO_METRIC}
    if origin is None or data.uuid is None or name not in known:
        await _answer(update, EXPIRED)
        return
    metric = None if name == NO_METRIC else name
    async with get_services(context).db.sessions.begin() as s:
        change = await goals.set_related_metric(s, _user_id(link), data.uuid, metric)
    toast = f"Linked to {metric}" if metric else "Not linked to a metric"
    await _show_outcome(update, link, METRIC, change, origin, toast)


async def on_list_completed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, data: CallbackData
) -> None:
    """[Show completed]: the completed goals, most recent first."""
    async with get_services(context).db.sessions() as s:
        done = await goals.list_completed_goals(s, _user_id(link), limit=MAX_COMPLETED_SHOWN)
    await _answer(update)
    chat = update.effective_chat
    chat_id = chat.id if chat is not None else link.chat_id
    if not done:
        await context.bot.send_message(chat_id, "You haven't completed a goal yet. You will!")
        return
    title = "🏆 <b>Completed goals</b>"
    if len(done) == MAX_COMPLETED_SHOWN:
        title += f" (the latest {MAX_COMPLETED_SHOWN})"
    lines = [title]
    for goal in done:
        assert goal.completed_at is not None
        finished = local_date(goal.completed_at.replace(tzinfo=UTC), link.timezone)
        lines.append(f"• {html.escape(goal.content)} — done {_day(finished)}")
    await send_html(context.bot, chat_id, "\n".join(lines))


_BUTTONS: Final[dict[str, ButtonHandler]] = {
    ACCEPT: _transition_button(ACCEPT, goals.accept_goal, "Accepted ✅"),
    REJECT: _transition_button(REJECT, goals.reject_goal, "Rejected"),
    COMPLETE: _transition_button(COMPLETE, goals.complete_goal, "Well done! 🏆"),
    DELETE: _transition_button(DELETE, goals.delete_goal, "Deleted"),
    EDIT: on_edit_button,
    TARGET: on_target_button,
    TARGET_DATE: on_target_date_button,
    METRIC: on_metric_button,
    LIST_DONE: on_list_completed,
}


# --- dialogs ------------------------------------------------------------------------


@logged_in_step(logged_out=NOT_EDITABLE)
async def edit_step(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    state: DialogState,
    answer: Answer,
    link: Link,
) -> None:
    """The new wording of a suggestion: save it and accept the goal."""
    message, user_id = answer.message, answer.telegram_user_id
    services = get_services(context)
    data = data_of(state)
    goal_id = _goal_id_of(data)
    if goal_id is None:
        await end_dialog(context, user_id)
        await answer.reply(NOT_EDITABLE)
        return
    try:
        async with services.db.sessions.begin() as s:
            change = await goals.update_goal_content(
                s, _user_id(link), goal_id, _one_line(answer.text)
            )
            if change.ok:
                accepted = await goals.accept_goal(s, _user_id(link), goal_id)
                change = accepted if accepted.ok else change
            await dialogs.clear_dialog(s, user_id)
    except InvalidInput as exc:  # empty or too long: nothing changed, the dialog stays open
        await message.reply_text(
            f"{html.escape(str(exc))} Send it again, or /cancel to keep the suggestion as it was."
        )
        return
    goal = change.goal
    if goal is None:
        await message.reply_text("That suggestion no longer exists, so there's nothing to edit.")
        return
    if not change.ok:
        await message.reply_text(f"{refusal(EDIT, goal_state(goal))} I left it as it was.")
        return
    await _redraw_stored(context, data, *card(goal, today_for(link), SUGGESTION))
    await message.reply_text(
        f"✅ Accepted your goal: <b>{html.escape(goal.content)}</b>\n"
        "Set a target date or mark it done in /goals."
    )


@logged_in_step(logged_out="Please log in again with /start, then send /goal.")
async def new_goal_step(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    state: DialogState,
    answer: Answer,
    link: Link,
) -> None:
    """The text of a goal asked for by /goal."""
    await _create_user_goal(update, context, link, answer.text, in_dialog=True)


@logged_in_step(logged_out=NOT_CHANGEABLE)
async def date_step(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    state: DialogState,
    answer: Answer,
    link: Link,
) -> None:
    """A typed target date."""
    message, user_id = answer.message, answer.telegram_user_id
    services = get_services(context)
    data = data_of(state)
    goal_id = _goal_id_of(data)
    origin = str(data.get("origin"))
    if goal_id is None or origin not in ORIGINS:
        await end_dialog(context, user_id)
        await answer.reply(NOT_CHANGEABLE)
        return
    today = today_for(link)
    try:
        day = parse_target_date(answer.text, today)
        if day < today:
            raise DateInputError(
                f"{_day(day)} is in the past. Pick today or a later day, "
                f"like {date_examples(today)}."
            )
    except DateInputError as exc:
        await message.reply_text(
            f"{html.escape(str(exc))}\n/cancel keeps the target date as it is."
        )
        return
    async with services.db.sessions.begin() as s:
        change = await goals.set_target_date(s, _user_id(link), goal_id, day, today=today)
        await dialogs.clear_dialog(s, user_id)
    goal = change.goal
    if goal is None:
        await message.reply_text("That goal no longer exists, so there's no date to set.")
        return
    if not change.ok:
        await message.reply_text(f"{refusal(TARGET, goal_state(goal))} I left it as it was.")
        return
    await _redraw_stored(context, data, *card(goal, today, origin))
    line = _target_line(goal, today) or ""
    await message.reply_text(f"Target date set for <b>{html.escape(goal.content)}</b>\n{line}")


async def _restore_card(context: ContextTypes.DEFAULT_TYPE, state: DialogState) -> None:
    """Put a goal's buttons back in place of the date keyboard its dialog left."""
    data = data_of(state)
    goal_id, origin = _goal_id_of(data), str(data.get("origin"))
    if goal_id is None or origin not in ORIGINS:
        return
    async with get_services(context).db.sessions() as s:
        link = await accounts.get_link(s, state.telegram_user_id)
        if link is None or link.user_id is None:
            return
        goal = await goals.get_goal(s, link.user_id, goal_id)
    if goal is not None:
        await _redraw_stored(context, data, *card(goal, today_for(link), origin))


_CANCELLED: Final = {
    EDIT_DIALOG: "Kept the suggestion as it was. You can still accept or reject it.",
    NEW_DIALOG: "Cancelled. No goal was created.",
    DATE_DIALOG: "Kept the target date as it was.",
}


async def goal_dialog_cancelled(context: ContextTypes.DEFAULT_TYPE, state: DialogState) -> str:
    """/cancel in a goal dialog: say what was kept."""
    if state.name == DATE_DIALOG:
        await _restore_card(context, state)
    return _CANCELLED[state.name]


# --- commands -----------------------------------------------------------------------


async def _create_user_goal(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    link: Link,
    text: str,
    *,
    in_dialog: bool,
) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    services = get_services(context)
    try:
        async with services.db.sessions.begin() as s:
            await mark_current_done(s)  # a repeat must not create a second goal
            goal = await goals.create_goal(
                s, _user_id(link), _one_line(text), source=GoalSource.USER_CREATED
            )
            if in_dialog:
                await dialogs.clear_dialog(s, user.id)
    except InvalidInput as exc:
        again = (
            "Send it again, or /cancel."
            if in_dialog
            else "Try again: /goal followed by what you want to achieve."
        )
        await message.reply_text(f"{html.escape(str(exc))} {again}")
        return
    await send_html(context.bot, message.chat_id, *card(goal, today_for(link), NEW))


@logged_in
async def goal_command(update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link) -> None:
    """/goal <text> sets a goal at once; /goal alone asks for it."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    parts = message.text.split(None, 1)
    text = parts[1] if len(parts) > 1 else ""
    if text.strip():
        await _create_user_goal(update, context, link, text, in_dialog=False)
        return
    blocked = await _start_dialog(update, context, NEW_DIALOG, {})
    if blocked is not None:
        await message.reply_text(_busy_text(blocked) + " Then send /goal again.")
        return
    await message.reply_text(
        "🎯 What's your goal? Send it in one message (up to "
        f"{GOAL_MAX_CHARS} characters), or /cancel.\n"
        "<i>For example: Ask for feedback on my presentation this week</i>"
    )


def _goals_header(
    accepted: Sequence[Goal], suggested: Sequence[Goal], completed: int, today: date
) -> str:
    if not accepted and not suggested:
        lines = [
            "You have no open goals. Set one with /goal followed by what you want to "
            "achieve, or just write in your journal and I'll suggest some."
        ]
    else:
        overdue = sum(1 for g in accepted if is_overdue(g, today))
        parts = []
        if accepted:
            late = f" ({overdue} overdue ⚠️)" if overdue else ""
            parts.append(f"🎯 {len(accepted)} in progress{late}")
        if suggested:
            parts.append(f"💡 {plural(len(suggested), 'suggestion')} waiting for an answer")
        lines = ["<b>Your goals</b>", " · ".join(parts)]
        if len(accepted) > MAX_CARDS:
            lines.append(
                f"<i>Showing {MAX_CARDS} of {len(accepted)}: finish some to see the rest.</i>"
            )
    if completed:
        lines.append(f"\n🏆 You've completed {plural(completed, 'goal')}!")
    return "\n".join(lines)


@logged_in
async def goals_command(update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link) -> None:
    """/goals: a summary, a card per goal in progress, then the suggestions waiting for an
    answer together in one message."""
    chat = update.effective_chat
    if chat is None:
        return
    async with get_services(context).db.sessions.begin() as s:
        open_goals = await goals.list_open_goals(s, _user_id(link))
        completed = len(await goals.list_completed_goals(s, _user_id(link)))
        suggested = await _waiting(s, link)
        info = await profile_db.get_profile(s, _user_id(link))
        tracked = await profile_view.tracked_texts(s, _user_id(link))
    today = today_for(link)
    accepted = sorted(
        (g for g in open_goals if goal_state(g) is GoalState.ACCEPTED),
        key=lambda g: (g.target_date or date.max, g.created_at),
    )
    rows = [[_button("🏆 Show completed", LIST_DONE)]] if completed else []
    header = _goals_header(accepted, suggested, completed, today)
    # One goal story: the profile's goals (the web app's) shown here too, with a way to track them.
    if info is not None:
        header += "\n" + "\n".join(profile_view.profile_goal_lines(info, tracked))
        header += "\n\n" + profile_view.GOALS_EXPLAINED
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
