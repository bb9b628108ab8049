"""Reliability: a burst of load, the database going away, a flaky Bot API, secrets."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from db.database import Database, open_database
from db.embedded import EmbeddedPostgres, ensure_database
from db.models import DialogState, Entry, Journal, Session, User
from tests.harness import BotHarness, login_as, running_bot

USERS = 20
_FORCED_FAILURE = """
CREATE OR REPLACE FUNCTION forced_failure() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'forced failure for the log scan'; END $$
"""
MESSAGES = 200


async def _wait_for_entries(db: Database, expected: int, seconds: float) -> int:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    count = 0
    while loop.time() < deadline:
        async with db.sessions() as s:
            count = int(await s.scalar(select(func.count()).select_from(Entry)) or 0)
        if count >= expected:
            return count
        await asyncio.sleep(0.25)
    return count


async def test_burst_of_20_users_x_200_messages_every_one_saved_once(
    db: Database, database_url: str
) -> None:
    users = [5000 + i for i in range(USERS)]
    for user in users:
        await login_as(db, user)
    async with running_bot(db, database_url, telegram_messages_per_second=5000) as bot:
        for i in range(MESSAGES):
            for user in users:
                await bot.fake.send_text(user, f"Note {user}-{i}: a calm ordinary day.")
        count = await _wait_for_entries(db, USERS * MESSAGES, seconds=240)
        await bot.fake.settle(quiet=0.5, timeout=60)
        replies = Counter(
            c.chat_id
            for c in bot.fake.calls
            if c.method == "sendMessage" and c.ok and "Saved to" in str(c.params.get("text"))
        )
    assert count == USERS * MESSAGES
    async with db.sessions() as s:
        rows = (await s.execute(select(Journal.user_id, Entry.content).join(Journal))).all()
    contents = [content for _, content in rows]
    assert len(set(contents)) == len(contents), "an entry was saved twice"
    per_user = Counter(user_id for user_id, _ in rows)
    assert sorted(per_user.values()) == [MESSAGES] * USERS
    assert replies == {user: MESSAGES for user in users}


async def test_database_outage_is_explained_and_the_bot_recovers(
    tmp_path: Path, fast_bcrypt: None
) -> None:
    """Stop the database mid-run: the user is told their message waits, and once the
    database is back it is saved (Telegram kept it: the bot never confirmed it), in
    order, without a restart."""
    data = tmp_path / "pg"
    server = EmbeddedPostgres(data)
    await asyncio.to_thread(server.start)
    await ensure_database(server.url(), "outage")
    db = await open_database(server.url("outage"), embedded_dir=data)
    try:
        await login_as(db, 6001)
        async with running_bot(db, server.url("outage")) as bot:
            await bot.say(6001, "before the outage", contains="Saved")

            await asyncio.to_thread(server.stop)
            reply = await bot.say(6001, "during the outage", contains="database")
            for i in range(4):  # a burst: one notice, each message kept
                await bot.fake.send_text(6001, f"burst {i} during the outage")
            assert "save it as soon as the database is back" in reply.plain_text
            assert "Traceback" not in reply.plain_text

            server = EmbeddedPostgres(data)
            await asyncio.to_thread(server.start)
            await bot.say(6001, "after the outage", contains="Saved")
            await bot.fake.settle(quiet=0.5)
            notices = [m for m in bot.fake.history(6001) if "database is back" in m.text]
            assert len(notices) == 1
        async with db.sessions() as s:
            contents = list(
                (await s.execute(select(Entry.content).order_by(Entry.created_at))).scalars()
            )
        assert contents == [
            "before the outage",
            "during the outage",
            *(f"burst {i} during the outage" for i in range(4)),
            "after the outage",
        ]
    finally:
        await db.close()
        await asyncio.to_thread(server.stop)


async def test_bot_api_errors_and_timeouts_are_retried(bot: BotHarness) -> None:
    await login_as(bot.db, 6101)
    bot.fake.fail_next("sendMessage", status=500, times=2)
    reply = await bot.say(6101, "saved despite a flaky Bot API", contains="Saved")
    assert reply is not None
    failed = [c for c in bot.fake.calls if c.method == "sendMessage" and c.error]
    assert len(failed) == 2

    # A timed-out getUpdates does not stop polling.
    bot.fake.delay("getUpdates", 0.0)
    bot.fake.fail_next("getUpdates", status=502, times=2)
    await bot.say(6101, "still polling after 502s", contains="Saved")


async def test_a_blocked_user_does_not_break_the_bot(bot: BotHarness) -> None:
    await login_as(bot.db, 6201)
    await login_as(bot.db, 6202)
    bot.fake.block_user(6201)
    await bot.fake.send_text(6201, "I blocked the bot but wrote anyway")
    await bot.say(6202, "others are still served", contains="Saved")


@pytest.fixture
async def quick_retry_bot(
    db: Database, database_url: str, fast_bcrypt: None
) -> AsyncIterator[BotHarness]:
    """The bot with the inbox retrying a failed update once, quickly: the forced
    database errors below reach the 'could not handle' notice in well under a second."""
    async with running_bot(
        db, database_url, inbox_max_attempts=2, inbox_retry_seconds=0.05
    ) as harness:
        yield harness


async def test_no_password_hash_or_token_in_logs_or_messages(
    quick_retry_bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    bot = quick_retry_bot
    caplog.set_level(logging.DEBUG)
    password = "pw-" + secrets.token_hex(8)
    await bot.register(6301, "secret@example.com", password)
    await bot.say(6301, "/logout", contains="logged out")
    await bot.say(6301, "/start")
    await bot.press(6301, "Log in", contains="email")
    await bot.say(6301, "secret@example.com", contains="password")
    await bot.say(6301, "wrong-" + password, contains="don't match")
    await bot.say(6301, password, contains="logged in")
    await bot.say(6301, "a journal entry", contains="Saved")

    async with bot.db.sessions() as s:
        password_hash = (await s.execute(select(User.password_hash))).scalar_one()
        tokens = list((await s.execute(select(Session.token))).scalars())
    secrets_to_hide = [password, password_hash, *tokens]

    # A database error while the statement carries an email, a bcrypt hash and entry
    # text: the error is logged, its bound values are not.
    entry_text = "my private entry " + secrets.token_hex(8)
    other_password = "pw-" + secrets.token_hex(8)
    other_email = f"forced-{secrets.token_hex(4)}@example.com"
    async with bot.db.engine.begin() as conn:
        await conn.execute(text(_FORCED_FAILURE))
        for table in ("entries", "users"):
            await conn.execute(
                text(
                    f"CREATE TRIGGER forced_failure BEFORE INSERT ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION forced_failure()"
                )
            )
    try:
        await bot.say(6301, entry_text, contains="couldn't handle")
        await bot.say(6302, "/start", contains="account")
        await bot.press(6302, "Create account", contains="email")
        await bot.say(6302, other_email, contains="password")
        await bot.say(6302, other_password, contains="first name")
        await bot.say(6302, "Grace", contains="last name")
        await bot.say(6302, "Hopper", contains="time zone")
        async with bot.db.sessions() as s:
            state = await s.get(DialogState, 6302)
        assert state is not None
        other_hash = str(state.data["password_hash"])
        await bot.press(6302, "UTC", contains="couldn't handle")
    finally:
        async with bot.db.engine.begin() as conn:
            for table in ("entries", "users"):
                await conn.execute(text(f"DROP TRIGGER forced_failure ON {table}"))
    secrets_to_hide += [entry_text, other_password, other_hash, other_email]

    logged = "\n".join(
        r.getMessage() + (logging.Formatter().formatException(r.exc_info) if r.exc_info else "")
        for r in caplog.records
    )
    # Both failures reached the log, statement and all; only the values are hidden.
    assert logged.count("forced failure for the log scan") >= 2
    assert "INSERT INTO users" in logged
    # What the bot sent (getUpdates results are the user's own messages coming in).
    sent = "\n".join(str(c.params) for c in bot.fake.calls if c.method != "getUpdates")
    for secret in secrets_to_hide:
        assert secret not in logged
        assert secret not in sent
