"""The profile's growth goals as /profile and /goals both show them: which are tracked
(have an open goal in the goals table with the same text) and how the two lists relate."""

from __future__ import annotations

import html
import uuid
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton

from core.callback_data import encode
from db import goals as goals_db
from db import profile
from db.models import UserInfo

TERM_NAMES: Final[dict[profile.GrowthTerm, str]] = {
    "shortTerm": "short-term",
    "longTerm": "long-term",
}


# How the two goal lists relate, said wherever both can be seen.
GOALS_EXPLAINED: Final = (
    "<i>Profile goals (short- and long-term) say where you're heading; the web app shows "
    "them too. Tracked goals in /goals are steps you work on: each has a status, an optional "
    "target date and a ✅ when done. ⬆️ Track turns a profile goal into a tracked one.</i>"
)


def is_tracked(goal: str, tracked: frozenset[str]) -> bool:
    """``tracked``: casefolded texts of the user's open tracked goals."""
    return goal.strip().casefold() in tracked


def profile_goal_lines(info: UserInfo, tracked: frozenset[str]) -> list[str]:
    """The profile's goals by term, each marked when a tracked goal has its text."""
    goals = profile.growth_goals(info)
    lines: list[str] = []
    for term in profile.GROWTH_TERMS:
        lines += ["", f"<b>🎯 {TERM_NAMES[term].capitalize()} goals</b>"]
        lines += [
            f"{i}. {html.escape(g)}" + (" · <i>tracked</i>" if is_tracked(g, tracked) else "")
            for i, g in enumerate(goals[term], 1)
        ] or ["<i>none yet</i>"]
    return lines


def untracked_count(info: UserInfo, tracked: frozenset[str]) -> int:
    goals = profile.growth_goals(info)
    return sum(not is_tracked(g, tracked) for term in profile.GROWTH_TERMS for g in goals[term])


TRACK_BUTTON_TEXT: Final = "⬆️ Track a profile goal"
# /profile's button code (its ACTION), and its argument that opens the goals to track.
PROFILE_BUTTON: Final = "u"
TRACK_LIST: Final = "tr"


def track_button() -> InlineKeyboardButton:
    """Opens the list of profile goals to track (handled by /profile's buttons)."""
    return InlineKeyboardButton(
        TRACK_BUTTON_TEXT, callback_data=encode(PROFILE_BUTTON, arg=TRACK_LIST)
    )


async def tracked_texts(s: AsyncSession, user_id: uuid.UUID) -> frozenset[str]:
    """Casefolded texts of the user's open tracked goals (the goals table)."""
    return frozenset(t.strip().casefold() for t in await goals_db.open_goal_texts(s, user_id))
