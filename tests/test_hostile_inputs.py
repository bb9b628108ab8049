"""A table of hostile and malformed inputs: each gets a clear reply, none leaks an
error, and another user's data is untouched afterwards."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from core.callback_data import encode
from core.vocab import GoalSource, MetricType
from db import entries, export, goals, journals, metrics
from db.models import Goal
from tests.harness import BotHarness, login_as

VICTIM = 7001
ATTACKER = 7002
GENERIC_ERROR = "something went wrong"


@dataclass
class VictimData:
    user_id: uuid.UUID
    journal_id: uuid.UUID
    entry_id: uuid.UUID
    goal_id: uuid.UUID
    suggested_id: uuid.UUID


async def _victim(bot: BotHarness) -> VictimData:
    user_id = await login_as(bot.db, VICTIM)
    async with bot.db.sessions.begin() as s:
        journal = await journals.first_journal(s, user_id)
        assert journal is not None
        entry = await entries.add_entry(
            s, "Victim's private entry", user_id=user_id, journal_id=journal.id
        )
        assert entry is not None
        goal = await goals.create_goal(
            s, user_id, "Victim's accepted goal", source=GoalSource.USER_CREATED, accepted=True
        )
        suggested = await goals.create_goal(
            s,
            user_id,
            "Victim's suggestion",
            source=GoalSource.AI_GENERATED,
            journal_entry_id=entry.id,
        )
        await metrics.record_metric(s, user_id, MetricType.EFFORT, 6, "victim note")
    return VictimData(user_id, journal.id, entry.id, goal.id, suggested.id)


async def _snapshot(bot: BotHarness, user_id: uuid.UUID) -> dict[str, Any]:
    async with bot.db.sessions() as s:
        data = await export.export_user_data(s, user_id)
    data.pop("exported_at", None)
    return data


TEXTS = [
    ("whitespace only", "   "),
    ("over 4096 characters", "long " * 1000),
    ("control characters", "\x00\x01\x07 bell and null \x1b[31mred"),
    ("SQL fragment", "'; DROP TABLE entries; --"),
    ("HTML fragment", "<script>alert('x')</script><b>bold?</b>"),
    ("emoji only", "🔥🚀🌱" * 30),
    ("right-to-left text", "مرحبا بالعالم שלום עולם"),
    ("RTL override", "\u202eevil\u202c text"),
    ("zero-width characters", "a\u200bb\u200cc\u200dd\ufeff"),
    ("unbalanced markup", "<b><i>not closed"),
]

COMMANDS = [
    ("/rate unknown metric", "/rate happiness 5", "resilience"),
    ("/rate above 10", "/rate effort 11", "1 to 10"),
    ("/rate below 1", "/rate effort 0", "1 to 10"),
    ("/rate negative", "/rate effort -3", "1 to 10"),
    ("/rate not a number", "/rate effort seven", "1 to 10"),
    ("/rate decimal", "/rate learning 7.5", "1 to 10"),
    ("/rate note too long", "/rate effort 7 " + "n" * 600, "500"),
    ("/search without words", "/search", "/search"),
    ("/search SQL", "/search ' OR 1=1; --", ""),
    ("/search very long", "/search " + "a" * 500, ""),
    ("/goal too long", "/goal " + "x" * 600, "500"),
    ("unknown command", "/frobnicate now", "/help"),
    ("command for another bot", "/start@some_other_bot", ""),
]


def _forged(v: VictimData) -> list[tuple[str, str]]:
    return [
        ("accept victim's suggestion", encode("ga", v.suggested_id, "s")),
        ("reject victim's suggestion", encode("gr", v.suggested_id, "s")),
        ("edit victim's suggestion", encode("ge", v.suggested_id, "s")),
        ("complete victim's goal", encode("gc", v.goal_id, "l")),
        ("delete victim's goal", encode("gd", v.goal_id, "l")),
        ("target date on victim's goal", encode("gt", v.goal_id, "l")),
        ("metric on victim's goal", encode("gm", v.goal_id, "effort")),
        ("open victim's journal", encode("jo", v.journal_id)),
        ("activate victim's journal", encode("ja", v.journal_id)),
        ("rename victim's journal", encode("jr", v.journal_id)),
        ("delete victim's journal", encode("jdy", v.journal_id)),
        ("open victim's entry", encode("eo", v.entry_id, "n")),
        ("edit victim's entry", encode("ee", v.entry_id, "n")),
        ("delete victim's entry", encode("edy", v.entry_id, "n")),
        ("page victim's journal", encode("el", v.journal_id, "0")),
        ("delete victim's account", encode("xdy", v.user_id, "1")),
        ("check-in value 11", encode("cv", 1, "effort.11")),
        ("check-in unknown metric", encode("cv", 1, "happiness.5")),
        ("settings unknown value", encode("s", arg="fs=huge")),
        ("garbage", "x"),
        ("bad uuid", "ga:not-a-uuid:s"),
        ("too many parts", "ga:AAAAAAAAAAAAAAAAAAAAAA:s:extra"),
        ("64 bytes of junk", "z" * 64),
    ]


REPLIES = {"sendMessage", "editMessageText", "answerCallbackQuery"}


async def _wait_any_reply(bot: BotHarness, mark: int) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 15
    while not any(c.method in REPLIES for c in bot.fake.calls[mark:]):
        assert loop.time() < deadline, "no reply within 15 s"
        await bot.fake.wait_for_change(bot.fake.change_counter, seconds=0.5)


async def _answer_for(bot: BotHarness, mark: int, *, expect_reply: bool = True) -> str:
    """Text of the bot's reply (a message or a callback toast) after call ``mark``."""
    if expect_reply:  # on a busy machine the first reply may take a while to start
        await _wait_any_reply(bot, mark)
    await bot.fake.settle(quiet=0.25, timeout=15)
    texts = [
        str(c.params.get("text") or "")
        for c in bot.fake.calls[mark:]
        if c.method in {"sendMessage", "editMessageText", "answerCallbackQuery"}
        and c.chat_id in {ATTACKER, None}
    ]
    return "\n".join(texts)


