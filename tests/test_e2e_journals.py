"""/journals end to end: counts, the active journal, create, rename, delete, forged buttons."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select, update

from bot.handlers.journals import MAX_JOURNALS
from core.callback_data import encode
from db import accounts, entries, journals
from db.models import DialogState, Entry, Journal, TelegramAccount
from tests.harness import BotHarness, login_as

ALICE = 2001
BOB = 2002


async def _journal(bot: BotHarness, user_id: uuid.UUID, title: str, count: int) -> uuid.UUID:
    """A journal with ``count`` entries, created after the user's first."""
    async with bot.db.sessions.begin() as s:
        journal = await journals.create_journal(s, user_id, title)
        for n in range(count):
            await entries.add_entry(s, f"{title} entry {n}", user_id=user_id, journal_id=journal.id)
        return journal.id


async def _first(bot: BotHarness, user_id: uuid.UUID) -> uuid.UUID:
    async with bot.db.sessions() as s:
        journal = await journals.first_journal(s, user_id)
        assert journal is not None
        return journal.id


async def _active(bot: BotHarness, telegram_user_id: int) -> uuid.UUID | None:
    async with bot.db.sessions() as s:
        account = await s.get(TelegramAccount, telegram_user_id)
        assert account is not None
        return account.active_journal_id


async def _titles(bot: BotHarness, user_id: uuid.UUID) -> dict[str, int]:
    async with bot.db.sessions() as s:
        return {
            j.title: j.entry_count for j in await journals.list_journals_with_counts(s, user_id)
        }


async def test_journals_lists_entry_counts_and_marks_the_active_one(bot: BotHarness) -> None:
    alice = await login_as(bot.db, ALICE)
    async with bot.db.sessions.begin() as s:
        await entries.add_entry(
            s, "first thought", user_id=alice, journal_id=await _first(bot, alice)
        )
    await _journal(bot, alice, "Work", 3)
    await _journal(bot, alice, "Empty <one>", 0)

    reply = await bot.say(ALICE, "/journals", contains="Your journals")
    text = reply.plain_text
    assert "✅ My Journal · 1 entry — new entries go here" in text
    assert "📓 Work · 3 entries" in text
    assert "📓 Empty <one> · 0 entries" in text  # escaped in HTML, shown as typed
    assert reply.button_texts() == [
        "✅ My Journal · 1",
        "📓 Work · 3",
        "📓 Empty <one> · 0",
        "➕ New journal",
    ]


async def test_card_shows_count_and_creation_date_in_the_users_zone(bot: BotHarness) -> None:
    alice = await login_as(bot.db, ALICE, zone="Asia/Tokyo")
    work = await _journal(bot, alice, "Work", 2)
    async with bot.db.sessions.begin() as s:  # 23:30 UTC on the 5th is the 6th in Tokyo
        await s.execute(
            update(Journal)
            .where(Journal.id == work)
            .values(created_at=datetime(2024, 3, 5, 23, 30))
        )
    listing = await bot.say(ALICE, "/journals", contains="Your journals")
    card = await bot.press(ALICE, "Work", contains="Created")
    assert card.message_id == listing.message_id  # edited in place
    assert "Work" in card.plain_text and "2 entries" in card.plain_text
    assert "Created 6 Mar 2024" in card.plain_text
    assert card.button_texts() == ["Make active", "Rename", "Delete", "« Back"]

    back = await bot.press(ALICE, "« Back", contains="Your journals")
    assert back.message_id == listing.message_id
    # The active journal's card says so instead of offering to make it active.
    active_card = await bot.press(ALICE, "My Journal", contains="Created")
    assert "new entries go here" in active_card.plain_text
    assert "Make active" not in active_card.button_texts()


async def test_make_active_switches_where_new_entries_go(bot: BotHarness) -> None:
    alice = await login_as(bot.db, ALICE)
    work = await _journal(bot, alice, "Work", 0)
    await bot.say(ALICE, "/journals", contains="Your journals")
    await bot.press(ALICE, "Work", contains="Created")
    listing = await bot.press(ALICE, "Make active", contains="New entries now go to Work")
    assert "✅ Work · 0 entries — new entries go here" in listing.plain_text
    assert await _active(bot, ALICE) == work

    await bot.say(ALICE, "Deep focus this morning", contains="Saved to Work")
    assert (await _titles(bot, alice)) == {"My Journal": 0, "Work": 1}


async def test_new_journal_dialog_checks_the_title_and_makes_it_active(bot: BotHarness) -> None:
    alice = await login_as(bot.db, ALICE)
    await bot.say(ALICE, "/journals", contains="Your journals")
    await bot.press(ALICE, "New journal", contains="What should the new journal be called")

    too_long = await bot.say(ALICE, "x" * 101, contains="too long")
    assert "at most 100" in too_long.plain_text and "another title" in too_long.plain_text
    assert await _titles(bot, alice) == {"My Journal": 0}  # still asking
    created = await bot.say(ALICE, "  Side   project\nideas ", contains="Created")
    assert "Side project ideas" in created.plain_text
    async with bot.db.sessions() as s:
        made = await s.scalar(select(Journal).where(Journal.title == "Side project ideas"))
        assert made is not None and made.user_id == alice
    assert await _active(bot, ALICE) == made.id
    await bot.say(ALICE, "A thought for the side project", contains="Saved to Side project ideas")


