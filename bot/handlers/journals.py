"""/journals: list with entry counts, switch the active journal, create, rename, delete.

Buttons carry ``action:journal-id:``; every id is looked up scoped to the presser, so a
deleted journal or another user's id answers "This button has expired." and changes
nothing. Creating and renaming are dialogs kept in PostgreSQL (/cancel leaves them).
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.buttons import ButtonAction, answer_expired, button_handler
from bot.commands import Command
from bot.dialogs import StepHandler
from bot.inbox_context import mark_current_done
from bot.services import get_services
from bot.session import logged_in
from bot.ui import Answer, ask, logged_in_step, show
from core.callback_data import CallbackData, encode
from core.i18n import N_, _, ngettext
from core.localdates import as_local, day_text
from db import accounts, dialogs, journals
from db.accounts import Link
from db.errors import InvalidInput
from db.journals import TITLE_MAX_CHARS, JournalSummary

COMMANDS = [
    Command("journals", "Your journals: switch, create, rename or delete", "Journal"),
]

NOW_GO_TO: Final = N_("New entries now go to <b>{title}</b>.")
NEW_DIALOG = "journal_new"
RENAME_DIALOG = "journal_rename"
MAX_JOURNALS = 50  # keeps the list (one button each) within one message and keyboard
SHORT_TITLE = 40


class JournalButton(StrEnum):
    """Action codes of the /journals buttons."""

    LIST = "jl"
    OPEN = "jo"
    MAKE_ACTIVE = "ja"
    NEW = "jn"
    RENAME = "jr"
    DELETE = "jd"
    DELETE_CONFIRMED = "jdy"


def _short(title: str, limit: int = SHORT_TITLE) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def _entries_text(count: int) -> str:
    return ngettext("{n} entry", "{n} entries", count).format(n=count)


def _effective_active(
    summaries: list[JournalSummary], chosen: uuid.UUID | None
) -> uuid.UUID | None:
    """Where new entries go: the chosen journal if it still exists, else the first one."""
    ids = [j.id for j in summaries]
    if chosen in ids:
        return chosen
    return ids[0] if ids else None


async def _summaries(
    context: ContextTypes.DEFAULT_TYPE, user_id: uuid.UUID
) -> list[JournalSummary]:
    services = get_services(context)
    async with services.db.sessions() as s:
        return await journals.list_journals_with_counts(s, user_id)


def _back_to_list() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(_("« Journals"), callback_data=encode(JournalButton.LIST))]]
    )


async def _list_screen(
    context: ContextTypes.DEFAULT_TYPE,
    link: Link,
    *,
    note: str = "",
    active: uuid.UUID | None = None,
) -> tuple[str, InlineKeyboardMarkup]:
    assert link.user_id is not None
    summaries = await _summaries(context, link.user_id)
    active_id = _effective_active(summaries, active or link.active_journal_id)
    lines = [note, ""] if note else []
    buttons: list[list[InlineKeyboardButton]] = []
    if not summaries:
        lines.append(
            _(
                "You have no journals. Write to me and I'll start <b>{title}</b>, "
                "or create one below."
            ).format(title=html.escape(accounts.DEFAULT_JOURNAL_TITLE))
        )
    else:
        lines += [_("<b>Your journals</b>"), ""]
        for journal in summaries:
            mark = "✅" if journal.id == active_id else "📓"
            title = html.escape(_short(journal.title))
            suffix = _(" — new entries go here") if journal.id == active_id else ""
            lines.append(f"{mark} <b>{title}</b> · {_entries_text(journal.entry_count)}{suffix}")
            buttons.append(
                [
                    InlineKeyboardButton(
                        f"{mark} {_short(journal.title)} · {journal.entry_count}",
                        callback_data=encode(JournalButton.OPEN, journal.id),
                    )
                ]
            )
        lines += ["", _("Tap a journal to open it.")]
    buttons.append(
        [InlineKeyboardButton(_("➕ New journal"), callback_data=encode(JournalButton.NEW))]
    )
    return "\n".join(lines), InlineKeyboardMarkup(buttons)


@logged_in
async def journals_command(update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    text, markup = await _list_screen(context, link)
    await context.bot.send_message(chat.id, text, reply_markup=markup)


@dataclass(frozen=True)
class PressedJournal:
    """A press on a button naming one of the presser's journals."""

    query: CallbackQuery
    journal: JournalSummary
    summaries: list[JournalSummary]  # all of theirs, with counts


JournalAction = Callable[[Update, ContextTypes.DEFAULT_TYPE, Link, PressedJournal], Awaitable[None]]


def _journal_button(action: JournalAction) -> ButtonAction:
    """A button on one journal: anything but the presser's own is answered "expired"."""

    async def press(
        update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, data: CallbackData
    ) -> None:
        query = update.callback_query
        found = await _own_summary(context, link, data.uuid)
        if query is None or found is None:
            await answer_expired(update)
            return
        await action(update, context, link, PressedJournal(query, *found))

    return press


