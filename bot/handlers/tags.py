"""#tags and filters: /tags, ``/entries #tag``, ``/entries last week``, ``/search words #tag``.

Tags are read from the entries when saved or edited here (bot.handlers.journal,
bot.handlers.entries) and, for what the web app wrote, just before any of these reads
(``db.tags.sync_tags``). A filtered list spans all journals; its buttons carry the
filter as ``page.start.end.tagkey…`` (dates as ``YYYYMMDD``, ``-`` for none, tags as
``core.tags.tag_key``), resolved against the presser's own tags.
"""

from __future__ import annotations

import functools
import html
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Final
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CommandHandler, ContextTypes, filters

from bot.buttons import answer_expired, button_handler
from bot.commands import Command
from bot.handlers import entries as entry_views
from bot.handlers.entries import preview
from bot.messaging import send_html
from bot.services import get_services
from bot.session import Me, logged_in, logged_in_chat
from bot.ui import show
from core import datefilter
from core.callback_data import CallbackData, encode
from core.i18n import N_, _, ngettext
from core.i18n import current as current_language
from core.localdates import moment_text
from core.streaks import local_date
from core.tags import split_query, tag_key, tags_of_content
from db import entries, tags
from db.accounts import Link

COMMANDS = [
    Command("tags", "Your #tags, and the entries behind each", "Journal"),
]

FILTER_PAGE: Final = "ef"  # button code: a page of entries with the given tags
PAGE_SIZE = 5
MAX_FILTER_TAGS = 3  # what fits in a button's callback_data
MAX_TAG_BUTTONS = 30
SEARCH_LIMIT = 10

# {examples}: the date words the parser reads (English, as users type them).
FILTER_USAGE: Final = N_(
    "Filter your entries by #tag and by date, for example "
    "<code>/entries #work</code>, <code>/entries last week</code>, "
    "<code>/entries #gym 2026-11</code>.\n"
    "Dates I understand: {examples}."
)


def _filter_usage() -> str:
    return _(FILTER_USAGE).format(examples=datefilter.EXAMPLES)


@dataclass(frozen=True)
class Filter:
    tags: tuple[str, ...]
    dates: datefilter.DateRange | None

    def describe(self) -> str:
        parts = [" ".join("#" + t for t in self.tags)] if self.tags else []
        if self.dates is not None:
            parts.append(self.dates.label)
        return " · ".join(parts)


def _instant(day: date, tz: str) -> datetime:
    """The first instant of a local day, in UTC."""
    return datetime.combine(day, time(), ZoneInfo(tz)).astimezone(UTC)


async def _synced(context: ContextTypes.DEFAULT_TYPE, user_id: uuid.UUID) -> None:
    """Catch up with entries the web app wrote or edited since the last read."""
    async with get_services(context).db.sessions.begin() as s:
        await tags.sync_tags(s, user_id, tags_of_content)


def _day_arg(day: date | None) -> str:
    return f"{day:%Y%m%d}" if day is not None else "-"


def _filter_arg(page: int, wanted: Filter) -> str:
    start = wanted.dates.start if wanted.dates else None
    end = wanted.dates.end if wanted.dates else None
    keys = [tag_key(t) for t in wanted.tags]
    return ".".join([str(page), _day_arg(start), _day_arg(end), *keys])


