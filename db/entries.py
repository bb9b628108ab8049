"""Journal entries: writing, editing, listing, searching, and the Telegram messages behind them.

Entries belong to a user through their journal, so every query joins ``journals`` on
``user_id``: another user's entry behaves exactly like a missing one.
"""

from __future__ import annotations

import asyncio
import enum
import html
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Date,
    DateTime,
    Integer,
    Select,
    Text,
    and_,
    bindparam,
    cast,
    delete,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY, UUID, insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import naive_utc, utc_now
from core.text import clean_text
from db import wordforms
from db.goals import open_goal_texts_of
from db.models import Entry, EntryMessage, EntryTags, Goal, Journal
from db.prepared import Driver, Prepared
from db.profile import require_timezone
from db.settings import ai_settings_document, ai_settings_of
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
    user_id: uuid.UUID,
    journal_id: uuid.UUID,
    content: str,
    *,
    created_at: datetime | None = None,
) -> Entry | None:
    """A new entry in the user's journal; None when the journal is not theirs."""
    text = clean_content(content)
    # The app's clock, not now(): entries added in one transaction keep their order.
    moment = naive_utc(created_at) if created_at is not None else utc_now()
    # One statement that checks ownership and inserts: this is the bot's hot path.
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
    user_id: uuid.UUID, query: str, *, limit: int = 10, tags: Sequence[str] = ()
) -> Select[Any]:
    tsquery = search_tsquery(query)
    rank = func.ts_rank(_CONTENT_TSV, tsquery).label("rank")
    # Tags are dropped before ts_headline so a fragment never cuts a tag in half.
    plain = func.regexp_replace(Entry.content, literal(_TAG_PATTERN, Text), " ", "g")
    headline = func.ts_headline(_ENGLISH, plain, tsquery, _HEADLINE_OPTIONS).label("headline")
    found = (
        select(Entry.id, Entry.journal_id, Journal.title, Entry.created_at, headline, rank)
        .join(Journal, Journal.id == Entry.journal_id)
        .where(Journal.user_id == user_id, _CONTENT_TSV.bool_op("@@")(tsquery))
        .order_by(rank.desc(), Entry.created_at.desc(), Entry.id.desc())
        .limit(limit)
    )
    return found.where(tagged_with(tags)) if tags else found


async def search_entries(
    session: AsyncSession,
    user_id: uuid.UUID,
    query: str,
    *,
    limit: int = 10,
    tags: Sequence[str] = (),
) -> list[SearchHit]:
    """The user's entries matching ``query`` (web-search syntax), best match first.

    Stemmed English matching with word forms: "running" and "ran" find "run", "children"
    finds "child". A query without searchable words ("", "!!!", only stop words) finds
    nothing. ``tags``: only entries carrying all of them (kept by db.tags; sync them first).
    """
    if not query.strip():
        return []
    if not wordforms.loaded():
        await asyncio.to_thread(wordforms.load)
    rows = (await session.execute(search_query(user_id, query, limit=limit, tags=tags))).all()
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


# --- saving many entries at once (the bot's hot path, see bot.batching) ------------


@dataclass(frozen=True)
class NewEntry:
    """One message to save: ``content`` already passed ``clean_content``; ``timezone``
    is a valid zone (the streak dates are computed in it)."""

    user_id: uuid.UUID
    journal_id: uuid.UUID
    content: str
    chat_id: int
    message_ids: tuple[int, ...]
    timezone: str
    dates_since: datetime
    tags: tuple[str, ...] = ()  # read from ``content`` (core.tags), kept in entry_tags


@dataclass(frozen=True)
class SavedNew:
    """A saved entry, and what the bot does next with it needs to know about its writer
    (read in the same statement, so the after-save steps cost no query)."""

    entry: Entry  # detached: id, journal_id, content, created_at
    local_dates: list[date]  # the user's writing days since ``dates_since``, ascending
    ai_settings: dict[str, object]  # the AI toggles, as ``db.settings.ai_settings_of``
    open_goals: list[str]  # texts of the open goals, oldest first


