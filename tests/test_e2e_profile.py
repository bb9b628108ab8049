"""/profile end to end: the real Application against the fake Bot API."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from db import settings
from db.database import Database
from db.models import ReminderSchedule, UserInfo
from fake_telegram.server import ChatMessage
from tests.harness import BotHarness, login_as

ALICE = 2101
BOB = 2102
EXPIRED = "This button has expired."
BUTTONS = [
    "✏️ Edit name",
    "📝 Edit bio",
    "🌍 Time zone",
    "➕ Add short-term goal",
    "➕ Add long-term goal",
]


async def info_of(db: Database, user_id: uuid.UUID) -> UserInfo:
    async with db.sessions() as s:
        info = await s.scalar(select(UserInfo).where(UserInfo.user_id == user_id))
        assert info is not None
        return info


async def snapshot(db: Database, user_id: uuid.UUID) -> tuple[object, ...]:
    info = await info_of(db, user_id)
    return info.first_name, info.last_name, info.bio, info.timezone, info.growth_goals


async def open_profile(bot: BotHarness, user: int) -> ChatMessage:
    return await bot.say(user, "/profile", contains="Your profile")


async def press_on(bot: BotHarness, user: int, msg: ChatMessage, label: str) -> str:
    """Press the button labelled ``label`` on ``msg``; returns the toast."""
    return await bot.press_data(user, msg.message_id, msg.callback_data_for(label))


async def test_profile_shows_everything_with_buttons(bot: BotHarness) -> None:
    await login_as(bot.db, ALICE, first="Ada", last="<Lovelace>", zone="Asia/Tokyo")
    card = await open_profile(bot, ALICE)
    text = card.plain_text
    assert "Name: Ada <Lovelace>" in text  # escaped on the way out, shown as written
    assert "Bio: none yet" in text
    assert "Time zone: Asia/Tokyo" in text
    assert "Short-term goals" in text and "Long-term goals" in text
    assert card.button_texts() == BUTTONS  # nothing to remove yet


async def test_edit_name_validates_and_saves(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ALICE)
    card = await open_profile(bot, ALICE)
    await bot.press(ALICE, "Edit name", contains="first name")
    reply = await bot.say(ALICE, "x" * 101, contains="too long")
    assert "1 to 100" in reply.plain_text
    assert (await info_of(bot.db, user_id)).first_name == "Ada"
    await bot.say(ALICE, "  Grace  ", contains="last name")
    reply = await bot.say(ALICE, "Brewster   Hopper", contains="Name saved")
    assert "Grace Brewster Hopper" in reply.plain_text
    info = await info_of(bot.db, user_id)
    assert (info.first_name, info.last_name) == ("Grace", "Brewster Hopper")
    new_card = await bot.fake.wait_for_message(
        ALICE, contains="Your profile", after=card.message_id
    )
    assert "Name: Grace Brewster Hopper" in new_card.plain_text


async def test_edit_name_keep_buttons_and_cancel(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ALICE)
    await open_profile(bot, ALICE)
    await bot.press(ALICE, "Edit name", contains="first name")
    await bot.press(ALICE, "Keep “Ada”", contains="last name")
    await bot.say(ALICE, "Byron", contains="Name saved")
    info = await info_of(bot.db, user_id)
    assert (info.first_name, info.last_name) == ("Ada", "Byron")

    # /cancel after the first name: nothing is saved.
    before = await snapshot(bot.db, user_id)
    await open_profile(bot, ALICE)
    await bot.press(ALICE, "Edit name", contains="first name")
    await bot.say(ALICE, "Grace", contains="last name")
    await bot.say(ALICE, "/cancel", contains="Cancelled")
    assert await snapshot(bot.db, user_id) == before
    # The Keep button of the finished dialog has expired.
    prompt = next(m for m in reversed(bot.fake.messages(ALICE)) if "last name" in m.plain_text)
    assert await press_on(bot, ALICE, prompt, "Keep") == EXPIRED
    assert await snapshot(bot.db, user_id) == before


async def test_edit_and_clear_bio(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ALICE)
    await open_profile(bot, ALICE)
    await bot.press(ALICE, "Edit bio", contains="bio")
    reply = await bot.say(ALICE, "b" * 1001, contains="too long")
    assert "unchanged" in reply.plain_text
    assert (await info_of(bot.db, user_id)).bio is None
    await bot.say(ALICE, "I like <compilers> & tea", contains="Bio saved")
    assert (await info_of(bot.db, user_id)).bio == "I like <compilers> & tea"
    card = await bot.fake.wait_for_message(ALICE, contains="Bio: I like <compilers> & tea")

    # /cancel keeps it.
    await press_on(bot, ALICE, card, "Edit bio")
    await bot.fake.wait_for_message(ALICE, contains="new bio")
    await bot.say(ALICE, "/cancel", contains="Cancelled")
    assert (await info_of(bot.db, user_id)).bio == "I like <compilers> & tea"

    # Clear bio button.
    await bot.press(ALICE, "Edit bio", contains="new bio")
    card = await bot.press(ALICE, "Clear bio", contains="Your profile")
    assert "Bio: none yet" in card.plain_text
    assert (await info_of(bot.db, user_id)).bio is None
    # The dialog ended with the button: the next text is a journal entry, not a bio.
    await bot.say(ALICE, "Today I learned about bios", contains="Saved")
    assert (await info_of(bot.db, user_id)).bio is None


async def test_time_zone_typed_case_insensitively_with_bad_names_refused(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ALICE, zone="UTC")
    await open_profile(bot, ALICE)
    prompt = await bot.press(ALICE, "Time zone", contains="time zone")
    assert prompt.keyboard == [["📍 Share location"], ["✖ Cancel"]]
    location_button = prompt.reply_markup["keyboard"][0][0]  # type: ignore[index]
    assert location_button["request_location"] is True

    for bad in ("Mars/Base", "../../etc/passwd"):
        reply = await bot.say(ALICE, bad, contains="share your location")
        assert "don't know a place or time zone" in reply.plain_text
        assert "Paris" in reply.plain_text  # examples of what works
        assert (await info_of(bot.db, user_id)).timezone == "UTC"
    reply = await bot.say(ALICE, "america/new_york", contains="Time zone set")
    assert "America/New_York" in reply.plain_text
    assert reply.reply_markup == {"remove_keyboard": True}
    assert (await info_of(bot.db, user_id)).timezone == "America/New_York"
    card = await bot.fake.wait_for_message(ALICE, contains="Your profile", after=reply.message_id)
    assert "Time zone: America/New_York" in card.plain_text


async def test_time_zone_cancel_changes_nothing(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ALICE, zone="Europe/Paris")
    await open_profile(bot, ALICE)
    await bot.press(ALICE, "Time zone", contains="time zone")
    await bot.say(ALICE, "/cancel", contains="Cancelled")
    await bot.say(ALICE, "Asia/Tokyo", contains="Saved")  # journal text now
    assert (await info_of(bot.db, user_id)).timezone == "Europe/Paris"

    await bot.press(ALICE, "Time zone", contains="time zone")
    reply = await bot.say(ALICE, "✖ Cancel", contains="unchanged")
    assert reply.reply_markup == {"remove_keyboard": True}
    assert (await info_of(bot.db, user_id)).timezone == "Europe/Paris"


async def test_shared_location_in_the_time_zone_dialog_sets_its_zone(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ALICE, zone="UTC")
    await open_profile(bot, ALICE)
    await bot.press(ALICE, "Time zone", contains="time zone")
    sent = await bot.fake.send_location(ALICE, 52.52, 13.405)  # Berlin
    reply = await bot.fake.wait_for_message(ALICE, after=sent, contains="Time zone set")
    assert "Europe/Berlin" in reply.plain_text and "there now" in reply.plain_text
    assert reply.reply_markup == {"remove_keyboard": True}
    assert (await info_of(bot.db, user_id)).timezone == "Europe/Berlin"
    # The dialog ended: the next text is journal text.
    await bot.say(ALICE, "Asia/Tokyo", contains="Saved")
    assert (await info_of(bot.db, user_id)).timezone == "Europe/Berlin"


async def test_shared_location_outside_the_dialog_asks_first(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ALICE, zone="UTC")
    sent = await bot.fake.send_location(ALICE, 50.45, 30.52)  # Kyiv
    offer = await bot.fake.wait_for_message(ALICE, after=sent, contains="Use it as your time zone")
    assert "Europe/Kyiv" in offer.plain_text
    assert (await info_of(bot.db, user_id)).timezone == "UTC"  # an offer, not applied

    # A forged zone is refused.
    forged = await bot.press_data(ALICE, offer.message_id, "u::z.Mars/Base")
    assert forged == EXPIRED
    assert (await info_of(bot.db, user_id)).timezone == "UTC"

    assert await press_on(bot, ALICE, offer, "Use Europe/Kyiv") == "Europe/Kyiv"
    reply = await bot.fake.wait_for_message(ALICE, contains="Time zone set")
    assert "Europe/Kyiv" in reply.plain_text
    assert (await info_of(bot.db, user_id)).timezone == "Europe/Kyiv"
    assert offer.buttons == []  # the pick was recorded in place


@pytest.mark.parametrize(
    ("typed", "zone", "shown"),
    [
        ("paris", "Europe/Paris", "Paris, France"),
        ("new york", "America/New_York", "New York"),
        ("kyiv", "Europe/Kyiv", "Kyiv"),
        ("São Paulo", "America/Sao_Paulo", "São Paulo"),
        ("uk", "Europe/London", "United Kingdom"),
        ("+2", "Etc/GMT-2", "UTC+2"),
        ("UTC-5", "Etc/GMT+5", "UTC-5"),
        ("GMT+05:30", "Asia/Kolkata", "UTC+05:30"),
    ],
)
async def test_time_zone_by_place_or_offset_says_zone_and_local_time(
    bot: BotHarness, typed: str, zone: str, shown: str
) -> None:
    user_id = await login_as(bot.db, ALICE, zone="UTC")
    await open_profile(bot, ALICE)
    await bot.press(ALICE, "Time zone", contains="time zone")
    before = f"{datetime.now(UTC).astimezone(ZoneInfo(zone)):%H:%M}"
    reply = await bot.say(ALICE, typed, contains="Time zone set")
    after = f"{datetime.now(UTC).astimezone(ZoneInfo(zone)):%H:%M}"
    assert zone in reply.plain_text and shown in reply.plain_text
    said = re.search(r"it's (\d\d:\d\d) there now", reply.plain_text)
    assert said is not None and said[1] in {before, after}
    assert (await info_of(bot.db, user_id)).timezone == zone


async def test_ambiguous_and_unknown_place_names(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ALICE, zone="UTC")
    await open_profile(bot, ALICE)
    await bot.press(ALICE, "Time zone", contains="time zone")
    unknown = await bot.say(ALICE, "Qwertyville", contains="don't know")
    assert "Qwertyville" in unknown.plain_text
    choice = await bot.say(ALICE, "Springfield", contains="several places")
    labels = choice.button_texts()
    assert len(labels) >= 2 and all("Springfield" in label for label in labels)
    assert (await info_of(bot.db, user_id)).timezone == "UTC"  # nothing chosen yet
    ma = next(label for label in labels if ", MA," in label)
    assert await press_on(bot, ALICE, choice, ma) == "America/New_York"
    reply = await bot.fake.wait_for_message(ALICE, contains="Time zone set")
    assert "America/New_York" in reply.plain_text
    assert (await info_of(bot.db, user_id)).timezone == "America/New_York"


async def test_time_zone_change_reschedules_reminders(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ALICE, zone="UTC")
    async with bot.db.sessions.begin() as s:
        for key, value in (("pushNotifications", True), ("reminderTime", "09:00")):
            await settings.update_setting(s, user_id, "notification_preferences", key, value)
        from db.reminders import reschedule

        await reschedule(s, user_id)

    async def next_at() -> object:
        async with bot.db.sessions() as s:
            row = await s.get(ReminderSchedule, user_id)
            assert row is not None
            return (row.next_at.hour, row.next_at.minute)

    assert await next_at() == (9, 0)
    await open_profile(bot, ALICE)
    await bot.press(ALICE, "Time zone", contains="time zone")
    await bot.say(ALICE, "Asia/Kolkata", contains="Time zone set")
    assert await next_at() == (3, 30)  # 09:00 in India is 03:30 UTC


async def test_growth_goals_add_and_remove(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ALICE)
    await open_profile(bot, ALICE)
    await bot.press(ALICE, "Add short-term goal", contains="short-term growth goal")
    await bot.say(ALICE, "Read 20 pages a day", contains="Added")
    await bot.press(ALICE, "Add short-term goal", contains="short-term growth goal")
    reply = await bot.say(ALICE, "read 20 pages a day", contains="already")
    assert "/cancel" in reply.plain_text
    await bot.say(ALICE, "Run 5k", contains="Added")
    await bot.press(ALICE, "Add long-term goal", contains="long-term growth goal")
    await bot.say(ALICE, "Learn the <piano>", contains="Added")
    card = await bot.fake.wait_for_message(ALICE, contains="Learn the <piano>")
    assert "1. Read 20 pages a day" in card.plain_text and "2. Run 5k" in card.plain_text
    assert (await info_of(bot.db, user_id)).growth_goals == {
        "shortTerm": ["Read 20 pages a day", "Run 5k"],
        "longTerm": ["Learn the <piano>"],
    }

    await press_on(bot, ALICE, card, "Remove a goal")
    await bot.fake.wait_for_message(
        ALICE,
        predicate=lambda m: m.message_id == card.message_id and "Tap the number" in m.plain_text,
    )
    assert card.button_texts() == ["1", "2", "3", "« Back"]
    first_button = card.callback_data_for("1")
    assert await press_on(bot, ALICE, card, "1") == "Removed: Read 20 pages a day"
    assert (await info_of(bot.db, user_id)).growth_goals == {
        "shortTerm": ["Run 5k"],
        "longTerm": ["Learn the <piano>"],
    }
    # Pressing the same (now stale) button again removes nothing, not the goal that moved up.
    assert await bot.press_data(ALICE, card.message_id, first_button) == EXPIRED
    # Nor does a forged fingerprint or position.
    assert await bot.press_data(ALICE, card.message_id, "u::rm.s.0.00000000") == EXPIRED
    assert await bot.press_data(ALICE, card.message_id, "u::rm.l.5.abcdefab") == EXPIRED
    assert (await info_of(bot.db, user_id)).growth_goals == {
        "shortTerm": ["Run 5k"],
        "longTerm": ["Learn the <piano>"],
    }


async def test_cancel_while_adding_a_goal_adds_nothing(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ALICE)
    before = await snapshot(bot.db, user_id)
    await open_profile(bot, ALICE)
    await bot.press(ALICE, "Add long-term goal", contains="long-term growth goal")
    await bot.say(ALICE, "/cancel", contains="Cancelled")
    await bot.say(ALICE, "Become a better listener", contains="Saved")
    assert await snapshot(bot.db, user_id) == before


async def test_profile_buttons_act_on_the_pressers_own_profile(bot: BotHarness) -> None:
    alice_id = await login_as(bot.db, ALICE)
    bob_id = await login_as(bot.db, BOB, first="Bob", last="Builder")
    async with bot.db.sessions.begin() as s:
        from db import profile

        await profile.add_growth_goal(s, alice_id, "shortTerm", "Alice's goal")
    card = await open_profile(bot, ALICE)
    await press_on(bot, ALICE, card, "Remove a goal")
    await bot.fake.wait_for_message(ALICE, contains="Tap the number")
    before = await snapshot(bot.db, alice_id)
    # Bob replays Alice's removal button: it names a goal Bob does not have.
    assert await bot.press_data(BOB, card.message_id, card.callback_data_for("1")) == EXPIRED
    assert await snapshot(bot.db, alice_id) == before
    assert (await info_of(bot.db, bob_id)).growth_goals == {"shortTerm": [], "longTerm": []}


async def test_unknown_profile_buttons_have_expired(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ALICE)
    card = await open_profile(bot, ALICE)
    before = await snapshot(bot.db, user_id)
    for data in ("u::nope", "u::rm.x.0.00000000", "u::add.q", "u::keep", "u::z.", "u:#3:name"):
        assert await bot.press_data(ALICE, card.message_id, data) == EXPIRED, data
    assert await snapshot(bot.db, user_id) == before


async def test_a_long_profile_is_split_never_cut(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ALICE)
    goals = [f"Goal {i:02d} " + "x" * 490 for i in range(20)]
    async with bot.db.sessions.begin() as s:
        from db import profile

        await profile.update_profile(s, user_id, bio="b" * 1000)
        for goal in goals:
            await profile.add_growth_goal(s, user_id, "shortTerm", goal)
    sent = await bot.fake.send_text(ALICE, "/profile")
    card = await bot.fake.wait_for_message(
        ALICE, after=sent, predicate=lambda m: "➖ Remove a goal" in m.button_texts()
    )
    await bot.fake.settle(quiet=0.2)
    parts = [m for m in bot.fake.messages(ALICE) if m.message_id > sent]
    assert len(parts) >= 3 and parts[-1] is card
    shown = "".join(m.plain_text for m in parts)
    assert all(goal in shown for goal in goals)  # every goal in full, none cut

    # The removal list fits one message and is edited in place.
    await press_on(bot, ALICE, card, "Remove a goal")
    await bot.fake.wait_for_message(
        ALICE,
        predicate=lambda m: m.message_id == card.message_id and "Tap the number" in m.plain_text,
    )
    assert card.button_texts()[:20] == [str(i) for i in range(1, 21)]
    assert await press_on(bot, ALICE, card, "20") == f"Removed: {goals[19][:150]}"
    assert (await info_of(bot.db, user_id)).growth_goals == {
        "shortTerm": goals[:19],
        "longTerm": [],
    }
