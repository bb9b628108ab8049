"""/profile as the user sees it: the card, the lists of growth goals to remove or
track, and the button codes behind them."""

from __future__ import annotations

import hashlib
import html
from datetime import UTC, datetime
from typing import Final
from zoneinfo import ZoneInfo

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.handlers.profile_goals import (
    GOALS_EXPLAINED,
    PROFILE_BUTTON,
    TERM_NAMES,
    is_tracked,
    profile_goal_lines,
    track_button,
    untracked_count,
)
from core.callback_data import encode
from db import profile
from db.models import UserInfo
from db.profile import (
    GrowthTerm,
)

ACTION: Final = PROFILE_BUTTON
CANCEL_TEXT: Final = "✖ Cancel"
TERMS: Final[dict[str, GrowthTerm]] = {"s": "shortTerm", "l": "longTerm"}
# The markup counts too, so a text this long always fits one message when edited.
# The removal list names goals by number; a shortened text is enough to tell them apart.
REMOVAL_PREVIEW_CHARS: Final = 80
NO_PROFILE: Final = (
    "I can't find a profile for your account, so there's nothing to show or edit here yet."
)

LOCATION_KEYBOARD: Final = ReplyKeyboardMarkup(
    [[KeyboardButton("📍 Share location", request_location=True)], [KeyboardButton(CANCEL_TEXT)]],
    resize_keyboard=True,
    one_time_keyboard=True,
    input_field_placeholder="Europe/Berlin",
)


def button_data(arg: str) -> str:
    return encode(ACTION, arg=arg)


def menu_button(text: str, arg: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=button_data(arg))


def fingerprint(text: str) -> str:
    """Eight hex characters naming a goal's text in a button (the text itself may be long)."""
    return hashlib.sha256(text.strip().encode()).hexdigest()[:8]


def local_now(tz: str, now: datetime | None = None) -> str:
    return f"{(now or datetime.now(UTC)).astimezone(ZoneInfo(tz)):%H:%M}"


# --- rendering ----------------------------------------------------------------------


def card(
    info: UserInfo, tz: str, tracked: frozenset[str] = frozenset()
) -> tuple[str, InlineKeyboardMarkup]:
    goals = profile.growth_goals(info)
    name = f"{info.first_name} {info.last_name}".strip()
    lines = [
        "<b>👤 Your profile</b>",
        "",
        f"<b>Name:</b> {html.escape(name) if name else '<i>not set yet</i>'}",
        f"<b>Bio:</b> {html.escape(info.bio) if info.bio else '<i>none yet</i>'}",
        f"<b>Time zone:</b> {html.escape(tz)} (it's {local_now(tz)} there now)",
    ]
    lines += profile_goal_lines(info, tracked)
    lines += ["", GOALS_EXPLAINED]
    rows = [
        [menu_button("✏️ Edit name", "name"), menu_button("📝 Edit bio", "bio")],
        [menu_button("🌍 Time zone", "tz")],
        [
            menu_button("➕ Add short-term goal", "add.s"),
            menu_button("➕ Add long-term goal", "add.l"),
        ],
    ]
    if goals["shortTerm"] or goals["longTerm"]:
        row = [menu_button("➖ Remove a goal", "rm")]
        if untracked_count(info, tracked):
            row.append(track_button())
        rows.append(row)
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def removal_list(
    info: UserInfo, *, track: frozenset[str] | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    """Numbered buttons naming profile goals: to remove one, or with ``track`` (the
    tracked texts) to track one that isn't yet."""
    goals = profile.growth_goals(info)
    title = "<b>⬆️ Track a goal</b>" if track is not None else "<b>➖ Remove a goal</b>"
    verb = "track in /goals" if track is not None else "remove"
    lines = [title, "", f"Tap the number of the goal to {verb}."]
    buttons: list[InlineKeyboardButton] = []
    number = 0
    for code, term in TERMS.items():
        shown = [
            (index, goal)
            for index, goal in enumerate(goals[term])
            if track is None or not is_tracked(goal, track)
        ]
        if not shown:
            continue
        lines += ["", f"<b>{TERM_NAMES[term].capitalize()}</b>"]
        for index, goal in shown:
            number += 1
            preview = (
                goal
                if len(goal) <= REMOVAL_PREVIEW_CHARS
                else goal[: REMOVAL_PREVIEW_CHARS - 1] + "…"
            )
            lines.append(f"{number}. {html.escape(preview)}")
            prefix = "tr" if track is not None else "rm"
            buttons.append(menu_button(str(number), f"{prefix}.{code}.{index}.{fingerprint(goal)}"))
    if not buttons:
        lines = [title, "", f"You have no growth goals to {verb.split()[0]}."]
    rows = [buttons[i : i + 5] for i in range(0, len(buttons), 5)]
    rows.append([menu_button("« Back", "back")])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def zone_data(zone: str) -> str:
    return button_data(f"z.{zone}")
