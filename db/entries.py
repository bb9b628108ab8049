"""Journal entries: writing, editing, listing, searching, and the Telegram messages behind them.

Entries belong to a user through their journal, so every query joins ``journals`` on
``user_id``: another user's entry behaves exactly like a missing one.
"""

from __future__ import annotations

import asyncio
import html
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    DateTime,
    Select,
    Text,
    bindparam,
    cast,
    delete,
    func,
    literal,
    literal_column,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import TSQUERY, UUID, insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import naive_utc, utc_now
from core.i18n import DEFAULT as DEFAULT_LANGUAGE
from core.i18n import SEARCH_CONFIGS
from core.text import clean_text
from db import wordforms
from db.models import Entry, EntryMessage, EntrySearch, Goal, Journal
from db.profile import require_timezone
from db.tags import tagged_with

# Several Telegram messages joined by /write stay well below this; it only stops abuse.
ENTRY_MAX_CHARS = 100_000
# Longer search queries are cut: nobody types more, and the tsquery stays cheap.
SEARCH_MAX_CHARS = 200

# Must be exactly the expression of idx_entries_content_fts, or the index is not used.
_ENGLISH: ColumnElement[Any] = literal_column("'english'::regconfig")
_CONTENT_TSV = Entry.content_tsv

# Private-use characters mark the matches in ts_headline's output, so that the rest of
# the text can be HTML-escaped before the markers become <b></b>.
_MATCH_START = "\ue000"
_MATCH_STOP = "\ue001"
_HEADLINE_OPTIONS = (
    f'StartSel="{_MATCH_START}", StopSel="{_MATCH_STOP}", '
    'MaxWords=30, MinWords=12, ShortWord=3, MaxFragments=2, FragmentDelimiter=" … "'
)
# Only real tags: plain text may hold a bare "<" ("costs < 5", "I <3 it").
_TAG_PATTERN = "<[A-Za-z/!][^<>]*>"
_TAG = re.compile(_TAG_PATTERN)
_CURLY_QUOTES = str.maketrans(dict.fromkeys("“”„‟«»", '"'))


@dataclass(frozen=True)
class SearchHit:
    entry_id: uuid.UUID
    journal_id: uuid.UUID
    journal_title: str
    created_at: datetime
    snippet: str  # Telegram HTML: escaped text, matches in <b></b>
    rank: float


@dataclass(frozen=True)
class EntryWithGoals:
    entry: Entry
    journal_title: str
    goals: tuple[Goal, ...]  # goals suggested from the entry, rejected/deleted ones left out


def clean_content(content: str) -> str:
    return clean_text(content, what="entry", max_chars=ENTRY_MAX_CHARS)


def _user_journal_ids(user_id: uuid.UUID) -> Select[uuid.UUID]:
    return select(Journal.id).where(Journal.user_id == user_id)


def _owned_entries(user_id: uuid.UUID) -> Select[Entry]:
    return (
        select(Entry)
        .join(Journal, Journal.id == Entry.journal_id)
        .where(Journal.user_id == user_id)
    )


def local_date_of(column: Any, tz: str) -> ColumnElement[date]:
    """The user's local calendar date of a naive-UTC timestamp column, computed in SQL."""
    return cast(
        func.timezone(bindparam(None, tz), func.timezone(literal_column("'UTC'"), column)), Date
    )


# --- writing ----------------------------------------------------------------------


async def add_entry(
    session: AsyncSession,
    content: str,
    *,
    user_id: uuid.UUID,
    journal_id: uuid.UUID,
    created_at: datetime | None = None,
) -> Entry | None:
    """A new entry in the user's journal; None when the journal is not theirs.

    Not linked to any message: the bot saves what users write with
    ``db.entry_save.save_new_entries``, which also keeps a message from being saved twice."""
    text = clean_content(content)
    # The app's clock, not now(): entries added in one transaction keep their order.
    moment = naive_utc(created_at) if created_at is not None else utc_now()
    # One statement that checks ownership and inserts.
    owned = select(
        literal(journal_id, UUID(as_uuid=True)),
        literal(text, Text),
        literal(moment, DateTime),
        literal(moment, DateTime),
    ).where(Journal.id == journal_id, Journal.user_id == user_id)
    result = await session.scalars(
        insert(Entry)
        .from_select(["journal_id", "content", "created_at", "updated_at"], owned)
        .returning(Entry)
    )
    return result.one_or_none()


