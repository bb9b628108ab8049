"""Journaling by message: plain text becomes an entry; edits update it; /write for
long thoughts; captions of photos count too."""

from __future__ import annotations

import html
import logging
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.buttons import EXPIRED, button_handler
from bot.commands import Command
from bot.dialogs import StepHandler, data_of
from bot.hooks import SavedEntry
from bot.inbox_context import finished_by_handler, update_to_finish
from bot.services import get_services
from bot.session import ask_to_log_in, logged_in
from bot.ui import Answer, show, text_step
from core.callback_data import CallbackData, encode
from core.i18n import _, ngettext
from core.richtext import to_stored_html
from core.streaks import current_streak, local_date
from core.tags import tags_of_content
from db import accounts, dialogs, entries, entry_save, journals, tags
from db.accounts import Link
from db.errors import InvalidInput
from db.models import Journal
from db.prepared import driver_of

logger = logging.getLogger(__name__)

COMMANDS = [
    Command("write", "Write a longer entry over several messages; /done saves it", "Journal"),
    Command("done", "Save the entry you started with /write", "Journal"),
]

WRITE_DIALOG = "write"
KEPT: Final = "kept"  # buttons: save messages kept before this account logged in, or not
# The streak shown after saving looks this far back (a longer streak shows as this).
STREAK_WINDOW = timedelta(days=400)
MAX_WRITE_PARTS = 50


async def active_journal(s: AsyncSession, link: Link) -> Journal:
    """The journal new entries go to: the chosen one, else the user's first (created
    if the user has none, e.g. after deleting them all)."""
    assert link.user_id is not None
    journal = None
    if link.active_journal_id is not None:
        journal = await journals.get_journal(s, link.user_id, link.active_journal_id)
    if journal is None:
        journal = await journals.first_journal(s, link.user_id)
        if journal is None:
            journal = await journals.create_journal(s, link.user_id, accounts.DEFAULT_JOURNAL_TITLE)
        await accounts.set_active_journal(s, link.telegram_user_id, journal.id)
    return journal


async def save_entry(
    context: ContextTypes.DEFAULT_TYPE,
    link: Link,
    content: str,
    *,
    chat_id: int,
    message_ids: list[int],
    finishes_update: bool = False,
) -> SavedEntry | None:
    """Save ``content`` as one entry linked to its messages; None if those messages were
    saved already (Telegram may deliver an update twice).

    ``finishes_update``: the save is the update's last write, so the same statement
    marks the update done in the inbox (no statement of its own per message)."""
    assert link.user_id is not None
    services = get_services(context)
    # The documented stored form; InvalidInput for the user, before any I/O.
    text = entries.clean_content(to_stored_html(content))
    now = datetime.now(UTC)
    journal_id, title = link.active_journal_id, link.active_journal_title
    for _attempt in range(2):
        if journal_id is None or title is None:  # no active journal (any more)
            async with services.db.sessions.begin() as s:
                journal = await active_journal(s, link)
                journal_id, title = journal.id, journal.title
        finishing = update_to_finish() if finishes_update else None
        outcome = await services.db.fast.save_entry(
            _new_entry(link, journal_id, text, chat_id, message_ids, now=now, finishing=finishing)
        )
        if finishing is not None and outcome is not entry_save.SaveProblem.NO_JOURNAL:
            finished_by_handler()
        if outcome is entry_save.SaveProblem.DUPLICATE:
            return None
        if isinstance(outcome, entry_save.SavedNew):
            streak = current_streak(outcome.local_dates, local_date(now, link.timezone))
            return SavedEntry(outcome.entry, title, streak, outcome.ai_settings, outcome.open_goals)
        journal_id = title = None  # the journal vanished: pick another, once
    raise InvalidInput(_("That journal no longer exists. Pick another with /journals."))


def _new_entry(
    link: Link,
    journal_id: uuid.UUID,
    text: str,
    chat_id: int,
    message_ids: list[int],
    *,
    now: datetime,
    written_at: datetime | None = None,
    finishing: tuple[int, int] | None = None,
) -> entry_save.NewEntry:
    """What every save path hands to ``db.entry_save``: ``text`` already clean."""
    assert link.user_id is not None
    return entry_save.NewEntry(
        user_id=link.user_id,
        journal_id=journal_id,
        content=text,
        chat_id=chat_id,
        message_ids=tuple(message_ids),
        timezone=link.timezone,  # already usable: db.accounts reads it through usable_timezone
        dates_since=now - STREAK_WINDOW,
        tags=tuple(tags_of_content(text)),  # kept by the same statement
        written_at=written_at,
        finishes_update=finishing,
    )


