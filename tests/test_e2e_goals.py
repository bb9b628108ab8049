"""Goals end to end: suggestions after an entry and every button of the goal lifecycle,
/goals, /goal, target dates, and suggestions from a (fake) OpenAI-compatible model."""

from __future__ import annotations

import json
import socket
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp import web
from sqlalchemy import delete, select

from core.callback_data import encode
from core.dates import parse_target_date
from core.suggest import LocalSuggestionEngine
from db import goals, settings
from db.database import Database
from db.models import Entry, Goal
from db.settings import EXTERNAL_AI_CONSENT, update_setting
from fake_telegram.server import ChatMessage
from tests.harness import BotHarness, login_as, running_bot

ANN = 2001
BEN = 2002
CAL = 2003

# The local engine suggests one goal for each of these entries.
SPEAKING = "I'm not good at public speaking and I froze in the meeting today."
RECURSION = "Everyone else in my class gets recursion so fast."
EXPIRED = "This button has expired."


# --- helpers ------------------------------------------------------------------------


async def goals_of(bot: BotHarness, user_id: uuid.UUID) -> list[Goal]:
    async with bot.db.sessions() as s:
        result = await s.scalars(
            select(Goal).where(Goal.user_id == user_id).order_by(Goal.created_at, Goal.id)
        )
        return list(result)


def snapshot(goal: Goal) -> tuple[Any, ...]:
    return (
        goal.content,
        goal.accepted_at,
        goal.completed_at,
        goal.deleted_at,
        goal.target_date,
        goal.related_metric_type,
        goal.updated_at,
    )


async def write(bot: BotHarness, user: int, text: str) -> list[ChatMessage]:
    """Write a journal entry; returns the suggestion messages that followed it."""
    sent = await bot.fake.send_text(user, text)
    await bot.fake.wait_for_message(user, after=sent, contains="Saved")
    await bot.fake.settle()
    return [
        m
        for m in bot.fake.messages(user)
        if m.message_id > sent and "Suggested goal" in m.plain_text
    ]


async def write_two(bot: BotHarness, user: int) -> list[ChatMessage]:
    """Two entries, one suggestion each: the first about speaking, the second about recursion."""
    return [*await write(bot, user, SPEAKING), *await write(bot, user, RECURSION)]


async def tap(bot: BotHarness, user: int, message: ChatMessage, button: str) -> str:
    """Press ``button`` on ``message``; returns the toast once the bot is done."""
    toast = await bot.press_data(user, message.message_id, message.callback_data_for(button))
    await bot.fake.settle()
    return toast


async def goal_cards(bot: BotHarness, user: int) -> list[ChatMessage]:
    """Send /goals; returns the goal cards (the messages after the summary)."""
    header = await bot.say(user, "/goals")
    await bot.fake.settle()
    return [m for m in bot.fake.messages(user) if m.message_id > header.message_id]


def card_for(cards: list[ChatMessage], text: str) -> ChatMessage:
    [found] = [c for c in cards if text in c.plain_text]
    return found


def today_in(zone: str) -> date:
    return datetime.now(UTC).astimezone(ZoneInfo(zone)).date()


# --- suggestions and their buttons --------------------------------------------------


async def test_entry_gets_one_suggestion_stored_with_its_entry(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ANN)
    [message] = await write(bot, ANN, SPEAKING)
    assert message.plain_text == (
        "💡 Suggested goal: Practise public speaking for 15 minutes on three days this week and"
        " note one thing that got easier\n"
        'Why: You wrote: "I\'m not good at public speaking and I froze in the meeting today."'
    )
    assert message.button_texts() == ["✅ Accept", "✏️ Edit", "✖ Reject"]
    [stored] = await goals_of(bot, user_id)
    async with bot.db.sessions() as s:
        [entry] = (await s.scalars(select(Entry))).all()
    assert stored.source_type == "ai_generated" and stored.journal_entry_id == entry.id
    assert stored.related_metric_type == "effort"
    assert stored.accepted_at is None and stored.deleted_at is None


