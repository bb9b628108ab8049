"""Entries: writing and editing, listing, local dates, full-text search, message links."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import Text, cast, func, select

from core.vocab import GoalSource
from db import entries
from db.database import Database
from db.errors import InvalidInput
from db.goals import create_goal, reject_goal
from db.models import Entry, EntryMessage, Goal
from tests.factories import explain, make_entry, make_journal, make_user

T0 = datetime(2024, 3, 10, 12, 0)


async def _two_users(db: Database) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID, uuid.UUID]:
    """Alice and Bob, one journal each: (alice, alice_journal, bob, bob_journal)."""
    async with db.sessions.begin() as s:
        alice, bob = await make_user(s), await make_user(s)
        return (
            alice,
            (await make_journal(s, alice)).id,
            bob,
            (await make_journal(s, bob)).id,
        )


# --- writing ----------------------------------------------------------------------


async def test_add_entry_to_own_journal_and_refuse_another_users(db: Database) -> None:
    alice, alice_journal, _, bob_journal = await _two_users(db)
    async with db.sessions.begin() as s:
        entry = await entries.add_entry(
            s, "  Learned a lot today  ", user_id=alice, journal_id=alice_journal
        )
        assert entry is not None
        assert entry.content == "Learned a lot today"
        assert await entries.add_entry(s, "sneaky", user_id=alice, journal_id=bob_journal) is None
        assert await entries.add_entry(s, "nowhere", user_id=alice, journal_id=uuid.uuid4()) is None
    async with db.sessions() as s:
        contents = (await s.scalars(select(Entry.content))).all()
        assert contents == ["Learned a lot today"]
        assert entry.created_at is not None


async def test_add_entry_keeps_given_time_as_naive_utc(db: Database) -> None:
    alice, journal, _, _ = await _two_users(db)
    from zoneinfo import ZoneInfo

    tokyo_morning = datetime(2024, 1, 2, 8, 30, tzinfo=ZoneInfo("Asia/Tokyo"))
    async with db.sessions.begin() as s:
        entry = await entries.add_entry(
            s, "early", user_id=alice, journal_id=journal, created_at=tokyo_morning
        )
        assert entry is not None
    async with db.sessions() as s:
        stored = await s.get(Entry, entry.id)
        assert stored is not None
        assert stored.created_at == datetime(2024, 1, 1, 23, 30)


@pytest.mark.parametrize("content", ["", "   \n ", "x" * (entries.ENTRY_MAX_CHARS + 1)])
async def test_add_entry_rejects_empty_or_huge_content(db: Database, content: str) -> None:
    alice, journal, _, _ = await _two_users(db)
    async with db.sessions.begin() as s:
        with pytest.raises(InvalidInput):
            await entries.add_entry(s, content, user_id=alice, journal_id=journal)


async def test_update_entry_changes_text_and_bumps_updated_at(db: Database) -> None:
    alice, journal, _, _ = await _two_users(db)
    async with db.sessions.begin() as s:
        entry = await make_entry(s, journal, "first draft", T0)
    async with db.sessions.begin() as s:
        loaded = await entries.get_entry(s, alice, entry.id)
        assert loaded is not None
        updated = await entries.update_entry(s, alice, entry.id, "second draft")
        assert updated is loaded  # the session's object is refreshed, not stale
        assert loaded.content == "second draft"
        assert loaded.updated_at > T0
        assert loaded.created_at == T0


async def test_another_users_entry_is_not_found_and_unchanged(db: Database) -> None:
    alice, _, bob, bob_journal = await _two_users(db)
    async with db.sessions.begin() as s:
        bobs = await make_entry(s, bob_journal, "bob's secret", T0)
        await entries.link_message(s, bobs.id, chat_id=99, message_id=5)
    async with db.sessions.begin() as s:
        assert await entries.get_entry(s, alice, bobs.id) is None
        assert await entries.update_entry(s, alice, bobs.id, "defaced") is None
        assert await entries.delete_entry(s, alice, bobs.id) is False
        assert await entries.entry_for_message(s, alice, 99, 5) is None
        assert await entries.list_entries(s, alice, bob_journal, limit=10) == []
        assert await entries.count_entries(s, alice, bob_journal) == 0
    async with db.sessions() as s:
        stored = await entries.get_entry(s, bob, bobs.id)
        assert stored is not None
        assert stored.content == "bob's secret"
        assert stored.updated_at == T0
        assert await entries.entry_for_message(s, bob, 99, 5) == stored


async def test_delete_entry_keeps_its_goals_unlinked_and_drops_message_links(
    db: Database,
) -> None:
    alice, journal, _, _ = await _two_users(db)
    async with db.sessions.begin() as s:
        entry = await make_entry(s, journal, "I want to run more")
        await entries.link_message(s, entry.id, chat_id=1, message_id=10)
        goal = await create_goal(
            s, alice, "Run twice a week", source=GoalSource.AI_GENERATED, journal_entry_id=entry.id
        )
    async with db.sessions.begin() as s:
        assert await entries.delete_entry(s, alice, entry.id) is True
    async with db.sessions.begin() as s:
        assert await entries.delete_entry(s, alice, entry.id) is False
        kept = await s.get(Goal, goal.id)
        assert kept is not None
        assert kept.journal_entry_id is None
        assert kept.content == "Run twice a week"
        assert await s.scalar(select(func.count()).select_from(EntryMessage)) == 0
        assert await entries.count_all_entries(s, alice) == 0


# --- reading ----------------------------------------------------------------------


async def test_list_entries_newest_first_with_paging(db: Database) -> None:
    alice, journal, bob, bob_journal = await _two_users(db)
    async with db.sessions.begin() as s:
        other = await make_journal(s, alice, "Other")
        for day in range(5):
            await make_entry(s, journal, f"day {day}", T0 + timedelta(days=day))
        await make_entry(s, other.id, "elsewhere", T0 + timedelta(days=10))
        await make_entry(s, bob_journal, "bob", T0 + timedelta(days=11))
    async with db.sessions() as s:
        first = await entries.list_entries(s, alice, journal, limit=2)
        second = await entries.list_entries(s, alice, journal, limit=2, offset=2)
        last = await entries.list_entries(s, alice, journal, limit=2, offset=4)
        assert [e.content for e in first + second + last] == [
            "day 4",
            "day 3",
            "day 2",
            "day 1",
            "day 0",
        ]
        assert await entries.count_entries(s, alice, journal) == 5
        assert await entries.count_all_entries(s, alice) == 6
        assert await entries.count_all_entries(s, bob) == 1


async def test_recent_entries_with_goals_is_scoped_and_limits_entries(db: Database) -> None:
    alice, journal, bob, bob_journal = await _two_users(db)
    async with db.sessions.begin() as s:
        old = await make_entry(s, journal, "old", T0)
        new = await make_entry(s, journal, "new", T0 + timedelta(days=1))
        await make_entry(s, bob_journal, "bob newest", T0 + timedelta(days=2))
        for text in ("Goal A", "Goal B", "Goal C"):
            await create_goal(
                s, alice, text, source=GoalSource.AI_GENERATED, journal_entry_id=new.id
            )
        turned_down = await create_goal(
            s, alice, "Nope", source=GoalSource.AI_GENERATED, journal_entry_id=new.id
        )
        await reject_goal(s, alice, turned_down.id)
    async with db.sessions() as s:
        recent = await entries.recent_entries_with_goals(s, alice, limit=2)
        assert [item.entry.id for item in recent] == [new.id, old.id]
        assert [g.content for g in recent[0].goals] == ["Goal A", "Goal B", "Goal C"]
        assert recent[1].goals == ()
        assert recent[0].journal_title == "Daily"
        only_latest = await entries.recent_entries_with_goals(s, alice, limit=1)
        assert [item.entry.id for item in only_latest] == [new.id]
        assert [i.entry.content for i in await entries.recent_entries_with_goals(s, bob)] == [
            "bob newest"
        ]


async def test_entries_between_is_half_open(db: Database) -> None:
    alice, journal, _, bob_journal = await _two_users(db)
    async with db.sessions.begin() as s:
        for hours in (0, 1, 2):
            await make_entry(s, journal, f"h{hours}", T0 + timedelta(hours=hours))
        await make_entry(s, bob_journal, "bob", T0 + timedelta(hours=1))
    async with db.sessions() as s:
        found = await entries.entries_between(s, alice, T0, T0 + timedelta(hours=2))
        assert [e.content for e in found] == ["h0", "h1"]


# --- local dates ------------------------------------------------------------------


async def test_local_dates_follow_the_users_time_zone(db: Database) -> None:
    alice, journal, _, bob_journal = await _two_users(db)
    async with db.sessions.begin() as s:
        await make_entry(s, journal, "late evening UTC", datetime(2024, 1, 1, 23, 30))
        await make_entry(s, journal, "next afternoon UTC", datetime(2024, 1, 2, 14, 0))
        await make_entry(s, bob_journal, "bob", datetime(2024, 1, 5, 12, 0))
    async with db.sessions() as s:
        assert await entries.entry_local_dates(s, alice, "UTC") == [
            date(2024, 1, 1),
            date(2024, 1, 2),
        ]
        # 23:30 UTC is 08:30 the next morning in Tokyo: both entries fall on 2 January.
        assert await entries.entry_local_dates(s, alice, "asia/tokyo") == [date(2024, 1, 2)]
        tokyo = await entries.entries_on_local_date(s, alice, "Asia/Tokyo", date(2024, 1, 2))
        assert [e.content for e in tokyo] == ["late evening UTC", "next afternoon UTC"]
        utc = await entries.entries_on_local_date(s, alice, "UTC", date(2024, 1, 2))
        assert [e.content for e in utc] == ["next afternoon UTC"]


async def test_entries_on_days_finds_each_requested_day(db: Database) -> None:
    alice, journal, _, bob_journal = await _two_users(db)
    async with db.sessions.begin() as s:
        await make_entry(s, journal, "2022", datetime(2022, 6, 1, 9, 0))
        await make_entry(s, journal, "2023", datetime(2023, 6, 1, 9, 0))
        await make_entry(s, journal, "2023 other day", datetime(2023, 6, 2, 9, 0))
        await make_entry(s, bob_journal, "bob 2023", datetime(2023, 6, 1, 9, 0))
    async with db.sessions() as s:
        found = await entries.entries_on_days(
            s, alice, "Europe/Berlin", [date(2022, 6, 1), date(2023, 6, 1)]
        )
        assert [e.content for e in found] == ["2022", "2023"]
        assert await entries.entries_on_days(s, alice, "UTC", []) == []


async def test_unknown_time_zone_is_a_friendly_error(db: Database) -> None:
    alice, _, _, _ = await _two_users(db)
    async with db.sessions() as s:
        with pytest.raises(InvalidInput, match="time zone"):
            await entries.entry_local_dates(s, alice, "Mars/Olympus_Mons")


# --- search -----------------------------------------------------------------------


class _TelegramHtmlCheck(HTMLParser):
    """Fails on anything but balanced <b> tags: what Telegram accepts in a snippet."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag == "b" and self.depth == 0
        self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        assert tag == "b" and self.depth == 1
        self.depth -= 1

    def handle_data(self, data: str) -> None:
        assert "<" not in data and ">" not in data


