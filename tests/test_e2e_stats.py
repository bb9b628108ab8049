"""/stats end to end: the numbers match the rows, counted in the user's time zone."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.dates import month_start
from db import entries, goals, journals, metrics
from db.database import Database
from tests.harness import BotHarness, login_as

DAN = 2201
ZONE = "Asia/Tokyo"  # UTC+9: an entry at 00:30 there is the day before in UTC


def local(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=ZoneInfo(ZONE)).astimezone(UTC)


async def add_entries(db: Database, user_id: uuid.UUID, moments: list[datetime]) -> None:
    async with db.sessions.begin() as s:
        journal = await journals.first_journal(s, user_id)
        assert journal is not None
        for moment in moments:
            assert await entries.add_entry(
                s, "x", user_id=user_id, journal_id=journal.id, created_at=moment
            )


async def add_ratings(
    db: Database, user_id: uuid.UUID, ratings: list[tuple[str, int, datetime]]
) -> None:
    async with db.sessions.begin() as s:
        for kind, value, at in ratings:
            await metrics.record_metric(s, user_id, kind, value, at=at)


async def test_stats_match_the_data(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, DAN, zone=ZONE)
    now = datetime.now(UTC)
    today = now.astimezone(ZoneInfo(ZONE)).date()
    noon = time(12, 0)
    # Yesterday just after midnight (still the day before yesterday in UTC), two entries
    # the day before, one the day before that: a 3-day streak that is still alive today.
    moments = [
        local(today - timedelta(days=1), time(0, 30)),
        local(today - timedelta(days=2), noon),
        local(today - timedelta(days=2), time(18, 0)),
        local(today - timedelta(days=3), noon),
    ]
    # A longer run of 5 days, three weeks ago.
    moments += [local(today - timedelta(days=d), noon) for d in range(20, 25)]
    await add_entries(bot.db, user_id, moments)
    first_of_month = today.replace(day=1)
    this_month_entries = sum(
        1 for m in moments if m.astimezone(ZoneInfo(ZONE)).date() >= first_of_month
    )

    this_start = month_start(now, ZONE)
    last_start = month_start(now, ZONE, shift=-1)

    def this_month(fraction: float) -> datetime:
        return this_start + (now - this_start) * fraction

    def last_month(days: int) -> datetime:
        return last_start + timedelta(days=days, hours=3)

    ratings = [
        ("resilience", 8, this_month(0.2)),
        ("resilience", 6, this_month(0.6)),
        # Resilience on five different days: enough for an arrow; the others are not.
        *[("resilience", 5, last_month(day)) for day in (3, 4, 5, 6)],
        ("effort", 4, this_month(0.2)),
        ("effort", 6, last_month(3)),
        ("challenge", 5, this_month(0.6)),
        ("challenge", 5, last_month(10)),
        ("feedback", 7, last_month(10)),
        ("learning", 9, this_month(0.2)),
        ("learning", 2, last_start - timedelta(days=3)),  # two months ago: not compared
    ]
    await add_ratings(bot.db, user_id, ratings)
    checkins = len({at.replace(second=0, microsecond=0) for _, _, at in ratings})

    async with bot.db.sessions.begin() as s:
        made = [
            await goals.create_goal(s, user_id, f"goal {i}", source="user_created")
            for i in range(4)
        ]
        await goals.create_goal(s, user_id, "a suggestion not taken up", source="ai_generated")
        for goal in made[:2]:
            assert (await goals.complete_goal(s, user_id, goal.id)).ok

    text = (await bot.say(DAN, "/stats", contains="Your stats")).plain_text
    assert f"Entries: 9 in total, {this_month_entries} this month" in text
    assert "Writing streak: 3 days now, longest 5 days" in text
    assert f"Check-ins: {checkins}" in text
    assert "Goals: 2 of 4 accepted completed (50%)" in text
    assert "Resilience: 7.0 ↑ (last month 5.0)" in text
    assert "Effort: 4.0 (last month 6.0)" in text
    assert "Challenge: 5.0 (last month 5.0)" in text
    assert "↑↓ compare the two months, based on 6 ratings over" in text
    assert "No arrow where a trend needs 5 different days, so far 2." in text
    assert "Feedback: none yet this month (last month 7.0)" in text
    assert "Learning: 9.0 (none last month)" in text


async def test_stats_for_a_new_user(bot: BotHarness) -> None:
    await login_as(bot.db, DAN, zone=ZONE)
    text = (await bot.say(DAN, "/stats", contains="Your stats")).plain_text
    assert "Entries: 0 in total, 0 this month" in text
    assert "Writing streak: none right now, longest 0 days" in text
    assert "Check-ins: 0" in text
    assert "Goals: none accepted yet" in text
    assert "No ratings this month or last" in text and "/checkin" in text


async def test_a_checkin_shows_up_in_stats(bot: BotHarness) -> None:
    await login_as(bot.db, DAN)
    await bot.say(DAN, "/rate effort 6", contains="saved")
    await bot.say(DAN, "hello journal", contains="Saved")
    text = (await bot.say(DAN, "/stats", contains="Your stats")).plain_text
    assert "Entries: 1 in total, 1 this month" in text
    assert "Writing streak: 1 day now, longest 1 day" in text
    assert "Check-ins: 1" in text
    assert "Effort: 6.0 (none last month)" in text


async def test_stats_needs_login(bot: BotHarness) -> None:
    assert "not logged in" in (await bot.say(DAN, "/stats")).plain_text
