"""#tags and filters end to end: kept through save, edit and delete, read from entries the
web app wrote, /tags, /entries #tag, /entries <date>, /search words #tag."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, update

from core.clock import utc_now
from db import journals
from db.models import Entry, EntryTags
from tests.harness import BotHarness, login_as

TOM = 2301
UMA = 2302


async def _journal(bot: BotHarness, user_id: uuid.UUID) -> uuid.UUID:
    async with bot.db.sessions() as s:
        journal = await journals.first_journal(s, user_id)
        assert journal is not None
        return journal.id


async def _app_writes(
    bot: BotHarness, user_id: uuid.UUID, content: str, at: datetime | None = None
) -> uuid.UUID:
    """An entry as the web app writes it: its rich-text HTML, no entry_tags row."""
    journal_id = await _journal(bot, user_id)
    moment = at or utc_now()
    async with bot.db.sessions.begin() as s:
        entry_id = await s.scalar(
            insert(Entry)
            .values(journal_id=journal_id, content=content, created_at=moment, updated_at=moment)
            .returning(Entry.id)
        )
    assert entry_id is not None
    return entry_id


async def _stored_tags(bot: BotHarness) -> dict[uuid.UUID, list[str]]:
    async with bot.db.sessions() as s:
        rows = await s.execute(select(EntryTags.entry_id, EntryTags.tags))
        return {row.entry_id: list(row.tags) for row in rows}


async def test_tags_follow_save_edit_and_delete(bot: BotHarness) -> None:
    await login_as(bot.db, TOM)
    first = await bot.fake.send_text(TOM, "Long run today #Running #Health")
    await bot.fake.wait_for_message(TOM, after=first, contains="Saved")
    second = await bot.say(TOM, "Slept badly #health", contains="Saved")
    assert second is not None
    # Kept by the save statement itself, before any read.
    assert sorted(map(sorted, (await _stored_tags(bot)).values())) == [
        ["health"],
        ["health", "running"],
    ]

    listing = await bot.say(TOM, "/tags", contains="Your tags")
    assert "#health — 2 entries" in listing.plain_text
    assert "#running — 1 entry" in listing.plain_text
    assert listing.button_texts() == ["#health", "#running"]

    # An edit in Telegram replaces the tags.
    await bot.fake.edit_text(TOM, first, "Long walk today #walking")
    await bot.fake.wait_for_message(TOM, contains="Updated your entry")
    listing = await bot.say(TOM, "/tags", contains="Your tags")
    assert "#health — 1 entry" in listing.plain_text
    assert "#walking — 1 entry" in listing.plain_text
    assert "#running" not in listing.plain_text

    # Deleting the entry takes its tags along.
    tagged = await bot.say(TOM, "/entries #walking", contains="newest first")
    assert "Long walk today" in tagged.plain_text
    await bot.press(TOM, "1", contains="Long walk today")
    await bot.press(TOM, "Delete", contains="Delete your entry")
    await bot.press(TOM, "Yes, delete", contains="Deleted")
    listing = await bot.say(TOM, "/tags", contains="Your tags")
    assert "#walking" not in listing.plain_text
    assert "#health — 1 entry" in listing.plain_text
    gone = await bot.say(TOM, "/entries #walking", contains="No entries")
    assert "/tags" in gone.plain_text


async def test_editing_through_the_entry_view_replaces_the_tags(bot: BotHarness) -> None:
    await login_as(bot.db, TOM)
    await bot.say(TOM, "Planning #work", contains="Saved")
    await bot.say(TOM, "/entries #work", contains="newest first")
    await bot.press(TOM, "1", contains="Planning")
    await bot.press(TOM, "Edit", contains="Send me the new text")
    await bot.say(TOM, "Planning the week #family", contains="Entry updated")
    listing = await bot.say(TOM, "/tags", contains="Your tags")
    assert "#family — 1 entry" in listing.plain_text
    assert "#work" not in listing.plain_text


async def test_entries_the_web_app_writes_and_edits_are_tagged_on_read(bot: BotHarness) -> None:
    tom = await login_as(bot.db, TOM)
    entry_id = await _app_writes(
        bot, tom, "<p>Read a chapter <strong>#Книги</strong></p><ul><li>#learning_2026</li></ul>"
    )
    listing = await bot.say(TOM, "/tags", contains="Your tags")
    assert "#книги — 1 entry" in listing.plain_text
    assert "#learning_2026 — 1 entry" in listing.plain_text

    # The web app edits the entry (and bumps updated_at, as it does).
    async with bot.db.sessions.begin() as s:
        await s.execute(
            update(Entry)
            .where(Entry.id == entry_id)
            .values(content="<p>Nothing tagged now</p>", updated_at=utc_now())
        )
    empty = await bot.say(TOM, "/tags", contains="haven't tagged")
    assert "#running" in empty.plain_text  # the example shows how to tag


async def test_tag_buttons_and_paging_stay_on_the_filter(bot: BotHarness) -> None:
    tom = await login_as(bot.db, TOM)
    start = utc_now() - timedelta(hours=20)
    for n in range(7):
        await _app_writes(bot, tom, f"gym session {n} #gym", start + timedelta(hours=n))
    await _app_writes(bot, tom, "rest day #rest", start + timedelta(hours=10))
    await bot.say(TOM, "/tags", contains="Your tags")
    page = await bot.press(TOM, "#gym", contains="newest first")
    assert "#gym · 7 entries, newest first (1–5)" in page.plain_text
    assert "rest day" not in page.plain_text
    older = await bot.press(TOM, "Older »", contains="(6–7)")
    assert "gym session 1" in older.plain_text and "gym session 0" in older.plain_text
    assert older.button_texts() == ["1", "2", "« Newer"]


async def test_date_filters_use_the_users_time_zone(bot: BotHarness) -> None:
    tom = await login_as(bot.db, TOM, zone="Asia/Tokyo")
    tokyo = ZoneInfo("Asia/Tokyo")
    today = datetime.now(UTC).astimezone(tokyo).date()
    yesterday = today - timedelta(days=1)

    def at(day_: datetime) -> datetime:
        return day_.astimezone(UTC).replace(tzinfo=None)

    # 23:30 yesterday in Tokyo is still "yesterday" there, though already a different UTC day.
    late = datetime(yesterday.year, yesterday.month, yesterday.day, 23, 30, tzinfo=tokyo)
    early = datetime(today.year, today.month, today.day, 0, 30, tzinfo=tokyo)
    await _app_writes(bot, tom, "late night thoughts", at(late))
    await _app_writes(bot, tom, "early morning thoughts", at(early))
    await _app_writes(bot, tom, "old thoughts", datetime(2024, 5, 3, 12))

    shown = await bot.say(TOM, "/entries yesterday", contains="newest first")
    assert "late night thoughts" in shown.plain_text
    assert "early morning" not in shown.plain_text
    month = await bot.say(TOM, "/entries 2024-05", contains="newest first")
    assert "May 2024 · 1 entry" in month.plain_text and "old thoughts" in month.plain_text
    nothing = await bot.say(TOM, "/entries 2023", contains="No entries")
    assert "2023" in nothing.plain_text


async def test_search_within_a_tag(bot: BotHarness) -> None:
    await login_as(bot.db, TOM)
    await bot.say(TOM, "Hard conversation with my manager #work", contains="Saved")
    await bot.say(TOM, "Hard conversation with my sister #family", contains="Saved")
    hits = await bot.say(TOM, "/search conversation #work", contains="best first")
    assert "manager" in hits.plain_text and "sister" not in hits.plain_text
    assert hits.button_texts() == ["1"]
    none = await bot.say(TOM, "/search holiday #work", contains="Nothing tagged")
    assert "/entries #work" in none.plain_text
    only_tag = await bot.say(TOM, "/search #family", contains="newest first")
    assert "sister" in only_tag.plain_text


async def test_bad_filters_get_a_clear_reply(bot: BotHarness) -> None:
    await login_as(bot.db, TOM)
    reply = await bot.say(TOM, "/entries next tuesday", contains="don't understand")
    assert "last week" in reply.plain_text
    reply = await bot.say(TOM, "/entries 2026-13", contains="don't understand")
    reply = await bot.say(TOM, "/entries #123", contains="isn't a tag")
    reply = await bot.say(TOM, "/entries #a #b #c #d", contains="at most 3 tags")
    assert reply is not None


async def test_another_users_tag_button_has_expired(bot: BotHarness) -> None:
    await login_as(bot.db, TOM)
    await login_as(bot.db, UMA)
    await bot.say(TOM, "Secret #diary", contains="Saved")
    listing = await bot.say(TOM, "/tags", contains="Your tags")
    data = listing.callback_data_for("#diary")
    uma_message = await bot.say(UMA, "/tags", contains="haven't tagged")
    toast = await bot.press_data(UMA, uma_message.message_id, data)
    assert toast == "This button has expired."