async def test_new_journal_can_be_cancelled(bot: BotHarness) -> None:
    alice = await login_as(bot.db, ALICE)
    await bot.say(ALICE, "/journals", contains="Your journals")
    await bot.press(ALICE, "New journal", contains="What should")
    assert "Cancelled" in (await bot.say(ALICE, "/cancel")).plain_text
    # The next message is a journal entry again, not a title.
    await bot.say(ALICE, "Not a title", contains="Saved to My Journal")
    assert await _titles(bot, alice) == {"My Journal": 1}


async def test_rename_dialog(bot: BotHarness) -> None:
    alice = await login_as(bot.db, ALICE)
    await _journal(bot, alice, "Work", 1)
    await bot.say(ALICE, "/journals", contains="Your journals")
    await bot.press(ALICE, "Work", contains="Created")
    prompt = await bot.press(ALICE, "Rename", contains="be called instead")
    assert "Work" in prompt.plain_text
    assert "too long" in (await bot.say(ALICE, "y" * 150)).plain_text
    done = await bot.say(ALICE, "Deep <work>", contains="Renamed")
    assert "Renamed “Work” to Deep <work>." in done.plain_text
    assert await _titles(bot, alice) == {"My Journal": 0, "Deep <work>": 1}
    listing = await bot.press(ALICE, "« Journals", contains="Your journals")
    assert "📓 Deep <work> · 1" in listing.button_texts()


async def test_rename_can_be_cancelled(bot: BotHarness) -> None:
    alice = await login_as(bot.db, ALICE)
    await _journal(bot, alice, "Work", 0)
    await bot.say(ALICE, "/journals", contains="Your journals")
    await bot.press(ALICE, "Work", contains="Created")
    await bot.press(ALICE, "Rename", contains="be called instead")
    assert "Cancelled" in (await bot.say(ALICE, "/cancel")).plain_text
    assert await _titles(bot, alice) == {"My Journal": 0, "Work": 0}


async def test_delete_asks_with_the_entry_count_and_keep_changes_nothing(bot: BotHarness) -> None:
    alice = await login_as(bot.db, ALICE)
    await _journal(bot, alice, "Work", 12)
    await bot.say(ALICE, "/journals", contains="Your journals")
    await bot.press(ALICE, "Work", contains="Created")
    confirm = await bot.press(ALICE, "Delete", contains="can't be undone")
    assert confirm.plain_text == "Delete “Work” and its 12 entries? This can't be undone."
    assert confirm.button_texts() == ["Yes, delete", "Keep it"]
    card = await bot.press(ALICE, "Keep it", contains="Created")
    assert "12 entries" in card.plain_text
    assert await _titles(bot, alice) == {"My Journal": 0, "Work": 12}


async def test_delete_removes_the_journal_and_its_entries_only(bot: BotHarness) -> None:
    alice = await login_as(bot.db, ALICE)
    bob = await login_as(bot.db, BOB)
    work = await _journal(bot, alice, "Work", 12)
    await _journal(bot, alice, "Home", 2)
    await _journal(bot, bob, "Work", 4)
    await bot.say(ALICE, "/journals", contains="Your journals")
    await bot.press(ALICE, "Work", contains="Created")
    await bot.press(ALICE, "Delete", contains="can't be undone")
    listing = await bot.press(ALICE, "Yes, delete", contains="Deleted")
    assert "Deleted “Work” and its 12 entries." in listing.plain_text
    assert "Work" not in " ".join(listing.button_texts())
    assert await _titles(bot, alice) == {"My Journal": 0, "Home": 2}
    assert await _titles(bot, bob) == {"My Journal": 0, "Work": 4}
    async with bot.db.sessions() as s:
        assert await s.scalar(select(func.count()).where(Entry.journal_id == work)) == 0
    # The active journal was not the deleted one, so it stays.
    assert await _active(bot, ALICE) == await _first(bot, alice)


async def test_deleting_the_active_journal_activates_the_first_remaining(bot: BotHarness) -> None:
    alice = await login_as(bot.db, ALICE)
    work = await _journal(bot, alice, "Work", 1)
    async with bot.db.sessions.begin() as s:
        await accounts.set_active_journal(s, ALICE, work)
    await bot.say(ALICE, "/journals", contains="✅ Work")
    await bot.press(ALICE, "Work", contains="Created")
    await bot.press(ALICE, "Delete", contains="its 1 entry?")
    listing = await bot.press(ALICE, "Yes, delete", contains="Deleted")
    assert "New entries now go to My Journal." in listing.plain_text
    assert "✅ My Journal · 0" in listing.button_texts()
    assert await _active(bot, ALICE) == await _first(bot, alice)
    await bot.say(ALICE, "Back to the main journal", contains="Saved to My Journal")


