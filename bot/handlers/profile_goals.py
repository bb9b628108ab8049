"""The profile's growth goals as /profile and /goals both show them: which are tracked
(have an open goal in the goals table with the same text), how the two lists relate, and
the sentences that name a term."""

from __future__ import annotations

import html
import uuid
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton

from core.callback_data import encode
from core.i18n import N_, _, ngettext
from db import goals as goals_db
from db import profile
from db.models import UserInfo

# Each term's heading over its list of goals.
TERM_HEADINGS: Final[dict[profile.GrowthTerm, str]] = {
    "shortTerm": N_("Short-term goals"),
    "longTerm": N_("Long-term goals"),
}


# How the two goal lists relate, said wherever both can be seen.
# A msgid: wherever it is shown, show _(GOALS_EXPLAINED).
GOALS_EXPLAINED: Final = N_(
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
        lines += ["", f"<b>🎯 {_(TERM_HEADINGS[term])}</b>"]
        lines += [
            f"{i}. {html.escape(g)}" + (_(" · <i>tracked</i>") if is_tracked(g, tracked) else "")
            for i, g in enumerate(goals[term], 1)
        ] or [_("<i>none yet</i>")]
    return lines


def untracked_count(info: UserInfo, tracked: frozenset[str]) -> int:
    goals = profile.growth_goals(info)
    return sum(not is_tracked(g, tracked) for term in profile.GROWTH_TERMS for g in goals[term])


TRACK_BUTTON_TEXT: Final = N_("⬆️ Track a profile goal")
# /profile's button code (its ACTION), and its argument that opens the goals to track.
PROFILE_BUTTON: Final = "u"
TRACK_LIST: Final = "tr"


def track_button() -> InlineKeyboardButton:
    """Opens the list of profile goals to track (handled by /profile's buttons)."""
    return InlineKeyboardButton(
        _(TRACK_BUTTON_TEXT), callback_data=encode(PROFILE_BUTTON, arg=TRACK_LIST)
    )


async def tracked_texts(s: AsyncSession, user_id: uuid.UUID) -> frozenset[str]:
    """Casefolded texts of the user's open tracked goals (the goals table)."""
    return frozenset(t.strip().casefold() for t in await goals_db.open_goal_texts(s, user_id))


# Sentences naming a term are whole per term: the adjective agrees differently per language.
def list_full(term: profile.GrowthTerm) -> str:
    n = profile.GROWTH_GOALS_PER_TERM
    if term == "shortTerm":
        text = ngettext(
            "Your short-term list is full ({n} goal). Remove one first.",
            "Your short-term list is full ({n} goals). Remove one first.",
            n,
        )
    else:
        text = ngettext(
            "Your long-term list is full ({n} goal). Remove one first.",
            "Your long-term list is full ({n} goals). Remove one first.",
            n,
        )
    return text.format(n=n)


def ask_for_goal(term: profile.GrowthTerm) -> str:
    n = profile.GROWTH_GOAL_MAX_CHARS
    if term == "shortTerm":
        text = ngettext(
            "What's your new short-term growth goal? (up to {n} character; /cancel to stop)",
            "What's your new short-term growth goal? (up to {n} characters; /cancel to stop)",
            n,
        )
    else:
        text = ngettext(
            "What's your new long-term growth goal? (up to {n} character; /cancel to stop)",
            "What's your new long-term growth goal? (up to {n} characters; /cancel to stop)",
            n,
        )
    return text.format(n=n)


def now_tracking(term: profile.GrowthTerm, goal: str) -> str:
    if term == "shortTerm":
        text = _(
            "⬆️ Now tracking your short-term goal “{goal}”. Open /goals to set a target date, "
            "and mark it ✅ when it's done."
        )
    else:
        text = _(
            "⬆️ Now tracking your long-term goal “{goal}”. Open /goals to set a target date, "
            "and mark it ✅ when it's done."
        )
    return text.format(goal=html.escape(goal))


def added_to(term: profile.GrowthTerm) -> str:
    if term == "shortTerm":
        return _("✅ Added to your short-term goals.")
    return _("✅ Added to your long-term goals.")
