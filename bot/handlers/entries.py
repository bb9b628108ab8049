"""Reading back: /entries (browse, open, edit, delete), /search and /today.

Buttons carry ``action:entry-or-journal-id:origin``. The origin says where the entry
was opened from: a page number of the /entries list (the view replaces the list in
place and [« Back] returns to that page) or ``n`` (search, today, edits: the entry is
sent as a new message). Every id from a button is looked up scoped to the presser, so
another user's id behaves like a deleted entry: "This button has expired."
"""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.buttons import ButtonAction, answer_expired, button_handler
from bot.commands import Command
from bot.dialogs import StepHandler
from bot.handlers import media
from bot.messaging import send_html
from bot.services import get_services
from bot.session import Me, logged_in, logged_in_chat
from bot.ui import Answer, ask, logged_in_step, show
from core.callback_data import CallbackData, encode
from core.i18n import N_, _, ngettext
from core.i18n import current as current_language
from core.localdates import moment_text
from core.richtext import to_plain, to_stored_html, to_telegram_html
from core.tags import tags_of_content
from core.textsplit import split_html
from db import dialogs, entries, journals, tags
from db.accounts import Link
from db.entries import SearchHit
from db.errors import InvalidInput
from db.models import Entry, Journal

COMMANDS = [
    Command(
        "entries",
        "Browse, edit and delete your entries; filter by #tag or date (last week, 2026-11)",
        "Journal",
        usage="/entries [#tag] [date]",
    ),
    Command("search", "Search all your journals", "Journal", usage="/search words [#tag]"),
]

PAGE_SIZE = 5
PREVIEW_CHARS = 80
SEARCH_LIMIT = 10
MAX_PAGE = 1_000_000
EDIT_DIALOG = "entry_edit"
STANDALONE = "n"  # origin of an entry opened outside the /entries list
TAP_NUMBER: Final = N_("Tap a number to open the entry.")


class EntryButton(StrEnum):
    """Action codes of the entry buttons (the tag lists' buttons open entries too)."""

    LIST = "el"
    OPEN = "eo"
    EDIT = "ee"
    DELETE = "ed"
    KEEP = "ek"
    DELETE_CONFIRMED = "edy"


# --- shared helpers (the journals and export features use them too) ---------------


def preview(content: str, limit: int = PREVIEW_CHARS) -> str:
    """The start of stored content as escaped plain text, cut at a word when it is long."""
    plain = " ".join(to_plain(content).split()) or _("(no text)")
    if len(plain) > limit:
        cut = plain[:limit]
        space = cut.rfind(" ")
        if space >= limit * 0.6:
            cut = cut[:space]
        plain = cut.rstrip(" ,;:.-") + "…"
    return html.escape(plain, quote=False)


async def current_journal(link: Link, context: ContextTypes.DEFAULT_TYPE) -> Journal | None:
    """The journal new entries go to (the chosen one, else the first), without creating one."""
    assert link.user_id is not None
    services = get_services(context)
    async with services.db.sessions() as s:
        journal = None
        if link.active_journal_id is not None:
            journal = await journals.get_journal(s, link.user_id, link.active_journal_id)
        if journal is None:
            journal = await journals.first_journal(s, link.user_id)
        return journal


def _page_of(arg: str) -> int | None:
    if not arg.isdigit() or len(arg) > 7:
        return None
    page = int(arg)
    return page if page <= MAX_PAGE else None


# --- /entries -----------------------------------------------------------------------


