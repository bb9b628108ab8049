"""/progress end to end: a themed PNG from memory, range buttons, the no-data hint."""

from __future__ import annotations

import io
import threading
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PIL import Image, ImageChops

from bot.handlers import progress
from core.charts import BASE_HEIGHT_PX, PANEL_HEIGHT_PX, WIDTH_PX, render_progress
from db import metrics
from db.database import Database
from db.models import Metric
from db.settings import update_setting
from tests.harness import BotHarness, login_as

CARA = 2101


def height(panels: int) -> int:
    return BASE_HEIGHT_PX + PANEL_HEIGHT_PX * panels


def image(png: bytes | None) -> Image.Image:
    assert png is not None
    img = Image.open(io.BytesIO(png))
    assert img.format == "PNG"
    return img


def luminance(img: Image.Image, xy: tuple[int, int]) -> float:
    r, g, b = img.convert("RGB").getpixel(xy)  # type: ignore[misc]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def title_width(img: Image.Image) -> int:
    """Width in pixels of the chart's first line of text (its title)."""
    rgb = img.convert("RGB")
    background = Image.new("RGB", rgb.size, rgb.getpixel((0, 0)))
    ink = ImageChops.difference(rgb, background).convert("L").point(lambda v: 255 if v > 40 else 0)
    width, full_height = rgb.size

    def inked(y: int) -> bool:
        return ink.crop((0, y, width, y + 1)).getbbox() is not None

    top = next(y for y in range(full_height) if inked(y))
    bottom = next(y for y in range(top, full_height) if not inked(y))
    box = ink.crop((0, top, width, bottom)).getbbox()
    assert box is not None
    return box[2] - box[0]


async def rate_at(db: Database, user_id: uuid.UUID, kind: str, value: int, days_ago: float) -> None:
    async with db.sessions.begin() as s:
        await metrics.record_metric(
            s, user_id, kind, value, at=datetime.now(UTC) - timedelta(days=days_ago)
        )


async def recent_effort(db: Database, user_id: uuid.UUID) -> None:
    for day, value in enumerate([4, 5, 5, 6, 7, 7, 8]):
        await rate_at(db, user_id, "effort", value, days_ago=20 - 3 * day)


async def test_progress_sends_a_png_in_the_default_light_theme(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, CARA)
    await recent_effort(bot.db, user_id)
    await rate_at(bot.db, user_id, "learning", 6, days_ago=2)
    chart = await bot.say(CARA, "/progress", contains="last 30 days")
    img = image(chart.photo)
    assert img.size == (WIDTH_PX, height(2))  # one panel per metric with ratings
    assert luminance(img, (0, 0)) > 240
    assert luminance(img, (WIDTH_PX - 1, img.size[1] - 1)) > 240
    # The caption puts the chart in words.
    assert "Effort rose" in chart.plain_text
    assert "Based on 7 check-ins over 7 days." in chart.plain_text
    assert chart.button_texts() == ["• 30 days", "90 days", "1 year"]
    upload = await bot.fake.wait_for_call("sendPhoto")
    assert upload.params["photo"]["size"] == len(chart.photo or b"")


async def test_dark_mode_and_font_size_follow_the_theme(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, CARA)
    await recent_effort(bot.db, user_id)
    async with bot.db.sessions.begin() as s:
        await update_setting(s, user_id, "theme_preferences", "darkMode", True)
        await update_setting(s, user_id, "theme_preferences", "fontSize", "small")
    small = image((await bot.say(CARA, "/progress", contains="last 30 days")).photo)
    assert luminance(small, (0, 0)) < 60
    assert luminance(small, (WIDTH_PX - 1, small.size[1] - 1)) < 60

    async with bot.db.sessions.begin() as s:
        await update_setting(s, user_id, "theme_preferences", "fontSize", "large")
    large = image((await bot.say(CARA, "/progress", contains="last 30 days")).photo)
    assert luminance(large, (0, 0)) < 60
    assert large.size == small.size == (WIDTH_PX, height(1))
    # Bigger type: the same title is clearly wider.
    assert title_width(large) > 1.15 * title_width(small)

    async with bot.db.sessions.begin() as s:
        await update_setting(s, user_id, "theme_preferences", "darkMode", False)
    light = image((await bot.say(CARA, "/progress", contains="last 30 days")).photo)
    assert luminance(light, (0, 0)) > 240


async def test_range_buttons_switch_the_period(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, CARA)
    await recent_effort(bot.db, user_id)
    await rate_at(bot.db, user_id, "learning", 6, days_ago=60)
    await rate_at(bot.db, user_id, "resilience", 3, days_ago=200)
    first = await bot.say(CARA, "/progress", contains="last 30 days")
    assert image(first.photo).size[1] == height(1)

    ninety = await bot.press(CARA, "90 days", contains="last 90 days")
    assert ninety.message_id == first.message_id  # the chart changes in place...
    assert image(ninety.photo).size[1] == height(2)  # ...now with the older learning rating
    assert ninety.button_texts() == ["30 days", "• 90 days", "1 year"]

    year = await bot.press(CARA, "1 year", contains="last 365 days")
    assert image(year.photo).size[1] == height(3)
    back = await bot.press(CARA, "30 days", contains="last 30 days")
    assert image(back.photo).size[1] == height(1)
    await bot.fake.settle()
    assert [m.message_id for m in bot.fake.history(CARA) if m.photo is not None] == [
        first.message_id
    ]
    assert [c.method for c in bot.fake.calls if c.method == "sendPhoto"] == ["sendPhoto"]