async def test_accept_then_press_again(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ANN)
    [first] = await write(bot, ANN, SPEAKING)
    toast = await tap(bot, ANN, first, "Accept")
    assert toast == "Accepted ✅"
    goal = (await goals_of(bot, user_id))[0]
    assert goal.accepted_at is not None and goal.deleted_at is None
    assert first.plain_text.startswith(f"✅ Accepted: {goal.content}")
    assert first.buttons == []

    before = snapshot(goal)
    again = await bot.press_data(ANN, first.message_id, encode("ga", goal.id, "s"))
    assert again == "Already accepted"
    assert snapshot((await goals_of(bot, user_id))[0]) == before
    # Rejecting an accepted goal from an old message changes nothing either.
    assert (await bot.press_data(ANN, first.message_id, encode("gr", goal.id, "s"))).startswith(
        "Already accepted"
    )
    assert snapshot((await goals_of(bot, user_id))[0]) == before


async def test_reject_then_press_again(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ANN)
    _, second = await write_two(bot, ANN)
    reject = second.callback_data_for("Reject")
    assert await tap(bot, ANN, second, "Reject") == "Rejected"
    goal = (await goals_of(bot, user_id))[1]
    assert goal.deleted_at is not None and goal.accepted_at is None
    assert second.plain_text == f"✖ Rejected: {goal.content}"
    assert second.buttons == []

    before = snapshot(goal)
    assert await bot.press_data(ANN, second.message_id, reject) == "Already rejected"
    accept = encode("ga", goal.id, "s")
    assert await bot.press_data(ANN, second.message_id, accept) == "This suggestion was rejected."
    assert snapshot((await goals_of(bot, user_id))[1]) == before
    # The other suggestion is untouched.
    assert (await goals_of(bot, user_id))[0].accepted_at is None


async def test_edit_rewords_and_accepts_the_suggestion(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ANN)
    [first] = await write(bot, ANN, SPEAKING)
    await tap(bot, ANN, first, "Edit")
    prompt = bot.fake.last_message(ANN)
    assert prompt is not None and "How would you put it?" in prompt.plain_text

    reply = await bot.say(ANN, "x" * 501, contains="too long")
    assert "/cancel" in reply.plain_text
    assert (await goals_of(bot, user_id))[0].accepted_at is None

    reply = await bot.say(ANN, "Give a  2-minute talk\nto my team on Friday", contains="Accepted")
    assert "Give a 2-minute talk to my team on Friday" in reply.plain_text
    goal = (await goals_of(bot, user_id))[0]
    assert goal.content == "Give a 2-minute talk to my team on Friday"
    assert goal.accepted_at is not None and goal.deleted_at is None
    await bot.fake.settle()
    assert first.plain_text.startswith("✅ Accepted: Give a 2-minute talk to my team on Friday")
    assert first.buttons == []
    # The dialog is over: the next message is a journal entry again.
    await bot.say(ANN, "A calm evening.", contains="Saved")


async def test_cancelled_edit_keeps_the_suggestion(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ANN)
    _, second = await write_two(bot, ANN)
    before = snapshot((await goals_of(bot, user_id))[1])
    await tap(bot, ANN, second, "Edit")
    await bot.say(ANN, "/cancel", contains="Kept the suggestion as it was")
    assert snapshot((await goals_of(bot, user_id))[1]) == before
    assert second.button_texts() == ["✅ Accept", "✏️ Edit", "✖ Reject"]
    assert await tap(bot, ANN, second, "Accept") == "Accepted ✅"


async def test_edit_does_not_throw_away_a_write_draft(bot: BotHarness) -> None:
    await login_as(bot.db, ANN)
    [first] = await write(bot, ANN, SPEAKING)
    await bot.say(ANN, "/write", contains="/done")
    toast = await tap(bot, ANN, first, "Edit")
    assert "unsaved /write draft" in toast
    await bot.fake.send_text(ANN, "Draft line")
    await bot.say(ANN, "/done", contains="Saved")


