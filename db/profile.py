"""The user's profile (``user_info``): names, bio, time zone and personal growth goals.

``user_info`` is created with the account here, but the web app may add it later (or
never): a user without one gets it on first need, with empty names and the documented
defaults (docs/bot-data.md). Functions still type their result as
optional, for a user deleted meanwhile.
"""

from __future__ import annotations

import uuid
from typing import Any, Final, Literal, get_args

from sqlalchemy import literal, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import utc_now
from core.i18n import _, ngettext
from core.text import clean_text
from core.vocab import VocabularyError, offset_timezone, parse_timezone
from db.errors import InvalidInput
from db.models import User, UserInfo

NAME_MAX_CHARS = 100
BIO_MAX_CHARS = 1000
GROWTH_GOAL_MAX_CHARS = 500
GROWTH_GOALS_PER_TERM = 20

GrowthTerm = Literal["shortTerm", "longTerm"]
GROWTH_TERMS: Final[tuple[GrowthTerm, ...]] = get_args(GrowthTerm)

DEFAULT_TIMEZONE = "UTC"


def require_timezone(tz: str) -> str:
    """The canonical IANA spelling of ``tz``, or InvalidInput (see core.vocab.parse_timezone)."""
    try:
        return parse_timezone(tz)
    except VocabularyError as exc:
        raise InvalidInput(str(exc)) from None


def growth_goals(info: UserInfo) -> dict[GrowthTerm, list[str]]:
    """The profile's growth goals; missing or malformed JSON (the other app's) reads as empty."""
    raw = info.growth_goals
    result: dict[GrowthTerm, list[str]] = {}
    for term in GROWTH_TERMS:
        items = raw.get(term) if isinstance(raw, dict) else None
        result[term] = (
            [item for item in items if isinstance(item, str) and item.strip()]
            if isinstance(items, list)
            else []
        )
    return result


async def _ensure_profile(session: AsyncSession, user_id: uuid.UUID) -> None:
    """Create the user's ``user_info`` if it is missing (names empty: they are NOT NULL
    without a default; timezone and growth_goals take the column defaults)."""
    await session.execute(
        insert(UserInfo)
        .from_select(
            ["user_id", "first_name", "last_name"],
            select(User.id, literal(""), literal("")).where(User.id == user_id),
        )
        .on_conflict_do_nothing(index_elements=[UserInfo.user_id])
    )


async def get_profile(session: AsyncSession, user_id: uuid.UUID) -> UserInfo | None:
    """The user's profile, created on first need; None only for a user that does not exist."""
    info = await session.scalar(select(UserInfo).where(UserInfo.user_id == user_id))
    if info is None:
        await _ensure_profile(session, user_id)
        info = await session.scalar(select(UserInfo).where(UserInfo.user_id == user_id))
    return info


def usable_timezone(stored: str | None) -> str:
    """The one rule for reading ``user_info.timezone`` (the other app may have written
    anything): an IANA name in canonical spelling, old names included (Europe/Kiev);
    an offset (GMT+2, +05:30) as the zone with that offset; UTC when it is missing,
    empty or unusable."""
    if stored is None or not stored.strip():
        return DEFAULT_TIMEZONE
    try:
        return require_timezone(stored)
    except InvalidInput:
        pass
    zone = offset_timezone(stored)
    return DEFAULT_TIMEZONE if zone is None else require_timezone(zone)


async def get_timezone(session: AsyncSession, user_id: uuid.UUID) -> str:
    """The user's time zone, or UTC when there is no profile or the stored name is unusable."""
    stored = await session.scalar(select(UserInfo.timezone).where(UserInfo.user_id == user_id))
    return usable_timezone(stored)


async def lock_profile(session: AsyncSession, user_id: uuid.UUID) -> UserInfo | None:
    """The profile, locked until the transaction ends (created on first need)."""
    return await _locked_profile(session, user_id)


