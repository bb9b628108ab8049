"""Rows the web app wrote (or did not write) in the bot, and what the bot writes back.

Users are created with plain SQL as the app's sign-up does: no ``user_info``,
``user_settings`` or journal. Metric and goal rows are inserted as the app may leave
them. The bot is driven through the fake Bot API; afterwards every row the bot wrote
is checked against the documented shapes (docs/data-models.md, docs/bot-data.md).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from selectolax.lexbor import LexborHTMLParser
from sqlalchemy import select

from bot.errors import GENERIC
from core.vocab import MetricType
from db import settings
from db.models import (
    DEFAULT_AI_INTERACTION_SETTINGS,
    DEFAULT_GROWTH_GOALS,
    DEFAULT_NOTIFICATION_PREFERENCES,
    DEFAULT_PRIVACY_SETTINGS,
    DEFAULT_THEME_PREFERENCES,
    Entry,
    Goal,
    Journal,
    Metric,
    UserInfo,
    UserSettings,
)
from tests.harness import BotHarness
from tests.interop import app_user, link_telegram, sql
from tests.telegram_html import check

BEA = 2701
CID = 2702

# The documented keys of each JSONB document, plus the bot's own (docs/bot-data.md).
DOCUMENTED_KEYS = {
    "notification_preferences": set(DEFAULT_NOTIFICATION_PREFERENCES)
    | {"reminderTime", "reminderWeekday", "reminderDayOfMonth"},
    "theme_preferences": set(DEFAULT_THEME_PREFERENCES),
    "privacy_settings": set(DEFAULT_PRIVACY_SETTINGS),
    "ai_interaction_settings": set(DEFAULT_AI_INTERACTION_SETTINGS),
}
STORED_TAGS = {"b", "i", "u", "s", "a", "code", "pre", "blockquote", "tg-spoiler", "br"}


async def assert_documented_shapes(bot: BotHarness, user_id: uuid.UUID) -> None:
    """Everything stored for the user has the documented shape."""
    async with bot.db.sessions() as s:
        for row in await s.scalars(select(UserSettings).where(UserSettings.user_id == user_id)):
            for document, keys in DOCUMENTED_KEYS.items():
                stored = getattr(row, document)
                assert isinstance(stored, dict) and set(stored) <= keys, (document, stored)
        info = await s.scalar(select(UserInfo).where(UserInfo.user_id == user_id))
        if info is not None:
            stored_goals = info.growth_goals or {}
            assert set(stored_goals) == set(DEFAULT_GROWTH_GOALS)
            assert all(isinstance(g, str) for items in stored_goals.values() for g in items)
        for metric in await s.scalars(select(Metric).where(Metric.user_id == user_id)):
            assert metric.type in {m.value for m in MetricType}
            assert metric.value in {str(n) for n in range(1, 11)}
        for goal in await s.scalars(select(Goal).where(Goal.user_id == user_id)):
            if goal.completed_at is not None:
                assert goal.accepted_at is not None
                assert goal.suggested_at <= goal.accepted_at <= goal.completed_at
            if goal.accepted_at is not None:
                assert goal.suggested_at <= goal.accepted_at
        contents = await s.scalars(
            select(Entry.content).join(Journal).where(Journal.user_id == user_id)
        )
        for content in contents:
            tree = LexborHTMLParser(content, is_fragment=True)
            for node in tree.root.traverse() if tree.root else []:
                if node.tag and not node.tag.startswith("-"):
                    assert node.tag in STORED_TAGS, content
                    assert set(node.attributes) <= ({"href"} if node.tag == "a" else set())
            assert "\n" not in content.replace("<pre>", "\0").split("\0")[0]


async def _say(bot: BotHarness, user: int, text: str) -> str:
    """Send ``text``; return everything the bot answered, each message checked."""
    mark = max((m.created_seq for m in bot.fake.messages(user)), default=0)
    await bot.fake.send_text(user, text)
    await bot.fake.wait_for_message(user, predicate=lambda m: m.created_seq > mark, timeout=15)
    await bot.fake.settle(quiet=0.3)
    replies = [m for m in bot.fake.messages(user) if m.from_bot and m.created_seq > mark]
    for reply in replies:
        if reply.text is not None and reply.parse_mode == "HTML":
            check(reply.text)
    answer = "\n".join(m.plain_text for m in replies)
    assert GENERIC not in answer, (text, answer)
    return answer


async def test_a_user_without_companion_rows_can_use_every_command(bot: BotHarness) -> None:
    user = await app_user(bot.db, "bea@example.com")
    await link_telegram(bot.db, user, BEA)
    commands = [c.name for c in bot.app.bot_data["commands"]]
    skip = {"logout", "deleteaccount", "start", "done", "cancel"}
    answers: dict[str, str] = {}
    for name in commands:
        if name in skip:
            continue
        answers[name] = await _say(bot, BEA, f"/{name}")
        await _say(bot, BEA, "/cancel")
    assert "journals yet" in answers["entries"]
    assert "Your stats" in answers["stats"]
    assert "nothing to draw" in answers["progress"]
    assert "Name: not set yet" in answers["profile"]
    assert "Time zone: UTC" in answers["profile"]
    # Writing makes the journal; a rating is stored as the app's text.
    assert "Saved to My Journal" in await _say(bot, BEA, "First thoughts from Telegram")
    assert "saved" in (await _say(bot, BEA, "/rate effort 7")).lower()
    # A goal through its lifecycle: created (accepted at once), then done.
    await _say(bot, BEA, "/goal Swim every week")
    await _say(bot, BEA, "/goals")
    await bot.press(BEA, "Done", contains="Completed")
    await _say(bot, BEA, "/start")
    await _say(bot, BEA, "/deleteaccount")

    async with bot.db.sessions() as s:
        info = await s.scalar(select(UserInfo).where(UserInfo.user_id == user))
        assert info is not None
        assert (info.first_name, info.last_name, info.timezone) == ("", "", "UTC")
        assert info.growth_goals == DEFAULT_GROWTH_GOALS
        settings = (await s.scalars(select(UserSettings).where(UserSettings.user_id == user))).all()
        assert len(settings) == 1
        assert settings[0].ai_interaction_settings == DEFAULT_AI_INTERACTION_SETTINGS
        titles = (await s.scalars(select(Journal.title).where(Journal.user_id == user))).all()
        assert titles == ["My Journal"]
        metric = await s.scalar(select(Metric).where(Metric.user_id == user))
        assert metric is not None and (metric.type, metric.value) == ("effort", "7")
        goal = await s.scalar(select(Goal).where(Goal.user_id == user))
        assert goal is not None and goal.completed_at is not None
    await assert_documented_shapes(bot, user)


SAMPLES: dict[str, object] = {
    "reminderFrequency": "weekly",
    "reminderTime": "7:30",
    "reminderWeekday": "2",
    "reminderDayOfMonth": 15,
    "fontSize": "large",
    "colorScheme": "ocean",
    "journalVisibility": "shared",
}


async def test_every_setting_the_bot_writes_keeps_the_documented_shape(bot: BotHarness) -> None:
    user = await app_user(bot.db, "dee@example.com")
    # The app's own row, with its defaults (the column defaults are the documented ones).
    await sql(bot.db, "INSERT INTO user_settings (user_id) VALUES (:u)", u=user)
    for document, keys in DOCUMENTED_KEYS.items():
        for key in sorted(keys):
            async with bot.db.sessions.begin() as s:
                await settings.update_setting(
                    s,
                    user,
                    document,
                    key,
                    SAMPLES.get(key, "on"),  # type: ignore[arg-type]
                )
    await assert_documented_shapes(bot, user)
    async with bot.db.sessions() as s:
        row = await s.scalar(select(UserSettings).where(UserSettings.user_id == user))
        assert row is not None
        assert row.notification_preferences["reminderTime"] == "07:30"
        assert row.notification_preferences["reminderWeekday"] == 2
        assert row.theme_preferences == {
            "darkMode": True,
            "fontSize": "large",
            "colorScheme": "ocean",
        }
        assert row.ai_interaction_settings == {key: True for key in DEFAULT_AI_INTERACTION_SETTINGS}


async def _odd_rows(bot: BotHarness, user_id: uuid.UUID) -> None:
    now = datetime.now(UTC).replace(tzinfo=None)
    for n, (days_ago, kind, value) in enumerate(
        [
            (3, "effort", "7"),
            (2, "effort", "9"),
            (2, "effort", "11"),
            (1, "effort", "great"),
            (1, "learning", "7.5"),
            (1, "learning", ""),
            (1, "grit", "5"),
            (1, "resilience", "0"),
        ]
    ):
        await sql(
            bot.db,
            "INSERT INTO metrics (user_id, type, value, created_at) VALUES (:u, :t, :v, :at)",
            u=user_id,
            t=kind,
            v=value,
            at=now - timedelta(days=days_ago) + timedelta(minutes=n),  # a fixed order
        )
    for content, accepted, completed, deleted in [
        ("Completed, never accepted", None, 1, None),
        ("Completed, then deleted", None, 2, 1),
        ("Turned down", None, None, 1),
        ("In progress", 3, None, None),
        ("Just suggested", None, None, None),
    ]:

        def ago(days: int | None) -> datetime | None:
            return None if days is None else now - timedelta(days=days)

        await sql(
            bot.db,
            "INSERT INTO goals (user_id, content, source_type, suggested_at, accepted_at, "
            "completed_at, deleted_at) VALUES (:u, :c, 'ai_generated', :s, :a, :d, :x)",
            u=user_id,
            c=content,
            s=now - timedelta(days=5),
            a=ago(accepted),
            d=ago(completed),
            x=ago(deleted),
        )


async def test_odd_metric_and_goal_rows_are_read_by_one_rule(bot: BotHarness) -> None:
    user = await app_user(bot.db, "cid@example.com")
    await sql(
        bot.db,
        "INSERT INTO user_info (user_id, first_name, last_name, timezone) "
        "VALUES (:u, 'Cid', 'App', 'GMT+2')",
        u=user,
    )
    await _odd_rows(bot, user)
    await link_telegram(bot.db, user, CID)

    chart = await bot.say(CID, "/progress", contains="last 30 days")
    assert chart.photo  # the usable ratings are drawn
    assert "6 stored ratings aren't a 1–10 rating" in chart.plain_text
    shown = chart.plain_text.split("left out of the chart: ")[1]
    expected = ["effort “11”", "effort “great”", "learning “7.5”", "learning “”", "grit “5”"]
    positions = [shown.index(item) for item in expected]  # oldest first
    assert positions == sorted(positions)
    assert chart.plain_text.endswith("and 1 more.")  # resilience "0", the sixth
    check(chart.caption or "", limit=1024)

    stats = await _say(bot, CID, "/stats")
    assert "Effort: 8.0" in stats  # "7" and "9"; "11" and "great" left out
    assert "Learning: no ratings" in stats
    assert "left out of the averages" in stats
    # Completed without acceptance counts as accepted (docs/bot-data.md).
    assert "Goals: 2 of 3 accepted completed (67%)" in stats

    insights = await _say(bot, CID, "/insights")
    assert "left out of the metric trend" in insights

    goals_text = await _say(bot, CID, "/goals")
    assert "You've completed 1 goal" in goals_text
    assert "In progress" in goals_text and "Just suggested" in goals_text
    assert "Turned down" not in goals_text and "then deleted" not in goals_text
    completed = await bot.press(CID, "Show completed", contains="Completed goals")
    assert "Completed, never accepted" in completed.plain_text
    assert "then deleted" not in completed.plain_text

    profile = await _say(bot, CID, "/profile")
    assert "Time zone: Etc/GMT-2" in profile

    sent = await bot.fake.send_text(CID, "/export")
    await bot.fake.wait_for_message(
        CID, after=sent, predicate=lambda m: (m.filename or "").endswith(".json")
    )
    [document] = [
        json.loads(m.document or b"")
        for m in bot.fake.messages(CID)
        if (m.filename or "").endswith(".json")
    ]
    values = sorted(m["value"] for m in document["metrics"])
    assert values == sorted(["7", "9", "11", "great", "7.5", "", "5", "0"])  # as stored
    states: dict[str, Any] = {g["content"]: g["state"] for g in document["goals"]}
    assert states == {
        "Completed, never accepted": "completed",
        "Completed, then deleted": "deleted",
        "Turned down": "rejected",
        "In progress": "accepted",
        "Just suggested": "suggested",
    }