async def _list_page(
    context: ContextTypes.DEFAULT_TYPE, link: Link, journal: Journal, page: int, note: str = ""
) -> tuple[str, InlineKeyboardMarkup | None]:
    assert link.user_id is not None
    services = get_services(context)
    async with services.db.sessions() as s:
        total = await entries.count_entries(s, link.user_id, journal.id)
        last_page = max(0, (total - 1) // PAGE_SIZE)
        page = min(page, last_page)
        rows = await entries.list_entries(
            s, link.user_id, journal.id, limit=PAGE_SIZE, offset=page * PAGE_SIZE
        )
    title = html.escape(journal.title)
    lines = [note, ""] if note else []
    if not rows:
        lines.append(
            _("<b>{title}</b> has no entries yet. Just write to me and I'll save it here.").format(
                title=title
            )
        )
        return "\n".join(lines), None
    first = page * PAGE_SIZE + 1
    lines.append(
        ngettext(
            "<b>{title}</b> · {n} entry, newest first ({first}–{last})",
            "<b>{title}</b> · {n} entries, newest first ({first}–{last})",
            total,
        ).format(title=title, n=total, first=first, last=first + len(rows) - 1)
    )
    lines.append("")
    for number, entry in enumerate(rows, start=1):
        lines.append(
            f"{number}. {moment_text(entry.created_at, link.timezone)} — {preview(entry.content)}"
        )
    lines.append("")
    lines.append(_(TAP_NUMBER))
    open_row = [
        InlineKeyboardButton(str(n), callback_data=encode(EntryButton.OPEN, entry.id, str(page)))
        for n, entry in enumerate(rows, start=1)
    ]
    nav = []
    if page > 0:
        nav.append(
            InlineKeyboardButton(
                _("« Newer"), callback_data=encode(EntryButton.LIST, journal.id, str(page - 1))
            )
        )
    if page < last_page:
        nav.append(
            InlineKeyboardButton(
                _("Older »"), callback_data=encode(EntryButton.LIST, journal.id, str(page + 1))
            )
        )
    keyboard = [open_row] + ([nav] if nav else [])
    return "\n".join(lines), InlineKeyboardMarkup(keyboard)


@logged_in
async def entries_command(update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    journal = await current_journal(link, context)
    if journal is None:
        await context.bot.send_message(
            chat.id,
            _(
                "You have no journals yet. Just write to me and I'll start one, "
                "or create one with /journals."
            ),
        )
        return
    text, markup = await _list_page(context, link, journal, 0)
    await context.bot.send_message(chat.id, text, reply_markup=markup)


async def _on_list(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, data: CallbackData
) -> None:
    assert link.user_id is not None and update.callback_query is not None
    page = _page_of(data.arg)
    if data.uuid is None or page is None:
        await answer_expired(update)
        return
    services = get_services(context)
    async with services.db.sessions() as s:
        journal = await journals.get_journal(s, link.user_id, data.uuid)
    if journal is None:
        await answer_expired(update)
        return
    await update.callback_query.answer()
    text, markup = await _list_page(context, link, journal, page)
    await show(update, context, text, markup)


# --- one entry ----------------------------------------------------------------------


async def _owned_entry(
    context: ContextTypes.DEFAULT_TYPE, link: Link, entry_id: uuid.UUID | None
) -> tuple[Entry, str] | None:
    """The presser's entry and its journal's title; None for anything else."""
    if entry_id is None or link.user_id is None:
        return None
    services = get_services(context)
    async with services.db.sessions() as s:
        entry = await entries.get_entry(s, link.user_id, entry_id)
        if entry is None:
            return None
        journal = await journals.get_journal(s, link.user_id, entry.journal_id)
    return entry, journal.title if journal is not None else ""


@dataclass(frozen=True)
class Pressed:
    """A press on a button of one of the presser's entries."""

    query: CallbackQuery
    entry: Entry
    title: str  # its journal's
    origin: str  # where the button's message came from (a list page, or standalone)


EntryAction = Callable[[Update, ContextTypes.DEFAULT_TYPE, Link, Pressed], Awaitable[None]]


def _entry_button(action: EntryAction) -> ButtonAction:
    """A button on one entry: the action gets the entry it names; a press naming anything
    but the presser's own entry is answered "expired"."""

    async def press(
        update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, data: CallbackData
    ) -> None:
        query = update.callback_query
        found = await _pressed_entry(update, context, link, data)
        if query is not None and found is not None:
            await action(update, context, link, Pressed(query, *found))

    return press


async def _pressed_entry(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, data: CallbackData
) -> tuple[Entry, str, str] | None:
    """The entry a button names (the presser's own), its journal's title and the origin of
    the button's message; None after answering "expired" for anything else."""
    origin = _origin(data.arg)
    found = await _owned_entry(context, link, data.uuid) if origin is not None else None
    if found is None or origin is None:
        await answer_expired(update)
        return None
    return *found, origin


def _entry_view(
    entry: Entry, journal_title: str, tz: str, origin: str
) -> tuple[str, InlineKeyboardMarkup]:
    edited = ""
    if entry.updated_at is not None and entry.updated_at > entry.created_at:
        edited = _(" · edited {moment}").format(moment=moment_text(entry.updated_at, tz))
    header = (
        f"<b>{html.escape(journal_title)}</b> · {moment_text(entry.created_at, tz)}"
        f"{html.escape(edited)}"
    )
    buttons = [
        InlineKeyboardButton(_("Edit"), callback_data=encode(EntryButton.EDIT, entry.id, origin)),
        InlineKeyboardButton(
            _("Delete"), callback_data=encode(EntryButton.DELETE, entry.id, origin)
        ),
    ]
    if origin != STANDALONE:
        buttons.append(
            InlineKeyboardButton(
                _("« Back"), callback_data=encode(EntryButton.LIST, entry.journal_id, origin)
            )
        )
    body = to_telegram_html(entry.content) or _("<i>(This entry has no text to show.)</i>")
    return f"{header}\n\n{body}", InlineKeyboardMarkup([buttons])


def _fits_one_message(text: str) -> bool:
    return len(split_html(text)) <= 1


def _origin(arg: str) -> str | None:
    return arg if arg == STANDALONE or _page_of(arg) is not None else None


@_entry_button
async def _on_open(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, pressed: Pressed
) -> None:
    entry, title, origin = pressed.entry, pressed.title, pressed.origin
    await pressed.query.answer()
    text, markup = _entry_view(entry, title, link.timezone, origin)
    chat = update.effective_chat
    if origin != STANDALONE and _fits_one_message(text):
        await show(update, context, text, markup)
    elif chat is not None:
        await send_html(context.bot, chat.id, text, markup)
    if chat is not None and link.user_id is not None:  # its photos and voice notes
        await media.show_media(context, chat.id, link.user_id, entry.id)


async def _on_edit(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, data: CallbackData
) -> None:
    assert update.callback_query is not None
    found = await _owned_entry(context, link, data.uuid)
    chat = update.effective_chat
    if found is None or chat is None:
        await answer_expired(update)
        return
    entry = found[0]
    await update.callback_query.answer()
    question = _(
        "Send me the new text for your entry from {moment}. It replaces the whole entry "
        "(bold, italics and links are kept). Send /cancel to leave it as it is."
    ).format(moment=moment_text(entry.created_at, link.timezone))
    await ask(update, context, EDIT_DIALOG, "text", question, {"entry_id": str(entry.id)})


@logged_in_step()
async def edit_step(
    update: Update, context: ContextTypes.DEFAULT_TYPE, answer: Answer, link: Link
) -> None:
    message, telegram_id = answer.message, answer.telegram_user_id
    assert link.user_id is not None
    services = get_services(context)
    try:
        entry_id = uuid.UUID(str(answer.data.get("entry_id", "")))
    except ValueError:
        entry_id = None
    try:
        async with services.db.sessions.begin() as s:
            updated = None
            if entry_id is not None:
                content = to_stored_html(message.text_html)
                updated = await entries.update_entry(s, link.user_id, entry_id, content)
                if updated is not None:
                    await tags.set_tags(
                        s, updated.id, tags_of_content(updated.content), updated.updated_at
                    )
            await dialogs.clear_dialog(s, telegram_id)
    except InvalidInput as exc:
        await message.reply_text(
            _("{problem} Send it again, or /cancel.").format(problem=html.escape(str(exc)))
        )
        return
    if updated is None:
        await message.reply_text(
            _(
                "That entry no longer exists, so there was nothing to update. "
                "Your message wasn't saved anywhere; send it again to make it a new entry."
            )
        )
        return
    await message.reply_text(
        _("Entry updated ✏️"),
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        _("Open entry"),
                        callback_data=encode(EntryButton.OPEN, updated.id, STANDALONE),
                    )
                ]
            ]
        ),
    )


