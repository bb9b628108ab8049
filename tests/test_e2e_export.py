"""/export and /deleteaccount end to end."""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.handlers import export as export_handler
from core.callback_data import encode
from core.vocab import GoalSource
from db import accounts, entries, goals, journals, metrics, settings
from db.models import (
    Entry,
    Goal,
    Journal,
    Metric,
    Session,
    TelegramAccount,
    User,
    UserInfo,
    UserSettings,
)
from tests.harness import BotHarness, login_as

ALICE = 2201
BOB = 2202
FAKE_HASH = "$2b$04$notarealhashnotarealhashnotarealhashnotarealhashnot"  # login_as's


async def _fill(bot: BotHarness, user_id: uuid.UUID, who: str) -> list[str]:
    """Two journals with entries, a goal and two metrics; returns the entries' texts."""
    texts = [f"{who} wrote about <b>courage</b> & patience", f"{who}'s second thought"]
    async with bot.db.sessions.begin() as s:
        first = await journals.first_journal(s, user_id)
        assert first is not None
        side = await journals.create_journal(s, user_id, f"{who}'s side project")
        entry = await entries.add_entry(s, texts[0], user_id=user_id, journal_id=first.id)
        await entries.add_entry(s, texts[1], user_id=user_id, journal_id=side.id)
        assert entry is not None
        await goals.create_goal(
            s,
            user_id,
            f"{who}: practise patience",
            source=GoalSource.AI_GENERATED,
            journal_entry_id=entry.id,
        )
        await metrics.record_metric(s, user_id, "resilience", 7, "tough week")
        await metrics.record_metric(s, user_id, "learning", 9)
        await settings.get_settings(s, user_id)
    return texts


async def _owned_rows(bot: BotHarness, user_id: uuid.UUID) -> dict[str, int]:
    async with bot.db.sessions() as s:
        journal_ids = select(Journal.id).where(Journal.user_id == user_id)
        counts = {
            "users": select(func.count()).select_from(User).where(User.id == user_id),
            "journals": select(func.count()).where(Journal.user_id == user_id),
            "entries": select(func.count()).where(Entry.journal_id.in_(journal_ids)),
            "goals": select(func.count()).where(Goal.user_id == user_id),
            "metrics": select(func.count()).where(Metric.user_id == user_id),
            "settings": select(func.count()).where(UserSettings.user_id == user_id),
            "profile": select(func.count()).where(UserInfo.user_id == user_id),
            "sessions": select(func.count()).where(Session.user_id == user_id),
        }
        return {name: int(await s.scalar(query) or 0) for name, query in counts.items()}


async def _documents(bot: BotHarness, user: int, after: int) -> dict[str, bytes]:
    await bot.fake.wait_for_message(
        user, after=after, predicate=lambda m: (m.filename or "").endswith(".json")
    )
    return {
        m.filename or "": m.document or b""
        for m in bot.fake.messages(user)
        if m.document is not None and m.message_id > after
    }


async def test_export_sends_markdown_and_json_with_everything(bot: BotHarness) -> None:
    alice = await login_as(bot.db, ALICE, first="Alice", zone="Asia/Tokyo")
    texts = await _fill(bot, alice, "Alice")
    await _fill(bot, await login_as(bot.db, BOB), "Bob")
    async with bot.db.sessions() as s:
        token = await s.scalar(select(Session.token).where(Session.user_id == alice))
    assert token

    day_before = _tokyo_today()
    asked = await bot.fake.send_text(ALICE, "/export")
    files = await _documents(bot, ALICE, asked)
    days = {day_before, _tokyo_today()}  # the same, unless Tokyo's midnight fell in between
    [day] = [d for d in days if f"journal-{d}.md" in files]
    markdown_name, json_name = f"journal-{day}.md", f"journal-data-{day}.json"
    assert set(files) == {markdown_name, json_name}

    data: dict[str, Any] = json.loads(files[json_name])
    assert data["user"]["email"] == f"user{ALICE}@example.com"
    assert data["profile"]["first_name"] == "Alice"
    assert data["profile"]["timezone"] == "Asia/Tokyo"
    assert set(data["settings"]) >= {"notification_preferences", "theme_preferences"}
    assert [j["title"] for j in data["journals"]] == ["My Journal", "Alice's side project"]
    exported = [e["content"] for j in data["journals"] for e in j["entries"]]
    assert sorted(exported) == sorted(texts)
    assert [g["content"] for g in data["goals"]] == ["Alice: practise patience"]
    assert sorted((m["type"], m["value"]) for m in data["metrics"]) == [
        ("learning", "9"),
        ("resilience", "7"),
    ]

    for raw in files.values():
        text = raw.decode()
        assert FAKE_HASH not in text and "password" not in text.lower()
        assert token not in text
        assert "Bob" not in text  # nothing of another user
    markdown = files[markdown_name].decode()
    assert "Alice wrote about **courage** & patience" in markdown
    assert "Alice's second thought" in markdown
    assert "## Alice's side project" in markdown
    assert "practise patience" in markdown and "resilience" in markdown


def _tokyo_today() -> str:
    return datetime.now(ZoneInfo("Asia/Tokyo")).date().isoformat()


async def test_export_of_an_empty_account(bot: BotHarness) -> None:
    await login_as(bot.db, ALICE)
    asked = await bot.fake.send_text(ALICE, "/export")
    files = await _documents(bot, ALICE, asked)
    [md_name] = [n for n in files if n.endswith(".md")]
    assert "## My Journal" in files[md_name].decode()
    [json_name] = [n for n in files if n.endswith(".json")]
    data = json.loads(files[json_name])
    assert data["journals"][0]["entries"] == [] and data["goals"] == [] and data["metrics"] == []
    captions = [m.plain_text for m in bot.fake.messages(ALICE) if m.document is not None]
    assert "1 journal with 0 entries" in captions[0]