async def test_no_suggestions_when_turned_off(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ANN)
    async with bot.db.sessions.begin() as s:
        await settings.update_setting(
            s, user_id, "ai_interaction_settings", "enableGrowthSuggestions", False
        )
    assert await write(bot, ANN, SPEAKING) == []
    assert await goals_of(bot, user_id) == []


async def test_an_open_goal_is_not_suggested_again(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ANN)
    natural = await LocalSuggestionEngine().suggest(SPEAKING, open_goals=[], with_sentiment=True)
    async with bot.db.sessions.begin() as s:
        await goals.create_goal(s, user_id, natural[0].content, source="user_created")
    # One goal fits this entry, and it is already open: better quiet than a lesser goal.
    assert await write(bot, ANN, SPEAKING) == []
    contents = [g.content for g in await goals_of(bot, user_id)]
    assert contents.count(natural[0].content) == 1


async def test_a_neutral_entry_gets_no_suggestion(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ANN)
    sent = await bot.fake.send_text(ANN, "Had a lovely walk in the park.")
    await bot.fake.wait_for_message(ANN, after=sent, contains="Saved")
    await bot.fake.settle()
    assert len([m for m in bot.fake.messages(ANN) if m.message_id > sent]) == 1  # just "Saved"
    assert await goals_of(bot, user_id) == []


async def after_entry(bot: BotHarness, user: int, text: str) -> list[ChatMessage]:
    """Everything the bot sent after an entry, the "Saved" confirmation excluded."""
    sent = await bot.fake.send_text(user, text)
    await bot.fake.wait_for_message(user, after=sent, contains="Saved")
    await bot.fake.settle()
    return [
        m for m in bot.fake.messages(user) if m.message_id > sent and "Saved" not in m.plain_text
    ]


async def test_a_painful_entry_gets_a_warm_line_and_no_goal(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ANN)
    [reply] = await after_entry(
        bot, ANN, "Had another panic attack on the train. I feel like such a failure."
    )
    assert "frightening" in reply.plain_text and reply.buttons == []
    assert "Suggested goal" not in reply.plain_text
    assert await goals_of(bot, user_id) == []


async def test_self_harm_language_gets_a_pointer_to_help_even_with_suggestions_off(
    bot: BotHarness,
) -> None:
    user_id = await login_as(bot.db, ANN)
    async with bot.db.sessions.begin() as s:
        await settings.update_setting(
            s, user_id, "ai_interaction_settings", "enableGrowthSuggestions", False
        )
    [reply] = await after_entry(bot, ANN, "I don't want to be here anymore.")
    assert "988" in reply.plain_text and "116 123" in reply.plain_text
    assert await goals_of(bot, user_id) == []
    # Other painful entries stay quiet when the user turned suggestions off.
    assert await after_entry(bot, ANN, "Grandad passed away last night.") == []


async def test_at_most_three_suggestions_wait_and_older_ones_expire(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ANN)
    entries = [
        SPEAKING,
        RECURSION,
        "i suck at chess lol",
        "I'll never be able to draw faces.",
    ]
    messages = [m for text in entries for m in await write(bot, ANN, text)]
    assert len(messages) == 4
    stored = await goals_of(bot, user_id)
    waiting = [g for g in stored if g.deleted_at is None]
    assert [g.content for g in waiting] == [g.content for g in stored[1:]]
    assert stored[0].deleted_at is not None  # the oldest withdrew quietly: no message about it
    assert len(bot.fake.messages(ANN)) == 8  # four "Saved" and four suggestions
    header = await bot.say(ANN, "/goals")
    assert "💡 3 suggestions waiting" in header.plain_text
    assert await tap(bot, ANN, messages[0], "Accept") == "This suggestion was rejected."