def _assert_valid_snippet(snippet: str) -> None:
    check = _TelegramHtmlCheck()
    check.feed(snippet)
    check.close()
    assert check.depth == 0
    assert re.fullmatch(r"([^&]|&(amp|lt|gt|quot);)*", snippet), snippet


async def test_search_ranks_more_mentions_higher_and_stems(db: Database) -> None:
    alice, journal, _, _ = await _two_users(db)
    async with db.sessions.begin() as s:
        once = await make_entry(s, journal, "I went for a run in the park.", T0)
        thrice = await make_entry(
            s, journal, "Run, then run again, and one more run tomorrow.", T0 - timedelta(days=1)
        )
        await make_entry(s, journal, "Nothing relevant here.", T0)
    async with db.sessions() as s:
        hits = await entries.search_entries(s, alice, "running")
        assert [h.entry_id for h in hits] == [thrice.id, once.id]
        assert hits[0].rank > hits[1].rank
        assert "<b>run</b>" in hits[1].snippet
        assert hits[0].journal_title == "Daily"


async def test_search_ties_show_newest_first(db: Database) -> None:
    alice, journal, _, _ = await _two_users(db)
    async with db.sessions.begin() as s:
        older = await make_entry(s, journal, "gratitude", T0)
        newer = await make_entry(s, journal, "gratitude", T0 + timedelta(days=1))
    async with db.sessions() as s:
        hits = await entries.search_entries(s, alice, "gratitude")
        assert [h.entry_id for h in hits] == [newer.id, older.id]


