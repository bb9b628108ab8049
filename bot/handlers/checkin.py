"""Growth metrics in: /checkin walks through the five metrics with buttons; /rate records one.

A check-in lives in the database dialog ("checkin"): the step is the metric being asked
(or "note" at the end) and the data holds the answers so far, so a restart carries on.
Every button carries the dialog's random ``nonce``: a press on an older check-in message
(after /cancel or a newer /checkin) finds another nonce, or none, and has expired.
/rate without arguments uses a small dialog of its own ("rate") in the same way.
"""

from __future__ import annotations

import html
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.buttons import EXPIRED, button_handler
from bot.commands import Command
from bot.dialogs import CancelHandler, StepHandler, data_of
from bot.inbox_context import mark_current_done
from bot.services import get_services
from bot.session import ask_to_log_in, load_link, logged_in
from bot.ui import Answer, redraw_stored, show, text_step
from core.callback_data import CallbackData, encode
from core.charts import metric_label
from core.dates import month_start
from core.i18n import N_, _, decimal
from core.vocab import (
    METRIC_DESCRIPTIONS,
    METRIC_MAX,
    METRIC_MIN,
    MetricType,
    VocabularyError,
    parse_metric_type,
    parse_metric_value,
)
from db import dialogs, metrics
from db.accounts import Link
from db.errors import InvalidInput
from db.models import DialogState

COMMANDS = [
    Command("checkin", "Rate your five growth metrics, one tap each", "Growth metrics"),
    Command(
        "rate",
        "Rate one metric in one line",
        "Growth metrics",
        usage="/rate resilience 7 [note]",
    ),
]

CHECKIN = "checkin"
RATE = "rate"
NOTE_STEP = "note"  # check-in: all five asked, waiting for an optional note
PICK_STEP = "pick"  # /rate: waiting for the metric button

METRICS: tuple[MetricType, ...] = tuple(MetricType)
NAMES = frozenset(m.value for m in METRICS)
CHOICES = ", ".join(m.value for m in METRICS)
CANCELLED = N_("Check-in cancelled, nothing saved.")  # shown through _()
RATE_CANCELLED = N_("Rating cancelled, nothing saved.")

# Button actions (all start with "c"); the callback ident is the dialog's nonce.
VALUE = "cv"  # check-in rating, arg "metric.value"
SKIP = "cs"  # check-in skip, arg "metric"
NO_NOTE = "cn"  # check-in: save without a note
CANCEL = "cx"  # cancel the check-in or the /rate buttons
PICK = "cm"  # /rate: choose the metric, arg "metric"
RATE_VALUE = "cr"  # /rate rating, arg "metric.value"
BUTTONS: Final = (VALUE, SKIP, NO_NOTE, CANCEL, PICK, RATE_VALUE)


def label(kind: MetricType) -> str:
    """The metric's name as shown, in the user's language."""
    return metric_label(kind.value)


def _new_nonce() -> int:
    return secrets.randbits(48) + 1


# --- keyboards and texts --------------------------------------------------------------------


def _value_rows(action: str, nonce: int, kind: MetricType) -> list[list[InlineKeyboardButton]]:
    """1–10 in two rows of five."""
    return [
        [
            InlineKeyboardButton(str(v), callback_data=encode(action, nonce, f"{kind.value}.{v}"))
            for v in range(first, first + 5)
        ]
        for first in (METRIC_MIN, METRIC_MIN + 5)
    ]


def _cancel_button(nonce: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(_("Cancel"), callback_data=encode(CANCEL, nonce))


def _checkin_keyboard(nonce: int, kind: MetricType) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            *_value_rows(VALUE, nonce, kind),
            [
                InlineKeyboardButton(_("Skip"), callback_data=encode(SKIP, nonce, kind.value)),
                _cancel_button(nonce),
            ],
        ]
    )


def _note_keyboard(nonce: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(_("No note"), callback_data=encode(NO_NOTE, nonce)),
                _cancel_button(nonce),
            ]
        ]
    )


def _metric_keyboard(nonce: int) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(label(kind), callback_data=encode(PICK, nonce, kind.value))
        for kind in METRICS
    ]
    return InlineKeyboardMarkup([buttons[:3], buttons[3:], [_cancel_button(nonce)]])


def _rate_keyboard(nonce: int, kind: MetricType) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([*_value_rows(RATE_VALUE, nonce, kind), [_cancel_button(nonce)]])


Answers = dict[str, int | None]  # metric -> rating, None when skipped; in the order asked
Keyboard = Callable[[int], InlineKeyboardMarkup]  # the buttons for a dialog's nonce


def _answers(state: DialogState) -> Answers:
    """The answers so far, in the order asked (JSONB does not keep key order)."""
    raw = data_of(state).get("answers")
    answers: Answers = {}
    if isinstance(raw, dict):
        for kind in METRICS:
            value = raw.get(kind.value, False)
            if value is None or (isinstance(value, int) and not isinstance(value, bool)):
                answers[kind.value] = value
    return answers


