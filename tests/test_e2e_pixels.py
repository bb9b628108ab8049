"""/pixels end to end: a photo of the year with the right caption, buttons that switch the
metric and the year in place, the user's theme, and clear replies to bad input."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta

from PIL import Image
from sqlalchemy import insert

from core.pixels import HEIGHT_PX, WIDTH_PX
from db import journals, metrics
from db.models import Entry
from db.settings import update_setting
from tests.harness import BotHarness, login_as

PIA = 2401
THIS_YEAR = datetime.now(UTC).year


def image(png: bytes | None) -> Image.Image:
    assert png is not None
    img = Image.open(io.BytesIO(png))
    assert img.format == "PNG"
    return img


def corner_luminance(img: Image.Image) -> float:
    r, g, b = img.convert("RGB").getpixel((0, 0))  # type: ignore[misc]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


async def _write_on(bot: BotHarness, user_id: uuid.UUID, *moments: datetime) -> None:
    async with bot.db.sessions.begin() as s:
        journal = await journals.first_journal(s, user_id)
        assert journal is not None
        for at in moments:
            naive = at.astimezone(UTC).replace(tzinfo=None)
            await s.execute(
                insert(Entry).values(
                    journal_id=journal.id, content="a day", created_at=naive, updated_at=naive
                )
            )


async def test_writing_days_by_default_then_a_metric_and_another_year(bot: BotHarness) -> None:
    pia = await login_as(bot.db, PIA)
    last_year = datetime(THIS_YEAR - 1, 6, 1, 12, tzinfo=UTC)
    await _write_on(
        bot, pia, last_year, last_year + timedelta(hours=1), last_year + timedelta(days=3)
    )
    async with bot.db.sessions.begin() as s:
        for value, days in ((6, 0), (8, 1)):
            await metrics.record_metric(
                s, pia, "effort", value, at=datetime(THIS_YEAR, 1, 10 + days, 9, tzinfo=UTC)
            )

    first = await bot.say(PIA, "/pixels", contains="Year in pixels")
    assert f"Writing days · {THIS_YEAR}" in first.plain_text
    assert "No entries in" in first.plain_text
    assert image(first.photo).size == (WIDTH_PX, HEIGHT_PX)
    assert corner_luminance(image(first.photo)) > 240  # the light theme
    assert first.button_texts()[:6] == [
        "• ✍️ Writing",
        "Resilience",
        "Effort",
        "Challenge",
        "Feedback",
        "Learning",
    ]
    assert f"« {THIS_YEAR - 1}" in first.button_texts()
    assert f"{THIS_YEAR + 1} »" not in first.button_texts()

    effort = await bot.press(PIA, "Effort", contains="Effort ·")
    assert effort.message_id == first.message_id  # the photo changes in place
    assert f"rated on 2 days of {THIS_YEAR}, average 7.0" in effort.plain_text
    assert "• Effort" in effort.button_texts()

    before = await bot.press(PIA, f"« {THIS_YEAR - 1}", contains=f"{THIS_YEAR - 1}")
    assert "Effort: no ratings" in before.plain_text
    writing = await bot.press(PIA, "Writing", contains="Writing days")
    assert f"You wrote on 2 days of {THIS_YEAR - 1} (3 entries)" in writing.plain_text
    assert "most days in June (2)" in writing.plain_text


async def test_arguments_in_any_order_and_the_dark_theme(bot: BotHarness) -> None:
    pia = await login_as(bot.db, PIA)
    async with bot.db.sessions.begin() as s:
        await update_setting(s, pia, "theme_preferences", "darkMode", True)
    shown = await bot.say(PIA, f"/pixels {THIS_YEAR - 2} Learning", contains="Year in pixels")
    assert f"Learning · {THIS_YEAR - 2}" in shown.plain_text
    assert corner_luminance(image(shown.photo)) < 60


async def test_bad_arguments_get_a_clear_reply(bot: BotHarness) -> None:
    await login_as(bot.db, PIA)
    reply = await bot.say(PIA, "/pixels happiness", contains="don't know")
    assert "resilience, effort" in reply.plain_text and reply.photo is None
    reply = await bot.say(PIA, f"/pixels {THIS_YEAR + 1}", contains="Pick a year")
    assert reply.photo is None


async def test_a_forged_year_button_has_expired(bot: BotHarness) -> None:
    await login_as(bot.db, PIA)
    shown = await bot.say(PIA, "/pixels", contains="Year in pixels")
    toast = await bot.press_data(PIA, shown.message_id, f"px::writing.{THIS_YEAR + 5}")
    assert toast == "This button has expired."
