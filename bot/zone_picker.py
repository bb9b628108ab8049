"""Time-zone answers shared by sign-up and /profile: look a typed place up, offer
ambiguous matches as buttons, and confirm a zone with its local time."""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.callback_data import MAX_BYTES
from core.i18n import N_, _
from core.zones import ZoneChoice, find_timezones, timezone_at, warm

logger = logging.getLogger(__name__)
_warming: set[asyncio.Task[None]] = set()
_warmed = False

# What to type for a time zone, to fill a sentence such as "Send {examples}." (shown
# with ``_(EXAMPLES)``).
EXAMPLES = N_("a city or country (Paris, New York, Kyiv, UK), an offset (+2, UTC-5) or a zone name")


def prepare() -> None:
    """Start loading the place tables in a worker thread (once per process): call it a
    step before asking for a time zone, so the answer needs no wait."""
    if _warmed or _warming:
        return
    task = asyncio.get_running_loop().create_task(_warm())
    _warming.add(task)
    task.add_done_callback(_warming.discard)


async def _warm() -> None:
    global _warmed
    try:
        await asyncio.to_thread(warm)
        _warmed = True
    except Exception:  # the lookup itself will try again, and say so if it fails
        logger.exception("loading the place tables failed")


async def lookup(text: str) -> list[ZoneChoice]:
    """``find_timezones`` off the event loop (the first call loads the place tables)."""
    return await asyncio.to_thread(find_timezones, text)


async def locate(latitude: float, longitude: float) -> str | None:
    return await asyncio.to_thread(timezone_at, latitude, longitude)


def local_time(zone: str, now: datetime | None = None) -> str:
    return f"{(now or datetime.now(UTC)).astimezone(ZoneInfo(zone)):%H:%M}"


def confirmation(zone: str, place: str | None = None) -> str:
    """ "Time zone set to Europe/Paris (Paris, France) — it's 14:05 there now." """
    where = html.escape(zone)
    if place and place != zone:
        where += f" ({html.escape(place)})"
    return _("🌍 Time zone set to <b>{zone}</b> — it's {time} there now.").format(
        zone=where, time=local_time(zone)
    )


def unknown(text: str) -> str:
    return _(
        "I don't know a place or time zone called “{text}”. Try a city or country (Paris, "
        "New York, Kyiv, UK), an offset (+2, UTC-5) or a zone name."
    ).format(text=html.escape(text.strip()[:60]))


def ambiguous(text: str) -> str:
    return _(
        "“{text}” could mean several places. Which one is yours? (the local time is in brackets)"
    ).format(text=html.escape(text.strip()[:60]))


def choice_keyboard(choices: list[ZoneChoice], data: Callable[[str], str]) -> InlineKeyboardMarkup:
    """One button per choice; ``data`` builds a button's callback_data from the zone."""
    rows = []
    for choice in choices:
        try:
            payload = data(choice.zone)
        except ValueError:  # a zone name too long for callback_data (none is today)
            continue
        if len(payload.encode()) <= MAX_BYTES:
            label = f"{choice.place} · {local_time(choice.zone)}"
            rows.append([InlineKeyboardButton(label, callback_data=payload)])
    return InlineKeyboardMarkup(rows)
