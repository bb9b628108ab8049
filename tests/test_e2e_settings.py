"""/settings end to end: the real Application against the fake Bot API."""

from __future__ import annotations

import importlib.util
import uuid
from typing import Any

import pytest
from sqlalchemy import select, update

from core.callback_data import encode
from db.database import Database
from db.models import ReminderSchedule, UserSettings
from fake_telegram.server import ChatMessage
from tests.harness import BotHarness, login_as

ALICE = 2001
BOB = 2002
CAROL = 2003
EXPIRED = "This button has expired."


async def stored(db: Database, user_id: uuid.UUID) -> UserSettings:
    async with db.sessions() as s:
        row = await s.scalar(select(UserSettings).where(UserSettings.user_id == user_id))
        assert row is not None
        return row


async def documents(db: Database, user_id: uuid.UUID) -> dict[str, Any]:
    row = await stored(db, user_id)
    return {
        "n": row.notification_preferences,
        "t": row.theme_preferences,
        "p": row.privacy_settings,
        "a": row.ai_interaction_settings,
    }


async def add_foreign_keys(db: Database, user_id: uuid.UUID) -> None:
    """Keys the other app writes into the documents, which the bot must keep."""
    row = await stored(db, user_id)
    async with db.sessions.begin() as s:
        await s.execute(
            update(UserSettings)
            .where(UserSettings.id == row.id)
            .values(
                notification_preferences={**row.notification_preferences, "quietHours": [22, 7]},
                theme_preferences={**row.theme_preferences, "fontFamily": "serif"},
                privacy_settings={**row.privacy_settings, "showStreaks": True},
                ai_interaction_settings={**row.ai_interaction_settings, "model": "x"},
            )
        )


def data_for(msg: ChatMessage, label: str) -> str:
    """The callback data of the button labelled exactly ``label`` (a ✓ mark aside)."""
    for row in msg.buttons:
        for text, data in row:
            if text.removeprefix("✓ ") == label and data is not None:
                return data
    raise AssertionError(f"no button {label!r} in {msg.button_texts()}")


async def tap(bot: BotHarness, user: int, msg: ChatMessage, label: str) -> str:
    """Press ``label`` on ``msg``; wait until the bot has edited ``msg``; return the toast."""
    mark = msg.changed_seq
    toast = await bot.press_data(user, msg.message_id, data_for(msg, label))
    await bot.fake.wait_for_message(
        user, predicate=lambda m: m.message_id == msg.message_id and m.changed_seq > mark
    )
    return toast


async def open_menu(bot: BotHarness, user: int) -> ChatMessage:
    menu = await bot.say(user, "/settings", contains="Settings")
    assert menu.button_texts() == ["🔔 Notifications", "🎨 Theme", "🔒 Privacy", "🤖 AI", "✖ Close"]
    return menu


async def test_menu_is_one_message_edited_in_place(bot: BotHarness) -> None:
    await login_as(bot.db, ALICE)
    menu = await open_menu(bot, ALICE)
    sent_before = len(bot.fake.messages(ALICE))

    await tap(bot, ALICE, menu, "🎨 Theme")
    assert "Dark mode: off" in menu.plain_text
    await tap(bot, ALICE, menu, "« Back")
    assert "Choose a group" in menu.plain_text
    await tap(bot, ALICE, menu, "🔔 Notifications")
    assert "Push reminders: off" in menu.plain_text
    await tap(bot, ALICE, menu, "« Back")
    await tap(bot, ALICE, menu, "✖ Close")
    assert "closed" in menu.plain_text
    assert menu.buttons == []
    assert len(menu.edits) == 5
    assert len(bot.fake.messages(ALICE)) == sent_before  # nothing new was sent