def _answers_line(answers: Mapping[str, int | None]) -> str:
    return " · ".join(
        _("{metric} skipped").format(metric=label(MetricType(k)))
        if v is None
        else f"{label(MetricType(k))} {v}"
        for k, v in answers.items()
    )


def _question_text(kind: MetricType, answers: Answers) -> str:
    number = METRICS.index(kind) + 1
    lines = [
        _("<b>Check-in</b> · {number} of {total}").format(number=number, total=len(METRICS)),
        "",
        f"<b>{label(kind)}</b> — {html.escape(_(METRIC_DESCRIPTIONS[kind]))}",
        _("How would you rate it lately, from {low} (low) to {high} (high)?").format(
            low=METRIC_MIN, high=METRIC_MAX
        ),
    ]
    if answers:
        lines += ["", _("So far: {answers}").format(answers=_answers_line(answers))]
    return "\n".join(lines)


def _note_text(answers: Answers) -> str:
    heading = _("<b>Check-in</b> · almost done")
    question = _("Add a note about how things are going? Type it now, or tap <b>No note</b>.")
    return f"{heading}\n\n{_answers_line(answers)}\n\n{question}"


def _rate_question(kind: MetricType) -> str:
    question = _("Your rating, from {low} (low) to {high} (high)?").format(
        low=METRIC_MIN, high=METRIC_MAX
    )
    return f"<b>{label(kind)}</b> — {html.escape(_(METRIC_DESCRIPTIONS[kind]))}\n{question}"


def _averages_line(averages: Mapping[MetricType, float]) -> str:
    parts = [f"{label(kind)} {decimal(averages[kind])}" for kind in METRICS if kind in averages]
    return _("Your average this month: {averages}").format(averages=" · ".join(parts))


# --- saving ---------------------------------------------------------------------------------


async def _save(
    s: AsyncSession,
    link: Link,
    ratings: Mapping[MetricType, int],
    note: str | None,
) -> str:
    """Record one row per rating (same note on each) and word the summary; InvalidInput
    (a note too long) leaves the caller's transaction to roll back."""
    assert link.user_id is not None
    await mark_current_done(s)  # a repeat must not record the ratings twice
    for kind, value in ratings.items():
        note = (await metrics.record_metric(s, link.user_id, kind, value, note)).notes
    now = datetime.now(UTC)
    averages = await metrics.metric_averages(
        s,
        link.user_id,
        month_start(now, link.timezone),
        month_start(now, link.timezone, shift=1),
    )
    saved = " · ".join(f"{label(kind)} {value}" for kind, value in ratings.items())
    lines = [_("✅ {ratings} saved.").format(ratings=saved)]
    if note:
        lines.append(_("Note: {note}").format(note=html.escape(note)))
    lines += ["", _averages_line(averages), _("See the trend with /progress.")]
    return "\n".join(lines)


# --- showing --------------------------------------------------------------------------------


async def _retire(context: ContextTypes.DEFAULT_TYPE, state: DialogState | None, text: str) -> None:
    """Take the buttons off the message of a dialog that ended outside its buttons."""
    if state is None:
        return
    data = data_of(state)
    # Too old, deleted or already without buttons: nothing to tidy.
    await redraw_stored(context.bot, data.get("chat_id"), data.get("message_id"), text)


def _busy_text(state: DialogState, command: str) -> str:
    if state.name == "write":
        return _(
            "You have an unsaved /write draft. Send /done to save it or /cancel to discard it, "
            "then {command} again."
        ).format(command=command)
    return _(
        "You're in the middle of something else. Finish it or send /cancel, then {command} again."
    ).format(command=command)


async def _start_dialog(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    name: str,
    step: str,
    text: str,
    keyboard: Keyboard,
    *,
    replaces: tuple[str, ...],
    extra: dict[str, Any] | None = None,
) -> DialogState | None:
    """Send ``text`` with ``keyboard(nonce)`` and make it the user's dialog ``name``.

    While another dialog is open whose name is not in ``replaces``, sends nothing and
    returns that dialog: a /write draft is never thrown away by a check-in.
    """
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    services = get_services(context)
    async with services.db.sessions.begin() as s:
        old = await dialogs.get_dialog(s, user.id)
    if old is not None and old.name not in replaces:
        return old
    nonce = _new_nonce()
    message = await context.bot.send_message(chat.id, text, reply_markup=keyboard(nonce))
    data = {"nonce": nonce, "chat_id": chat.id, "message_id": message.message_id, **(extra or {})}
    async with services.db.sessions.begin() as s:
        await dialogs.set_dialog(s, user.id, name, step, data)
    if old is not None:
        if old.name == CHECKIN:
            replaced = _("This check-in was replaced by a newer one.")
        else:
            replaced = _("This rating was replaced by a newer one.")
        await _retire(context, old, replaced)
    return None