class SaveProblem(enum.Enum):
    DUPLICATE = "the message was saved before (a re-delivered update)"
    NO_JOURNAL = "the journal is gone or not the user's"


def _save_statement() -> Any:
    """One statement for a whole batch (see ``save_new_entries``): parallel arrays in,
    one row per writer out, with the entries it inserted and the writer's days, AI
    toggles and open goals."""

    def array_of(name: str, kind: Any) -> Any:
        return bindparam(name, type_=ARRAY(kind))

    new = (
        func.unnest(
            array_of("ids", UUID(as_uuid=True)),
            array_of("journal_ids", UUID(as_uuid=True)),
            array_of("user_ids", UUID(as_uuid=True)),
            array_of("contents", Text),
            array_of("moments", DateTime),
            array_of("tag_lists", Text),
        )
        .table_valued("id", "journal_id", "user_id", "content", "t", "tags")
        .render_derived(name="new")
    )
    owned = (
        select(new.c.id, new.c.journal_id, new.c.content, new.c.t, new.c.tags)
        .join(Journal, and_(Journal.id == new.c.journal_id, Journal.user_id == new.c.user_id))
        .cte("owned")
    )
    links = (
        func.unnest(
            array_of("link_chat_ids", BigInteger),
            array_of("link_message_ids", BigInteger),
            array_of("link_entry_ids", UUID(as_uuid=True)),
            array_of("link_parts", Integer),
        )
        .table_valued("chat_id", "message_id", "entry_id", "part")
        .render_derived(name="links")
    )
    # A message already linked (a re-delivered update) keeps its entry; an entry none of
    # whose messages could be linked is not inserted. The foreign key from
    # entry_messages to entries is checked at the end of the statement, so the links
    # may be written first.
    linked = (
        insert(EntryMessage)
        .from_select(
            ["chat_id", "message_id", "entry_id", "part"],
            select(links.c.chat_id, links.c.message_id, links.c.entry_id, links.c.part).join(
                owned, owned.c.id == links.c.entry_id
            ),
        )
        .on_conflict_do_nothing(index_elements=[EntryMessage.chat_id, EntryMessage.message_id])
        .returning(EntryMessage.entry_id)
        .cte("linked")
    )
    wanted = or_(
        owned.c.id.in_(select(linked.c.entry_id)),
        ~owned.c.id.in_(select(links.c.entry_id)),  # saved without a message
    )
    inserted = (
        insert(Entry)
        .from_select(
            ["id", "journal_id", "content", "created_at", "updated_at"],
            select(owned.c.id, owned.c.journal_id, owned.c.content, owned.c.t, owned.c.t).where(
                wanted
            ),
        )
        .returning(Entry.id)
        .cte("inserted")
    )
    # Tags travel as one space-separated text per entry (a tag holds no space): arrays
    # of arrays must be rectangular. Unread by the outer query, but run all the same.
    tagged = (
        insert(EntryTags)
        .from_select(
            ["entry_id", "tags", "content_updated_at"],
            select(
                owned.c.id,
                func.string_to_array(owned.c.tags, literal(" ", Text)),
                owned.c.t,
            ).where(owned.c.id.in_(select(inserted.c.id))),
        )
        .on_conflict_do_nothing(index_elements=[EntryTags.entry_id])
        .cte("tagged")
    )
    writers = (
        func.unnest(
            array_of("writer_ids", UUID(as_uuid=True)),
            array_of("writer_zones", Text),
            array_of("writer_since", DateTime),
        )
        .table_valued("user_id", "tz", "since")
        .render_derived(name="writers")
    )
    day = cast(
        func.timezone(writers.c.tz, func.timezone(literal_column("'UTC'"), Entry.created_at)),
        Date,
    )
    # Per journal, so each is one range of idx_entries_journal_created: joined flat, the
    # planner (not knowing "since") may hash-join a scan of every user's entries. The
    # DISTINCT keeps PostgreSQL from flattening the LATERAL subquery into that join.
    journal_days = (
        select(day.label("day"))
        .where(Entry.journal_id == Journal.id, Entry.created_at >= writers.c.since)
        .distinct()
        .correlate(Journal, writers)
        .lateral("journal_days")
    )
    # The statement's snapshot predates its own inserts: the caller adds their days.
    days = (
        select(func.array_agg(journal_days.c.day.distinct()))
        .select_from(Journal)
        .join(journal_days, true())
        .where(Journal.user_id == writers.c.user_id)
        .scalar_subquery()
    )
    return select(
        writers.c.user_id,
        days.label("days"),
        ai_settings_document(writers.c.user_id).label("ai"),
        open_goal_texts_of(writers.c.user_id).label("open_goals"),
        select(func.array_agg(owned.c.id)).scalar_subquery().label("owned"),
        select(func.array_agg(inserted.c.id)).scalar_subquery().label("inserted"),
    ).add_cte(tagged)