async def test_notifications_toggle_persist_and_show_the_next_reminder(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ALICE, zone="Asia/Tokyo")
    menu = await open_menu(bot, ALICE)
    await add_foreign_keys(bot.db, user_id)
    await tap(bot, ALICE, menu, "🔔 Notifications")
    assert "Reminders are off" in menu.plain_text

    assert await tap(bot, ALICE, menu, "🔔 Push reminders: off") == "Push reminders on"
    prefs = (await stored(bot.db, user_id)).notification_preferences
    assert prefs["pushNotifications"] is True
    assert prefs["reminderTime"] == "20:00"  # a default is stored along with "on"
    assert "Push reminders: on" in menu.plain_text
    assert "Next reminder:" in menu.plain_text and "at 20:00" in menu.plain_text
    assert "Asia/Tokyo" in menu.plain_text

    assert await tap(bot, ALICE, menu, "07:00") == "Reminder time 07:00"
    assert (await stored(bot.db, user_id)).notification_preferences["reminderTime"] == "07:00"
    assert "at 07:00" in menu.plain_text
    assert "✓ 07:00" in menu.button_texts()

    assert await tap(bot, ALICE, menu, "✉️ Email: off") == "Email notifications on"
    assert (await stored(bot.db, user_id)).notification_preferences["emailNotifications"] is True

    # Weekly: a weekday row appears.
    assert "Wed" not in menu.button_texts()
    assert await tap(bot, ALICE, menu, "Weekly") == "Reminders weekly"
    assert await tap(bot, ALICE, menu, "Wed") == "Reminders on Wednesdays"
    prefs = (await stored(bot.db, user_id)).notification_preferences
    assert (prefs["reminderFrequency"], prefs["reminderWeekday"]) == ("weekly", 2)
    assert "Weekday: Wednesday" in menu.plain_text
    assert "Next reminder: Wed" in menu.plain_text or "day at 07:00" in menu.plain_text

    # Monthly: a day-of-month picker, with the note about short months.
    await tap(bot, ALICE, menu, "Monthly")
    assert "Wed" not in menu.button_texts()
    await tap(bot, ALICE, menu, "📅 Day of month: 1 ▸")
    assert "29–31 fall on the last day of shorter months" in menu.plain_text
    assert [str(d) for d in range(1, 32)] == [
        t.removeprefix("✓ ") for t in menu.button_texts()[:31]
    ]
    assert await tap(bot, ALICE, menu, "31") == "Reminders on day 31 of the month"
    prefs = (await stored(bot.db, user_id)).notification_preferences
    assert (prefs["reminderFrequency"], prefs["reminderDayOfMonth"]) == ("monthly", 31)
    assert "Day of month: 31" in menu.plain_text  # back on the notifications menu
    assert "shorter months" in menu.plain_text

    assert await tap(bot, ALICE, menu, "🔔 Push reminders: on") == "Push reminders off"
    prefs = (await stored(bot.db, user_id)).notification_preferences
    assert prefs["pushNotifications"] is False
    assert "Next reminder" in menu.plain_text  # email reminders are still on
    assert await tap(bot, ALICE, menu, "✉️ Email: on") == "Email notifications off"
    assert "Reminders are off" in menu.plain_text
    assert prefs["quietHours"] == [22, 7]  # the other app's key survived every write


async def test_theme_privacy_and_ai_toggle_and_persist(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ALICE)
    menu = await open_menu(bot, ALICE)
    await add_foreign_keys(bot.db, user_id)

    await tap(bot, ALICE, menu, "🎨 Theme")
    assert await tap(bot, ALICE, menu, "🌙 Dark mode: off") == "Dark mode on"
    assert "Dark mode: on" in menu.plain_text
    assert await tap(bot, ALICE, menu, "Large") == "Font size large"
    assert "Font size: large" in menu.plain_text
    assert await tap(bot, ALICE, menu, "Ocean") == "Colour scheme ocean"
    assert "Colour scheme: ocean" in menu.plain_text
    assert "✓ Ocean" in menu.button_texts()
    await tap(bot, ALICE, menu, "« Back")

    await tap(bot, ALICE, menu, "🔒 Privacy")
    assert await tap(bot, ALICE, menu, "Shared") == "Journal shared"
    assert "Journal visibility: shared" in menu.plain_text
    assert await tap(bot, ALICE, menu, "📊 Share analytics: off") == "Share analytics on"
    await tap(bot, ALICE, menu, "« Back")

    await tap(bot, ALICE, menu, "🤖 AI")
    assert await tap(bot, ALICE, menu, "💡 AI insights: on") == "AI insights off"
    assert await tap(bot, ALICE, menu, "🙂 Sentiment analysis: on") == "Sentiment analysis off"
    assert await tap(bot, ALICE, menu, "🌱 Growth suggestions: on") == "Growth suggestions off"
    assert "Growth suggestions: off" in menu.plain_text

    docs = await documents(bot.db, user_id)
    assert docs["t"] == {
        "darkMode": True,
        "fontSize": "large",
        "colorScheme": "ocean",
        "fontFamily": "serif",
    }
    assert docs["p"] == {"journalVisibility": "shared", "shareAnalytics": True, "showStreaks": True}
    assert docs["a"] == {
        "enableAiInsights": False,
        "enableSentimentAnalysis": False,
        "enableGrowthSuggestions": False,
        "model": "x",
    }