async def _locked_profile(session: AsyncSession, user_id: uuid.UUID) -> UserInfo | None:
    await _ensure_profile(session, user_id)
    # FOR UPDATE: concurrent edits (two growth goals added at once) must not overwrite each other.
    return await session.scalar(
        select(UserInfo)
        .where(UserInfo.user_id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


async def update_profile(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    first_name: str | None = None,
    last_name: str | None = None,
    bio: str | None = None,
) -> UserInfo | None:
    """Change the given fields (None leaves a field alone); an empty bio clears it."""
    changes: dict[str, Any] = {}
    if first_name is not None:
        changes["first_name"] = clean_text(first_name, what="first name", max_chars=NAME_MAX_CHARS)
    if last_name is not None:
        changes["last_name"] = clean_text(last_name, what="last name", max_chars=NAME_MAX_CHARS)
    if bio is not None:
        changes["bio"] = (
            clean_text(bio, what="bio", max_chars=BIO_MAX_CHARS, allow_empty=True) or None
        )
    info = await _locked_profile(session, user_id)
    if info is None:
        return None
    for name, value in changes.items():
        setattr(info, name, value)
    info.updated_at = utc_now()
    await session.flush()
    return info


async def set_timezone(session: AsyncSession, user_id: uuid.UUID, tz: str) -> UserInfo | None:
    canonical = require_timezone(tz)
    info = await _locked_profile(session, user_id)
    if info is None:
        return None
    info.timezone = canonical
    info.updated_at = utc_now()
    await session.flush()
    return info


def _require_term(term: str) -> GrowthTerm:
    for known in GROWTH_TERMS:
        if term == known:
            return known
    raise InvalidInput(f"'{str(term)[:20]}' is not a goal list. Choose shortTerm or longTerm.")


def _store_growth_goals(info: UserInfo, goals: dict[GrowthTerm, list[str]]) -> None:
    # A new dict (so the change is seen); keys the other app added survive.
    document: dict[str, Any] = (
        dict(info.growth_goals) if isinstance(info.growth_goals, dict) else {}
    )
    for term, items in goals.items():
        document[term] = items
    info.growth_goals = document
    info.updated_at = utc_now()


async def add_growth_goal(
    session: AsyncSession, user_id: uuid.UUID, term: GrowthTerm, text: str
) -> UserInfo | None:
    which = _require_term(term)
    goal = clean_text(text, what="goal", max_chars=GROWTH_GOAL_MAX_CHARS)
    info = await _locked_profile(session, user_id)
    if info is None:
        return None
    goals = growth_goals(info)
    if any(existing.strip().casefold() == goal.casefold() for existing in goals[which]):
        raise InvalidInput(
            _("That goal is already on your short-term list.")
            if which == "shortTerm"
            else _("That goal is already on your long-term list.")
        )
    if len(goals[which]) >= GROWTH_GOALS_PER_TERM:
        n = GROWTH_GOALS_PER_TERM
        full = (
            ngettext(
                "Your short-term list is full ({n} goal). Remove one first.",
                "Your short-term list is full ({n} goals). Remove one first.",
                n,
            )
            if which == "shortTerm"
            else ngettext(
                "Your long-term list is full ({n} goal). Remove one first.",
                "Your long-term list is full ({n} goals). Remove one first.",
                n,
            )
        )
        raise InvalidInput(full.format(n=n))
    goals[which].append(goal)
    _store_growth_goals(info, goals)
    await session.flush()
    return info


async def remove_growth_goal(
    session: AsyncSession,
    user_id: uuid.UUID,
    term: GrowthTerm,
    index: int,
    *,
    expected: str | None = None,
) -> str | None:
    """Remove the goal at ``index`` (0-based, as ``growth_goals`` lists it); its text, or
    None when there is no profile or no such goal.

    Pass the text the user saw as ``expected`` so a second press of the same button
    removes nothing, instead of the goal that moved up into that position.
    """
    which = _require_term(term)
    info = await _locked_profile(session, user_id)
    if info is None:
        return None
    goals = growth_goals(info)
    if not 0 <= index < len(goals[which]):
        return None
    if expected is not None and goals[which][index].strip() != expected.strip():
        return None
    removed = goals[which].pop(index)
    _store_growth_goals(info, goals)
    await session.flush()
    return removed