async def test_a_rejected_suggestion_is_not_offered_again(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ANN)
    [first] = await write(bot, ANN, SPEAKING)
    assert await tap(bot, ANN, first, "Reject") == "Rejected"
    assert await write(bot, ANN, "honestly im not good at public speaking") == []
    assert len(await goals_of(bot, user_id)) == 1


# --- /goals -------------------------------------------------------------------------


async def test_goals_lists_open_goals_with_their_buttons(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ANN)
    reply = await bot.say(ANN, "/goals")
    assert "no open goals" in reply.plain_text
    await write_two(bot, ANN)
    async with bot.db.sessions.begin() as s:
        await goals.create_goal(s, user_id, "Run 5 km", source="user_created")
    run, waiting = await goal_cards(bot, ANN)
    header = bot.fake.messages(ANN)[-3]
    assert "1 in progress · 💡 2 suggestions waiting" in header.plain_text
    assert run.plain_text.startswith("🎯 Run 5 km")
    assert run.button_texts() == ["✅ Done", "📅 Target date", "🗑 Delete"]
    # Every suggestion waiting for an answer, latest first, in one message.
    stored = await goals_of(bot, user_id)  # oldest first
    speaking, recursion = [g.content for g in stored if g.accepted_at is None]
    assert waiting.plain_text == (f"💡 2 suggestions for you\n1. {recursion}\n2. {speaking}")
    assert waiting.button_texts() == ["✅ Accept 1", "✖ Reject 1", "✅ Accept 2", "✖ Reject 2"]


async def test_goals_sends_at_most_ten_cards(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ANN)
    async with bot.db.sessions.begin() as s:
        for number in range(12):
            await goals.create_goal(s, user_id, f"Goal number {number}", source="user_created")
    cards = await goal_cards(bot, ANN)
    assert len(cards) == 10
    header = bot.fake.messages(ANN)[-11]
    assert "12 in progress" in header.plain_text
    assert "Showing 10 of 12" in header.plain_text


async def test_complete_delete_and_show_completed(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ANN)
    for text in ("Run 5 km", "Read one chapter a day"):
        await bot.say(ANN, f"/goal {text}", contains="New goal")
    cards = await goal_cards(bot, ANN)
    run, read = card_for(cards, "Run 5 km"), card_for(cards, "Read one chapter")

    assert await tap(bot, ANN, run, "Done") == "Well done! 🏆"
    assert run.plain_text == "🏆 Completed: Run 5 km" and run.buttons == []
    done, reading = await goals_of(bot, user_id)
    assert done.completed_at is not None
    before = snapshot(done)
    again = await bot.press_data(ANN, run.message_id, encode("gc", done.id, "l"))
    assert again == "Already completed 🏆"
    assert snapshot((await goals_of(bot, user_id))[0]) == before

    assert await tap(bot, ANN, read, "Delete") == "Deleted"
    assert read.plain_text == "🗑 Deleted: Read one chapter a day" and read.buttons == []
    assert (await goals_of(bot, user_id))[1].deleted_at is not None
    assert await bot.press_data(ANN, read.message_id, encode("gd", reading.id, "l")) == (
        "Already deleted"
    )

    header = await bot.say(ANN, "/goals", contains="completed")
    assert "You've completed 1 goal!" in header.plain_text
    assert "no open goals" in header.plain_text
    listing = await bot.press(ANN, "Show completed", contains="Completed goals")
    assert "Run 5 km — done" in listing.plain_text
    assert "Read one chapter" not in listing.plain_text


