"""Messages written while logged out belong to their writer, end to end: saved without
asking to the account last logged in, offered (save or discard) to any other, and dated
when they were written."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select

from db.models import Entry, Journal, PendingMessage
from tests.harness import BotHarness

BEN = 3101
PASSWORD = "correct horse battery"


async def _entries_of(bot: BotHarness, email: str) -> list[Entry]:
    from db.models import User

    async with bot.db.sessions() as s:
        rows = await s.execute(
            select(Entry)
            .join(Journal, Journal.id == Entry.journal_id)
            .join(User, User.id == Journal.user_id)
            .where(User.email == email)
            .order_by(Entry.created_at)
        )
        return list(rows.scalars())


async def _pending(bot: BotHarness) -> int:
    async with bot.db.sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(PendingMessage)) or 0)


async def _log_in(bot: BotHarness, email: str) -> None:
    await bot.press(BEN, "Log in", contains="email")
    await bot.say(BEN, email, contains="password")
    await bot.say(BEN, PASSWORD, contains="logged in")


async def _write_logged_out(bot: BotHarness, text: str, *, minutes_ago: int) -> int:
    written = int(time.time()) - minutes_ago * 60
    sent = await bot.fake.send_text(BEN, text, date=written)
    reply = await bot.fake.wait_for_message(BEN, after=sent, contains="kept your message")
    assert "logged out" in reply.plain_text  # not "not logged in yet": they just left
    return written


def _naive(unix: int) -> datetime:
    return datetime.fromtimestamp(unix, UTC).replace(tzinfo=None)


async def test_back_in_the_same_account_saves_without_asking_dated_when_written(
    bot: BotHarness,
) -> None:
    await bot.register(BEN, "ben@example.com", PASSWORD, first="Ben")
    await bot.say(BEN, "/logout", contains="logged out")
    written = await _write_logged_out(bot, "Walked by the river", minutes_ago=90)
    await _log_in(bot, "ben@example.com")
    done = await bot.fake.wait_for_message(BEN, contains="wrote earlier")
    assert done.buttons == []  # nothing to choose: it was this account's
    [entry] = await _entries_of(bot, "ben@example.com")
    assert entry.content == "Walked by the river"
    assert abs((entry.created_at - _naive(written)).total_seconds()) < 2  # written, not saved
    assert await _pending(bot) == 0


async def test_another_account_asks_and_save_here_keeps_the_written_time(bot: BotHarness) -> None:
    await bot.register(BEN, "ben@example.com", PASSWORD, first="Ben")
    await bot.say(BEN, "/logout", contains="logged out")
    written = await _write_logged_out(bot, "A thought for later", minutes_ago=30)
    await bot.register(BEN, "ben.work@example.com", PASSWORD, first="Ben")
    ask = await bot.fake.wait_for_message(BEN, contains="before logging in to this account")
    assert ask.button_texts() == ["💾 Save here", "🗑 Discard"]
    assert await _entries_of(bot, "ben.work@example.com") == []  # nothing saved unasked
    assert await _pending(bot) == 1

    done = await bot.press(BEN, "💾 Save here", contains="Saved 1 message")
    assert done.message_id == ask.message_id and done.buttons == []
    [entry] = await _entries_of(bot, "ben.work@example.com")
    assert entry.content == "A thought for later"
    assert abs((entry.created_at - _naive(written)).total_seconds()) < 2
    assert await _entries_of(bot, "ben@example.com") == []
    assert await _pending(bot) == 0


async def test_another_account_can_discard_them(bot: BotHarness) -> None:
    await bot.register(BEN, "ben@example.com", PASSWORD, first="Ben")
    await bot.say(BEN, "/logout", contains="logged out")
    await _write_logged_out(bot, "Not for the work journal", minutes_ago=5)
    await bot.register(BEN, "ben.work@example.com", PASSWORD, first="Ben")
    await bot.fake.wait_for_message(BEN, contains="before logging in to this account")
    await bot.press(BEN, "🗑 Discard", contains="Discarded 1 message")
    assert await _entries_of(bot, "ben.work@example.com") == []
    assert await _pending(bot) == 0


async def test_a_new_account_after_deleting_the_old_one_asks(bot: BotHarness) -> None:
    await bot.register(BEN, "ben@example.com", PASSWORD, first="Ben")
    await bot.say(BEN, "/deleteaccount", contains="Delete your account?")
    await bot.press(BEN, "Delete everything", contains="have been deleted")
    await _write_logged_out_fresh(bot, "Written after deleting")
    await bot.register(BEN, "ben.new@example.com", PASSWORD, first="Ben")
    await bot.fake.wait_for_message(BEN, contains="before logging in to this account")
    assert await _entries_of(bot, "ben.new@example.com") == []
    await bot.press(BEN, "💾 Save here", contains="Saved 1 message")
    [entry] = await _entries_of(bot, "ben.new@example.com")
    assert entry.content == "Written after deleting"


async def _write_logged_out_fresh(bot: BotHarness, text: str) -> None:
    sent = await bot.fake.send_text(BEN, text)
    await bot.fake.wait_for_message(BEN, after=sent, contains="kept your message")


async def test_the_choice_belongs_to_the_account_it_was_asked_for(bot: BotHarness) -> None:
    await bot.register(BEN, "ben@example.com", PASSWORD, first="Ben")
    await bot.say(BEN, "/logout", contains="logged out")
    await _write_logged_out(bot, "Private", minutes_ago=1)
    await bot.register(BEN, "ben.work@example.com", PASSWORD, first="Ben")
    ask = await bot.fake.wait_for_message(BEN, contains="before logging in to this account")
    forged = f"kept:{_b64(uuid.uuid4())}:save"
    assert await bot.press_data(BEN, ask.message_id, forged) == "This button has expired."
    assert await _pending(bot) == 1


def _b64(value: uuid.UUID) -> str:
    from core.callback_data import encode

    return encode("kept", value).split(":")[1]