async def get_entry(session: AsyncSession, user_id: uuid.UUID, entry_id: uuid.UUID) -> Entry | None:
    return await session.scalar(_owned_entries(user_id).where(Entry.id == entry_id))


async def update_entry(
    session: AsyncSession, user_id: uuid.UUID, entry_id: uuid.UUID, content: str
) -> Entry | None:
    """Replace the text (and bump updated_at); None when the entry is not the user's."""
    text = clean_content(content)
    result = await session.scalars(
        update(Entry)
        .where(Entry.id == entry_id, Entry.journal_id.in_(_user_journal_ids(user_id)))
        .values(content=text, updated_at=func.now())
        .returning(Entry)
        .execution_options(populate_existing=True)
    )
    return result.one_or_none()


async def delete_entry(session: AsyncSession, user_id: uuid.UUID, entry_id: uuid.UUID) -> bool:
    """Delete the entry; goals suggested from it stay, no longer linked. False if not found."""
    owned = await session.scalar(
        select(Entry.id)
        .join(Journal, Journal.id == Entry.journal_id)
        .where(Entry.id == entry_id, Journal.user_id == user_id)
        .with_for_update(of=Entry)
    )
    if owned is None:
        return False
    await unlink_goals(session, [entry_id])
    await session.execute(delete(Entry).where(Entry.id == entry_id))
    return True


async def unlink_goals(
    session: AsyncSession, entry_ids: Sequence[uuid.UUID] | Select[uuid.UUID]
) -> None:
    """Detach goals from entries about to be deleted (goals.journal_entry_id has no cascade)."""
    await session.execute(
        update(Goal)
        .where(Goal.journal_entry_id.in_(entry_ids))
        .values(journal_entry_id=None, updated_at=utc_now())
        .execution_options(synchronize_session="fetch")
    )


# --- reading ----------------------------------------------------------------------


def list_entries_query(
    user_id: uuid.UUID, journal_id: uuid.UUID, *, limit: int, offset: int = 0
) -> Select[Entry]:
    return (
        _owned_entries(user_id)
        .where(Entry.journal_id == journal_id)
        .order_by(Entry.created_at.desc(), Entry.id.desc())
        .limit(max(limit, 0))
        .offset(max(offset, 0))
    )


async def list_entries(
    session: AsyncSession,
    user_id: uuid.UUID,
    journal_id: uuid.UUID,
    *,
    limit: int,
    offset: int = 0,
) -> list[Entry]:
    """A page of the journal's entries, newest first; [] for another user's journal."""
    result = await session.scalars(
        list_entries_query(user_id, journal_id, limit=limit, offset=offset)
    )
    return list(result)


async def count_entries(session: AsyncSession, user_id: uuid.UUID, journal_id: uuid.UUID) -> int:
    """Entries in the journal; 0 for another user's journal, as for an empty one."""
    count = await session.scalar(
        select(func.count())
        .select_from(Entry)
        .join(Journal, Journal.id == Entry.journal_id)
        .where(Entry.journal_id == journal_id, Journal.user_id == user_id)
    )
    return count or 0


async def count_all_entries(session: AsyncSession, user_id: uuid.UUID) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(Entry)
        .join(Journal, Journal.id == Entry.journal_id)
        .where(Journal.user_id == user_id)
    )
    return count or 0


