"""Accounts the web app wrote, used from Telegram (issues 13 and 15).

Users are inserted with plain SQL as the web app inserts them: the email as typed and a
bcryptjs hash. Hashes come from tests/fixtures/interop, made by bcryptjs itself
(scripts/interop/bcryptjs_fixtures.mjs); the tests need neither node nor the network.
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text, update

from db import accounts
from db.database import Database
from db.models import LoginAttempt, TelegramAccount, User
from tests.harness import BotHarness

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "interop"
BCRYPTJS: dict[str, Any] = {
    c["name"]: c
    for c in json.loads((FIXTURES / "bcryptjs_hashes.json").read_text("utf-8"))["cases"]
}
BOT_CASES: list[dict[str, Any]] = json.loads((FIXTURES / "bot_hashes.json").read_text("utf-8"))[
    "cases"
]
BOT_VERDICTS: dict[str, Any] = {
    c["name"]: c
    for c in json.loads((FIXTURES / "bot_hashes_bcryptjs.json").read_text("utf-8"))["cases"]
}

OWNER = 2001
ATTACKER = 2002
NEWCOMER = 2003
STRANGERS = [2101, 2102, 2103, 2104, 2105, 2106]


async def web_app_user(db: Database, email: str, fixture: str) -> uuid.UUID:
    """A user as the web app's sign-up writes it, with a bcryptjs hash."""
    async with db.sessions.begin() as s:
        user_id: uuid.UUID = (
            await s.execute(
                text("INSERT INTO users (email, password_hash) VALUES (:e, :h) RETURNING id"),
                {"e": email, "h": BCRYPTJS[fixture]["hash"]},
            )
        ).scalar_one()
        await s.execute(
            text(
                "INSERT INTO user_info (user_id, first_name, last_name) VALUES (:u, 'Web', 'User')"
            ),
            {"u": user_id},
        )
        await s.execute(text("INSERT INTO user_settings (user_id) VALUES (:u)"), {"u": user_id})
        await s.execute(
            text("INSERT INTO journals (user_id, title) VALUES (:u, 'Web journal')"), {"u": user_id}
        )
    return user_id


async def log_in(bot: BotHarness, who: int, email: str, password: str, contains: str) -> str:
    await bot.say(who, "/start")
    await bot.press(who, "Log in", contains="email")
    reply = await bot.say(who, email)
    if "password" not in reply.plain_text:
        return reply.plain_text
    return (await bot.say(who, password, contains=contains)).plain_text


async def linked_user(bot: BotHarness, who: int) -> uuid.UUID | None:
    async with bot.db.sessions() as s:
        account = await s.get(TelegramAccount, who)
        return None if account is None else account.user_id


async def age_attempts(bot: BotHarness, by: timedelta) -> None:
    async with bot.db.sessions.begin() as s:
        await s.execute(update(LoginAttempt).values(created_at=LoginAttempt.created_at - by))


# --- passwords both ways, from the committed bcryptjs fixtures ------------------------


def test_fixtures_cover_every_revision_and_length() -> None:
    prefixes = {c["hash"][:4] for c in BCRYPTJS.values()}
    assert prefixes == {"$2a$", "$2b$", "$2y$"}
    sizes = {c["utf8_bytes"] for c in BCRYPTJS.values()}
    assert 72 in sizes and max(sizes) > 72
    assert any(not c["password"].isascii() and c["utf8_bytes"] > 72 for c in BCRYPTJS.values())


@pytest.mark.parametrize("name", sorted(BCRYPTJS))
def test_bot_verifies_bcryptjs_hashes_as_bcryptjs_does(name: str) -> None:
    case = BCRYPTJS[name]
    verdicts = [
        (p["why"], accounts.verify_password(p["password"], case["hash"])) for p in case["probes"]
    ]
    assert verdicts == [(p["why"], p["bcryptjs_says"]) for p in case["probes"]]
    assert case["probes"][0]["bcryptjs_says"] is True


