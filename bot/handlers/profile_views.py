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
    is_tracked,
    profile_goal_lines,
    track_button,
    untracked_count,
)
from core.callback_data import encode
from core.i18n import N_, _
from db import profile
from db.models import UserInfo
from db.profile import (
    GrowthTerm,
)

ACTION: Final = PROFILE_BUTTON
CANCEL_TEXT: Final = N_("✖ Cancel")
TERMS: Final[dict[str, GrowthTerm]] = {"s": "shortTerm", "l": "longTerm"}
# The markup counts too, so a text this long always fits one message when edited.
# The removal list names goals by number; a shortened text is enough to tell them apart.
REMOVAL_PREVIEW_CHARS: Final = 80
# Removal list headings, one per term.
TERM_TITLES: Final[dict[GrowthTerm, str]] = {
    "shortTerm": N_("Short-term"),
    "longTerm": N_("Long-term"),
}
NO_PROFILE: Final = N_(
    "I can't find a profile for your account, so there's nothing to show or edit here yet."
)


def no_profile() -> str:
    return _(NO_PROFILE)


def is_cancel(text: str) -> bool:
    """The reply keyboard's cancel button, in English or the user's language."""
    return text.strip() in {CANCEL_TEXT, _(CANCEL_TEXT)} or text.strip().lower() == "cancel"


def location_keyboard() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        [
            [KeyboardButton(_("📍 Share location"), request_location=True)],
            [KeyboardButton(_(CANCEL_TEXT))],
        ],
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
        _("<b>👤 Your profile</b>"),
        "",
        _("<b>Name:</b> {name}").format(
            name=html.escape(name) if name else _("<i>not set yet</i>")
        ),
        _("<b>Bio:</b> {bio}").format(
            bio=html.escape(info.bio) if info.bio else _("<i>none yet</i>")
        ),
        _("<b>Time zone:</b> {zone} (it's {time} there now)").format(
            zone=html.escape(tz), time=local_now(tz)
        ),
    ]
    lines += profile_goal_lines(info, tracked)
    lines += ["", _(GOALS_EXPLAINED)]
    rows = [
        [menu_button(_("✏️ Edit name"), "name"), menu_button(_("📝 Edit bio"), "bio")],
        [menu_button(_("🌍 Time zone"), "tz")],
        [
            menu_button(_("➕ Add short-term goal"), "add.s"),
            menu_button(_("➕ Add long-term goal"), "add.l"),
        ],
    ]
    if goals["shortTerm"] or goals["longTerm"]:
        row = [menu_button(_("➖ Remove a goal"), "rm")]
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
    if track is not None:
        title = _("<b>⬆️ Track a goal</b>")
        hint = _("Tap the number of the goal to track in /goals.")
        empty = _("You have no growth goals to track.")
    else:
        title = _("<b>➖ Remove a goal</b>")
        hint = _("Tap the number of the goal to remove.")
        empty = _("You have no growth goals to remove.")
    lines = [title, "", hint]
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
        lines += ["", f"<b>{_(TERM_TITLES[term])}</b>"]
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
        lines = [title, "", empty]
    rows = [buttons[i : i + 5] for i in range(0, len(buttons), 5)]
    rows.append([menu_button(_("« Back"), "back")])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def zone_data(zone: str) -> str:
    return button_data(f"z.{zone}")