async def test_hostile_inputs_get_clear_replies_and_change_nothing_of_others(
    bot: BotHarness,
) -> None:
    victim = await _victim(bot)
    await login_as(bot.db, ATTACKER)
    before = await _snapshot(bot, victim.user_id)
    cases = 0

    for name, text in TEXTS:
        mark = len(bot.fake.calls)
        await bot.fake.send_text(ATTACKER, text)
        answer = await _answer_for(bot, mark)
        assert answer.strip(), f"{name}: no reply"
        assert GENERIC_ERROR not in answer, f"{name}: {answer}"
        cases += 1

    for name, text, expected in COMMANDS:
        mark = len(bot.fake.calls)
        await bot.fake.send_text(ATTACKER, text)
        silent = name == "command for another bot"
        answer = await _answer_for(bot, mark, expect_reply=not silent)
        if not silent:
            assert answer.strip(), f"{name}: no reply"
        assert expected in answer, f"{name}: {answer!r}"
        assert GENERIC_ERROR not in answer, f"{name}: {answer}"
        await bot.say(ATTACKER, "/cancel")
        cases += 1

    for name, data in _forged(victim):
        answer = await bot.press_data(ATTACKER, 1, data)
        assert "expired" in answer.lower() or "log in" in answer.lower(), f"{name}: {answer!r}"
        cases += 1

    # Bad values inside dialogs.
    await bot.say(ATTACKER, "/goal", contains="goal")
    for name, text in [("goal empty", " "), ("goal too long", "y" * 501)]:
        mark = len(bot.fake.calls)
        await bot.fake.send_text(ATTACKER, text)
        answer = await _answer_for(bot, mark)
        assert answer.strip() and GENERIC_ERROR not in answer, name
        cases += 1
    await bot.say(ATTACKER, "/cancel")

    assert cases >= 40
    assert await _snapshot(bot, victim.user_id) == before


async def test_very_fast_repeated_presses_accept_a_goal_once(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ATTACKER)
    async with bot.db.sessions.begin() as s:
        goal = await goals.create_goal(
            s, user_id, "Practise scales", source=GoalSource.AI_GENERATED
        )
    data = encode("ga", goal.id, "s")
    queries = await asyncio.gather(*(bot.fake.press(ATTACKER, 1, data) for _ in range(10)))
    toasts = []
    for query in queries:
        call = await bot.fake.wait_for_call(
            "answerCallbackQuery", lambda c, q=query: c.params.get("callback_query_id") == q
        )
        toasts.append(str(call.params.get("text") or ""))
    assert sum("Already" in t for t in toasts) == 9, toasts
    async with bot.db.sessions() as s:
        stored = (await s.execute(select(Goal).where(Goal.id == goal.id))).scalar_one()
    assert stored.accepted_at is not None and stored.deleted_at is None


@pytest.mark.parametrize(
    ("zone", "ok"),
    [("Mars/Base", False), ("../../etc/passwd", False), ("", False), ("europe/berlin", True)],
)
async def test_bad_time_zones_are_refused(bot: BotHarness, zone: str, ok: bool) -> None:
    from db import profile

    user_id = await login_as(bot.db, ATTACKER)
    async with bot.db.sessions.begin() as s:
        if ok:
            await profile.set_timezone(s, user_id, zone)
        else:
            with pytest.raises(ValueError):
                await profile.set_timezone(s, user_id, zone)