async def test_search_ignores_html_markup_and_only_searches_own_entries(db: Database) -> None:
    alice, journal, _, bob_journal = await _two_users(db)
    async with db.sessions.begin() as s:
        await make_entry(s, journal, '<code>x = 1</code> and <a href="https://e.com/bold">link</a>')
        marked = await make_entry(s, journal, "Wrote some code today, &lt;finally&gt; &amp; more")
        await make_entry(s, bob_journal, "bob writes code too")
    async with db.sessions() as s:
        hits = await entries.search_entries(s, alice, "code")
        assert [h.entry_id for h in hits] == [marked.id]
        assert await entries.search_entries(s, alice, "bold") == []
        assert await entries.search_entries(s, alice, "href") == []


async def test_search_snippet_is_valid_telegram_html(db: Database) -> None:
    alice, journal, _, _ = await _two_users(db)
    content = (
        "<b>Big</b> day: 3 &lt; 5 &amp; I <i>finally</i> understood recursion. "
        + "Some filler words to make the text long enough for fragments. " * 5
        + '<a href="https://example.com">recursion</a> notes &quot;later&quot;.'
    )
    async with db.sessions.begin() as s:
        await make_entry(s, journal, content)
    async with db.sessions() as s:
        (hit,) = await entries.search_entries(s, alice, "recursion")
        _assert_valid_snippet(hit.snippet)
        assert "<b>recursion</b>" in hit.snippet
        assert "<i>" not in hit.snippet and "href" not in hit.snippet


