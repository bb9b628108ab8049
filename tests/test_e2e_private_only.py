"""Private chats only: in a group, supergroup or channel the bot shows and changes
nothing, says so at most once per chat (across restarts) and leaves."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from bot.handlers.private_only import NOTE, PRESS_ANSWER
from bot.reminders import ReminderDispatcher
from core.callback_data import encode
from db import reminders
from db.database import Database
from db.models import DialogState, Entry, GroupChatNotice, PendingMessage, TelegramAccount, User
from db.settings import update_setting
from fake_telegram.server import ApiCall, FakeBotAPI
from tests.harness import BotHarness, login_as, running_bot

ALICE = 8101
STRANGER = 8102
GROUP = -5001
SECRET = "Alice's secret: I cried at the interview"
COMMANDS = ["/entries", "/today", "/search secret", "/export", "/start", "/settings", "/goals"]


def _calls_to(fake: FakeBotAPI, chat_id: int) -> list[ApiCall]:
    return [c for c in fake.calls if c.chat_id == chat_id]


async def _alice_with_an_entry(bot: BotHarness) -> uuid.UUID:
    user_id = await login_as(bot.db, ALICE)
    await bot.say(ALICE, SECRET, contains="Saved")
    await bot.fake.settle()
    return user_id


async def _counts(db: Database) -> dict[str, int]:
    async with db.sessions() as s:
        return {
            model.__tablename__: int(await s.scalar(select(func.count()).select_from(model)) or 0)
            for model in (User, Entry, DialogState, PendingMessage, TelegramAccount)
        }


def _assert_only_the_note(fake: FakeBotAPI, chat_id: int) -> None:
    sends = [c for c in _calls_to(fake, chat_id) if c.method != "leaveChat"]
    assert [c.method for c in sends] == ["sendMessage"], [c.method for c in sends]
    note = fake.messages(chat_id)
    assert len(note) == 1 and note[0].plain_text == NOTE
    assert note[0].buttons == [[("Open a private chat", f"https://t.me/{fake.bot_username}")]]
    assert "leaveChat" in {c.method for c in _calls_to(fake, chat_id)}


@pytest.mark.parametrize("kind", ["group", "supergroup", "channel"])
async def test_commands_in_a_group_show_and_change_nothing(bot: BotHarness, kind: str) -> None:
    await _alice_with_an_entry(bot)
    private_before = len(bot.fake.history(ALICE))
    counts_before = await _counts(bot.db)
    chat_id = GROUP - 100 if kind == "supergroup" else GROUP - 200 if kind == "channel" else GROUP
    bot.fake.add_group(chat_id, kind)
    for text in [*COMMANDS, "a journal line written in the group"]:
        await bot.fake.send_text(ALICE, text, chat_id=chat_id)
        await bot.fake.send_text(STRANGER, text, chat_id=chat_id)
    await bot.fake.settle(quiet=0.5)

    _assert_only_the_note(bot.fake, chat_id)
    assert SECRET not in str([c.params for c in bot.fake.calls if c.method != "getUpdates"][1:])
    assert not [c for c in bot.fake.calls if c.method in {"sendDocument", "sendPhoto"}]
    # Nothing reached Alice's private chat either, and nothing was stored or linked.
    assert len(bot.fake.history(ALICE)) == private_before
    assert await _counts(bot.db) == counts_before
    async with bot.db.sessions() as s:
        account = await s.get(TelegramAccount, ALICE)
        assert account is not None and account.chat_id == ALICE
        assert await s.get(TelegramAccount, STRANGER) is None
        notice = await s.get(GroupChatNotice, chat_id)
        assert notice is not None and notice.chat_type == kind


async def test_button_presses_in_a_group_are_answered_without_effect(bot: BotHarness) -> None:
    user_id = await _alice_with_an_entry(bot)
    bot.fake.add_group(GROUP)
    counts_before = await _counts(bot.db)
    presses = [
        encode("xdy", user_id, str(int(datetime.now(UTC).timestamp()))),  # delete account
        encode("acc", arg="new"),  # create account
        encode("acc", arg="login"),
    ]
    queries = [await bot.fake.press(ALICE, 1, data, chat_id=GROUP) for data in presses]
    for query in queries:
        answer = await bot.fake.wait_for_call(
            "answerCallbackQuery", lambda c, q=query: c.params.get("callback_query_id") == q
        )
        assert answer.params.get("text") == PRESS_ANSWER
    await bot.fake.settle()
    assert await _counts(bot.db) == counts_before  # the account is still there
    assert _calls_to(bot.fake, GROUP) == []  # not even the note: a toast is enough


async def test_added_to_a_group_the_bot_says_so_once_and_leaves_even_after_restart(
    db: Database, database_url: str, fast_bcrypt: None
) -> None:
    async with FakeBotAPI() as fake:
        async with running_bot(db, database_url, fake=fake) as bot:
            await fake.add_bot_to_group(STRANGER, GROUP)
            await fake.wait_for_call("leaveChat", lambda c: c.chat_id == GROUP)
            await fake.settle()
            _assert_only_the_note(fake, GROUP)
        # Another process (or the same after a restart): added again, still one note.
        async with running_bot(db, database_url, fake=fake) as bot:
            before = len(fake.calls)
            await fake.add_bot_to_group(STRANGER, GROUP)
            await fake.send_text(STRANGER, "/start", chat_id=GROUP)
            await fake.wait_for_call("leaveChat", lambda c: c.chat_id == GROUP, since=before)
            await bot.fake.settle()
        assert [c.method for c in fake.calls[before:] if c.chat_id == GROUP] == [
            "leaveChat",
            "leaveChat",
        ]
        assert len(fake.messages(GROUP)) == 1


async def test_reminders_never_go_to_a_group(bot: BotHarness) -> None:
    """Even an account linked to a group before the fix is reminded in private."""
    user_id = await login_as(bot.db, ALICE)
    now = datetime(2025, 11, 10, 19, 0, 30, tzinfo=UTC)
    async with bot.db.sessions.begin() as s:
        await update_setting(s, user_id, "notification_preferences", "pushNotifications", True)
        await update_setting(s, user_id, "notification_preferences", "reminderTime", "19:00")
        await reminders.reschedule(s, user_id, now=now - timedelta(hours=2))
        await s.execute(
            update(TelegramAccount)
            .where(TelegramAccount.telegram_user_id == ALICE)
            .values(chat_id=GROUP)
        )
    settings = bot.app.bot_data["services"].settings
    stats = await ReminderDispatcher(bot.app.bot, bot.db.sessions, settings).run_once(now=now)
    assert stats.sent == 0
    assert _calls_to(bot.fake, GROUP) == []
