"""The goal dialogs: new wording for a suggestion, a new goal, a typed target date."""

from __future__ import annotations

import functools
import html
import uuid
from collections.abc import Awaitable, Callable
from typing import Final

from telegram import Update
from telegram.ext import ContextTypes

from bot.dialogs import StepHandler, data_of
from bot.handlers.goal_views import (
    DATE_DIALOG,
    EDIT,
    EDIT_DIALOG,
    NEW,
    NEW_DIALOG,
    NOT_CHANGEABLE,
    NOT_EDITABLE,
    ORIGINS,
    SUGGESTION,
    TARGET,
    card,
    day_text,
    goal_id_of,
    one_line,
    redraw_goal,
    refusal,
    target_line,
    today_for,
    user_id_of,
)
from bot.inbox_context import mark_current_done
from bot.messaging import send_html
from bot.services import get_services
from bot.ui import Answer, end_dialog, logged_in_step
from core.dates import (
    DateInputError,
    date_examples,
    parse_target_date,
)
from core.i18n import N_, _
from core.vocab import GoalSource
from db import accounts, dialogs, goals
from db.accounts import Link
from db.errors import InvalidInput
from db.goals import GoalChange, goal_state
from db.models import DialogState, Goal

# --- dialogs ------------------------------------------------------------------------


GoalStep = Callable[[ContextTypes.DEFAULT_TYPE, Answer, Link, uuid.UUID, str], Awaitable[None]]


def _goal_step(gone: str) -> Callable[[GoalStep], StepHandler]:
    """A step of a dialog about one goal: the handler also gets the goal's id and the
    origin of the message the dialog started from. When the writer is logged out or the
    dialog's data names no goal, the dialog ends and the user is told ``gone``."""

    def decorate(handler: GoalStep) -> StepHandler:
        @logged_in_step(logged_out=gone)
        @functools.wraps(handler)
        async def step(
            update: Update, context: ContextTypes.DEFAULT_TYPE, answer: Answer, link: Link
        ) -> None:
            goal_id, origin = goal_id_of(answer.data), str(answer.data.get("origin"))
            if goal_id is None or origin not in ORIGINS:
                await end_dialog(context, answer.telegram_user_id)
                await answer.reply(_(gone))
                return
            await handler(context, answer, link, goal_id, origin)

        return step

    return decorate


async def _changed(answer: Answer, change: GoalChange, action: str, gone: str) -> Goal | None:
    """The goal a dialog's answer changed; None after telling the user why nothing did."""
    goal = change.goal
    if goal is None:
        await answer.reply(gone)
        return None
    if not change.ok:
        await answer.reply(
            _("{refusal} I left it as it was.").format(refusal=refusal(action, goal_state(goal)))
        )
        return None
    return goal


@_goal_step(NOT_EDITABLE)
async def edit_step(
    context: ContextTypes.DEFAULT_TYPE, answer: Answer, link: Link, goal_id: uuid.UUID, origin: str
) -> None:
    """The new wording of a suggestion: save it and accept the goal."""
    try:
        async with get_services(context).db.sessions.begin() as s:
            change = await goals.update_goal_content(
                s, user_id_of(link), goal_id, one_line(answer.text)
            )
            if change.ok:
                accepted = await goals.accept_goal(s, user_id_of(link), goal_id)
                change = accepted if accepted.ok else change
            await dialogs.clear_dialog(s, answer.telegram_user_id)
    except InvalidInput as exc:  # empty or too long: nothing changed, the dialog stays open
        await answer.reply(
            _("{error} Send it again, or /cancel to keep the suggestion as it was.").format(
                error=html.escape(str(exc))
            )
        )
        return
    gone = _("That suggestion no longer exists, so there's nothing to edit.")
    if (goal := await _changed(answer, change, EDIT, gone)) is None:
        return
    await redraw_goal(context, answer.data, *card(goal, today_for(link), SUGGESTION))
    await answer.reply(
        _(
            "✅ Accepted your goal: <b>{goal}</b>\nSet a target date or mark it done in /goals."
        ).format(goal=html.escape(goal.content))
    )


@logged_in_step(logged_out=N_("Please log in again with /start, then send /goal."))
async def new_goal_step(
    update: Update, context: ContextTypes.DEFAULT_TYPE, answer: Answer, link: Link
) -> None:
    """The text of a goal asked for by /goal."""
    await create_user_goal(update, context, link, answer.text, in_dialog=True)


@_goal_step(NOT_CHANGEABLE)
async def date_step(
    context: ContextTypes.DEFAULT_TYPE, answer: Answer, link: Link, goal_id: uuid.UUID, origin: str
) -> None:
    """A typed target date."""
    today = today_for(link)
    try:
        day = parse_target_date(answer.text, today)
        if day < today:
            raise DateInputError(
                _("{day} is in the past. Pick today or a later day, like {examples}.").format(
                    day=day_text(day), examples=date_examples(today)
                )
            )
    except DateInputError as exc:
        await answer.reply(
            _("{error}\n/cancel keeps the target date as it is.").format(
                error=html.escape(str(exc))
            )
        )
        return
    async with get_services(context).db.sessions.begin() as s:
        change = await goals.set_target_date(s, user_id_of(link), goal_id, day, today=today)
        await dialogs.clear_dialog(s, answer.telegram_user_id)
    gone = _("That goal no longer exists, so there's no date to set.")
    if (goal := await _changed(answer, change, TARGET, gone)) is None:
        return
    await redraw_goal(context, answer.data, *card(goal, today, origin))
    line = target_line(goal, today) or ""
    await answer.reply(
        _("Target date set for <b>{goal}</b>\n{line}").format(
            goal=html.escape(goal.content), line=line
        )
    )


async def restore_card(context: ContextTypes.DEFAULT_TYPE, state: DialogState) -> None:
    """Put a goal's buttons back in place of the date keyboard its dialog left."""
    data = data_of(state)
    goal_id, origin = goal_id_of(data), str(data.get("origin"))
    if goal_id is None or origin not in ORIGINS:
        return
    async with get_services(context).db.sessions() as s:
        link = await accounts.get_link(s, state.telegram_user_id)
        if link is None or link.user_id is None:
            return
        goal = await goals.get_goal(s, link.user_id, goal_id)
    if goal is not None:
        await redraw_goal(context, data, *card(goal, today_for(link), origin))


_CANCELLED: Final = {
    EDIT_DIALOG: N_("Kept the suggestion as it was. You can still accept or reject it."),
    NEW_DIALOG: N_("Cancelled. No goal was created."),
    DATE_DIALOG: N_("Kept the target date as it was."),
}


async def goal_dialog_cancelled(context: ContextTypes.DEFAULT_TYPE, state: DialogState) -> str:
    """/cancel in a goal dialog: say what was kept."""
    if state.name == DATE_DIALOG:
        await restore_card(context, state)
    return _(_CANCELLED[state.name])


# --- creating a goal (/goal and its dialog) ------------------------------------------


async def create_user_goal(
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
                s, user_id_of(link), one_line(text), source=GoalSource.USER_CREATED
            )
            if in_dialog:
                await dialogs.clear_dialog(s, user.id)
    except InvalidInput as exc:
        again = (
            _("{error} Send it again, or /cancel.")
            if in_dialog
            else _("{error} Try again: /goal followed by what you want to achieve.")
        )
        await message.reply_text(again.format(error=html.escape(str(exc))))

        return
    await send_html(context.bot, message.chat_id, *card(goal, today_for(link), NEW))
