"""/entries, /search and /today end to end: paging, opening, editing, deleting, time zones."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.callback_data import encode
from core.streaks import on_this_day
from core.textsplit import html_to_plain
from db import entries, journals
from db.models import DialogState, Entry
from fake_telegram.server import ChatMessage
from tests.harness import BotHarness, login_as

ALICE = 2101
BOB = 2102
T0 = datetime(2024, 3, 1, 9, 0)  # naive UTC, as stored


async def _first_journal(bot: BotHarness, user_id: uuid.UUID) -> uuid.UUID:
    async with bot.db.sessions() as s:
        journal = await journals.first_journal(s, user_id)
        assert journal is not None
        return journal.id


async def _add(
    bot: BotHarness, user_id: uuid.UUID, content: str, at: datetime, journal: uuid.UUID | None
) -> uuid.UUID:
    async with bot.db.sessions.begin() as s:
        target = journal or await _first_journal(bot, user_id)
        entry = await entries.add_entry(
            s, content, user_id=user_id, journal_id=target, created_at=at
        )
        assert entry is not None
        return entry.id


async def _content(bot: BotHarness, entry_id: uuid.UUID) -> str | None:
    async with bot.db.sessions() as s:
        entry = await s.get(Entry, entry_id)
        return entry.content if entry is not None else None


def _squash(text: str) -> str:
    return "".join(text.split())


async def _seed_twelve(bot: BotHarness, user_id: uuid.UUID) -> list[uuid.UUID]:
    """Entries "note 1" (oldest) … "note 12" (newest), an hour apart."""
    return [
        await _add(bot, user_id, f"note {n}", T0 + timedelta(hours=n), None) for n in range(1, 13)
    ]


def _numbered_texts(message: ChatMessage) -> list[str]:
    return [line.split(" — ", 1)[1] for line in message.plain_text.splitlines() if " — " in line]


async def test_entries_pages_newest_first_editing_the_message_in_place(bot: BotHarness) -> None:
    alice = await login_as(bot.db, ALICE)
    await _seed_twelve(bot, alice)

    first = await bot.say(ALICE, "/entries", contains="newest first")
    assert "My Journal · 12 entries, newest first (1–5)" in first.plain_text
    assert _numbered_texts(first) == ["note 12", "note 11", "note 10", "note 9", "note 8"]
    assert first.button_texts() == ["1", "2", "3", "4", "5", "Older »"]
    assert "1. 1 Mar 2024 21:00 — note 12" in first.plain_text

    second = await bot.press(ALICE, "Older »", contains="(6–10)")
    assert second.message_id == first.message_id
    assert _numbered_texts(second) == ["note 7", "note 6", "note 5", "note 4", "note 3"]
    assert second.button_texts()[-2:] == ["« Newer", "Older »"]

    last = await bot.press(ALICE, "Older »", contains="(11–12)")
    assert _numbered_texts(last) == ["note 2", "note 1"]
    assert last.button_texts() == ["1", "2", "« Newer"]

    back = await bot.press(ALICE, "« Newer", contains="(6–10)")
    assert back.message_id == first.message_id
    assert len(bot.fake.messages(ALICE)) == 1  # one message the whole time


async def test_entries_shows_a_short_plain_preview(bot: BotHarness) -> None:
    alice = await login_as(bot.db, ALICE)
    long_text = "<b>Bold</b> start &amp; then " + " ".join(["word"] * 60)
    await _add(bot, alice, long_text, T0, None)
    page = await bot.say(ALICE, "/entries", contains="newest first")
    [line] = _numbered_texts(page)
    assert line.startswith("Bold start & then word word")
    assert line.endswith("…") and len(line) <= 81
    assert "<b>" not in page.plain_text


async def test_entries_of_an_empty_journal(bot: BotHarness) -> None:
    await login_as(bot.db, ALICE)
    reply = await bot.say(ALICE, "/entries")
    assert "My Journal has no entries yet" in reply.plain_text


async def test_entries_lists_the_active_journal(bot: BotHarness) -> None:
    alice = await login_as(bot.db, ALICE)
    await _add(bot, alice, "in the first journal", T0, None)
    async with bot.db.sessions.begin() as s:
        work = await journals.create_journal(s, alice, "Work")
    await _add(bot, alice, "in the work journal", T0, work.id)
    await bot.say(ALICE, "/journals", contains="Your journals")
    await bot.press(ALICE, "Work", contains="Created")
    await bot.press(ALICE, "Make active", contains="New entries now go to Work")
    page = await bot.say(ALICE, "/entries", contains="newest first")
    assert _numbered_texts(page) == ["in the work journal"]
    assert page.plain_text.startswith("Work · 1 entry")


async def test_open_shows_the_entry_with_its_buttons_and_back_returns(bot: BotHarness) -> None:
    alice = await login_as(bot.db, ALICE)
    await _seed_twelve(bot, alice)
    await _add(
        bot, alice, "A <i>formatted</i> line\nand a second line", T0 + timedelta(days=1), None
    )
    await bot.say(ALICE, "/entries", contains="newest first")
    await bot.press(ALICE, "Older »", contains="(6–10)")
    view = await bot.press(ALICE, "1", contains="note 8")
    assert view.plain_text == "My Journal · 1 Mar 2024 17:00\n\nnote 8"
    assert view.button_texts() == ["Edit", "Delete", "« Back"]
    back = await bot.press(ALICE, "« Back", contains="(6–10)")
    assert back.message_id == view.message_id
    await bot.press(ALICE, "« Newer", contains="(1–5)")
    formatted = await bot.press(ALICE, "1", contains="formatted")
    assert "<i>formatted</i>" in (formatted.text or "")
    assert "A formatted line\nand a second line" in formatted.plain_text


async def test_a_long_entry_is_shown_in_several_messages_with_nothing_lost(
    bot: BotHarness,
) -> None:
    alice = await login_as(bot.db, ALICE)
    content = "Dear diary."
    for n in range(1, 1000):
        sentence = f" Sentence {n} of a long day, with <b>some bold</b> &amp; more."
        if n % 20 == 0:
            sentence += "\n\n"
        if len(content) + len(sentence) > 9_950:
            break
        content += sentence
    content += " " + "x" * (10_000 - len(content) - 1)
    assert len(content) == 10_000
    entry_id = await _add(bot, alice, content, T0, None)
    page = await bot.say(ALICE, "/entries", contains="newest first")
    before = len(bot.fake.messages(ALICE))
    await bot.fake.press(ALICE, page.message_id, page.callback_data_for("1"))
    last = await bot.fake.wait_for_message(ALICE, predicate=lambda m: "Edit" in m.button_texts())
    await bot.fake.settle(quiet=0.2)

    shown = bot.fake.messages(ALICE)[before:]
    assert len(shown) >= 3 and shown[-1] is last
    assert all(len(m.text or "") <= 4096 for m in shown)
    assert [m.button_texts() for m in shown[:-1]] == [[]] * (len(shown) - 1)
    assert last.button_texts() == ["Edit", "Delete", "« Back"]
    joined = "".join(m.plain_text for m in shown)
    assert _squash(joined) == _squash("My Journal · 1 Mar 2024 09:00" + html_to_plain(content))
    assert page.plain_text.startswith("My Journal · 1 entry")  # the list was left as it was

    # Deleting a long entry asks in a new message, and keeping it says so.
    confirm = await bot.press(ALICE, "Delete", contains="can't be undone")
    assert confirm.message_id != last.message_id
    kept = await bot.press(ALICE, "Keep it", contains="Kept it")
    assert kept.message_id == confirm.message_id
    assert await _content(bot, entry_id) == content


async def test_edit_replaces_the_content_keeping_formatting(bot: BotHarness) -> None:
    alice = await login_as(bot.db, ALICE)
    entry_id = await _add(bot, alice, "first draft", T0, None)
    await bot.say(ALICE, "/entries", contains="newest first")
    await bot.press(ALICE, "1", contains="first draft")
    await bot.press(ALICE, "Edit", contains="new text for your entry from 1 Mar 2024 09:00")
    message_id = await bot.fake.send_text(
        ALICE,
        "second draft, much better",
        entities=[{"type": "bold", "offset": 7, "length": 5}],
    )
    done = await bot.fake.wait_for_message(ALICE, after=message_id, contains="Entry updated")
    assert await _content(bot, entry_id) == "second <b>draft</b>, much better"
    async with bot.db.sessions() as s:
        entry = await s.get(Entry, entry_id)
        assert entry is not None and entry.updated_at > entry.created_at
        assert await s.get(DialogState, ALICE) is None
    opened = await bot.press(ALICE, "Open entry", contains="much better")
    assert opened.message_id != done.message_id
    assert "edited" in opened.plain_text
    # The next message is a new entry again.
    await bot.say(ALICE, "a fresh thought", contains="Saved to")


async def test_edit_can_be_cancelled_and_rejects_oversized_text(bot: BotHarness) -> None:
    alice = await login_as(bot.db, ALICE)
    entry_id = await _add(bot, alice, "keep me", T0, None)
    await bot.say(ALICE, "/entries", contains="newest first")
    await bot.press(ALICE, "1", contains="keep me")
    await bot.press(ALICE, "Edit", contains="new text")
    huge = "z" * (entries.ENTRY_MAX_CHARS + 1)
    assert "too long" in (await bot.say(ALICE, huge, contains="too long")).plain_text
    assert "Cancelled" in (await bot.say(ALICE, "/cancel")).plain_text
    assert await _content(bot, entry_id) == "keep me"


async def test_delete_asks_first_then_deletes_and_shows_the_page(bot: BotHarness) -> None:
    alice = await login_as(bot.db, ALICE)
    ids = await _seed_twelve(bot, alice)
    await bot.say(ALICE, "/entries", contains="newest first")
    await bot.press(ALICE, "3", contains="note 10")
    confirm = await bot.press(ALICE, "Delete", contains="can't be undone")
    assert "Delete your entry from 1 Mar 2024 19:00 (“note 10”)?" in confirm.plain_text
    assert confirm.button_texts() == ["Yes, delete", "Keep it"]
    view = await bot.press(ALICE, "Keep it", contains="note 10")
    assert view.button_texts() == ["Edit", "Delete", "« Back"]
    assert await _content(bot, ids[9]) == "note 10"

    await bot.press(ALICE, "Delete", contains="can't be undone")
    page = await bot.press(ALICE, "Yes, delete", contains="Deleted your entry")
    assert await _content(bot, ids[9]) is None
    assert "11 entries" in page.plain_text
    assert _numbered_texts(page) == ["note 12", "note 11", "note 9", "note 8", "note 7"]
    assert all([await _content(bot, i) for i in ids if i != ids[9]])


async def test_forged_entry_buttons_with_another_users_ids_expire(bot: BotHarness) -> None:
    await login_as(bot.db, ALICE)
    bob = await login_as(bot.db, BOB)
    bobs_entry = await _add(bot, bob, "Bob's private thought", T0, None)
    bobs_journal = await _first_journal(bot, bob)
    page = await bot.say(ALICE, "/entries")

    forged = [encode(a, bobs_entry, "0") for a in ("eo", "ee", "ed", "ek", "edy")]
    forged += [encode(a, bobs_entry, "n") for a in ("eo", "edy")]
    forged.append(encode("el", bobs_journal, "0"))
    for data in forged:
        toast = await bot.press_data(ALICE, page.message_id, data)
        assert toast == "This button has expired.", data
    await bot.fake.settle(quiet=0.2)

    assert await _content(bot, bobs_entry) == "Bob's private thought"
    async with bot.db.sessions() as s:
        assert await s.get(DialogState, ALICE) is None  # no edit dialog on Bob's entry
    for message in bot.fake.messages(ALICE):
        assert "private" not in message.plain_text


async def test_stale_buttons_of_a_deleted_entry_expire(bot: BotHarness) -> None:
    alice = await login_as(bot.db, ALICE)
    entry_id = await _add(bot, alice, "soon gone", T0, None)
    await bot.say(ALICE, "/entries", contains="newest first")
    view = await bot.press(ALICE, "1", contains="soon gone")
    async with bot.db.sessions.begin() as s:
        assert await entries.delete_entry(s, alice, entry_id)
    for button in ("Edit", "Delete"):
        toast = await bot.press_data(ALICE, view.message_id, view.callback_data_for(button))
        assert toast == "This button has expired."
    # A page past the end shows the last page there is (here: none).
    back = await bot.press(ALICE, "« Back", contains="no entries yet")
    assert back.message_id == view.message_id


# --- /search --------------------------------------------------------------------------


async def test_search_without_words_explains_and_no_hits_says_so(bot: BotHarness) -> None:
    alice = await login_as(bot.db, ALICE)
    await _add(bot, alice, "Walked the dog", T0, None)
    usage = await bot.say(ALICE, "/search")
    assert "/search gratitude" in usage.plain_text
    nothing = await bot.say(ALICE, "/search <unicorns>")
    assert "Nothing in your journals matches “<unicorns>”" in nothing.plain_text


async def test_search_ranks_hits_across_journals_with_bold_matches(bot: BotHarness) -> None:
    alice = await login_as(bot.db, ALICE)
    bob = await login_as(bot.db, BOB)
    async with bot.db.sessions.begin() as s:
        work = (await journals.create_journal(s, alice, "Work")).id
    weak = await _add(bot, alice, "A short note on gratitude at lunch.", T0, None)
    strong = await _add(
        bot, alice, "Gratitude practice: grateful for the team, gratitude again.", T0, work
    )
    await _add(bot, alice, "Nothing relevant here", T0, None)
    await _add(bot, bob, "Bob's gratitude is not Alice's business", T0, None)

    reply = await bot.say(ALICE, "/search gratitude", contains="match")
    text = reply.plain_text
    assert text.startswith("🔎 2 entries match “gratitude”, best first:")
    assert text.index("Gratitude practice") < text.index("short note on gratitude")
    assert "1. Work · 1 Mar 2024 09:00" in text and "2. My Journal · 1 Mar 2024 09:00" in text
    assert "<b>Gratitude</b>" in (reply.text or "") and "<b>gratitude</b>" in (reply.text or "")
    assert "Bob" not in text
    assert reply.button_texts() == ["1", "2"]
    assert reply.callback_data_for("1") == encode("eo", strong, "n")
    assert reply.callback_data_for("2") == encode("eo", weak, "n")

    opened = await bot.press(ALICE, "1", contains="Gratitude practice")
    assert opened.message_id != reply.message_id
    assert opened.button_texts() == ["Edit", "Delete"]


async def test_search_finds_word_forms(bot: BotHarness) -> None:
    alice = await login_as(bot.db, ALICE)
    await _add(bot, alice, "I was running late again", T0, None)
    reply = await bot.say(ALICE, "/search runs", contains="match")
    assert "running" in reply.plain_text


async def test_dates_are_in_the_users_time_zone(bot: BotHarness) -> None:
    alice = await login_as(bot.db, ALICE, zone="Asia/Tokyo")
    await _add(bot, alice, "Late night thoughts about tomorrow", datetime(2024, 3, 5, 23, 30), None)
    found = await bot.say(ALICE, "/search thoughts", contains="match")
    assert "6 Mar 2024 08:30" in found.plain_text and "5 Mar" not in found.plain_text
    page = await bot.say(ALICE, "/entries", contains="newest first")
    assert "1. 6 Mar 2024 08:30 — Late night thoughts" in page.plain_text
    view = await bot.press(ALICE, "1", contains="Late night")
    assert "6 Mar 2024 08:30" in view.plain_text


# --- /today ---------------------------------------------------------------------------


def _months_back(day: date, months: int) -> date | None:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    try:
        return day.replace(year=year, month=month + 1)
    except ValueError:  # e.g. 31 March -> no 31 February
        return None


async def test_today_shows_todays_entries_and_this_day_in_the_past(bot: BotHarness) -> None:
    zone = ZoneInfo("Asia/Tokyo")
    alice = await login_as(bot.db, ALICE, zone="Asia/Tokyo")
    now = datetime.now(UTC)
    today = now.astimezone(zone).date()
    await _add(bot, alice, "Written just now", now - timedelta(seconds=5), None)
    await _add(bot, alice, "Two days ago", now - timedelta(days=2), None)
    labels = {1: "1 month ago", 12: "1 year ago", 14: "1 year and 2 months ago"}
    past = {months: day for months in labels if (day := _months_back(today, months)) is not None}
    for months, day in past.items():
        noon = datetime.combine(day, time(12, 0), tzinfo=zone)
        await _add(bot, alice, f"Back then, {labels[months]}", noon, None)
    # The command's rule (same day of the month) agrees on every date made above.
    assert on_this_day(today, past.values()) == sorted(past.values(), reverse=True)

    reply = await bot.say(ALICE, "/today", contains="Today")
    text = reply.plain_text
    assert text.startswith(f"Today, {today:%A}, {today.day} {today:%B %Y}")
    assert "1. " in text and "Written just now" in text
    assert "Two days ago" not in text
    assert ("On this day" in text) == bool(past)
    for months in past:
        assert f"{labels[months]} · " in text and f"Back then, {labels[months]}" in text
    assert reply.button_texts() == [str(n) for n in range(1, 2 + len(past))]
    if past:
        oldest = max(past)
        opened = await bot.press(ALICE, str(1 + len(past)), contains=f"Back then, {labels[oldest]}")
        assert opened.button_texts() == ["Edit", "Delete"]


async def test_on_this_day_uses_the_users_calendar(bot: BotHarness) -> None:
    """A year ago, 08:30 in Tokyo was 23:30 UTC the day before: it belongs to today's date.
    23:30 UTC on that date itself was already the next morning in Tokyo: it does not."""
    zone = ZoneInfo("Asia/Tokyo")
    alice = await login_as(bot.db, ALICE, zone="Asia/Tokyo")
    today = datetime.now(UTC).astimezone(zone).date()
    back = next(d for m in (12, 24, 1) if (d := _months_back(today, m)) is not None)
    morning = datetime.combine(back, time(8, 30), tzinfo=zone)
    assert morning.astimezone(UTC).date() < back
    await _add(bot, alice, "Tokyo morning", morning, None)
    late_utc = datetime.combine(back, time(23, 30), tzinfo=UTC)
    await _add(bot, alice, "Already the next day in Tokyo", late_utc, None)

    reply = await bot.say(ALICE, "/today", contains="Today")
    assert "On this day" in reply.plain_text
    assert "Tokyo morning" in reply.plain_text
    assert f"{back.day} {back:%b %Y} 08:30" in reply.plain_text
    assert "Already the next day" not in reply.plain_text


async def test_today_before_writing_anything(bot: BotHarness) -> None:
    await login_as(bot.db, ALICE)
    reply = await bot.say(ALICE, "/today", contains="Today")
    assert "You haven't written anything today yet" in reply.plain_text
    assert "On this day" not in reply.plain_text
    assert reply.button_texts() == []


async def test_entries_and_today_without_any_journal(bot: BotHarness) -> None:
    alice = await login_as(bot.db, ALICE)
    async with bot.db.sessions.begin() as s:
        assert await journals.delete_journal(s, alice, await _first_journal(bot, alice)) == 0
    reply = await bot.say(ALICE, "/entries")
    assert "You have no journals yet" in reply.plain_text
    assert "haven't written anything today" in (await bot.say(ALICE, "/today")).plain_text
    assert "Nothing in your journals" in (await bot.say(ALICE, "/search anything")).plain_text