async def test_after_deleting_every_journal_writing_starts_my_journal(bot: BotHarness) -> None:
    alice = await login_as(bot.db, ALICE)
    await bot.say(ALICE, "/journals", contains="Your journals")
    await bot.press(ALICE, "My Journal", contains="Created")
    confirm = await bot.press(ALICE, "Delete", contains="can't be undone")
    assert "It has no entries" in confirm.plain_text
    empty = await bot.press(ALICE, "Yes, delete", contains="Deleted")
    assert "You have no journals" in empty.plain_text
    assert empty.button_texts() == ["➕ New journal"]
    assert await _titles(bot, alice) == {}
    await bot.say(ALICE, "Starting over", contains="Saved to My Journal")
    assert await _titles(bot, alice) == {"My Journal": 1}


async def test_forged_buttons_with_another_users_journal_expire(bot: BotHarness) -> None:
    alice = await login_as(bot.db, ALICE)
    bob = await login_as(bot.db, BOB)
    bobs = await _journal(bot, bob, "Bob's secrets", 3)
    alice_active = await _active(bot, ALICE)
    listing = await bot.say(ALICE, "/journals", contains="Your journals")
    before = listing.plain_text

    for action in ("jo", "ja", "jr", "jd", "jdy"):
        toast = await bot.press_data(ALICE, listing.message_id, encode(action, bobs))
        assert toast == "This button has expired.", action
    # Malformed data too.
    assert await bot.press_data(ALICE, listing.message_id, "jo:not-a-uuid:") == (
        "This button has expired."
    )
    await bot.fake.settle(quiet=0.2)

    assert await _titles(bot, bob) == {"My Journal": 0, "Bob's secrets": 3}
    assert await _titles(bot, alice) == {"My Journal": 0}
    assert await _active(bot, ALICE) == alice_active
    assert await _active(bot, BOB) != bobs
    async with bot.db.sessions() as s:
        assert await s.get(DialogState, ALICE) is None  # no rename dialog was started
    assert listing.plain_text == before and "secrets" not in listing.plain_text


async def test_stale_make_active_button_after_the_journal_was_deleted(bot: BotHarness) -> None:
    alice = await login_as(bot.db, ALICE)
    work = await _journal(bot, alice, "Work", 2)
    await bot.say(ALICE, "/journals", contains="Your journals")
    card = await bot.press(ALICE, "Work", contains="Created")
    make_active = card.callback_data_for("Make active")
    async with bot.db.sessions.begin() as s:
        assert await journals.delete_journal(s, alice, work) == 2

    toast = await bot.press_data(ALICE, card.message_id, make_active)
    assert toast == "This button has expired."
    assert await _active(bot, ALICE) == await _first(bot, alice)
    assert await _titles(bot, alice) == {"My Journal": 0}


async def test_rename_of_a_journal_deleted_meanwhile_says_so(bot: BotHarness) -> None:
    alice = await login_as(bot.db, ALICE)
    work = await _journal(bot, alice, "Work", 0)
    await bot.say(ALICE, "/journals", contains="Your journals")
    await bot.press(ALICE, "Work", contains="Created")
    await bot.press(ALICE, "Rename", contains="be called instead")
    async with bot.db.sessions.begin() as s:
        await journals.delete_journal(s, alice, work)
    reply = await bot.say(ALICE, "Better name", contains="no longer exists")
    assert "nothing to rename" in reply.plain_text
    assert await _titles(bot, alice) == {"My Journal": 0}


async def test_logged_out_user_is_asked_to_log_in(bot: BotHarness) -> None:
    reply = await bot.say(ALICE, "/journals")
    assert "not logged in" in reply.plain_text


async def test_help_lists_the_journal_commands(bot: BotHarness) -> None:
    text = (await bot.say(ALICE, "/help")).plain_text
    journal_part = text[text.index("\nJournal\n") :]
    for command in ("/journals", "/entries", "/search words", "/today"):
        assert command in journal_part
    account_part = text[text.index("\nAccount\n") :]
    assert "/export" in account_part and "/deleteaccount" in account_part


async def test_new_journal_is_refused_past_the_limit(bot: BotHarness) -> None:
    alice = await login_as(bot.db, ALICE)
    async with bot.db.sessions.begin() as s:
        for n in range(MAX_JOURNALS - 1):
            await journals.create_journal(s, alice, f"Journal {n}")
    listing = await bot.say(ALICE, "/journals", contains="Your journals")
    assert len(listing.button_texts()) == MAX_JOURNALS + 1
    refused = await bot.press(ALICE, "New journal", contains=f"You have {MAX_JOURNALS} journals")
    assert "Delete one" in refused.plain_text
    async with bot.db.sessions() as s:
        assert await s.get(DialogState, ALICE) is None
    assert len(await _titles(bot, alice)) == MAX_JOURNALS
