"""Journaling by message, end to end: text, edits, captions, /write, kept messages."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from core.clock import utc_now
from db.models import Entry, EntryMessage, Session
from tests.harness import BotHarness, login_as

ANN = 3001
BEN = 3002


async def _entries(bot: BotHarness) -> list[Entry]:
    async with bot.db.sessions() as s:
        return list((await s.execute(select(Entry).order_by(Entry.created_at))).scalars())


async def test_text_becomes_an_entry_with_its_formatting(bot: BotHarness) -> None:
    await login_as(bot.db, ANN)
    message_id = await bot.fake.send_text(
        ANN,
        "Finally shipped the release",
        entities=[{"type": "bold", "offset": 8, "length": 7}],
    )
    reply = await bot.fake.wait_for_message(ANN, after=message_id, contains="Saved to")
    assert "My Journal" in reply.plain_text
    [entry] = await _entries(bot)
    assert entry.content == "Finally <b>shipped</b> the release"


async def test_streak_is_shown_after_consecutive_days(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ANN)
    async with bot.db.sessions.begin() as s:
        from db import entries, journals

        journal = await journals.first_journal(s, user_id)
        assert journal is not None
        for days_ago in (1, 2):
            await entries.add_entry(
                s,
                f"day -{days_ago}",
                user_id=user_id,
                journal_id=journal.id,
                created_at=utc_now() - timedelta(days=days_ago),
            )
    reply = await bot.say(ANN, "Third day in a row", contains="Saved")
    assert "3-day streak" in reply.plain_text


async def test_editing_the_message_updates_the_entry(bot: BotHarness) -> None:
    await login_as(bot.db, ANN)
    message_id = await bot.fake.send_text(ANN, "I wrote a typo hre")
    await bot.fake.wait_for_message(ANN, after=message_id, contains="Saved")
    await bot.fake.edit_text(ANN, message_id, "I wrote a typo here")
    await bot.fake.wait_for_message(ANN, contains="Updated your entry")
    [entry] = await _entries(bot)
    assert entry.content == "I wrote a typo here"


async def test_photo_caption_becomes_an_entry_with_the_photo(bot: BotHarness) -> None:
    """Photos are kept with their entry now (bot/handlers/media.py, tests/test_e2e_media.py)."""
    await login_as(bot.db, ANN)
    await bot.fake.send_photo(ANN, caption="Sunrise run, felt strong")
    reply = await bot.fake.wait_for_message(ANN, contains="Saved")
    assert "isn't stored" not in reply.plain_text
    [entry] = await _entries(bot)
    assert entry.content == "Sunrise run, felt strong"
    sent = await bot.fake.send_photo(ANN)
    await bot.fake.wait_for_message(ANN, after=sent, contains="Saved")
    assert [e.content for e in await _entries(bot)][-1] == "📷 Photo"


async def test_write_collects_several_messages_into_one_entry(bot: BotHarness) -> None:
    await login_as(bot.db, ANN)
    await bot.say(ANN, "/write", contains="/done")
    first = await bot.fake.send_text(ANN, "Part one of a long thought.")
    await bot.fake.wait_for_message(ANN, after=first, contains="Keep going")
    second = await bot.fake.send_text(ANN, "Part two, with more detail.")
    await bot.fake.settle(quiet=0.3)
    await bot.say(ANN, "/done", contains="Saved")
    [entry] = await _entries(bot)
    # Stored as documented (docs/bot-data.md): line breaks are <br>, for the web app too.
    assert entry.content == "Part one of a long thought.<br><br>Part two, with more detail."
    async with bot.db.sessions() as s:
        parts = (
            await s.execute(select(EntryMessage.message_id).order_by(EntryMessage.part))
        ).scalars()
        assert list(parts) == [first, second]
    # Editing one part of a multi-message entry points to /entries instead of guessing.
    await bot.fake.edit_text(ANN, second, "Part two, edited")
    await bot.fake.wait_for_message(ANN, contains="part of a longer entry")
    assert "There's no entry to finish" in (await bot.say(ANN, "/done")).plain_text


async def test_cancel_discards_a_write_draft_and_says_so(bot: BotHarness) -> None:
    await login_as(bot.db, ANN)
    await bot.say(ANN, "/write", contains="/done")
    await bot.say(ANN, "draft text", contains="Keep going")
    assert "Cancelled" in (await bot.say(ANN, "/cancel")).plain_text
    assert await _entries(bot) == []


async def test_messages_written_before_login_are_saved_after_it(bot: BotHarness) -> None:
    reply = await bot.say(BEN, "Thoughts before I had an account")
    assert "kept your message" in reply.plain_text
    await bot.register(BEN, "ben@example.com")
    # No account was logged in when it was written: the writer decides where it goes.
    await bot.fake.wait_for_message(BEN, contains="before logging in to this account")
    await bot.press(BEN, "💾 Save here", contains="Saved 1 message")
    [entry] = await _entries(bot)
    assert entry.content == "Thoughts before I had an account"


async def test_expired_session_then_login_saves_the_kept_text(bot: BotHarness) -> None:
    await bot.register(ANN, "ann@example.com", "correct horse battery")
    async with bot.db.sessions.begin() as s:
        await s.execute(update(Session).values(expires_at=utc_now() - timedelta(seconds=1)))
    await bot.say(ANN, "Kept while expired", contains="expired")
    await bot.press(ANN, "Log in", contains="email")
    await bot.say(ANN, "ann@example.com", contains="password")
    await bot.say(ANN, "correct horse battery", contains="logged in")
    await bot.fake.wait_for_message(ANN, contains="wrote earlier")
    assert [e.content for e in await _entries(bot)] == ["Kept while expired"]


async def test_a_redelivered_update_is_not_saved_twice(bot: BotHarness) -> None:
    """Telegram may deliver an update again after a crash; the entry exists once."""
    await login_as(bot.db, ANN)
    message_id = await bot.fake.send_text(ANN, "Only once please")
    await bot.fake.wait_for_message(ANN, after=message_id, contains="Saved")
    msg = bot.fake.user_message(ANN, message_id)
    assert msg is not None
    bot.fake._enqueue("message", bot.fake._message_json(msg))  # the same update again
    await bot.fake.settle(quiet=0.5)
    assert len(await _entries(bot)) == 1


async def test_long_text_is_kept_whole(bot: BotHarness) -> None:
    await login_as(bot.db, ANN)
    text = ("word " * 819).strip()  # 4094 characters, near Telegram's limit
    await bot.say(ANN, text, contains="Saved")
    [entry] = await _entries(bot)
    assert entry.content == text