async def recent_entries_with_goals(
    session: AsyncSession, user_id: uuid.UUID, limit: int = 10
) -> list[EntryWithGoals]:
    """The user's latest entries across journals, each with the goals suggested from it.

    The design document's query joins goals without joining journals, so its user filter
    cannot work and its LIMIT counts goal rows; here the limit counts entries.
    """
    rows = (
        await session.execute(
            select(Entry, Journal.title)
            .join(Journal, Journal.id == Entry.journal_id)
            .where(Journal.user_id == user_id)
            .order_by(Entry.created_at.desc(), Entry.id.desc())
            .limit(limit)
        )
    ).all()
    if not rows:
        return []
    goals = await session.scalars(
        select(Goal)
        .where(
            Goal.journal_entry_id.in_([entry.id for entry, _ in rows]),
            Goal.user_id == user_id,
            Goal.deleted_at.is_(None),
        )
        .order_by(Goal.created_at, Goal.id)
    )
    by_entry: dict[uuid.UUID, list[Goal]] = {}
    for goal in goals:
        assert goal.journal_entry_id is not None
        by_entry.setdefault(goal.journal_entry_id, []).append(goal)
    return [
        EntryWithGoals(entry=entry, journal_title=title, goals=tuple(by_entry.get(entry.id, ())))
        for entry, title in rows
    ]


async def entries_between(
    session: AsyncSession, user_id: uuid.UUID, start: datetime, end: datetime
) -> list[Entry]:
    """Entries created in [start, end), oldest first."""
    result = await session.scalars(
        _owned_entries(user_id)
        .where(Entry.created_at >= naive_utc(start), Entry.created_at < naive_utc(end))
        .order_by(Entry.created_at, Entry.id)
    )
    return list(result)


# --- local calendar dates ---------------------------------------------------------


async def entry_local_dates(session: AsyncSession, user_id: uuid.UUID, tz: str) -> list[date]:
    """Distinct dates, in the user's time zone, on which they wrote; ascending."""
    day = local_date_of(Entry.created_at, require_timezone(tz)).label("day")
    result = await session.scalars(
        select(day)
        .select_from(Entry)
        .join(Journal, Journal.id == Entry.journal_id)
        .where(Journal.user_id == user_id)
        .distinct()
        .order_by(day)
    )
    return list(result)


async def entries_on_local_date(
    session: AsyncSession, user_id: uuid.UUID, tz: str, day: date
) -> list[Entry]:
    return await entries_on_days(session, user_id, tz, [day])


async def entries_on_days(
    session: AsyncSession, user_id: uuid.UUID, tz: str, days: Sequence[date]
) -> list[Entry]:
    """Entries written on any of ``days`` (local dates in ``tz``), oldest first."""
    zone = require_timezone(tz)
    if not days:
        return []
    result = await session.scalars(
        _owned_entries(user_id)
        .where(local_date_of(Entry.created_at, zone).in_(list(days)))
        .order_by(Entry.created_at, Entry.id)
    )
    return list(result)


# --- full-text search -------------------------------------------------------------


def straight_quotes(query: str) -> str:
    """Phones type “curly” quotes; web-search syntax knows only straight ones."""
    return query.translate(_CURLY_QUOTES)


def search_tsquery(query: str) -> ColumnElement[Any]:
    """``query`` in web-search syntax ("phrases", or, -word) as a tsquery, each word widened
    to all its forms: "ran" becomes ``'ran' | 'run'`` wherever it stands, also inside a
    phrase or after a minus.

    The words are swapped inside PostgreSQL's own parse of the query (``ts_rewrite``), so the
    syntax and the stemming stay exactly PostgreSQL's. Every call is on constants: the
    planner folds the whole expression once, before any entry is read.
    """
    text = straight_quotes(query[:SEARCH_MAX_CHARS])
    tsquery: ColumnElement[Any] = func.websearch_to_tsquery(_ENGLISH, bindparam("q", text))
    for number, (word, forms) in enumerate(wordforms.widened_words(text)):
        target = func.plainto_tsquery(_ENGLISH, bindparam(f"w{number}", word))
        tsquery = func.ts_rewrite(tsquery, target, _any_of(number, forms))
    return tsquery