async def test_accept_and_reject_from_goals(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ANN)
    await write_two(bot, ANN)
    first, second = await goals_of(bot, user_id)
    [waiting] = await goal_cards(bot, ANN)
    assert await tap(bot, ANN, waiting, "Accept 2") == "Accepted ✅"  # the older one
    # The message says what happened and lists what is still waiting, renumbered.
    assert waiting.plain_text == (
        f"✅ Accepted: {first.content}\n💡 1 suggestion for you\n1. {second.content}"
    )
    assert waiting.button_texts() == ["✅ Accept 1", "✖ Reject 1"]
    assert await tap(bot, ANN, waiting, "Reject 1") == "Rejected"
    assert waiting.plain_text == (
        f"✖ Rejected: {second.content}\nNo suggestions are waiting for an answer."
    )
    assert waiting.buttons == []
    first, second = await goals_of(bot, user_id)
    assert first.accepted_at is not None and first.deleted_at is None
    assert second.deleted_at is not None and second.accepted_at is None


async def test_stale_suggestion_buttons_after_changes_in_goals(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ANN)
    first_msg, second_msg = await write_two(bot, ANN)
    first, _ = await goals_of(bot, user_id)
    [waiting] = await goal_cards(bot, ANN)
    stale_accept = waiting.callback_data_for("Accept 2")
    # Accept then delete the first goal in /goals; reject the second there.
    await tap(bot, ANN, waiting, "Accept 2")
    await tap(bot, ANN, card_for(await goal_cards(bot, ANN), first.content), "Delete")
    await tap(bot, ANN, waiting, "Reject 1")
    before = [snapshot(g) for g in await goals_of(bot, user_id)]
    # A press on the waiting list from before: nothing changes, the list stays empty.
    toast = await bot.press_data(ANN, waiting.message_id, stale_accept)
    assert toast == "This goal was deleted."
    await bot.fake.settle()
    assert waiting.plain_text == "No suggestions are waiting for an answer."

    # The suggestion messages still show their buttons: pressing them changes nothing.
    assert await tap(bot, ANN, first_msg, "Accept") == "This goal was deleted."
    assert await tap(bot, ANN, second_msg, "Accept") == "This suggestion was rejected."
    assert [snapshot(g) for g in await goals_of(bot, user_id)] == before
    # ...and the messages now say what happened, without buttons.
    assert first_msg.plain_text.startswith("🗑 Deleted") and first_msg.buttons == []
    assert second_msg.plain_text.startswith("✖ Rejected") and second_msg.buttons == []


async def test_forged_buttons_for_another_users_goal(bot: BotHarness) -> None:
    await login_as(bot.db, ANN)
    ben_id = await login_as(bot.db, BEN)
    await write(bot, BEN, SPEAKING)
    await bot.say(BEN, "/goal Run 5 km", contains="New goal")
    theirs = await goals_of(bot, ben_id)
    before = [snapshot(g) for g in theirs]

    mine = await bot.say(ANN, "/goals")
    for goal in theirs:
        for action, arg in [
            ("ga", "s"),
            ("gr", "s"),
            ("ge", "s"),
            ("gc", "l"),
            ("gd", "l"),
            ("gt", "l"),
            ("gtd", "l.w"),
            ("gtd", "l.t"),
            ("gtd", "l.c"),
            ("gm", "n.effort"),
        ]:
            toast = await bot.press_data(ANN, mine.message_id, encode(action, goal.id, arg))
            assert toast == EXPIRED, (action, toast)
    # Made-up data is refused the same way.
    for data in ("ga:notauuid:s", "gx::", "ga::s", encode("ga", uuid.uuid4(), "s")):
        assert await bot.press_data(ANN, mine.message_id, data) == EXPIRED
    await bot.fake.settle()
    assert [snapshot(g) for g in await goals_of(bot, ben_id)] == before
    assert "no open goals" in mine.plain_text and not mine.edited
    # Ann is in no dialog: her next message is a journal entry.
    await bot.say(ANN, "Quiet day.", contains="Saved")