async def test_search_with_markers_in_the_text_still_gives_balanced_html(db: Database) -> None:
    alice, journal, _, _ = await _two_users(db)
    async with db.sessions.begin() as s:
        await make_entry(s, journal, "odd \ue001 character then growth \ue000 and more")
    async with db.sessions() as s:
        (hit,) = await entries.search_entries(s, alice, "growth")
        _assert_valid_snippet(hit.snippet)
        assert "<b>growth</b>" in hit.snippet


@pytest.mark.parametrize("query", ["", "   ", "!!!", "the", '"" -', "&&||::"])
async def test_search_without_words_finds_nothing(db: Database, query: str) -> None:
    alice, journal, _, _ = await _two_users(db)
    async with db.sessions.begin() as s:
        await make_entry(s, journal, "the ! words - and :: symbols")
    async with db.sessions() as s:
        assert await entries.search_entries(s, alice, query) == []


async def test_search_supports_web_search_syntax(db: Database) -> None:
    alice, journal, _, _ = await _two_users(db)
    async with db.sessions.begin() as s:
        both = await make_entry(s, journal, "fear of failure holds me back")
        await make_entry(s, journal, "failure taught me")
    async with db.sessions() as s:
        hits = await entries.search_entries(s, alice, "failure -taught")
        assert [h.entry_id for h in hits] == [both.id]
        phrase = await entries.search_entries(s, alice, '"fear of failure"')
        assert [h.entry_id for h in phrase] == [both.id]