@_entry_button
async def _on_delete(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, pressed: Pressed
) -> None:
    entry, title, origin = pressed.entry, pressed.title, pressed.origin
    await pressed.query.answer()
    text = _("Delete your entry from {moment} (“{preview}”)? This can't be undone.").format(
        moment=moment_text(entry.created_at, link.timezone), preview=preview(entry.content)
    )
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    _("Yes, delete"),
                    callback_data=encode(EntryButton.DELETE_CONFIRMED, entry.id, origin),
                ),
                InlineKeyboardButton(
                    _("Keep it"), callback_data=encode(EntryButton.KEEP, entry.id, origin)
                ),
            ]
        ]
    )
    view = _entry_view(entry, title, link.timezone, origin)[0]
    chat = update.effective_chat
    if _fits_one_message(view):
        await show(update, context, text, markup)  # the view was one message: replace it
    elif chat is not None:
        await context.bot.send_message(chat.id, text, reply_markup=markup)


@_entry_button
async def _on_keep(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, pressed: Pressed
) -> None:
    entry, title, origin = pressed.entry, pressed.title, pressed.origin
    await pressed.query.answer(_("Kept it."))
    view, markup = _entry_view(entry, title, link.timezone, origin)
    if _fits_one_message(view):
        await show(update, context, view, markup)
    else:
        await show(update, context, _("Kept it. Nothing was deleted."))