async def test_overdue_goals_are_marked_in_the_users_time_zone(
    db: Database, database_url: str
) -> None:
    # Kiritimati (UTC+14) is always at least a day ahead of Pago Pago (UTC-11).
    pago_today = today_in("Pacific/Pago_Pago")
    async with running_bot(db, database_url) as bot:
        for user, zone in ((ANN, "Pacific/Kiritimati"), (BEN, "Pacific/Pago_Pago")):
            user_id = await login_as(bot.db, user, zone=zone)
            async with bot.db.sessions.begin() as s:
                goal = await goals.create_goal(
                    s, user_id, "Finish the essay", source="user_created"
                )
                await goals.set_target_date(s, user_id, goal.id, pago_today)
        [ahead] = await goal_cards(bot, ANN)
        assert "⚠️ overdue by" in ahead.plain_text
        header = bot.fake.messages(ANN)[-2]
        assert "1 in progress (1 overdue ⚠️)" in header.plain_text
        [behind] = await goal_cards(bot, BEN)
        assert "due today" in behind.plain_text and "overdue" not in behind.plain_text


# --- /goal and target dates ---------------------------------------------------------


async def test_goal_with_text_then_metric_and_target_buttons(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ANN)
    card = await bot.say(ANN, "/goal Ask for feedback on my <b>draft</b>", contains="New goal")
    assert "🎯 New goal: Ask for feedback on my <b>draft</b>" in card.plain_text
    assert card.button_texts() == [
        "📅 Set a target date",
        "Resilience",
        "Effort",
        "Challenge",
        "Feedback",
        "Learning",
        "✓ None",
    ]
    [goal] = await goals_of(bot, user_id)
    assert goal.source_type == "user_created" and goal.accepted_at is not None
    assert goal.content == "Ask for feedback on my <b>draft</b>"

    assert await tap(bot, ANN, card, "Feedback") == "Linked to feedback"
    assert "✓ Feedback" in card.button_texts() and "📊 Metric: feedback" in card.plain_text
    assert (await goals_of(bot, user_id))[0].related_metric_type == "feedback"
    assert await tap(bot, ANN, card, "None") == "Not linked to a metric"
    assert (await goals_of(bot, user_id))[0].related_metric_type is None

    await tap(bot, ANN, card, "Set a target date")
    assert "When do you want to reach it?" in card.plain_text
    toast = await tap(bot, ANN, card, "In a week")
    week = today_in("UTC") + timedelta(days=7)
    assert toast.startswith("Target date: ")
    assert (await goals_of(bot, user_id))[0].target_date == week
    assert "in 7 days" in card.plain_text
    assert "📅 Set a target date" in card.button_texts()


async def test_goal_without_text_asks_for_it(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ANN)
    await bot.say(ANN, "/goal", contains="What's your goal?")
    reply = await bot.say(ANN, "y" * 501, contains="too long")
    assert "501 characters" in reply.plain_text
    assert await goals_of(bot, user_id) == []
    await bot.say(ANN, "Learn ten Spanish words", contains="New goal")
    [goal] = await goals_of(bot, user_id)
    assert goal.content == "Learn ten Spanish words"
    await bot.say(ANN, "A normal entry again.", contains="Saved")

    await bot.say(ANN, "/goal", contains="What's your goal?")
    await bot.say(ANN, "/cancel", contains="No goal was created")
    assert len(await goals_of(bot, user_id)) == 1


async def test_goal_text_too_long_is_refused(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ANN)
    reply = await bot.say(ANN, "/goal " + "z" * 600, contains="too long")
    assert "/goal" in reply.plain_text
    assert await goals_of(bot, user_id) == []


async def test_goal_while_writing_a_draft_keeps_the_draft(bot: BotHarness) -> None:
    await login_as(bot.db, ANN)
    await bot.say(ANN, "/write", contains="/done")
    await bot.say(ANN, "/goal", contains="unsaved /write draft")
    await bot.fake.send_text(ANN, "My draft")
    reply = await bot.say(ANN, "/done", contains="Saved")
    assert "Saved" in reply.plain_text