# --- /checkin -------------------------------------------------------------------------------


@logged_in
async def checkin(update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link) -> None:
    message = update.effective_message
    if message is None:
        return
    first = METRICS[0]
    blocked_by = await _start_dialog(
        update,
        context,
        CHECKIN,
        first.value,
        _question_text(first, {}),
        lambda nonce: _checkin_keyboard(nonce, first),
        replaces=(CHECKIN, RATE),
        extra={"answers": {}},
    )
    if blocked_by is not None:
        await message.reply_text(_busy_text(blocked_by, "/checkin"))


@dataclass(frozen=True)
class _Result:
    text: str
    markup: InlineKeyboardMarkup | None = None
    toast: str | None = None


def _rating(arg: str, expected_step: str) -> tuple[MetricType, int] | None:
    """``metric.value`` from a button, if it is for the metric being asked and in range."""
    name, _dot, value = arg.partition(".")
    if name != expected_step or not value.isdigit() or len(value) > 2:
        return None
    try:
        return parse_metric_type(name), parse_metric_value(value)
    except VocabularyError:
        return None


async def _advance(s: AsyncSession, user_id: int, state: DialogState, answers: Answers) -> _Result:
    """The next question, the note question after the last one, or the end if all skipped."""
    data = data_of(state)
    nonce = int(data["nonce"])
    asked = [kind for kind in METRICS if kind.value in answers]
    remaining = [kind for kind in METRICS if kind not in asked]
    if remaining:
        kind = remaining[0]
        await dialogs.set_dialog(s, user_id, CHECKIN, kind.value, {**data, "answers": answers})
        return _Result(_question_text(kind, answers), _checkin_keyboard(nonce, kind))
    if all(v is None for v in answers.values()):
        await dialogs.clear_dialog(s, user_id)
        return _Result(
            _("You skipped all five, so nothing was saved. Check in again any time with /checkin.")
        )
    await dialogs.set_dialog(s, user_id, CHECKIN, NOTE_STEP, {**data, "answers": answers})
    return _Result(_note_text(answers), _note_keyboard(nonce))


def _ratings(answers: Answers) -> dict[MetricType, int]:
    return {MetricType(k): v for k, v in answers.items() if v is not None}


async def _apply(
    s: AsyncSession, link: Link, state: DialogState, press: CallbackData
) -> _Result | None:
    """What a press does to the dialog it belongs to; None when it does not fit the step."""
    user_id = link.telegram_user_id
    if press.action == CANCEL:
        await dialogs.clear_dialog(s, user_id)
        cancelled = CANCELLED if state.name == CHECKIN else RATE_CANCELLED
        return _Result(_(cancelled), toast=_("Cancelled"))

    if state.name == CHECKIN:
        answers = _answers(state)
        if press.action == VALUE:
            rating = _rating(press.arg, state.step)
            if rating is None:
                return None
            answers[rating[0].value] = rating[1]
            return await _advance(s, user_id, state, answers)
        if press.action == SKIP and press.arg == state.step and state.step in NAMES:
            answers[state.step] = None
            return await _advance(s, user_id, state, answers)
        if press.action == NO_NOTE and state.step == NOTE_STEP:
            await dialogs.clear_dialog(s, user_id)
            return _Result(await _save(s, link, _ratings(answers), None), toast="Saved")
        return None

    if state.name == RATE:
        if press.action == PICK and state.step == PICK_STEP and press.arg in NAMES:
            kind = MetricType(press.arg)
            await dialogs.set_dialog(s, user_id, RATE, kind.value, data_of(state))
            return _Result(_rate_question(kind), _rate_keyboard(int(data_of(state)["nonce"]), kind))
        if press.action == RATE_VALUE:
            rating = _rating(press.arg, state.step)
            if rating is None:
                return None
            await dialogs.clear_dialog(s, user_id)
            return _Result(await _save(s, link, {rating[0]: rating[1]}, None), toast="Saved")
    return None


async def on_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, press: CallbackData
) -> None:
    query = update.callback_query
    if query is None:
        return
    result: _Result | None = None
    if press.number is not None:
        async with get_services(context).db.sessions.begin() as s:
            state = await dialogs.lock_dialog(s, link.telegram_user_id)
            if (
                state is not None
                and state.name in (CHECKIN, RATE)
                and data_of(state).get("nonce") == press.number
            ):
                result = await _apply(s, link, state, press)
    if result is None:
        await query.answer(_(EXPIRED))
        return
    await query.answer(result.toast)
    await show(update, context, result.text, result.markup)