async def _own_summary(
    context: ContextTypes.DEFAULT_TYPE, link: Link, journal_id: uuid.UUID | None
) -> tuple[JournalSummary, list[JournalSummary]] | None:
    """The presser's journal (with its count) and all their journals; None for any other id."""
    if journal_id is None or link.user_id is None:
        return None
    summaries = await _summaries(context, link.user_id)
    for journal in summaries:
        if journal.id == journal_id:
            return journal, summaries
    return None


async def _on_list(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, data: CallbackData
) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer()
    text, markup = await _list_screen(context, link)
    await show(update, context, text, markup)


@_journal_button
async def _on_open(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, pressed: PressedJournal
) -> None:
    await pressed.query.answer()
    journal, summaries = pressed.journal, pressed.summaries
    is_active = _effective_active(summaries, link.active_journal_id) == journal.id
    created = day_text(as_local(journal.created_at, link.timezone).date())
    lines = [
        f"📓 <b>{html.escape(journal.title)}</b>",
        "",
        _entries_text(journal.entry_count),
        _("Created {day}").format(day=created),
    ]
    if is_active:
        lines += ["", _("✅ This is your active journal: new entries go here.")]
    first_row = (
        []
        if is_active
        else [
            InlineKeyboardButton(
                _("Make active"), callback_data=encode(JournalButton.MAKE_ACTIVE, journal.id)
            )
        ]
    )
    first_row += [
        InlineKeyboardButton(_("Rename"), callback_data=encode(JournalButton.RENAME, journal.id)),
        InlineKeyboardButton(_("Delete"), callback_data=encode(JournalButton.DELETE, journal.id)),
    ]
    markup = InlineKeyboardMarkup(
        [first_row, [InlineKeyboardButton(_("« Back"), callback_data=encode(JournalButton.LIST))]]
    )
    await show(update, context, "\n".join(lines), markup)


async def _on_make_active(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, data: CallbackData
) -> None:
    assert update.callback_query is not None and link.user_id is not None
    journal = None
    async with get_services(context).db.sessions.begin() as s:
        if data.uuid is not None:
            journal = await journals.get_journal(s, link.user_id, data.uuid)
        if journal is not None:
            await accounts.set_active_journal(s, link.telegram_user_id, journal.id)
    if journal is None:
        await answer_expired(update)
        return
    await update.callback_query.answer(
        _("New entries now go to {title}.").format(title=_short(journal.title))
    )
    text, markup = await _list_screen(
        context,
        link,
        note=_(NOW_GO_TO).format(title=html.escape(journal.title)),
        active=journal.id,
    )
    await show(update, context, text, markup)


async def _on_new(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, data: CallbackData
) -> None:
    assert update.callback_query is not None and link.user_id is not None
    chat = update.effective_chat
    if chat is None:
        return
    summaries = await _summaries(context, link.user_id)
    if len(summaries) >= MAX_JOURNALS:
        await update.callback_query.answer()
        await context.bot.send_message(
            chat.id,
            _(
                "You have {n} journals, the most I can keep for one account. "
                "Delete one you no longer need with /journals, then create the new one."
            ).format(n=MAX_JOURNALS),
        )
        return
    await update.callback_query.answer()
    question = _(
        "What should the new journal be called? Send a title of 1–{max} characters, or /cancel."
    ).format(max=TITLE_MAX_CHARS)
    await ask(update, context, NEW_DIALOG, "title", question)


async def _on_rename(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, data: CallbackData
) -> None:
    assert update.callback_query is not None
    chat = update.effective_chat
    found = await _own_summary(context, link, data.uuid)
    if found is None or chat is None:
        await answer_expired(update)
        return
    journal = found[0]
    await update.callback_query.answer()
    question = _(
        "What should <b>{title}</b> be called instead? Send a title of "
        "1–{max} characters, or /cancel to keep the name."
    ).format(title=html.escape(journal.title), max=TITLE_MAX_CHARS)
    await ask(update, context, RENAME_DIALOG, "title", question, {"journal_id": str(journal.id)})


@_journal_button
async def _on_delete(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, pressed: PressedJournal
) -> None:
    journal = pressed.journal
    await pressed.query.answer()
    title, count = html.escape(journal.title), journal.entry_count
    if count:
        question = ngettext(
            "Delete “{title}” and its {n} entry? This can't be undone.",
            "Delete “{title}” and its {n} entries? This can't be undone.",
            count,
        ).format(title=title, n=count)
    else:
        question = _("Delete “{title}”? It has no entries. This can't be undone.").format(
            title=title
        )
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    _("Yes, delete"),
                    callback_data=encode(JournalButton.DELETE_CONFIRMED, journal.id),
                ),
                InlineKeyboardButton(
                    _("Keep it"), callback_data=encode(JournalButton.OPEN, journal.id)
                ),
            ]
        ]
    )
    await show(update, context, question, markup)