async def _filtered_page(
    context: ContextTypes.DEFAULT_TYPE, link: Link, wanted: Filter, page: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    assert link.user_id is not None
    tz = link.timezone
    start = _instant(wanted.dates.start, tz) if wanted.dates else None
    end = _instant(wanted.dates.end, tz) if wanted.dates else None
    async with get_services(context).db.sessions() as s:
        query = functools.partial(
            tags.filtered_entries, s, link.user_id, tags=wanted.tags, start=start, end=end
        )
        found, total = await query(limit=PAGE_SIZE, offset=page * PAGE_SIZE)
        if not found and total and page > 0:  # the list shrank: show its last page
            page = (total - 1) // PAGE_SIZE
            found, total = await query(limit=PAGE_SIZE, offset=page * PAGE_SIZE)
    what = html.escape(wanted.describe())
    if not found:
        hint = " " + _("See your tags with /tags.") if wanted.tags else ""
        return _("No entries for <b>{what}</b>.").format(what=what) + hint, None
    first = page * PAGE_SIZE + 1
    lines = [
        ngettext(
            "<b>{title}</b> · {n} entry, newest first ({first}–{last})",
            "<b>{title}</b> · {n} entries, newest first ({first}–{last})",
            total,
        ).format(title=what, n=total, first=first, last=first + len(found) - 1),
        "",
    ]
    for number, item in enumerate(found, start=1):
        lines.append(
            f"{number}. <b>{html.escape(item.journal_title)}</b> · "
            f"{moment_text(item.entry.created_at, tz)} — {preview(item.entry.content)}"
        )
    lines += ["", _(entry_views.TAP_NUMBER)]
    keyboard = [
        [
            InlineKeyboardButton(
                str(n),
                callback_data=encode(
                    entry_views.EntryButton.OPEN, item.entry.id, entry_views.STANDALONE
                ),
            )
            for n, item in enumerate(found, start=1)
        ]
    ]
    nav = []
    if page > 0:
        nav.append(
            InlineKeyboardButton(
                _("« Newer"), callback_data=encode(FILTER_PAGE, None, _filter_arg(page - 1, wanted))
            )
        )
    if first + len(found) - 1 < total:
        nav.append(
            InlineKeyboardButton(
                _("Older »"), callback_data=encode(FILTER_PAGE, None, _filter_arg(page + 1, wanted))
            )
        )
    if nav:
        keyboard.append(nav)
    return "\n".join(lines), InlineKeyboardMarkup(keyboard)


def _parse_filter(words: str, today: date) -> Filter | str:
    """The filter typed after /entries, or what to tell the user about it."""
    rest, wanted = split_query(words)
    if len(wanted) > MAX_FILTER_TAGS:
        return _("Filter by at most {n} tags at a time.").format(n=MAX_FILTER_TAGS)
    dates = None
    if rest:
        dates = datefilter.parse(rest, today)
        if dates is None:
            shown = html.escape(rest[:100])
            if rest.startswith("#"):
                return (
                    _(
                        "“{text}” isn't a tag: a tag is # followed by letters, digits or _ "
                        "(not only digits)."
                    ).format(text=shown)
                    + "\n\n"
                    + _filter_usage()
                )
            return (
                _("I don't understand the date “{text}”.").format(text=shown)
                + "\n\n"
                + _filter_usage()
            )
    return Filter(tuple(wanted), dates)


@logged_in_chat
async def filtered_entries_command(
    update: Update, context: ContextTypes.DEFAULT_TYPE, me: Me
) -> None:
    today = local_date(datetime.now(UTC), me.link.timezone)
    wanted = _parse_filter(" ".join(context.args or []), today)
    if isinstance(wanted, str):
        await context.bot.send_message(me.chat_id, wanted)
        return
    if wanted.tags:
        await _synced(context, me.user_id)
    text, markup = await _filtered_page(context, me.link, wanted, 0)
    await send_html(context.bot, me.chat_id, text, markup)


def _date_of_arg(arg: str) -> date | str | None:
    """A date from a button (``-`` is none); the string "bad" when malformed."""
    if arg == "-":
        return None
    try:
        return datetime.strptime(arg, "%Y%m%d").date() if len(arg) == 8 else "bad"
    except ValueError:
        return "bad"


async def _on_filter_page(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, data: CallbackData
) -> None:
    assert update.callback_query is not None and link.user_id is not None
    parts = data.arg.split(".")
    if len(parts) < 3 or len(parts) > 3 + MAX_FILTER_TAGS or not parts[0].isdigit():
        await answer_expired(update)
        return
    page = int(parts[0][:7])
    start, end = _date_of_arg(parts[1]), _date_of_arg(parts[2])
    if isinstance(start, str) or isinstance(end, str) or (start is None) != (end is None):
        await answer_expired(update)
        return
    keys = parts[3:]
    wanted_tags: list[str] = []
    if keys:
        await _synced(context, link.user_id)
        async with get_services(context).db.sessions() as s:
            by_key = {tag_key(c.tag): c.tag for c in await tags.tag_counts(s, link.user_id)}
        if any(key not in by_key for key in keys):
            await answer_expired(update)  # the tag is gone from every entry
            return
        wanted_tags = [by_key[key] for key in keys]
    dates = None
    if start is not None and end is not None:
        if not start < end:
            await answer_expired(update)
            return
        dates = datefilter.DateRange(start, end, datefilter.span_label(start, end))
    await update.callback_query.answer()
    text, markup = await _filtered_page(context, link, Filter(tuple(wanted_tags), dates), page)
    await show(update, context, text, markup)


# --- /tags --------------------------------------------------------------------------


@logged_in_chat
async def tags_command(update: Update, context: ContextTypes.DEFAULT_TYPE, me: Me) -> None:
    await _synced(context, me.user_id)
    async with get_services(context).db.sessions() as s:
        counts = await tags.tag_counts(s, me.user_id)
    if not counts:
        await context.bot.send_message(
            me.chat_id,
            _(
                "You haven't tagged any entries yet. Put a #tag anywhere in an entry, "
                "like “Long run today #running”, and it shows up here."
            ),
        )
        return
    lines = [
        ngettext(
            "🏷 <b>Your tags</b> · {n} tag, most used first",
            "🏷 <b>Your tags</b> · {n} tags, most used first",
            len(counts),
        ).format(n=len(counts)),
        "",
    ]
    lines += [
        f"#{html.escape(c.tag)} — "
        + ngettext("{n} entry", "{n} entries", c.entries).format(n=c.entries)
        for c in counts
    ]
    shown = counts[:MAX_TAG_BUTTONS]
    lines += ["", _("Tap a tag to see its entries, or filter with <code>/entries #tag</code>.")]
    buttons = [
        InlineKeyboardButton(
            f"#{c.tag}",
            callback_data=encode(FILTER_PAGE, None, _filter_arg(0, Filter((c.tag,), None))),
        )
        for c in shown
    ]
    markup = InlineKeyboardMarkup([buttons[i : i + 3] for i in range(0, len(buttons), 3)])
    await send_html(context.bot, me.chat_id, "\n".join(lines), markup)


# --- /search words #tag ---------------------------------------------------------------


@logged_in
async def tagged_search_command(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link
) -> None:
    """/search with a #tag in it: the words, only in entries with the tags."""
    chat = update.effective_chat
    if chat is None or link.user_id is None:
        return
    words, wanted = split_query(" ".join(context.args or []))
    if not wanted:  # "#1" and the like: an ordinary search
        await entry_views.search_command(update, context)
        return
    if len(wanted) > MAX_FILTER_TAGS:
        await context.bot.send_message(
            chat.id, _("Search within at most {n} tags.").format(n=MAX_FILTER_TAGS)
        )
        return
    await _synced(context, link.user_id)
    if not words:
        text, markup = await _filtered_page(context, link, Filter(tuple(wanted), None), 0)
        await send_html(context.bot, chat.id, text, markup)
        return
    within = " ".join("#" + t for t in wanted)
    shown = html.escape(f"{words[: entries.SEARCH_MAX_CHARS]}")
    async with get_services(context).db.sessions() as s:
        hits = await entries.search_entries(
            s, link.user_id, words, limit=SEARCH_LIMIT, tags=wanted, language=current_language()
        )
    if not hits:
        await context.bot.send_message(
            chat.id,
            _(
                "Nothing tagged {tags} matches “{query}”. "
                "Try fewer words, or see everything with the tag: "
                "<code>/entries {tags}</code>."
            ).format(tags=html.escape(within), query=shown),
        )
        return
    heading = ngettext(
        "🔎 {n} entry tagged {tags} matches “{query}”, best first:",
        "🔎 {n} entries tagged {tags} match “{query}”, best first:",
        len(hits),
    ).format(n=len(hits), tags=html.escape(within), query=shown)
    await entry_views.send_search_hits(context, chat.id, heading, hits, link.timezone)


def register(app: Application) -> None:  # type: ignore[type-arg]
    # Before bot.handlers.entries: these take /entries with arguments, /search with a #.
    app.add_handler(CommandHandler("entries", filtered_entries_command, has_args=True))
    app.add_handler(CommandHandler("search", tagged_search_command, filters=filters.Regex("#")))
    app.add_handler(CommandHandler("tags", tags_command))
    app.add_handler(button_handler({FILTER_PAGE: _on_filter_page}))