def _any_of(number: int, forms: tuple[str, ...]) -> ColumnElement[Any]:
    """``'ran' | 'run'`` for the forms ran, run, runs, running: each distinct stem once.

    A repeated stem costs time in every phrase match; the stored vector's own text
    output lists the distinct stems ("'ran' 'run'", forms are letters only), so joining
    them with " | " is the query. Every step is immutable, so PostgreSQL folds it.
    """
    stems = func.strip(func.to_tsvector(_ENGLISH, bindparam(f"f{number}", " ".join(forms))))
    return cast(func.replace(cast(stems, Text), " ", " | "), TSQUERY)


def search_query(
    user_id: uuid.UUID,
    query: str,
    *,
    limit: int = 10,
    tags: Sequence[str] = (),
    language: str = DEFAULT_LANGUAGE,
) -> Select[Any]:
    """The user's best matches; a searcher who speaks a language with its own search vectors
    (core.i18n.SEARCH_CONFIGS) also gets their entries in that language, matched by its
    stemming, and the English vector keeps finding the rest."""
    english = _english_matches(user_id, query, limit=limit, tags=tags)
    config = SEARCH_CONFIGS.get(language)
    if config is None:
        return english
    own = _matches_in(config, user_id, query, tags=tags)
    regconfig: ColumnElement[Any] = literal_column(f"'{config}'::regconfig")
    has_own = (
        select(EntrySearch.entry_id)
        .where(EntrySearch.entry_id == Entry.id, EntrySearch.config == regconfig)
        .exists()
    )
    either = union_all(english.where(~has_own), own).subquery()
    return (
        select(either)
        .order_by(either.c.rank.desc(), either.c.created_at.desc(), either.c.id.desc())
        .limit(limit)
    )


def _english_matches(
    user_id: uuid.UUID, query: str, *, limit: int, tags: Sequence[str]
) -> Select[Any]:
    tsquery = search_tsquery(query)
    rank = func.ts_rank(_CONTENT_TSV, tsquery).label("rank")
    headline = func.ts_headline(_ENGLISH, _plain_content(), tsquery, _HEADLINE_OPTIONS)
    found = (
        _hits(headline, rank)
        .join(Journal, Journal.id == Entry.journal_id)
        .where(Journal.user_id == user_id, _CONTENT_TSV.bool_op("@@")(tsquery))
        .order_by(rank.desc(), Entry.created_at.desc(), Entry.id.desc())
        .limit(limit)
    )
    return found.where(tagged_with(tags)) if tags else found


def _matches_in(config: str, user_id: uuid.UUID, query: str, *, tags: Sequence[str]) -> Select[Any]:
    """Entries with a vector in ``config`` (a fixed name of SEARCH_CONFIGS, never user
    input), matched by that language's parse of the query."""
    regconfig: ColumnElement[Any] = literal_column(f"'{config}'::regconfig")
    text = straight_quotes(query[:SEARCH_MAX_CHARS])
    tsquery = func.websearch_to_tsquery(regconfig, bindparam("q", text))
    rank = func.ts_rank(EntrySearch.tsv, tsquery).label("rank")
    headline = func.ts_headline(regconfig, _plain_content(), tsquery, _HEADLINE_OPTIONS)
    found = (
        _hits(headline, rank)
        .join(EntrySearch, EntrySearch.entry_id == Entry.id)
        .join(Journal, Journal.id == Entry.journal_id)
        .where(
            Journal.user_id == user_id,
            EntrySearch.config == regconfig,
            EntrySearch.tsv.bool_op("@@")(tsquery),
        )
    )
    return found.where(tagged_with(tags)) if tags else found


def _hits(headline: ColumnElement[Any], rank: ColumnElement[Any]) -> Select[Any]:
    """What a search returns per entry, whichever vector matched it."""
    return select(
        Entry.id,
        Entry.journal_id,
        Journal.title,
        Entry.created_at,
        headline.label("headline"),
        rank,
    )