async def test_reminder_time_typed_in_a_dialog(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ALICE, zone="Europe/Berlin")
    menu = await open_menu(bot, ALICE)
    await tap(bot, ALICE, menu, "🔔 Notifications")
    await tap(bot, ALICE, menu, "🔔 Push reminders: off")
    before = await documents(bot.db, user_id)

    await bot.press_data(ALICE, menu.message_id, data_for(menu, "Other…"))
    await bot.fake.wait_for_message(ALICE, contains="What time")
    for bad, why in (("half past", "Couldn't read"), ("25:00", "between 0 and 23")):
        reply = await bot.say(ALICE, bad, contains="unchanged")
        assert why in reply.plain_text
    assert await documents(bot.db, user_id) == before

    mark = menu.changed_seq
    reply = await bot.say(ALICE, "7:30pm", contains="Reminder time set")
    assert "19:30" in reply.plain_text and "Next reminder" in reply.plain_text
    assert (await stored(bot.db, user_id)).notification_preferences["reminderTime"] == "19:30"
    # The menu the button was on now shows the new time.
    await bot.fake.wait_for_message(
        ALICE, predicate=lambda m: m.message_id == menu.message_id and m.changed_seq > mark
    )
    assert "Reminder time: 19:30" in menu.plain_text
    assert "✓ 19:30 · Other…" in menu.button_texts()

    # The dialog is over: more text is journal text, not a time.
    await bot.say(ALICE, "8pm", contains="Saved")
    assert (await stored(bot.db, user_id)).notification_preferences["reminderTime"] == "19:30"


async def test_cancel_in_the_time_dialog_changes_nothing(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ALICE)
    menu = await open_menu(bot, ALICE)
    await tap(bot, ALICE, menu, "🔔 Notifications")
    before = await documents(bot.db, user_id)
    await bot.press_data(ALICE, menu.message_id, data_for(menu, "Other…"))
    await bot.fake.wait_for_message(ALICE, contains="What time")
    await bot.say(ALICE, "/cancel", contains="Cancelled")
    await bot.say(ALICE, "07:45", contains="Saved")  # journal text now
    assert await documents(bot.db, user_id) == before


@pytest.mark.parametrize(
    "arg",
    [
        "zz=1",  # unknown key
        "fs=huge",  # invalid font size
        "cs=neon",
        "pu=yes",
        "tm=2599",
        "tm=7pm",
        "wd=7",
        "dm=32",
        "dm=0",
        "jv=public",
        "q",  # unknown view
        "fs",
        "fontSize=large",  # a raw JSON key is not a code
    ],
)
async def test_forged_buttons_have_expired_and_change_nothing(bot: BotHarness, arg: str) -> None:
    user_id = await login_as(bot.db, ALICE)
    menu = await open_menu(bot, ALICE)
    before = await documents(bot.db, user_id)
    assert await bot.press_data(ALICE, menu.message_id, f"s::{arg}") == EXPIRED
    assert await bot.press_data(ALICE, menu.message_id, f"s:#1:{arg}") == EXPIRED
    await bot.fake.settle(quiet=0.1)
    assert await documents(bot.db, user_id) == before
    assert not menu.edited