_SAVE = Prepared(_save_statement())


def _save_parameters(
    items: Sequence[NewEntry], ids: Sequence[uuid.UUID], moments: Sequence[datetime]
) -> dict[str, Any]:
    links = [
        (item.chat_id, message_id, id_, part)
        for id_, item in zip(ids, items, strict=True)
        for part, message_id in enumerate(item.message_ids)
    ]
    writers = sorted({(i.user_id, i.timezone, naive_utc(i.dates_since)) for i in items})
    return {
        "ids": list(ids),
        "journal_ids": [i.journal_id for i in items],
        "user_ids": [i.user_id for i in items],
        "contents": [i.content for i in items],
        "moments": list(moments),
        "tag_lists": [" ".join(i.tags) for i in items],
        "link_chat_ids": [link[0] for link in links],
        "link_message_ids": [link[1] for link in links],
        "link_entry_ids": [link[2] for link in links],
        "link_parts": [link[3] for link in links],
        "writer_ids": [w[0] for w in writers],
        "writer_zones": [w[1] for w in writers],
        "writer_since": [w[2] for w in writers],
    }


async def save_new_entries(
    driver: Driver, items: Sequence[NewEntry]
) -> list[SavedNew | SaveProblem]:
    """Insert the entries (each only into its owner's journal), link their messages,
    and read each writer's recent writing days, AI toggles and open goals: one
    statement, one transaction, for the whole batch."""
    now = utc_now()
    ids = [uuid.uuid4() for _ in items]
    # Distinct, increasing timestamps keep a batch's entries in arrival order.
    moments = [now + timedelta(microseconds=i) for i in range(len(items))]
    rows = await _SAVE.fetch(driver, **_save_parameters(items, ids, moments))
    owned = set(rows[0]["owned"] or ()) if rows else set()
    inserted = set(rows[0]["inserted"] or ()) if rows else set()
    writers = {row["user_id"]: row for row in rows}
    dates: dict[uuid.UUID, set[date]] = {row["user_id"]: set(row["days"] or ()) for row in rows}
    for id_, item, moment in zip(ids, items, moments, strict=True):
        if id_ in inserted:  # the day it was written on the user's clock
            dates[item.user_id].add(
                moment.replace(tzinfo=UTC).astimezone(ZoneInfo(item.timezone)).date()
            )
    results: list[SavedNew | SaveProblem] = []
    for id_, item, moment in zip(ids, items, moments, strict=True):
        if id_ in inserted:
            entry = Entry(
                id=id_,
                journal_id=item.journal_id,
                content=item.content,
                created_at=moment,
                updated_at=moment,
            )
            writer = writers[item.user_id]
            results.append(
                SavedNew(
                    entry,
                    sorted(dates[item.user_id]),
                    ai_settings_of(writer["ai"]),
                    list(writer["open_goals"] or ()),
                )
            )
        elif id_ in owned:
            results.append(SaveProblem.DUPLICATE)
        else:
            results.append(SaveProblem.NO_JOURNAL)
    return results