def _plain_content() -> ColumnElement[Any]:
    """Tags are dropped before ts_headline so a fragment never cuts a tag in half."""
    return func.regexp_replace(Entry.content, literal(_TAG_PATTERN, Text), " ", "g")


async def search_entries(
    session: AsyncSession,
    user_id: uuid.UUID,
    query: str,
    *,
    limit: int = 10,
    tags: Sequence[str] = (),
    language: str = DEFAULT_LANGUAGE,
) -> list[SearchHit]:
    """The user's entries matching ``query`` (web-search syntax), best match first.

    Stemmed English matching with word forms: "running" and "ran" find "run", "children"
    finds "child"; for a searcher in ``language`` with its own configuration, also that
    language's stemming over their entries written in it ("Kind" finds "Kindern").
    A query without searchable words ("", "!!!", only stop words) finds
    nothing. ``tags``: only entries carrying all of them (kept by db.tags; sync them first).
    """
    if not query.strip():
        return []
    if not wordforms.loaded():
        await asyncio.to_thread(wordforms.load)
    statement = search_query(user_id, query, limit=limit, tags=tags, language=language)
    rows = (await session.execute(statement)).all()
    return [
        SearchHit(
            entry_id=row.id,
            journal_id=row.journal_id,
            journal_title=row.title,
            created_at=row.created_at,
            snippet=_snippet(row.headline),
            rank=float(row.rank),
        )
        for row in rows
    ]


def _snippet(headline: str) -> str:
    """ts_headline's output as valid Telegram HTML: text escaped, balanced <b> around matches."""
    text = " ".join(html.unescape(_TAG.sub(" ", headline)).split())
    parts: list[str] = []
    bold = False
    for piece in re.split(f"([{_MATCH_START}{_MATCH_STOP}])", text):
        if piece == _MATCH_START:
            if not bold:
                parts.append("<b>")
            bold = True
        elif piece == _MATCH_STOP:
            if bold:
                parts.append("</b>")
            bold = False
        else:
            parts.append(html.escape(piece, quote=False))
    if bold:
        parts.append("</b>")
    return "".join(parts)


# --- Telegram messages ------------------------------------------------------------


async def link_message(
    session: AsyncSession, entry_id: uuid.UUID, chat_id: int, message_id: int, part: int = 0
) -> None:
    """Remember that the Telegram message (or part ``part`` of a /write entry) is ``entry_id``.

    ``entry_id`` must come from the bot itself (e.g. ``add_entry``), never from user input.
    """
    statement = insert(EntryMessage).values(
        chat_id=chat_id, message_id=message_id, entry_id=entry_id, part=part
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[EntryMessage.chat_id, EntryMessage.message_id],
            set_={"entry_id": statement.excluded.entry_id, "part": statement.excluded.part},
        )
    )


async def entry_for_message(
    session: AsyncSession, user_id: uuid.UUID, chat_id: int, message_id: int
) -> Entry | None:
    return await session.scalar(
        _owned_entries(user_id)
        .join(EntryMessage, EntryMessage.entry_id == Entry.id)
        .where(EntryMessage.chat_id == chat_id, EntryMessage.message_id == message_id)
    )


async def message_parts(session: AsyncSession, entry_id: uuid.UUID) -> int:
    """How many Telegram messages make up the entry (more than one after /write)."""
    count = await session.scalar(
        select(func.count()).select_from(EntryMessage).where(EntryMessage.entry_id == entry_id)
    )
    return int(count or 0)


async def count_entries_since(session: AsyncSession, user_id: uuid.UUID, since: datetime) -> int:
    """Entries across the user's journals created at or after ``since``."""
    count = await session.scalar(
        select(func.count())
        .select_from(Entry)
        .join(Journal, Journal.id == Entry.journal_id)
        .where(Journal.user_id == user_id, Entry.created_at >= naive_utc(since))
    )
    return count or 0