async def test_typed_target_dates(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ANN)
    await bot.say(ANN, "/goal Finish the essay", contains="New goal")
    [card] = await goal_cards(bot, ANN)
    today = today_in("UTC")

    await tap(bot, ANN, card, "Target date")
    await tap(bot, ANN, card, "Type a date")
    prompt = bot.fake.last_message(ANN)
    assert prompt is not None and "When do you want to reach" in prompt.plain_text
    reply = await bot.say(ANN, "someday soon", contains="couldn't read")
    assert "tomorrow" in reply.plain_text
    reply = await bot.say(ANN, "2020-01-01", contains="in the past")
    reply = await bot.say(ANN, f"{today.year + 1}-02-30", contains="no day 30 in February")
    assert (await goals_of(bot, user_id))[0].target_date is None

    wanted = today + timedelta(days=10)
    reply = await bot.say(ANN, wanted.isoformat(), contains="Target date set")
    assert "in 10 days" in reply.plain_text
    assert (await goals_of(bot, user_id))[0].target_date == wanted
    await bot.fake.settle()
    assert "in 10 days" in card.plain_text
    assert card.button_texts() == ["✅ Done", "📅 Target date", "🗑 Delete"]

    for typed, expected in (
        ("tomorrow", today + timedelta(days=1)),
        ("31 Dec", parse_target_date("31 Dec", today)),
    ):
        await tap(bot, ANN, card, "Target date")
        await tap(bot, ANN, card, "Type a date")
        await bot.say(ANN, typed, contains="Target date set")
        assert (await goals_of(bot, user_id))[0].target_date == expected


async def test_target_date_buttons_and_cancel(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ANN)
    await bot.say(ANN, "/goal Save 100 euros", contains="New goal")
    [card] = await goal_cards(bot, ANN)
    today = today_in("UTC")

    await tap(bot, ANN, card, "Target date")
    assert await tap(bot, ANN, card, "End of month")
    assert (await goals_of(bot, user_id))[0].target_date == parse_target_date("end of month", today)
    await tap(bot, ANN, card, "Target date")
    await tap(bot, ANN, card, "In a month")
    assert (await goals_of(bot, user_id))[0].target_date == parse_target_date("in a month", today)
    await tap(bot, ANN, card, "Target date")
    assert await tap(bot, ANN, card, "Clear") == "Target date cleared"
    assert (await goals_of(bot, user_id))[0].target_date is None
    assert "Target:" not in card.plain_text

    await tap(bot, ANN, card, "Target date")
    await tap(bot, ANN, card, "Type a date")
    await bot.say(ANN, "/cancel", contains="Kept the target date as it was")
    await bot.fake.settle()
    assert card.button_texts() == ["✅ Done", "📅 Target date", "🗑 Delete"]
    assert (await goals_of(bot, user_id))[0].target_date is None

    await tap(bot, ANN, card, "Target date")
    await tap(bot, ANN, card, "Back")
    assert card.button_texts() == ["✅ Done", "📅 Target date", "🗑 Delete"]


# --- suggestions from a language model ----------------------------------------------


@dataclass
class FakeLLM:
    status: int = 200
    goals: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[dict[str, str], dict[str, Any]]] = field(default_factory=list)
    base_url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append((dict(request.headers), await request.json()))
        if self.status != 200:
            return web.Response(status=self.status, text='{"error": "boom"}')
        content = json.dumps(
            {"decision": "goal", "pattern": "identity", "goal": self.goals[0]}
            if self.goals
            else {"decision": "none", "pattern": None, "goal": None}
        )
        return web.json_response({"choices": [{"message": {"content": content}}]})


