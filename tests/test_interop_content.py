"""Entries the web app wrote (its editor's HTML, plain text, broken markup) in the bot.

Rows go in with plain SQL exactly as the app writes them; the bot is driven through
the fake Bot API, which rejects HTML the way Telegram does ("can't parse entities").
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from db.models import Entry
from fake_telegram.server import ChatMessage
from tests.harness import BotHarness
from tests.interop import app_entry, app_journal, app_user, link_telegram
from tests.telegram_html import check

ANN = 2601

TRIP = (
    "<h1>Trip</h1><p>We <strong>climbed</strong> the hill &amp; saw "
    '<a href="https://example.com/view">the view</a>.</p>'
    "<ul><li>water</li><li>snacks</li></ul>"
    '<p><img src="https://example.com/p.jpg" alt="summit photo"></p>'
    '<p><a href="javascript:alert(1)">not a link</a></p>'
)
PLAIN = "Budget: costs < 5 & > 2 for most things, and I <3 saving money this way"
BROKEN = (
    "<script>alert(1)</script><p>Grateful for <b>unclosed <i>misnested</b> text</i>"
    "<table><tr><td>cell</td></tr></table><blockquote>quoted <blockquote>twice</blockquote>"
)


def _long_entry() -> str:
    return "".join(
        f"<h3>Morning {n}</h3><p>I practised <em>deliberately</em> and noted <strong>one "
        f"lesson</strong> today, number {n}.</p><ol><li>first step</li><li>second step</li></ol>"
        for n in range(150)
    )


async def _app_user_with_entries(bot: BotHarness) -> dict[str, uuid.UUID]:
    user = await app_user(bot.db, "ann@example.com")
    journal = await app_journal(bot.db, user)
    now = datetime.now(UTC).replace(tzinfo=None)
    ids = {
        "long": await app_entry(bot.db, journal, _long_entry(), now - timedelta(minutes=4)),
        "broken": await app_entry(bot.db, journal, BROKEN, now - timedelta(minutes=3)),
        "plain": await app_entry(bot.db, journal, PLAIN, now - timedelta(minutes=2)),
        "trip": await app_entry(bot.db, journal, TRIP, now - timedelta(minutes=1)),
    }
    await link_telegram(bot.db, user, ANN)
    return ids


def _bot_messages_after(bot: BotHarness, after: int) -> list[ChatMessage]:
    return [m for m in bot.fake.messages(ANN) if m.from_bot and m.created_seq > after]


def _assert_valid(message: ChatMessage) -> None:
    """What the fake accepted is also valid by the strict rules, and nothing leaked raw."""
    assert message.text is not None
    check(message.text)
    assert "<" not in message.plain_text.replace("< 5", "").replace("<3", "")


async def test_app_entries_are_listed_and_opened_as_formatted_text(bot: BotHarness) -> None:
    await _app_user_with_entries(bot)
    listing = await bot.say(ANN, "/entries", contains="Notebook")
    _assert_valid(listing)
    # Previews: the words, no tags, paragraphs apart.
    assert "Trip We climbed the hill & saw the view." in listing.plain_text
    assert "Budget: costs < 5 & > 2 for most things" in listing.plain_text
    assert "Grateful for unclosed misnested text" in listing.plain_text
    assert "alert" not in listing.plain_text

    trip = await bot.press(ANN, "1", contains="Trip")
    _assert_valid(trip)
    assert trip.plain_text.endswith(
        "Trip\nWe climbed the hill & saw the view.\n• water\n• snacks\n🖼 summit photo\nnot a link"
    )
    kinds = {(e["type"], e.get("url")) for e in trip.entities}
    assert ("bold", None) in kinds
    assert ("text_link", "https://example.com/view") in kinds
    assert ("text_link", "https://example.com/p.jpg") in kinds
    assert not any(url and "javascript" in url for _, url in kinds)


async def test_broken_and_plain_entries_open_without_errors(bot: BotHarness) -> None:
    await _app_user_with_entries(bot)
    await bot.say(ANN, "/entries", contains="Notebook")
    plain = await bot.press(ANN, "2", contains="Budget")
    _assert_valid(plain)
    assert plain.plain_text.endswith(PLAIN)
    await bot.press(ANN, "Back", contains="Notebook")
    broken = await bot.press(ANN, "3", contains="Grateful")
    _assert_valid(broken)
    assert broken.plain_text.endswith("Grateful for unclosed misnested text\ncell\nquoted\ntwice")
    assert "alert" not in broken.plain_text


async def test_a_long_app_entry_opens_as_several_valid_messages(bot: BotHarness) -> None:
    await _app_user_with_entries(bot)
    await bot.say(ANN, "/entries", contains="Notebook")
    mark = max(m.created_seq for m in bot.fake.messages(ANN))
    await bot.press(ANN, "4", contains="Morning 149")
    await bot.fake.settle(quiet=0.3)
    parts = _bot_messages_after(bot, mark)
    assert len(parts) >= 3
    for part in parts:
        _assert_valid(part)
        assert len(part.text or "") <= 4096
    words = " ".join(p.plain_text for p in parts)
    for n in (0, 75, 149):
        assert f"Morning {n}" in words
    assert parts[-1].button_texts()[:2] == ["Edit", "Delete"]


async def test_searching_app_entries_finds_and_opens_them(bot: BotHarness) -> None:
    await _app_user_with_entries(bot)
    results = await bot.say(ANN, "/search climbed", contains="climbed")
    _assert_valid(results)
    assert "<strong>" not in results.plain_text and "<h1>" not in results.plain_text
    opened = await bot.press(ANN, "1", contains="Trip")
    _assert_valid(opened)
    assert "• water" in opened.plain_text
    grateful = await bot.say(ANN, "/search grateful", contains="Grateful")
    _assert_valid(grateful)
    saving = await bot.say(ANN, "/search saving", contains="saving")
    _assert_valid(saving)
    assert "costs < 5 & > 2 for most things, and I <3 saving" in saving.plain_text


async def test_today_previews_app_entries(bot: BotHarness) -> None:
    await _app_user_with_entries(bot)
    today = await bot.say(ANN, "/today", contains="Today")
    _assert_valid(today)
    assert "Trip We climbed the hill" in today.plain_text
    assert "costs < 5 & > 2 for most things" in today.plain_text


async def test_editing_an_app_entry_stores_the_documented_fragment(bot: BotHarness) -> None:
    ids = await _app_user_with_entries(bot)
    await bot.say(ANN, "/entries", contains="Notebook")
    await bot.press(ANN, "1", contains="Trip")
    await bot.press(ANN, "Edit", contains="new text")
    bold = [{"type": "bold", "offset": 10, "length": 4}]
    sent = await bot.fake.send_text(ANN, "Rewritten trip\n\nSecond & <3 line", entities=bold)
    await bot.fake.wait_for_message(ANN, after=sent, contains="updated")
    async with bot.db.sessions() as s:
        entry = await s.get(Entry, ids["trip"])
        assert entry is not None
        # docs/bot-data.md: Telegram's tags, <br> for line breaks, text escaped.
        assert entry.content == "Rewritten <b>trip</b><br><br>Second &amp; &lt;3 line"
    opened = await bot.press(ANN, "Open entry", contains="Rewritten")
    _assert_valid(opened)
    assert opened.plain_text.endswith("Rewritten trip\n\nSecond & <3 line")
    assert [e["length"] for e in opened.entities if e["type"] == "bold"][-1] == len("trip")


async def test_export_converts_app_html_and_names_the_format(bot: BotHarness) -> None:
    await _app_user_with_entries(bot)
    sent = await bot.fake.send_text(ANN, "/export")
    await bot.fake.wait_for_message(
        ANN, after=sent, predicate=lambda m: (m.filename or "").endswith(".json")
    )
    files = {m.filename or "": m.document or b"" for m in bot.fake.messages(ANN) if m.document}
    [markdown] = [v.decode() for k, v in files.items() if k.endswith(".md")]
    [document] = [json.loads(v) for k, v in files.items() if k.endswith(".json")]
    assert "**Trip**  \nWe **climbed** the hill & saw [the view](https://example.com/view)." in (
        markdown
    )
    assert "• water  \n• snacks" in markdown
    assert "<p>" not in markdown and "<script>" not in markdown and "alert(1)" not in markdown
    entries: list[dict[str, Any]] = document["journals"][0]["entries"]
    formats = {e["content"]: e["content_format"] for e in entries}
    assert formats[TRIP] == "html" and formats[PLAIN] == "text"
    assert set(document["content_formats"]) == {"html", "text"}