@pytest.mark.parametrize("case", BOT_CASES, ids=[c["name"] for c in BOT_CASES])
def test_hashes_the_bot_writes_verify_in_bcryptjs(case: dict[str, Any]) -> None:
    verdicts = BOT_VERDICTS[case["name"]]
    assert verdicts["hash"] == case["hash"]
    # Today's code still writes exactly the hash bcryptjs accepted.
    password = case["probes"][0]["password"]
    assert accounts.hash_password(password, salt=case["salt"].encode()) == case["hash"]
    said = [p["bcryptjs_says"] for p in verdicts["probes"]]
    assert said[0] is True
    # ...and the bot agrees with bcryptjs on every other candidate.
    assert [accounts.verify_password(p["password"], case["hash"]) for p in case["probes"]] == said


def test_unreadable_hashes_never_match() -> None:
    good = BCRYPTJS["ascii_2a"]["hash"]
    for bad in (
        "",
        "plain",
        "$2x$" + good[4:],
        good[:-1],
        good[:40] + "é" * 20,
        "$argon2id$v=19$x",
    ):
        assert accounts.verify_password("correct horse battery staple", bad) is False


# --- the web app's users from Telegram ------------------------------------------------


async def test_login_with_the_email_in_other_letters(bot: BotHarness) -> None:
    user_id = await web_app_user(bot.db, "Mixed.Case@Example.com", "ascii")
    reply = await log_in(
        bot, OWNER, "mixed.case@EXAMPLE.COM", "correct horse battery staple", "logged in"
    )
    assert "logged in" in reply
    assert await linked_user(bot, OWNER) == user_id
    async with bot.db.sessions() as s:
        # The stored address is left as the web app wrote it.
        assert (
            await s.scalar(select(User.email).where(User.id == user_id)) == "Mixed.Case@Example.com"
        )


@pytest.mark.parametrize("fixture", ["long_ascii_2y", "long_emoji", "multibyte_cut_at_72"])
async def test_long_bcryptjs_password_logs_in(bot: BotHarness, fixture: str) -> None:
    user_id = await web_app_user(bot.db, "Long.Pass@Example.com", fixture)
    password = BCRYPTJS[fixture]["password"]
    assert len(password.encode()) > 72
    wrong = password[:10] + "?" + password[11:]
    assert "don't match" in await log_in(bot, OWNER, "long.pass@example.com", wrong, "don't match")
    await bot.say(OWNER, password, contains="logged in")
    assert await linked_user(bot, OWNER) == user_id


async def test_addresses_differing_only_in_case_log_in_by_password(bot: BotHarness) -> None:
    """The web app's unique key is case-sensitive, so it may hold both spellings."""
    await web_app_user(bot.db, "twin@example.com", "ascii_2a")
    second = await web_app_user(bot.db, "TWIN@example.com", "emoji")
    password = BCRYPTJS["emoji"]["password"]
    assert "logged in" in await log_in(bot, OWNER, "Twin@Example.com", password, "logged in")
    assert await linked_user(bot, OWNER) == second


async def test_registering_the_address_in_other_letters_is_refused(bot: BotHarness) -> None:
    await web_app_user(bot.db, "Mixed.Case@Example.com", "ascii")
    await bot.say(NEWCOMER, "/start")
    await bot.press(NEWCOMER, "Create account", contains="email")
    await bot.say(NEWCOMER, "mixed.case@example.com", contains="password")
    refused = await bot.say(NEWCOMER, "a brand new password", contains="couldn't create")
    assert "Log in" in refused.button_texts()
    async with bot.db.sessions() as s:
        same = func.lower(User.email) == "mixed.case@example.com"
        assert await s.scalar(select(func.count()).where(same)) == 1
    assert await linked_user(bot, NEWCOMER) is None

    # Nor can the data layer be talked into it.
    async with bot.db.sessions.begin() as s:
        with pytest.raises(accounts.EmailTaken):
            await accounts.create_user(
                s, email="MIXED.CASE@example.COM", password_hash="x", first_name="A", last_name="B"
            )


# --- throttling attacks ---------------------------------------------------------------