async def test_a_chart_that_can_no_longer_be_edited_is_sent_anew(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, CARA)
    await recent_effort(bot.db, user_id)
    first = await bot.say(CARA, "/progress", contains="last 30 days")
    bot.fake.fail_next(
        "editMessageMedia", status=400, description="Bad Request: message to edit not found"
    )
    ninety = await bot.press(CARA, "90 days", contains="last 90 days")
    assert ninety.message_id != first.message_id
    assert ninety.button_texts() == ["30 days", "• 90 days", "1 year"]


async def test_no_data_explains_how_to_start(bot: BotHarness) -> None:
    await login_as(bot.db, CARA)
    reply = await bot.say(CARA, "/progress", contains="No check-ins")
    assert reply.photo is None
    assert "/checkin" in reply.plain_text and "/rate effort 7" in reply.plain_text
    assert reply.buttons == []
    assert not [c for c in bot.fake.calls if c.method == "sendPhoto"]


async def test_older_data_is_one_tap_away(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, CARA)
    await rate_at(bot.db, user_id, "challenge", 8, days_ago=45)
    hint = await bot.say(CARA, "/progress", contains="No check-ins in the last 30 days")
    assert hint.button_texts() == ["90 days", "1 year"]
    chart = await bot.press(CARA, "90 days", contains="last 90 days")
    assert image(chart.photo).size == (WIDTH_PX, height(1))


async def test_a_range_without_data_says_so(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, CARA)
    await rate_at(bot.db, user_id, "challenge", 8, days_ago=45)
    hint = await bot.say(CARA, "/progress", contains="No check-ins")
    # A 30-day button pressed on a 90-day chart made earlier, say: nothing to draw.
    toast = await bot.press_data(CARA, hint.message_id, "pr::30")
    assert "No check-ins in the last 30 days" in toast
    photos = [c for c in bot.fake.calls if c.method == "sendPhoto"]
    assert photos == []


@pytest.mark.parametrize("data", ["pr::45", "pr::", "pr::-30", "pr::365000", "pr:#30:"])
async def test_forged_range_buttons_expire(bot: BotHarness, data: str) -> None:
    user_id = await login_as(bot.db, CARA)
    await recent_effort(bot.db, user_id)
    chart = await bot.say(CARA, "/progress", contains="last 30 days")
    assert await bot.press_data(CARA, chart.message_id, data) == "This button has expired."


async def test_rendering_happens_off_the_event_loop(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    user_id = await login_as(bot.db, CARA)
    await recent_effort(bot.db, user_id)
    threads: list[threading.Thread] = []

    def spy(*args: Any, **kwargs: Any) -> bytes:
        threads.append(threading.current_thread())
        return render_progress(*args, **kwargs)

    monkeypatch.setattr(progress, "render_progress", spy)
    await bot.say(CARA, "/progress", contains="last 30 days")
    assert threads and threads[0] is not threading.main_thread()


async def test_streamed_series_equals_metric_series(db: Database) -> None:
    """/progress reads ratings in chunks; it must see exactly what metric_series sees,
    including skipping what the other app may have stored that is not a valid rating."""
    user_id = await login_as(db, CARA)
    other = await login_as(db, CARA + 1)
    now = datetime.now(UTC).replace(tzinfo=None)
    async with db.sessions.begin() as s:
        for i in range(23):
            kind = ["effort", "learning", "resilience"][i % 3]
            at = now - timedelta(days=i * 3, minutes=i)
            s.add(Metric(user_id=user_id, type=kind, value=str(1 + i % 10), created_at=at))
        for kind, value in [
            ("happiness", "5"),
            ("effort", "11"),
            ("effort", "0"),
            ("effort", "abc"),
            ("Effort", " 7 "),
            ("learning", "²"),
        ]:
            s.add(Metric(user_id=user_id, type=kind, value=value, created_at=now))
        s.add(Metric(user_id=other, type="effort", value="3", created_at=now))
    since = datetime.now(UTC) - timedelta(days=40)
    async with db.sessions() as s:
        expected = await metrics.metric_series(s, user_id, since)
        for chunk in (1, 4, 500):
            assert await metrics.stream_metric_series(s, user_id, since, chunk=chunk) == expected
    assert sum(len(points) for points in expected.values()) == 14 + 1  # 14 in range, " 7 "


async def test_progress_needs_login(bot: BotHarness) -> None:
    reply = await bot.say(CARA, "/progress")
    assert "not logged in" in reply.plain_text