@text_step
async def checkin_text(update: Update, context: ContextTypes.DEFAULT_TYPE, answer: Answer) -> None:
    """Typed text during a check-in: the note at the end, a nudge before that."""
    message = answer.message
    if answer.step != NOTE_STEP:
        kind = MetricType(answer.step) if answer.step in NAMES else METRICS[0]
        await message.reply_text(
            _(
                "You're in the middle of a check-in: tap a number for <b>{metric}</b> above, "
                "or Skip, or send /cancel. (That message wasn't saved.)"
            ).format(metric=label(kind))
        )
        return
    link = await load_link(update, context)
    if link is None or not link.logged_in:
        await ask_to_log_in(update, context, link)
        return
    summary: str | None = None
    try:
        async with get_services(context).db.sessions.begin() as s:
            current = await dialogs.lock_dialog(s, link.telegram_user_id)
            if current is not None and current.name == CHECKIN and current.step == NOTE_STEP:
                await dialogs.clear_dialog(s, link.telegram_user_id)
                summary = await _save(s, link, _ratings(_answers(current)), answer.text)
    except InvalidInput as exc:  # too long: nothing saved, the dialog is still open
        await message.reply_text(
            _("{error} Send a shorter note, or tap No note.").format(error=html.escape(str(exc)))
        )
        return
    if summary is None:  # the check-in ended meanwhile (another device, another process)
        return
    await _retire(context, current, _("Check-in complete ✅"))
    await message.reply_text(summary)


async def checkin_cancelled(context: ContextTypes.DEFAULT_TYPE, state: DialogState) -> str:
    await _retire(context, state, _("Check-in cancelled."))
    return _(CANCELLED)


async def rate_cancelled(context: ContextTypes.DEFAULT_TYPE, state: DialogState) -> str:
    await _retire(context, state, _("Rating cancelled."))
    return _(RATE_CANCELLED)


# --- /rate ----------------------------------------------------------------------------------


async def _offer(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    text: str,
    step: str,
    keyboard: Keyboard,
) -> None:
    """Reply with buttons (a /rate dialog), or with the text alone while another dialog,
    such as a check-in, is open: a typo in /rate must not throw that away."""
    blocked_by = await _start_dialog(update, context, RATE, step, text, keyboard, replaces=(RATE,))
    if blocked_by is not None and update.effective_message is not None:
        await update.effective_message.reply_text(text)


def _usage(kind: MetricType | None = None) -> str:
    name = kind.value if kind is not None else "resilience"  # the word /rate understands
    return _("For example: <code>/rate {metric} 7 bounced back after the exam</code>").format(
        metric=name
    )


@logged_in
async def rate(update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link) -> None:
    message = update.effective_message
    if message is None or message.text is None or link.user_id is None:
        return
    # "/rate <metric> <value> <note...>": the note keeps its own spacing.
    args = message.text.split(None, 3)[1:]
    if not args:
        await _offer(
            update,
            context,
            _("Which metric do you want to rate? Tap one (or send it in one line).")
            + f"\n{_usage()}",
            PICK_STEP,
            _metric_keyboard,
        )
        return
    try:
        kind = parse_metric_type(args[0])
    except VocabularyError:
        await _offer(
            update,
            context,
            _("“{text}” isn't one of the five metrics. Choose one of: {choices}.").format(
                text=html.escape(args[0][:40]), choices=CHOICES
            )
            + f"\n{_usage()}",
            PICK_STEP,
            _metric_keyboard,
        )
        return
    if len(args) == 1:
        await _offer(
            update,
            context,
            f"{_rate_question(kind)}\n{_usage(kind)}",
            kind.value,
            lambda nonce: _rate_keyboard(nonce, kind),
        )
        return
    try:
        value = parse_metric_value(args[1])
    except ValueError:  # VocabularyError, or int() of a digit like "²"
        await _offer(
            update,
            context,
            _("A rating is a whole number from {low} to {high}, not “{text}”.").format(
                low=METRIC_MIN, high=METRIC_MAX, text=html.escape(args[1][:20])
            )
            + f"\n{_usage(kind)}",
            kind.value,
            lambda nonce: _rate_keyboard(nonce, kind),
        )
        return
    try:
        async with get_services(context).db.sessions.begin() as s:
            summary = await _save(s, link, {kind: value}, args[2] if len(args) > 2 else None)
    except InvalidInput as exc:
        await message.reply_text(html.escape(str(exc)))
        return
    await message.reply_text(summary)


# The dialogs this feature runs (bot.app combines every feature's).
DIALOGS: Final[Mapping[str, StepHandler]] = {
    CHECKIN: checkin_text,
}
CANCELLERS: Final[Mapping[str, CancelHandler]] = {
    CHECKIN: checkin_cancelled,
    RATE: rate_cancelled,
}


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("checkin", checkin))
    app.add_handler(CommandHandler("rate", rate))
    app.add_handler(button_handler(dict.fromkeys(BUTTONS, on_button)))