async def test_export_needs_login(bot: BotHarness) -> None:
    reply = await bot.say(ALICE, "/export")
    assert "not logged in" in reply.plain_text
    assert not [m for m in bot.fake.messages(ALICE) if m.document is not None]


async def test_keep_my_account_changes_nothing(bot: BotHarness) -> None:
    alice = await login_as(bot.db, ALICE)
    await _fill(bot, alice, "Alice")
    before = await _owned_rows(bot, alice)
    ask = await bot.say(ALICE, "/deleteaccount", contains="Delete your account?")
    assert "2 journals with 2 entries" in ask.plain_text and "/export" in ask.plain_text
    assert ask.button_texts() == ["Delete everything", "Keep my account"]
    kept = await bot.press(ALICE, "Keep my account", contains="nothing was deleted")
    assert kept.message_id == ask.message_id and kept.button_texts() == []
    assert await _owned_rows(bot, alice) == before
    await bot.say(ALICE, "Still here", contains="Saved to")


async def test_delete_everything_removes_the_account_and_keeps_others(bot: BotHarness) -> None:
    alice = await login_as(bot.db, ALICE)
    bob = await login_as(bot.db, BOB)
    await _fill(bot, alice, "Alice")
    await _fill(bot, bob, "Bob")
    bobs_before = await _owned_rows(bot, bob)
    assert all(bobs_before.values())

    await bot.say(ALICE, "/deleteaccount", contains="Delete your account?")
    done = await bot.press(ALICE, "Delete everything", contains="have been deleted")
    assert "logged out" in done.plain_text and done.button_texts() == []

    assert set((await _owned_rows(bot, alice)).values()) == {0}
    assert await _owned_rows(bot, bob) == bobs_before
    async with bot.db.sessions() as s:
        account = await s.get(TelegramAccount, ALICE)
        assert account is not None and account.user_id is None and account.session_id is None
        bobs_goal = await s.scalar(select(Goal).where(Goal.user_id == bob))
        assert bobs_goal is not None and bobs_goal.journal_entry_id is not None
    reply = await bot.say(ALICE, "Hello?")
    assert "not logged in" in reply.plain_text
    await bot.say(BOB, "Bob is fine", contains="Saved to")


async def test_a_stale_confirmation_expires_and_deletes_nothing(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = await login_as(bot.db, ALICE)
    await _fill(bot, alice, "Alice")
    before = await _owned_rows(bot, alice)
    ask = await bot.say(ALICE, "/deleteaccount", contains="Delete your account?")
    later = time.time() + 11 * 60
    monkeypatch.setattr(export_handler, "clock", lambda: later)
    toast = await bot.press_data(ALICE, ask.message_id, ask.callback_data_for("Delete everything"))
    assert toast == "This button has expired."
    expired = await bot.fake.wait_for_message(ALICE, contains="confirmation has expired")
    assert expired.message_id == ask.message_id and expired.button_texts() == []
    assert await _owned_rows(bot, alice) == before

    # A fresh confirmation still works within its ten minutes.
    await bot.say(ALICE, "/deleteaccount", contains="Delete your account?")
    monkeypatch.setattr(export_handler, "clock", lambda: later + 9 * 60)
    await bot.press(ALICE, "Delete everything", contains="have been deleted")
    assert set((await _owned_rows(bot, alice)).values()) == {0}


async def test_forged_delete_buttons_do_nothing(bot: BotHarness) -> None:
    alice = await login_as(bot.db, ALICE)
    bob = await login_as(bot.db, BOB)
    await _fill(bot, alice, "Alice")
    await _fill(bot, bob, "Bob")
    alice_before, bob_before = await _owned_rows(bot, alice), await _owned_rows(bot, bob)
    ask = await bot.say(ALICE, "/deleteaccount", contains="Delete your account?")
    now = str(int(time.time()))
    forged = [
        encode("xdy", bob, now),  # another user's account
        encode("xk", bob),
        encode("xdy", alice, str(int(time.time()) + 3600)),  # made up "in the future"
        encode("xdy", alice, "soon"),
        "xdy:" + "A" * 22 + ":" + now,  # not a real id
    ]
    for data in forged:
        toast = await bot.press_data(ALICE, ask.message_id, data)
        assert toast == "This button has expired.", data
    await bot.fake.settle(quiet=0.2)
    assert await _owned_rows(bot, alice) == alice_before
    assert await _owned_rows(bot, bob) == bob_before


async def test_a_confirmation_for_an_account_since_left_expires(bot: BotHarness) -> None:
    alice = await login_as(bot.db, ALICE)
    ask = await bot.say(ALICE, "/deleteaccount", contains="Delete your account?")
    # The same Telegram user now logs in to another account.
    other = await login_as(bot.db, ALICE + 50, email="other@example.com")
    async with bot.db.sessions.begin() as s:
        await accounts.start_session(
            s, user_id=other, telegram_user_id=ALICE, chat_id=ALICE, days=30
        )
    toast = await bot.press_data(ALICE, ask.message_id, ask.callback_data_for("Delete everything"))
    assert toast == "This button has expired."
    assert (await _owned_rows(bot, alice))["users"] == 1
    assert (await _owned_rows(bot, other))["users"] == 1