async def _on_delete_confirmed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, data: CallbackData
) -> None:
    assert update.callback_query is not None and link.user_id is not None
    if (pressed := await _pressed_entry(update, context, link, data)) is None:
        return
    entry, origin = pressed[0], pressed[2]
    services = get_services(context)
    async with services.db.sessions.begin() as s:
        deleted = await entries.delete_entry(s, link.user_id, entry.id)
        journal = await journals.get_journal(s, link.user_id, entry.journal_id)
    if not deleted:
        await answer_expired(update)
        return
    await update.callback_query.answer(_("Deleted."))
    note = _("Deleted your entry from {moment}.").format(
        moment=moment_text(entry.created_at, link.timezone)
    )
    page = _page_of(origin)
    if page is None or journal is None:
        await show(update, context, note)
        return
    text, markup = await _list_page(context, link, journal, page, note=note)
    await show(update, context, text, markup)


# --- /search ------------------------------------------------------------------------

SEARCH_USAGE: Final = N_(
    "Search all your journals: send /search followed by words, for example "
    "<code>/search gratitude</code> or <code>/search hard conversation</code>.\n"
    "I match word forms too: <code>ran</code> finds run, runs and running, "
    "<code>children</code> finds child, "
    'and "quotes" look for a phrase.'
)


def quoted_query(query: str) -> str:
    """The query as HTML in curly quotes: a phrase typed in "quotes" gets its own curly
    quotes instead of a second pair around the ones typed."""
    text = entries.straight_quotes(query).strip()
    if '"' not in text:
        return f"“{html.escape(text, quote=False)}”"
    curly = re.sub(r'"([^"]*)"', r"“\1”", text).replace('"', "")
    return html.escape(curly, quote=False)


@logged_in_chat
async def search_command(update: Update, context: ContextTypes.DEFAULT_TYPE, me: Me) -> None:
    query = " ".join(context.args or []).strip()
    if not query:
        await context.bot.send_message(me.chat_id, _(SEARCH_USAGE))
        return
    shown = quoted_query(query[: entries.SEARCH_MAX_CHARS])
    services = get_services(context)
    async with services.db.sessions() as s:
        hits = await entries.search_entries(
            s, me.user_id, query, limit=SEARCH_LIMIT, language=current_language()
        )
    if not hits:
        await context.bot.send_message(
            me.chat_id,
            _(
                "Nothing in your journals matches {query}. "
                "Try fewer words, or a different word for the same thing."
            ).format(query=shown),
        )
        return
    if len(hits) == SEARCH_LIMIT:
        heading = _("🔎 The {n} best matches for {query}:").format(n=SEARCH_LIMIT, query=shown)
    else:
        heading = ngettext(
            "🔎 {n} entry matches {query}, best first:",
            "🔎 {n} entries match {query}, best first:",
            len(hits),
        ).format(n=len(hits), query=shown)
    await send_search_hits(context, me.chat_id, heading, hits, me.link.timezone)


async def send_search_hits(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    heading: str,
    hits: Sequence[SearchHit],
    tz: str,
) -> None:
    """Numbered search results (journal, moment, snippet) with a button per entry."""
    lines = [heading, ""]
    for number, hit in enumerate(hits, start=1):
        lines.append(
            f"{number}. <b>{html.escape(hit.journal_title)}</b> · {moment_text(hit.created_at, tz)}"
        )
        lines += [hit.snippet, ""]
    lines.append(_(TAP_NUMBER))
    await send_html(
        context.bot, chat_id, "\n".join(lines), number_buttons(h.entry_id for h in hits)
    )


def number_buttons(ids: Iterable[uuid.UUID]) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(str(n), callback_data=encode(EntryButton.OPEN, entry_id, STANDALONE))
        for n, entry_id in enumerate(ids, start=1)
    ]
    return InlineKeyboardMarkup([buttons[i : i + 5] for i in range(0, len(buttons), 5)])


# --- buttons ------------------------------------------------------------------------

_ACTIONS: Final[Mapping[str, ButtonAction]] = {
    EntryButton.LIST: _on_list,
    EntryButton.OPEN: _on_open,
    EntryButton.EDIT: _on_edit,
    EntryButton.DELETE: _on_delete,
    EntryButton.KEEP: _on_keep,
    EntryButton.DELETE_CONFIRMED: _on_delete_confirmed,
}


# The dialogs this feature runs (bot.app combines every feature's).
DIALOGS: Final[Mapping[str, StepHandler]] = {
    EDIT_DIALOG: edit_step,
}


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("entries", entries_command))
    app.add_handler(CommandHandler("search", search_command))
    app.add_handler(button_handler(_ACTIONS))