async def test_oversized_callback_data_is_refused(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ALICE)
    menu = await open_menu(bot, ALICE)
    before = await documents(bot.db, user_id)
    too_long = "s::fs=large" + " " * 54
    assert len(too_long.encode()) == 65
    with pytest.raises(ValueError):
        encode("s", arg=too_long[3:])
    # Telegram would refuse to send it; a forged one is refused by the bot too.
    assert await bot.press_data(ALICE, menu.message_id, too_long) == EXPIRED
    assert await documents(bot.db, user_id) == before


async def test_every_button_fits_telegram_limits(bot: BotHarness) -> None:
    await login_as(bot.db, ALICE)
    menu = await open_menu(bot, ALICE)
    seen: set[str] = set()
    for view in ("🔔 Notifications", "« Back", "🎨 Theme", "« Back", "🔒 Privacy"):
        await tap(bot, ALICE, menu, view)
        for _, data in (b for row in menu.buttons for b in row):
            assert data is not None and len(data.encode()) <= 64 and data.startswith("s::")
            seen.add(data)
    await tap(bot, ALICE, menu, "« Back")
    await tap(bot, ALICE, menu, "🔔 Notifications")
    await tap(bot, ALICE, menu, "Monthly")
    await tap(bot, ALICE, menu, "📅 Day of month: 1 ▸")
    assert all(len(d.encode()) <= 64 for row in menu.buttons for _, d in row if d)
    assert len(seen) > 20


async def test_a_press_only_ever_changes_the_pressers_own_settings(bot: BotHarness) -> None:
    alice_id = await login_as(bot.db, ALICE)
    bob_id = await login_as(bot.db, BOB)
    menu = await open_menu(bot, ALICE)
    await tap(bot, ALICE, menu, "🎨 Theme")
    alice_before = await documents(bot.db, alice_id)

    # Bob replays the button data of Alice's menu (a forwarded or forged menu).
    toast = await bot.press_data(BOB, menu.message_id, data_for(menu, "🌙 Dark mode: off"))
    assert toast == "Dark mode on"
    shown = await bot.fake.wait_for_message(BOB, contains="Dark mode: on")
    assert "Theme" in shown.plain_text
    assert (await stored(bot.db, bob_id)).theme_preferences["darkMode"] is True
    assert await documents(bot.db, alice_id) == alice_before
    assert "Dark mode: off" in menu.plain_text

    # An account that is not logged in changes nothing at all.
    toast = await bot.press_data(CAROL, menu.message_id, data_for(menu, "Large"))
    assert "log in" in toast.lower()
    assert await documents(bot.db, alice_id) == alice_before
    assert (await stored(bot.db, bob_id)).theme_preferences["fontSize"] == "medium"


async def test_settings_ask_a_logged_out_user_to_log_in(bot: BotHarness) -> None:
    reply = await bot.say(CAROL, "/settings")
    assert "not logged in" in reply.plain_text
    assert "Log in" in reply.button_texts()


async def test_notification_changes_reschedule_reminders(bot: BotHarness) -> None:
    if importlib.util.find_spec("db.reminders") is None:
        pytest.skip("db.reminders (the reminder scheduler) is not in this build yet")
    user_id = await login_as(bot.db, ALICE, zone="Europe/Berlin")
    menu = await open_menu(bot, ALICE)
    await tap(bot, ALICE, menu, "🔔 Notifications")

    async def schedule() -> ReminderSchedule | None:
        async with bot.db.sessions() as s:
            return await s.get(ReminderSchedule, user_id)

    assert await schedule() is None
    await tap(bot, ALICE, menu, "🔔 Push reminders: off")
    first = await schedule()
    assert first is not None
    await tap(bot, ALICE, menu, "07:00")
    moved = await schedule()
    assert moved is not None and moved.next_at != first.next_at
    await tap(bot, ALICE, menu, "🔔 Push reminders: on")
    assert await schedule() is None


async def test_help_lists_settings_and_profile_under_reminders_and_settings(
    bot: BotHarness,
) -> None:
    text = (await bot.say(ALICE, "/help", contains="Reminders & settings")).plain_text
    section = text.split("Reminders & settings", 1)[1]
    assert "/settings —" in section and "/profile —" in section
