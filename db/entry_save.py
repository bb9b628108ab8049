"""Saving entries: the one path every journal message takes, batched.

A plain message, a caption, a /write draft and the messages kept while the writer was
logged out are all saved by ``save_new_entries``: one statement per batch that
inserts each entry only into its owner's journal, links its Telegram messages and
skips an entry whose message was saved before (a re-delivered update, a retry after
a crash), and reads back what the bot shows next (writing days, AI toggles, open
goals) so the reply costs no further query.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    Integer,
    Text,
    and_,
    bindparam,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, UUID, insert

from core.clock import naive_utc, utc_now
from db.goals import open_goal_texts_of
from db.models import BotUpdate, Entry, EntryMessage, EntryTags, Journal
from db.prepared import Driver, Prepared
from db.settings import ai_settings_document, ai_settings_of


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
    # When it was written, for a message kept while its writer was logged out; else
    # the entry is dated when it is saved.
    written_at: datetime | None = None
    # (bot id, update id) of the inbox update this save completes: marked done by the
    # same statement if the entry is saved or was saved before (db.inbox.mark_done).
    finishes_update: tuple[int, int] | None = None


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
    ).add_cte(tagged, _finished(owned))


def _finished(owned: Any) -> Any:
    """Mark the inbox updates of the saved (or already saved) entries done: a crash
    after this statement can no longer repeat the update, nor lose its entry."""
    done = (
        func.unnest(
            bindparam("done_bot_ids", type_=ARRAY(BigInteger)),
            bindparam("done_update_ids", type_=ARRAY(BigInteger)),
            bindparam("done_entry_ids", type_=ARRAY(UUID(as_uuid=True))),
        )
        .table_valued("bot_id", "update_id", "entry_id")
        .render_derived(name="done")
    )
    # As db.inbox.mark_done: a handled update keeps only its key.
    return (
        update(BotUpdate)
        .where(
            BotUpdate.bot_id == done.c.bot_id,
            BotUpdate.update_id == done.c.update_id,
            BotUpdate.state == literal_column("'pending'"),
            done.c.entry_id.in_(select(owned.c.id)),
        )
        .values(
            state=literal_column("'done'"),
            done_at=func.timezone(literal_column("'UTC'"), func.now()),
            payload=literal_column("'{}'"),
        )
        .cte("finished")
    )


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
    finishing = [
        (i.finishes_update, id_)
        for id_, i in zip(ids, items, strict=True)
        if i.finishes_update is not None
    ]
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
        "done_bot_ids": [update[0] for update, _ in finishing],
        "done_update_ids": [update[1] for update, _ in finishing],
        "done_entry_ids": [id_ for _, id_ in finishing],
    }


async def save_new_entries(
    driver: Driver, items: Sequence[NewEntry]
) -> list[SavedNew | SaveProblem]:
    """Insert the entries (each only into its owner's journal), link their messages,
    and read each writer's recent writing days, AI toggles and open goals: one
    statement for the whole batch, its own transaction unless ``driver`` is in one.

    An entry whose messages are all linked already is not inserted (``DUPLICATE``):
    saving the same message twice, by any path, leaves one entry."""
    now = utc_now()
    ids = [uuid.uuid4() for _ in items]
    # Distinct, increasing timestamps keep a batch's entries in arrival order.
    moments = [
        now + timedelta(microseconds=i) if item.written_at is None else naive_utc(item.written_at)
        for i, item in enumerate(items)
    ]
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
