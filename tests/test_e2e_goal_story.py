"""One goal story, end to end: the profile's growth goals (the web app's JSONB) and the
tracked goals of /goals are shown together, explained, and connected by ⬆️ Track."""

from __future__ import annotations

from sqlalchemy import select

from db import profile
from db.models import Goal
from tests.harness import BotHarness, login_as

ADA = 3301


async def _goals(bot: BotHarness) -> list[Goal]:
    async with bot.db.sessions() as s:
        return list((await s.execute(select(Goal).order_by(Goal.created_at))).scalars())


async def test_goals_lists_profile_goals_and_tracks_one(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ADA)
    async with bot.db.sessions.begin() as s:
        await profile.add_growth_goal(s, user_id, "shortTerm", "Speak up in meetings")
        await profile.add_growth_goal(s, user_id, "longTerm", "Lead a team")

    header = await bot.say(ADA, "/goals", contains="Speak up")
    text = header.plain_text
    assert "Short-term goals" in text and "Speak up in meetings" in text
    assert "Long-term goals" in text and "Lead a team" in text
    assert "Profile goals" in text and "Tracked goals" in text  # which is which
    assert "⬆️ Track a profile goal" in header.button_texts()

    picker = await bot.press(ADA, "⬆️ Track a profile goal", contains="Tap the number")
    assert "Speak up in meetings" in picker.plain_text
    stale = picker.callback_data_for("1")
    tracked = await bot.press(ADA, "1", contains="Now tracking")
    assert "Speak up in meetings" in tracked.plain_text
    [goal] = await _goals(bot)
    assert goal.content == "Speak up in meetings"
    assert goal.source_type == "user_created" and goal.accepted_at is not None
    # The profile keeps it (it is the direction), marked as tracked.
    async with bot.db.sessions() as s:
        info = await profile.get_profile(s, user_id)
        assert info is not None
        assert profile.growth_goals(info)["shortTerm"] == ["Speak up in meetings"]

    # A second press of the same button tracks nothing twice.
    toast = await bot.press_data(ADA, picker.message_id, stale)
    assert toast == "Already tracked in /goals."
    assert len(await _goals(bot)) == 1

    again = await bot.say(ADA, "/goals", contains="in progress")
    assert "Speak up in meetings · tracked" in again.plain_text
    assert "Lead a team · tracked" not in again.plain_text
    card = await bot.fake.wait_for_message(ADA, after=again.message_id, contains="Speak up")
    assert card.message_id != again.message_id  # the tracked goal's own card with buttons


async def test_profile_explains_the_two_lists(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ADA)
    async with bot.db.sessions.begin() as s:
        await profile.add_growth_goal(s, user_id, "longTerm", "Run a marathon")
    card = await bot.say(ADA, "/profile", contains="Your profile")
    assert "Tracked goals in /goals" in card.plain_text
    assert "⬆️ Track a profile goal" in card.button_texts()
    await bot.press(ADA, "⬆️ Track a profile goal", contains="Tap the number")
    await bot.press(ADA, "1", contains="Now tracking")
    redrawn = await bot.fake.wait_for_message(ADA, contains="Run a marathon · tracked")
    assert "⬆️ Track a profile goal" not in redrawn.button_texts()  # nothing left to track


async def test_a_user_without_profile_goals_still_sees_what_they_are(bot: BotHarness) -> None:
    await login_as(bot.db, ADA)
    header = await bot.say(ADA, "/goals", contains="no open goals")
    assert "Profile goals" in header.plain_text
    assert "⬆️ Track a profile goal" not in header.button_texts()