async def test_search_respects_limit(db: Database) -> None:
    alice, journal, _, _ = await _two_users(db)
    async with db.sessions.begin() as s:
        for i in range(4):
            await make_entry(s, journal, f"habit number {i}", T0 + timedelta(minutes=i))
    async with db.sessions() as s:
        assert len(await entries.search_entries(s, alice, "habit", limit=3)) == 3


# --- message links ----------------------------------------------------------------


async def test_message_links_find_the_entry_and_can_be_moved(db: Database) -> None:
    alice, journal, _, _ = await _two_users(db)
    async with db.sessions.begin() as s:
        first = await make_entry(s, journal, "part one")
        second = await make_entry(s, journal, "part two")
        await entries.link_message(s, first.id, chat_id=7, message_id=100)
        await entries.link_message(s, first.id, chat_id=7, message_id=101, part=1)
    async with db.sessions.begin() as s:
        linked = await entries.entry_for_message(s, alice, 7, 101)
        assert linked is not None and linked.id == first.id
        assert await entries.entry_for_message(s, alice, 7, 102) is None
        assert await entries.entry_for_message(s, alice, 8, 100) is None
        await entries.link_message(s, second.id, chat_id=7, message_id=101)
    async with db.sessions() as s:
        found = await entries.entry_for_message(s, alice, 7, 101)
        assert found is not None and found.id == second.id
        link = await s.get(EntryMessage, (7, 101))
        assert link is not None and link.part == 0


# --- the query shapes match the indexes -------------------------------------------


async def test_search_uses_the_full_text_index(db: Database) -> None:
    alice, journal, _, _ = await _two_users(db)
    async with db.sessions.begin() as s:
        await make_entry(s, journal, "growth")
        plan = await explain(s, entries.search_query(alice, "growth mindset"))
    assert "idx_entries_content_fts" in plan, plan


async def test_listing_a_journal_uses_an_entries_journal_index(db: Database) -> None:
    alice, journal, _, _ = await _two_users(db)
    async with db.sessions.begin() as s:
        await make_entry(s, journal, "growth")
        plan = await explain(s, entries.list_entries_query(alice, journal, limit=10, offset=0))
    assert re.search(r"idx_entries_journal_(created|id)\b", plan), plan


async def test_search_query_widens_each_word_to_its_distinct_stems(db: Database) -> None:
    async with db.sessions() as s:

        async def shown(query: str) -> str:
            return str(await s.scalar(select(cast(entries.search_tsquery(query), Text))))

        # Irregular forms join (each stem once), in a phrase and after a minus too; a
        # regular word stays as PostgreSQL stems it.
        assert await shown("ran") == "'ran' | 'run'"
        assert await shown('"gratitude ran"') == "'gratitud' <-> ( 'ran' | 'run' )"
        assert await shown("gratitude -children") == "'gratitud' & !( 'child' | 'children' )"
        assert await shown("“went”") == "'go' | 'goe' | 'gone' | 'went'"


@pytest.mark.parametrize(
    "query",
    [
        "ran's",
        "ran -away",
        '"ran',
        "ran or or went",
        "\\ran",
        "ran:*",
        "ran & | ! ( )",
        "🙂 ran!",
        "RAN",
        "ran " * 60,
    ],
)
async def test_odd_queries_with_word_forms_still_find_the_entry(db: Database, query: str) -> None:
    alice, journal, _, _ = await _two_users(db)
    async with db.sessions.begin() as s:
        entry = await make_entry(s, journal, "I run every morning.")
    async with db.sessions() as s:
        hits = await entries.search_entries(s, alice, query)
        assert [h.entry_id for h in hits] == [entry.id]
