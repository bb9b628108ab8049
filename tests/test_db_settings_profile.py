"""Settings (validated JSONB keys, other app's keys kept) and the profile (names, bio,
time zone, growth goals)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, time
from typing import Any

import pytest
from sqlalchemy import func, null, select, update

from core.vocab import VocabularyError
from db import profile, settings
from db.database import Database
from db.errors import InvalidInput
from db.models import (
    DEFAULT_AI_INTERACTION_SETTINGS,
    DEFAULT_NOTIFICATION_PREFERENCES,
    DEFAULT_PRIVACY_SETTINGS,
    DEFAULT_THEME_PREFERENCES,
    UserInfo,
    UserSettings,
)
from tests.factories import make_user


async def _users(db: Database, **kw: Any) -> tuple[uuid.UUID, uuid.UUID]:
    async with db.sessions.begin() as s:
        return await make_user(s, **kw), await make_user(s, **kw)


async def _settings_rows(db: Database, user_id: uuid.UUID) -> list[UserSettings]:
    async with db.sessions() as s:
        return list(await s.scalars(select(UserSettings).where(UserSettings.user_id == user_id)))


# --- settings ---------------------------------------------------------------------


async def test_get_settings_creates_the_documented_defaults_once(db: Database) -> None:
    alice, _ = await _users(db)
    async with db.sessions.begin() as s:
        created = await settings.get_settings(s, alice)
        assert created.notification_preferences == DEFAULT_NOTIFICATION_PREFERENCES
        assert created.theme_preferences == DEFAULT_THEME_PREFERENCES
        assert created.privacy_settings == DEFAULT_PRIVACY_SETTINGS
        assert created.ai_interaction_settings == DEFAULT_AI_INTERACTION_SETTINGS
    async with db.sessions.begin() as s:
        assert (await settings.get_settings(s, alice)).id == created.id
    assert len(await _settings_rows(db, alice)) == 1


async def test_concurrent_first_reads_create_one_row(db: Database) -> None:
    alice, _ = await _users(db)

    async def read() -> uuid.UUID:
        async with db.sessions.begin() as s:
            return (await settings.get_settings(s, alice)).id

    ids = await asyncio.gather(read(), read(), read())
    assert len(set(ids)) == 1
    assert len(await _settings_rows(db, alice)) == 1


@pytest.mark.parametrize(
    ("document", "key", "value", "stored"),
    [
        ("notification_preferences", "pushNotifications", True, True),
        ("notification_preferences", "emailNotifications", "off", False),
        ("notification_preferences", "reminderFrequency", "Weekly", "weekly"),
        ("notification_preferences", "reminderTime", "7:05", "07:05"),
        ("notification_preferences", "reminderTime", time(21, 30), "21:30"),
        ("notification_preferences", "reminderWeekday", 6, 6),
        ("notification_preferences", "reminderDayOfMonth", "31", 31),
        ("theme_preferences", "darkMode", True, True),
        ("theme_preferences", "fontSize", "LARGE", "large"),
        ("theme_preferences", "colorScheme", "Ocean", "ocean"),
        ("privacy_settings", "journalVisibility", "shared", "shared"),
        ("privacy_settings", "shareAnalytics", "yes", True),
        ("ai_interaction_settings", "enableAiInsights", False, False),
    ],
)
async def test_update_setting_stores_valid_values(
    db: Database, document: settings.SettingsDocument, key: str, value: object, stored: object
) -> None:
    alice, _ = await _users(db)
    async with db.sessions.begin() as s:
        await settings.update_setting(s, alice, document, key, value)
    (row,) = await _settings_rows(db, alice)
    assert getattr(row, document)[key] == stored
    assert settings.read_setting(row, document, key) == stored


@pytest.mark.parametrize(
    ("document", "key", "value"),
    [
        ("notification_preferences", "pushNotifications", "maybe"),
        ("notification_preferences", "pushNotifications", 1),
        ("notification_preferences", "reminderFrequency", "hourly"),
        ("notification_preferences", "reminderTime", "24:00"),
        ("notification_preferences", "reminderTime", "7pm"),
        ("notification_preferences", "reminderWeekday", 7),
        ("notification_preferences", "reminderWeekday", True),
        ("notification_preferences", "reminderDayOfMonth", 0),
        ("notification_preferences", "reminderDayOfMonth", 32),
        ("notification_preferences", "unknownKey", True),
        ("theme_preferences", "fontSize", "huge"),
        ("theme_preferences", "colorScheme", "neon"),
        ("privacy_settings", "journalVisibility", "public"),
        ("ai_interaction_settings", "darkMode", True),
        ("secret_settings", "darkMode", True),
    ],
)
async def test_update_setting_rejects_bad_values_and_unknown_keys(
    db: Database, document: settings.SettingsDocument, key: str, value: object
) -> None:
    alice, _ = await _users(db)
    async with db.sessions.begin() as s:
        before = await settings.get_settings(s, alice)
    async with db.sessions.begin() as s:
        with pytest.raises(VocabularyError):
            await settings.update_setting(s, alice, document, key, value)
    (row,) = await _settings_rows(db, alice)
    assert row.notification_preferences == DEFAULT_NOTIFICATION_PREFERENCES
    assert row.theme_preferences == DEFAULT_THEME_PREFERENCES
    assert row.updated_at == before.updated_at


async def test_update_setting_keeps_the_other_apps_keys_and_other_users(db: Database) -> None:
    alice, bob = await _users(db)
    async with db.sessions.begin() as s:
        s.add(
            UserSettings(
                user_id=alice,
                theme_preferences={"darkMode": False, "fontSize": "medium", "webLayout": "wide"},
                created_at=datetime(2024, 1, 1),
                updated_at=datetime(2024, 1, 1),
            )
        )
        await settings.get_settings(s, bob)
    async with db.sessions.begin() as s:
        loaded = await settings.get_settings(s, alice)
        changed = await settings.update_setting(s, alice, "theme_preferences", "darkMode", "on")
        assert changed is loaded and loaded.theme_preferences["darkMode"] is True
    (row,) = await _settings_rows(db, alice)
    assert row.theme_preferences == {"darkMode": True, "fontSize": "medium", "webLayout": "wide"}
    assert row.updated_at > datetime(2024, 1, 1)
    (bobs,) = await _settings_rows(db, bob)
    assert bobs.theme_preferences == DEFAULT_THEME_PREFERENCES


async def test_read_setting_falls_back_to_defaults_for_garbage(db: Database) -> None:
    alice, _ = await _users(db)
    async with db.sessions.begin() as s:
        s.add(
            UserSettings(
                user_id=alice,
                notification_preferences={"reminderFrequency": "fortnightly"},
                theme_preferences=["not", "an", "object"],
            )
        )
    (row,) = await _settings_rows(db, alice)
    assert settings.read_setting(row, "notification_preferences", "reminderFrequency") == "daily"
    assert settings.read_setting(row, "notification_preferences", "pushNotifications") is False
    assert settings.read_setting(row, "notification_preferences", "reminderTime") is None
    assert settings.read_setting(row, "theme_preferences", "fontSize") == "medium"
    async with db.sessions.begin() as s:
        await settings.update_setting(s, alice, "theme_preferences", "fontSize", "small")
    (row,) = await _settings_rows(db, alice)
    assert row.theme_preferences == {"fontSize": "small"}


# --- profile ----------------------------------------------------------------------


async def _info(db: Database, user_id: uuid.UUID) -> UserInfo:
    async with db.sessions() as s:
        info = await profile.get_profile(s, user_id)
        assert info is not None
        return info


async def test_update_profile_validates_and_trims(db: Database) -> None:
    alice, bob = await _users(db)
    async with db.sessions.begin() as s:
        info = await profile.update_profile(
            s, alice, first_name="  Grace ", last_name="Hopper", bio="  Admiral.  "
        )
        assert info is not None
    stored = await _info(db, alice)
    assert (stored.first_name, stored.last_name, stored.bio) == ("Grace", "Hopper", "Admiral.")
    for bad in (
        {"first_name": "   "},
        {"last_name": "x" * (profile.NAME_MAX_CHARS + 1)},
        {"bio": "b" * (profile.BIO_MAX_CHARS + 1)},
    ):
        async with db.sessions.begin() as s:
            with pytest.raises(InvalidInput):
                await profile.update_profile(s, alice, **bad)
    assert (await _info(db, alice)).first_name == "Grace"
    assert (await _info(db, bob)).first_name == "Ada"


async def test_empty_bio_clears_it_and_none_leaves_it(db: Database) -> None:
    alice, _ = await _users(db)
    async with db.sessions.begin() as s:
        await profile.update_profile(s, alice, bio="Something")
        await profile.update_profile(s, alice, first_name="Ann")
    assert (await _info(db, alice)).bio == "Something"
    async with db.sessions.begin() as s:
        await profile.update_profile(s, alice, bio="   ")
    assert (await _info(db, alice)).bio is None


async def test_users_without_a_profile_get_one_on_first_need(db: Database) -> None:
    # The web app may create user_info later than the user, or never.
    async with db.sessions.begin() as s:
        nobody = await make_user(s, profile=False)
        assert await profile.get_timezone(s, nobody) == "UTC"  # reading alone creates nothing
        assert await s.scalar(select(func.count()).select_from(UserInfo)) == 0
        info = await profile.get_profile(s, nobody)
        assert info is not None
        assert (info.first_name, info.last_name, info.bio) == ("", "", None)
        assert info.timezone == "UTC"
        assert info.growth_goals == {"shortTerm": [], "longTerm": []}
        assert await profile.set_timezone(s, nobody, "Europe/Paris") is not None
        assert await profile.add_growth_goal(s, nobody, "shortTerm", "Run") is not None
        assert await s.scalar(select(func.count()).select_from(UserInfo)) == 1
    async with db.sessions.begin() as s:
        ghost = uuid.uuid4()
        assert await profile.get_profile(s, ghost) is None  # no such user: nothing created
        assert await profile.update_profile(s, ghost, first_name="X") is None


@pytest.mark.parametrize(
    ("stored", "usable"),
    [
        (None, "UTC"),
        ("", "UTC"),
        ("   ", "UTC"),
        ("Europe/Kiev", "Europe/Kiev"),
        ("europe/kyiv", "Europe/Kyiv"),
        ("GMT+2", "Etc/GMT-2"),
        ("UTC-3", "Etc/GMT+3"),
        ("+05:30", "Asia/Kolkata"),
        ("+0545", "Asia/Kathmandu"),
        ("GMT", "GMT"),
        ("UTC+00:00", "Etc/UTC"),
        ("+15", "UTC"),
        ("Mars/Base", "UTC"),
        ("../etc/passwd", "UTC"),
    ],
)
def test_stored_time_zones_are_read_sensibly(stored: str | None, usable: str) -> None:
    assert profile.usable_timezone(stored) == usable


async def test_set_timezone_stores_the_canonical_name(db: Database) -> None:
    alice, bob = await _users(db)
    async with db.sessions.begin() as s:
        await profile.set_timezone(s, alice, "  america/new york ")
    assert (await _info(db, alice)).timezone == "America/New_York"
    for bad in ("", "Mars/Base", "../etc/passwd", "localtime"):
        async with db.sessions.begin() as s:
            with pytest.raises(InvalidInput, match="time zone"):
                await profile.set_timezone(s, alice, bad)
    async with db.sessions() as s:
        assert await profile.get_timezone(s, alice) == "America/New_York"
        assert await profile.get_timezone(s, bob) == "UTC"


async def test_get_timezone_falls_back_when_the_stored_name_is_unusable(db: Database) -> None:
    alice, _ = await _users(db, timezone="Not/AZone")
    async with db.sessions() as s:
        assert await profile.get_timezone(s, alice) == "UTC"


async def test_growth_goals_add_and_remove(db: Database) -> None:
    alice, bob = await _users(db)
    async with db.sessions.begin() as s:
        await profile.add_growth_goal(s, alice, "shortTerm", " Run 5k ")
        await profile.add_growth_goal(s, alice, "shortTerm", "Read more")
        await profile.add_growth_goal(s, alice, "longTerm", "Write a book")
        with pytest.raises(InvalidInput, match="already"):
            await profile.add_growth_goal(s, alice, "shortTerm", "run 5K")
        with pytest.raises(InvalidInput):
            await profile.add_growth_goal(s, alice, "shortTerm", "")
        with pytest.raises(InvalidInput):
            await profile.add_growth_goal(s, alice, "someday", "x")  # type: ignore[arg-type]
    assert profile.growth_goals(await _info(db, alice)) == {
        "shortTerm": ["Run 5k", "Read more"],
        "longTerm": ["Write a book"],
    }
    async with db.sessions.begin() as s:
        assert await profile.remove_growth_goal(s, alice, "shortTerm", 0, expected="Run 5k") == (
            "Run 5k"
        )
        # The same button pressed again: index 0 now holds another goal, which stays.
        assert await profile.remove_growth_goal(s, alice, "shortTerm", 0, expected="Run 5k") is None
        assert await profile.remove_growth_goal(s, alice, "longTerm", 5) is None
        assert await profile.remove_growth_goal(s, bob, "longTerm", 0) is None
    assert profile.growth_goals(await _info(db, alice)) == {
        "shortTerm": ["Read more"],
        "longTerm": ["Write a book"],
    }
    assert profile.growth_goals(await _info(db, bob)) == {"shortTerm": [], "longTerm": []}


async def test_growth_goals_cap_per_list(db: Database) -> None:
    alice, _ = await _users(db)
    async with db.sessions.begin() as s:
        for i in range(profile.GROWTH_GOALS_PER_TERM):
            await profile.add_growth_goal(s, alice, "longTerm", f"goal {i}")
        with pytest.raises(InvalidInput, match="full"):
            await profile.add_growth_goal(s, alice, "longTerm", "one too many")


@pytest.mark.parametrize(
    "stored",
    [null(), None, [], "text", {"shortTerm": "not a list", "longTerm": [1, None, "Keep", "  "]}],
)
async def test_malformed_growth_goals_read_as_empty_and_can_be_added_to(
    db: Database, stored: object
) -> None:
    alice, _ = await _users(db)
    async with db.sessions.begin() as s:
        await s.execute(
            update(UserInfo).where(UserInfo.user_id == alice).values(growth_goals=stored)
        )
    info = await _info(db, alice)
    expected_long = ["Keep"] if isinstance(stored, dict) else []
    assert profile.growth_goals(info) == {"shortTerm": [], "longTerm": expected_long}
    async with db.sessions.begin() as s:
        await profile.add_growth_goal(s, alice, "shortTerm", "Start")
    assert profile.growth_goals(await _info(db, alice)) == {
        "shortTerm": ["Start"],
        "longTerm": expected_long,
    }


async def test_growth_goals_keep_the_other_apps_keys(db: Database) -> None:
    alice, _ = await _users(db)
    async with db.sessions.begin() as s:
        await s.execute(
            update(UserInfo)
            .where(UserInfo.user_id == alice)
            .values(growth_goals={"shortTerm": [], "longTerm": [], "webNotes": "kept"})
        )
        await profile.add_growth_goal(s, alice, "longTerm", "Learn piano")
    assert (await _info(db, alice)).growth_goals == {
        "shortTerm": [],
        "longTerm": ["Learn piano"],
        "webNotes": "kept",
    }