@pytest.fixture
async def fake_llm() -> AsyncIterator[FakeLLM]:
    fake = FakeLLM()
    app = web.Application()
    app.router.add_post("/v1/chat/completions", fake.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    site = web.SockSite(runner, sock)
    await site.start()
    fake.base_url = f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
    try:
        yield fake
    finally:
        await runner.cleanup()


async def test_suggestions_from_the_model_and_local_fallback(
    db: Database, database_url: str, fake_llm: FakeLLM
) -> None:
    fake_llm.goals = [
        {
            "content": "Rehearse the opening minute of your talk <i>twice</i> before Friday",
            "related_metric_type": "effort",
            "reason": 'You froze: "I froze in the meeting today"',
        }
    ]
    async with running_bot(
        db, database_url, llm_base_url=fake_llm.base_url, llm_api_key="k", llm_model="m"
    ) as bot:
        user_id = await login_as(bot.db, CAL)
        # Without consent nothing reaches the model: the local engine suggests.
        assert len(await write(bot, CAL, SPEAKING)) == 1
        assert fake_llm.requests == []
        async with bot.db.sessions.begin() as s:  # start over with no goals
            await s.execute(delete(Goal))
        # /settings says what would be sent where, and the user agrees.
        menu = await bot.say(CAL, "/settings", contains="Settings")
        assert "stay on this server" in menu.plain_text
        ai = await bot.press(CAL, "🤖 AI", contains="Where your entries go")
        assert "text of each new entry and your open goals are sent to 127.0.0.1" in (ai.plain_text)
        toast = await tap(bot, CAL, ai, "🌐 Send entries to 127.0.0.1: off")
        assert toast == "Entries go to 127.0.0.1 for suggestions"
        assert "Sending entries to 127.0.0.1: allowed" in bot.fake.messages(CAL)[-1].plain_text
        [suggestion] = await write(bot, CAL, SPEAKING)
        assert suggestion.plain_text == (
            "💡 Suggested goal: Rehearse the opening minute of your talk twice before Friday\n"
            'Why: You froze: "I froze in the meeting today"'
        )
        headers, body = fake_llm.requests[0]
        assert headers["Authorization"] == "Bearer k" and body["model"] == "m"
        [goal] = await goals_of(bot, user_id)
        assert goal.related_metric_type == "effort" and goal.source_type == "ai_generated"
        assert await tap(bot, CAL, suggestion, "Accept") == "Accepted ✅"

        # A painful entry: the model is not asked, the user gets a warm line.
        [care] = await after_entry(bot, CAL, "Grandad passed away last night.")
        assert "sorry" in care.plain_text and len(fake_llm.requests) == 1

        # The model fails: the local engine still suggests something.
        fake_llm.status = 500
        open_goals = [goal.content]
        local = await LocalSuggestionEngine().suggest(
            "I can't do maths, I failed the exam again.", open_goals=open_goals, with_sentiment=True
        )
        suggestions = await write(bot, CAL, "I can't do maths, I failed the exam again.")
        assert len(fake_llm.requests) == 2
        assert [m.plain_text.split("\n")[0] for m in suggestions] == [
            f"💡 Suggested goal: {g.content}" for g in local
        ]
        # Consent withdrawn: nothing more is sent.
        await bot.say(CAL, "/settings", contains="also sent to 127.0.0.1")
        ai = await bot.press(CAL, "🤖 AI", contains="Where your entries go")
        await tap(bot, CAL, ai, "🌐 Send entries to 127.0.0.1: on")
        await write(bot, CAL, "I can't draw faces, I give up on sketching.")
        assert len(fake_llm.requests) == 2
        assert bot.app.post_shutdown is not None
        await bot.app.post_shutdown(bot.app)  # closes the model's HTTP client


async def test_consent_to_another_host_does_not_count(
    db: Database, database_url: str, fake_llm: FakeLLM
) -> None:
    """Consent names the host: moving LLM_BASE_URL elsewhere asks again."""
    async with running_bot(db, database_url, llm_base_url=fake_llm.base_url) as bot:
        user_id = await login_as(bot.db, CAL)
        async with bot.db.sessions.begin() as s:
            await update_setting(
                s, user_id, "ai_interaction_settings", EXTERNAL_AI_CONSENT, "llm.example.com"
            )
        assert len(await write(bot, CAL, SPEAKING)) == 1  # the local engine's
        assert fake_llm.requests == []