def saved_text(saved: SavedEntry) -> str:
    title = html.escape(saved.journal_title)
    if saved.streak < 2:
        return _("Saved to <b>{title}</b>").format(title=title)
    return ngettext(
        "Saved to <b>{title}</b> · {n}-day streak 🔥",
        "Saved to <b>{title}</b> · {n}-day streak 🔥",
        saved.streak,
    ).format(title=title, n=saved.streak)


async def _save_and_acknowledge(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    link: Link,
    content: str,
    message_ids: list[int],
    *,
    note: str = "",
    finishes_update: bool = False,
) -> None:
    message = update.effective_message
    assert message is not None
    try:
        saved = await save_entry(
            context,
            link,
            content,
            chat_id=message.chat_id,
            message_ids=message_ids,
            finishes_update=finishes_update,
        )
    except InvalidInput as exc:
        await message.reply_text(html.escape(str(exc)))
        return
    if saved is None:
        return
    await message.reply_text(saved_text(saved) + note)
    await run_after_save(update, context, link, saved)


async def run_after_save(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, saved: SavedEntry
) -> None:
    """The wired after-save hooks (goal suggestions), each failing on its own."""
    for hook in get_services(context).after_save:
        try:
            await hook(update, context, link, saved)
        except Exception:  # a suggestion failing must not look like the entry failed
            logger.exception("after-save hook failed")


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link | None) -> None:
    """Plain text outside any dialog: a journal entry."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    if link is None or not link.logged_in:
        await ask_to_log_in(update, context, link, keep=message.text_html)
        return
    await _save_and_acknowledge(
        update, context, link, message.text_html, [message.message_id], finishes_update=True
    )


@logged_in
async def on_edit(update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link) -> None:
    """An entry's message was edited in Telegram: update the entry."""
    message = update.edited_message
    if message is None or link.user_id is None:
        return
    content = message.text_html if message.text else message.caption_html
    if not content:
        return
    services = get_services(context)
    async with services.db.sessions.begin() as s:
        entry = await entries.entry_for_message(
            s, link.user_id, message.chat_id, message.message_id
        )
        parts = await entries.message_parts(s, entry.id) if entry is not None else 0
        if entry is not None and parts == 1:
            updated = await entries.update_entry(s, link.user_id, entry.id, to_stored_html(content))
            if updated is not None:
                await tags.set_tags(
                    s, updated.id, tags_of_content(updated.content), updated.updated_at
                )
    if entry is None:
        return  # an edit of a command or a dialog answer: nothing to update
    if parts > 1:
        await message.reply_text(
            _(
                "That message is part of a longer entry. Open it with /entries to edit the "
                "whole entry."
            )
        )
        return
    await message.reply_text(_("Updated your entry ✏️"))


