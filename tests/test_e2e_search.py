"""/search end to end: irregular word forms both ways, phrases, and what it shows back.

Entries are written as the web app writes them (plain SQL, no bot code), so the search
must work on what PostgreSQL alone stored.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest

from db import journals
from tests.harness import BotHarness, login_as
from tests.interop import app_entry

ALICE = 2301
T0 = datetime(2024, 3, 1, 9, 0)

ENTRIES = {
    "ran": "This morning I ran five kilometres before work.",
    "running": "Running in the rain felt great.",
    "went": "We went to the lake after lunch.",
    "going": "Going to the gym is getting easier.",
    "children": "The children laughed at my terrible drawing.",
    "child": "As a child I was afraid of the dark.",
    "better": "My presentation was better than last time.",
    "good": "A good talk with my manager about feedback.",
    "review": "The code review took all afternoon but I learned a lot.",
    "reviewed": "She reviewed the code carefully and asked sharp questions.",
    "unrelated": "Rain, random thoughts, a gopher and childish jokes.",
}


async def _seed(bot: BotHarness) -> dict[str, uuid.UUID]:
    alice = await login_as(bot.db, ALICE)
    async with bot.db.sessions() as s:
        journal = await journals.first_journal(s, alice)
        assert journal is not None
    return {
        key: await app_entry(bot.db, journal.id, text, T0 + timedelta(hours=n))
        for n, (key, text) in enumerate(ENTRIES.items())
    }


async def _found(bot: BotHarness, query: str) -> str:
    reply = await bot.say(ALICE, f"/search {query}")
    return reply.plain_text


@pytest.mark.parametrize(
    ("query", "expected", "not_expected"),
    [
        ("ran", ["I ran five", "Running in the rain"], ["lake", "Rain, random"]),
        ("run", ["I ran five", "Running in the rain"], ["lake"]),
        ("went", ["went to the lake", "Going to the gym"], ["ran five", "gopher"]),
        ("go", ["went to the lake", "Going to the gym"], ["ran five"]),
        ("children", ["children laughed", "child I was"], ["childish"]),
        ("child", ["children laughed", "child I was"], ["childish"]),
        ("better", ["was better than", "good talk"], ["children"]),
        ("good", ["was better than", "good talk"], ["children"]),
    ],
)
async def test_search_finds_irregular_forms_both_ways(
    bot: BotHarness, query: str, expected: list[str], not_expected: list[str]
) -> None:
    await _seed(bot)
    text = await _found(bot, query)
    assert text.startswith(f"🔎 {len(expected)} entries match “{query}”"), text
    for fragment in expected:
        assert fragment in text, (query, fragment, text)
    for fragment in not_expected:
        assert fragment not in text, (query, fragment, text)


async def test_unrelated_words_find_nothing(bot: BotHarness) -> None:
    await _seed(bot)
    for query in ("rang", "rank", "childhood", "bet"):
        text = await _found(bot, query)
        assert text.startswith(f"Nothing in your journals matches “{query}”"), text


async def test_irregular_form_is_shown_in_bold(bot: BotHarness) -> None:
    await _seed(bot)
    reply = await bot.say(ALICE, "/search run", contains="match")
    assert "I <b>ran</b> five" in (reply.text or "")


async def test_phrase_search_keeps_word_order_and_shows_single_quotes(bot: BotHarness) -> None:
    await _seed(bot)
    text = await _found(bot, '"code review"')
    assert text.startswith("🔎 1 entry matches “code review”, best first:"), text
    assert "code review took" in text and "reviewed the code" not in text
    # Word forms work inside a phrase too, and a phone's curly quotes are quotes.
    forms = await _found(bot, "“run five”")
    assert forms.startswith("🔎 1 entry matches “run five”"), forms
    assert "I ran five" in forms


async def test_a_minus_leaves_out_every_form(bot: BotHarness) -> None:
    await _seed(bot)
    text = await _found(bot, "rain -run")
    assert "Rain, random" in text
    assert "Running in the rain" not in text