async def test_logging_in_to_ones_own_account_does_not_reset_guessing(bot: BotHarness) -> None:
    """Guess 4 times, log in to one's own account, log out, repeat: no longer free."""
    await web_app_user(bot.db, "victim@example.com", "ascii")
    await web_app_user(bot.db, "attacker@example.com", "emoji")
    own_password = BCRYPTJS["emoji"]["password"]

    await bot.say(ATTACKER, "/start")
    await bot.press(ATTACKER, "Log in", contains="email")
    await bot.say(ATTACKER, "victim@example.com", contains="password")
    for _ in range(4):
        await bot.say(ATTACKER, "guess guess guess", contains="don't match")
    await bot.say(ATTACKER, "/cancel")
    await log_in(bot, ATTACKER, "attacker@example.com", own_password, "logged in")
    await bot.say(ATTACKER, "/logout", contains="logged out")

    # The failures against the victim are all still counted...
    async with bot.db.sessions() as s:
        against = LoginAttempt.email == "victim@example.com"
        assert await s.scalar(select(func.count()).where(against)) == 4
    # ...so the next guess is the fifth, and brings a delay.
    await bot.say(ATTACKER, "/start")
    await bot.press(ATTACKER, "Log in", contains="email")
    await bot.say(ATTACKER, "victim@example.com", contains="password")
    assert (
        "Too many" in (await bot.say(ATTACKER, "guess guess guess", contains="Too many")).plain_text
    )
    # Even a login to the attacker's own account waits now.
    await bot.press(ATTACKER, "Log in", contains="Too many")


async def test_guessing_from_many_telegram_accounts_stays_slow(bot: BotHarness) -> None:
    await web_app_user(bot.db, "victim@example.com", "ascii")
    for stranger in STRANGERS[:4]:
        await log_in(bot, stranger, "victim@example.com", "guess guess guess", "don't match")
    # The fifth failure against the address, from yet another account, brings a delay
    # that holds for every account that has not logged in to it before.
    assert "Too many" in await log_in(bot, STRANGERS[4], "victim@example.com", "guess", "Too")
    assert "Too many" in await log_in(bot, STRANGERS[5], "Victim@example.com", "guess", "-")


async def test_strangers_cannot_lock_the_owner_out(bot: BotHarness) -> None:
    user_id = await web_app_user(bot.db, "owner@example.com", "ascii")
    password = BCRYPTJS["ascii"]["password"]
    # The owner has used this Telegram account before.
    await log_in(bot, OWNER, "owner@example.com", password, "logged in")
    await bot.say(OWNER, "/logout", contains="logged out")

    # A long campaign against the address from many accounts.
    for stranger in STRANGERS[:4]:
        await log_in(bot, stranger, "Owner@Example.com", "guess guess guess", "don't match")
    await log_in(bot, STRANGERS[4], "Owner@Example.com", "guess guess guess", "Too many")
    async with bot.db.sessions.begin() as s:
        for i in range(60):
            s.add(LoginAttempt(telegram_user_id=3000 + i, email="owner@example.com"))
    blocked = await log_in(bot, STRANGERS[5], "owner@example.com", "guess", "-")
    assert "Too many" in blocked and "wait 15 minutes" in blocked

    # The owner's own Telegram account is not held back.
    assert "logged in" in await log_in(bot, OWNER, "owner@example.com", password, "logged in")
    assert await linked_user(bot, OWNER) == user_id

    # On a Telegram account never used before the owner waits, but never long.
    first_time = await log_in(bot, NEWCOMER, "owner@example.com", password, "-")
    assert "Too many" in first_time and "wait 15 minutes" in first_time
    await age_attempts(bot, timedelta(minutes=15, seconds=1))
    assert "logged in" in await log_in(bot, NEWCOMER, "owner@example.com", password, "logged in")

    # The owner's logins cleared nothing the strangers are counted by.
    async with bot.db.sessions() as s:
        against = LoginAttempt.email == "owner@example.com"
        assert await s.scalar(select(func.count()).where(against)) == 65


async def test_concurrent_sign_ups_in_other_letters_create_one_user(db: Database) -> None:
    import asyncio

    async def sign_up(email: str) -> bool:
        try:
            async with db.sessions.begin() as s:
                await accounts.create_user(
                    s, email=email, password_hash="x", first_name="A", last_name="B"
                )
                await asyncio.sleep(0.2)  # hold the transaction open while the other tries
            return True
        except accounts.EmailTaken:
            return False

    results = await asyncio.gather(*(sign_up(e) for e in ("race@example.com", "RACE@example.com")))
    assert sorted(results) == [False, True]