@logged_in
async def write(update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    services = get_services(context)
    async with services.db.sessions.begin() as s:
        await dialogs.set_dialog(s, user.id, WRITE_DIALOG, "parts", {"parts": [], "ids": []})
    await message.reply_text(
        _(
            "Go ahead: send as many messages as you like. Send /done to save them as one "
            "entry, or /cancel to discard the draft."
        )
    )


@text_step
async def write_part(update: Update, context: ContextTypes.DEFAULT_TYPE, answer: Answer) -> None:
    message = answer.message
    data = answer.data
    parts: list[str] = list(data.get("parts", []))
    ids: list[int] = list(data.get("ids", []))
    if len(parts) >= MAX_WRITE_PARTS:
        await message.reply_text(
            _(
                "This draft has {n} messages, the most one entry holds. "
                "Send /done to save it, then start another with /write."
            ).format(n=MAX_WRITE_PARTS)
        )
        return
    parts.append(message.text_html)
    ids.append(message.message_id)
    services = get_services(context)
    async with services.db.sessions.begin() as s:
        await dialogs.set_dialog(
            s, answer.telegram_user_id, WRITE_DIALOG, "parts", {"parts": parts, "ids": ids}
        )
    if len(parts) == 1:
        await message.reply_text(_("Got it. Keep going, or send /done when you're finished."))


@logged_in
async def done(update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    services = get_services(context)
    async with services.db.sessions.begin() as s:
        state = await dialogs.get_dialog(s, user.id)
    if state is None or state.name != WRITE_DIALOG:
        await message.reply_text(_("There's no entry to finish. Start one with /write."))
        return
    data = data_of(state)
    parts: list[str] = list(data.get("parts", []))
    if not parts:
        await message.reply_text(_("Your draft is empty: write something first, or /cancel."))
        return
    # Cleared only after the entry is saved, so a failure keeps the draft.
    await _save_and_acknowledge(
        update, context, link, "\n\n".join(parts), list(data.get("ids", []))
    )
    async with services.db.sessions.begin() as s:
        await dialogs.clear_dialog(s, user.id)


async def save_pending(update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link) -> None:
    """After login: save what the user wrote while logged out into this account; what
    was kept for another account (or none) waits for the writer's choice."""
    if link.user_id is None:
        return
    saved, title = await _save_kept(context, link, owner=link.user_id)
    if saved:
        await context.bot.send_message(
            link.chat_id,
            ngettext(
                "I've saved the message you wrote earlier to <b>{title}</b>.",
                "I've saved the {n} messages you wrote earlier to <b>{title}</b>.",
                saved,
            ).format(n=saved, title=html.escape(title)),
        )
    async with get_services(context).db.sessions.begin() as s:
        others = await dialogs.count_pending(s, link.telegram_user_id)
    if not others:
        return
    await context.bot.send_message(
        link.chat_id,
        ngettext(
            "You wrote {n} message here before logging in to this account. Save it to "
            "<b>{title}</b>, dated when you wrote it, or discard it?",
            "You wrote {n} messages here before logging in to this account. Save them to "
            "<b>{title}</b>, dated when you wrote them, or discard them?",
            others,
        ).format(n=others, title=html.escape(title)),
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        _("💾 Save here"), callback_data=encode(KEPT, link.user_id, "save")
                    ),
                    InlineKeyboardButton(
                        _("🗑 Discard"), callback_data=encode(KEPT, link.user_id, "drop")
                    ),
                ]
            ]
        ),
    )


async def _save_kept(
    context: ContextTypes.DEFAULT_TYPE, link: Link, *, owner: uuid.UUID | None
) -> tuple[int, str]:
    """Save kept messages (``owner``'s only, or all) as entries dated when they were
    written; returns how many and the journal's title. Taken and saved in one
    transaction: if saving fails, they stay kept."""
    assert link.user_id is not None
    services = get_services(context)
    now = datetime.now(UTC)
    async with services.db.sessions.begin() as s:
        journal = await active_journal(s, link)
        pending = await dialogs.take_pending(s, link.telegram_user_id, owner=owner)
        items = []
        for item in pending:
            text = to_stored_html(item.content)
            if not text:
                continue  # nothing visible was written
            ids = [item.message_id] if item.message_id is not None else []
            items.append(
                _new_entry(
                    link,
                    journal.id,
                    entries.clean_content(text),
                    link.chat_id,
                    ids,
                    now=now,
                    written_at=item.created_at,
                )
            )
        if items:  # the path of every message; a message saved before is not saved again
            await entry_save.save_new_entries(await driver_of(s), items)
    return len(pending), journal.title


async def on_kept_choice(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, data: CallbackData
) -> None:
    """Save here / Discard for messages kept before this account logged in (the button
    carries the account's id: another account's question expires)."""
    query = update.callback_query
    assert query is not None
    if data.arg not in {"save", "drop"}:
        await query.answer(_(EXPIRED))
        return
    if data.arg == "save":
        saved, title = await _save_kept(context, link, owner=None)
        text = (
            ngettext(
                "💾 Saved {n} message to <b>{title}</b>, dated when you wrote them.",
                "💾 Saved {n} messages to <b>{title}</b>, dated when you wrote them.",
                saved,
            ).format(n=saved, title=html.escape(title))
            if saved
            else _("There was nothing left to save.")
        )
    else:
        async with get_services(context).db.sessions.begin() as s:
            dropped = len(await dialogs.take_pending(s, link.telegram_user_id))
        text = (
            ngettext("🗑 Discarded {n} message.", "🗑 Discarded {n} messages.", dropped).format(
                n=dropped
            )
            if dropped
            else _("There was nothing left to discard.")
        )
    await query.answer()
    await show(update, context, text)


# The dialogs this feature runs (bot.app combines every feature's).
DIALOGS: Final[Mapping[str, StepHandler]] = {
    WRITE_DIALOG: write_part,
}


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(button_handler({KEPT: on_kept_choice}, owned=True))
    app.add_handler(CommandHandler("write", write))
    app.add_handler(CommandHandler("done", done))
    app.add_handler(
        MessageHandler(
            filters.UpdateType.EDITED_MESSAGE & (filters.TEXT | filters.CAPTION), on_edit
        )
    )