async def _on_delete_confirmed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, data: CallbackData
) -> None:
    assert update.callback_query is not None and link.user_id is not None
    if data.uuid is None:
        await answer_expired(update)
        return
    services = get_services(context)
    async with services.db.sessions.begin() as s:
        journal = await journals.get_journal(s, link.user_id, data.uuid)
        title = journal.title if journal is not None else ""
        was_active = False
        if journal is not None:
            before = await journals.list_journals_with_counts(s, link.user_id)
            was_active = _effective_active(before, link.active_journal_id) == journal.id
        deleted = await journals.delete_journal(s, link.user_id, data.uuid)
        successor = None
        if deleted is not None and was_active:
            successor = await journals.first_journal(s, link.user_id)
            if successor is not None:
                await accounts.set_active_journal(s, link.telegram_user_id, successor.id)
    if deleted is None:
        await answer_expired(update)
        return
    await update.callback_query.answer(_("Deleted."))
    note = (
        ngettext(
            "Deleted “{title}” and its {n} entry.",
            "Deleted “{title}” and its {n} entries.",
            deleted,
        )
        if deleted
        else _("Deleted “{title}”.")
    ).format(title=html.escape(title), n=deleted)
    if successor is not None:
        note += " " + _(NOW_GO_TO).format(title=html.escape(successor.title))
    text, markup = await _list_screen(
        context, link, note=note, active=successor.id if successor is not None else None
    )
    await show(update, context, text, markup)


# --- dialogs ------------------------------------------------------------------------


async def _typed_title(answer: Answer) -> str | None:
    """The title typed (one line: newlines and runs of spaces become single spaces); None
    after asking for another when it is empty or too long."""
    try:
        return journals.clean_title(" ".join(answer.text.split()))
    except InvalidInput as exc:
        await answer.reply(
            _("{problem} Please send another title, or /cancel.").format(
                problem=html.escape(str(exc))
            )
        )
        return None


@logged_in_step()
async def new_title_step(
    update: Update, context: ContextTypes.DEFAULT_TYPE, answer: Answer, link: Link
) -> None:
    assert link.user_id is not None
    if (title := await _typed_title(answer)) is None:
        return
    services = get_services(context)
    async with services.db.sessions.begin() as s:
        await mark_current_done(s)  # a repeat must not create a second journal
        journal = await journals.create_journal(s, link.user_id, title)
        await accounts.set_active_journal(s, link.telegram_user_id, journal.id)
        await dialogs.clear_dialog(s, link.telegram_user_id)
    await answer.message.reply_text(
        _(
            "Created <b>{title}</b> 📓 New entries go there now; "
            "switch back any time with /journals."
        ).format(title=html.escape(journal.title)),
        reply_markup=_back_to_list(),
    )


@logged_in_step()
async def rename_title_step(
    update: Update, context: ContextTypes.DEFAULT_TYPE, answer: Answer, link: Link
) -> None:
    assert link.user_id is not None
    if (title := await _typed_title(answer)) is None:
        return
    try:
        journal_id: uuid.UUID | None = uuid.UUID(str(answer.data.get("journal_id", "")))
    except ValueError:
        journal_id = None
    services = get_services(context)
    async with services.db.sessions.begin() as s:
        old = renamed = None
        old_title = ""
        if journal_id is not None:
            old = await journals.get_journal(s, link.user_id, journal_id)
            old_title = old.title if old is not None else ""
            renamed = await journals.rename_journal(s, link.user_id, journal_id, title)
        await dialogs.clear_dialog(s, link.telegram_user_id)
    if old is None or renamed is None:
        await answer.message.reply_text(
            _("That journal no longer exists, so there was nothing to rename."),
            reply_markup=_back_to_list(),
        )
        return
    await answer.message.reply_text(
        _("Renamed “{old}” to <b>{new}</b>.").format(
            old=html.escape(old_title), new=html.escape(renamed.title)
        ),
        reply_markup=_back_to_list(),
    )


# --- buttons ------------------------------------------------------------------------

_ACTIONS: Final[Mapping[str, ButtonAction]] = {
    JournalButton.LIST: _on_list,
    JournalButton.OPEN: _on_open,
    JournalButton.MAKE_ACTIVE: _on_make_active,
    JournalButton.NEW: _on_new,
    JournalButton.RENAME: _on_rename,
    JournalButton.DELETE: _on_delete,
    JournalButton.DELETE_CONFIRMED: _on_delete_confirmed,
}


# The dialogs this feature runs (bot.app combines every feature's).
DIALOGS: Final[Mapping[str, StepHandler]] = {
    NEW_DIALOG: new_title_step,
    RENAME_DIALOG: rename_title_step,
}


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("journals", journals_command))
    app.add_handler(button_handler(_ACTIONS))
