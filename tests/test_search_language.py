"""Search in the writer's language: German, Spanish, Portuguese and Russian entries get a
vector in their language (kept by a trigger, for the web app's rows too), and a searcher
who speaks it finds word forms by that language's stemming."""

from __future__ import annotations

import uuid

from sqlalchemy import select, text, update

from core.i18n import LANGUAGES, SEARCH_CONFIGS
from db import entries
from db.database import Database
from db.models import Entry, EntrySearch, TelegramAccount
from tests.factories import make_entry, make_journal
from tests.harness import BotHarness, login_as

TG = 8800  # Telegram ids of this module: 8800, 8801, ...


async def speaking_user(db: Database, telegram_id: int, language: str | None) -> uuid.UUID:
    user_id = await login_as(db, telegram_id)
    async with db.sessions.begin() as s:
        await s.execute(
            update(TelegramAccount)
            .where(TelegramAccount.telegram_user_id == telegram_id)
            .values(language_code=language)
        )
    return user_id


async def test_the_databases_language_map_is_the_bots(db: Database) -> None:
    async with db.sessions() as s:
        for code in LANGUAGES:
            config = await s.scalar(text("SELECT bot_search_config(:c)::text"), {"c": code})
            assert config == SEARCH_CONFIGS.get(code), code
        assert await s.scalar(text("SELECT bot_search_config('de-AT')::text")) == "german"
        assert await s.scalar(text("SELECT bot_search_config(NULL)::text")) is None


async def test_entries_of_a_german_writer_are_found_by_german_word_forms(db: Database) -> None:
    user = await speaking_user(db, TG, "de")
    async with db.sessions.begin() as s:
        journal = await make_journal(s, user)
        await make_entry(s, journal.id, "Heute mit den Kindern im Park gewesen, sehr schön.")
        await make_entry(s, journal.id, "Meeting about the budget.")
    async with db.sessions() as s:
        german = await entries.search_entries(s, user, "Kind", language="de")
        english = await entries.search_entries(s, user, "budgets", language="de")
        unaware = await entries.search_entries(s, user, "Kind", language="en")
    assert [h.snippet for h in german] == [
        "Heute mit den <b>Kindern</b> im Park gewesen, sehr schön"
    ]
    assert len(english) == 1  # the English vector still finds the rest
    assert unaware == []  # English stemming does not know "Kindern"


async def test_russian_forms_and_an_edit_from_the_web_app(db: Database) -> None:
    user = await speaking_user(db, TG, "ru")
    async with db.sessions.begin() as s:
        journal = await make_journal(s, user)
        entry = await make_entry(s, journal.id, "Купила новую книгу про привычки")
    async with db.sessions() as s:
        assert len(await entries.search_entries(s, user, "книги", language="ru")) == 1
    # The web app edits the row: the vector follows the new content.
    async with db.sessions.begin() as s:
        await s.execute(
            update(Entry).where(Entry.id == entry.id).values(content="Читала журналы весь вечер")
        )
    async with db.sessions() as s:
        assert await entries.search_entries(s, user, "книги", language="ru") == []
        assert len(await entries.search_entries(s, user, "журналов", language="ru")) == 1


async def test_english_writers_and_web_app_only_users_keep_the_english_vector_alone(
    db: Database,
) -> None:
    english = await speaking_user(db, TG, "en-GB")
    unknown = await speaking_user(db, TG + 1, None)
    async with db.sessions.begin() as s:
        for user in (english, unknown):
            journal = await make_journal(s, user)
            await make_entry(s, journal.id, "Ran five kilometres before work")
    async with db.sessions() as s:
        assert (await s.scalars(select(EntrySearch.entry_id))).all() == []
        for user in (english, unknown):
            assert len(await entries.search_entries(s, user, "run", language="en")) == 1


async def test_search_in_german_end_to_end(bot: BotHarness) -> None:
    await login_as(bot.db, TG)
    sent = await bot.fake.send_text(TG, "/language", language_code="de")
    await bot.fake.wait_for_message(TG, after=sent, contains="Welche Sprache")
    await bot.press(TG, "Deutsch", contains="Erledigt")
    wrote = await bot.fake.send_text(TG, "Wir sind heute lange gelaufen, die Kinder waren müde.")
    await bot.fake.wait_for_message(TG, after=wrote, timeout=15)
    asked = await bot.fake.send_text(TG, "/search Kind", language_code="de")
    found = await bot.fake.wait_for_message(TG, after=asked, contains="Kinder", timeout=15)
    assert "<b>Kinder</b>" in (found.text or "")


async def test_the_language_telegram_reports_is_stored_for_later_entries(bot: BotHarness) -> None:
    """An account set up without /start: its first update stores Telegram's language, so the
    entries it writes get their Russian vector."""
    await login_as(bot.db, TG + 2)
    wrote = await bot.fake.send_text(TG + 2, "Купила новую книгу про привычки", language_code="ru")
    await bot.fake.wait_for_message(TG + 2, after=wrote, timeout=15)
    asked = await bot.fake.send_text(TG + 2, "/search книги", language_code="ru")
    found = await bot.fake.wait_for_message(TG + 2, after=asked, contains="книгу", timeout=15)
    assert "<b>книгу</b>" in (found.text or "")
    async with bot.db.sessions() as s:
        stored = await s.scalar(
            select(TelegramAccount.language_code).where(TelegramAccount.telegram_user_id == TG + 2)
        )
    assert stored == "ru"
