"""Reminder jobs (``reminder_jobs``): a snoozed reminder, the weekly review, the evening
streak nudge, and "skip today"; one row per user and kind.

They are claimed like daily reminders (``db.reminders``): due rows are locked with
``FOR UPDATE SKIP LOCKED`` and, in the same committed transaction, a snooze is deleted
and a review or nudge moves on to its next time, before anything is sent; so each goes
out at most once however many bot processes run, and a snooze survives a restart.
A "skip" row is never sent: until its ``due_at`` (the end of the user's day) snoozes and
nudges of that user are dropped.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import ARRAY, DateTime, String, Uuid, bindparam, case, delete, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import naive_utc
from core.review import next_nudge_at, next_review_at
from db.models import ReminderJob, UserSettings
from db.profile import usable_timezone

JobKind = Literal["snooze", "review", "nudge"]
SENT_KINDS: Final = ("snooze", "review", "nudge")
SNOOZE: Final = timedelta(hours=1)


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


async def _put(
    session: AsyncSession,
    user_id: uuid.UUID,
    kind: str,
    due: datetime,
    chat_id: int | None,
    *,
    keep_due_at: datetime | None = None,
) -> None:
    """Insert or move the row; with ``keep_due_at``, a row already due by then stays
    due (a settings change while the dispatcher is busy never swallows it)."""
    stamp = naive_utc(datetime.now(UTC))
    values: dict[str, Any] = {"due_at": naive_utc(due), "chat_id": chat_id, "updated_at": stamp}
    upsert = insert(ReminderJob).values(user_id=user_id, kind=kind, **values)
    changes = dict(values)
    if keep_due_at is not None:
        changes["due_at"] = case(
            (ReminderJob.due_at <= naive_utc(keep_due_at), ReminderJob.due_at),
            else_=upsert.excluded.due_at,
        )
    await session.execute(
        upsert.on_conflict_do_update(index_elements=["user_id", "kind"], set_=changes)
    )


async def _drop(session: AsyncSession, user_id: uuid.UUID, kind: str) -> None:
    await session.execute(
        delete(ReminderJob).where(ReminderJob.user_id == user_id, ReminderJob.kind == kind)
    )


async def snooze(
    session: AsyncSession, user_id: uuid.UUID, chat_id: int, now: datetime
) -> datetime:
    """Send the reminder again in an hour, to ``chat_id``; a second press moves it."""
    due = _aware(now) + SNOOZE
    await _put(session, user_id, "snooze", due, chat_id)
    return due


def end_of_day(tz: str, now: datetime) -> datetime:
    zone = ZoneInfo(tz)
    tomorrow = _aware(now).astimezone(zone).date() + timedelta(days=1)
    return datetime.combine(tomorrow, datetime.min.time(), zone).astimezone(UTC)


async def skip_today(session: AsyncSession, user_id: uuid.UUID, tz: str, now: datetime) -> None:
    """No snoozed reminder and no nudge until the end of the user's day."""
    await _drop(session, user_id, "snooze")
    await _put(session, user_id, "skip", end_of_day(tz, now), None)


async def reschedule_jobs(
    session: AsyncSession,
    user_id: uuid.UUID,
    preferences: Any,
    tz: str,
    now: datetime,
) -> None:
    """Keep the review and nudge rows in step with ``ReminderPreferences``."""
    if preferences.weekly_review:
        due = next_review_at(preferences.review_weekday, preferences.review_hour, tz, now)
        await _put(session, user_id, "review", due, None, keep_due_at=now)
    else:
        await _drop(session, user_id, "review")
    if preferences.streak_nudge:
        await _put(session, user_id, "nudge", next_nudge_at(tz, now), None, keep_due_at=now)
    else:
        await _drop(session, user_id, "nudge")


@dataclass(frozen=True, slots=True)
class DueJob:
    user_id: uuid.UUID
    kind: JobKind
    timezone: str
    local_date: date
    first_name: str | None
    chats: tuple[int, ...]
    theme: Any  # the user's theme_preferences document (for the review's chart)


_ADVANCE = text(
    "UPDATE reminder_jobs AS r SET due_at = v.due_at, updated_at = now() "
    "FROM unnest(:ids, :kinds, :dues) AS v(user_id, kind, due_at) "
    "WHERE r.user_id = v.user_id AND r.kind = v.kind"
).bindparams(
    bindparam("ids", type_=ARRAY(Uuid())),
    bindparam("kinds", type_=ARRAY(String())),
    bindparam("dues", type_=ARRAY(DateTime())),
)
_DELETE = text(
    "DELETE FROM reminder_jobs AS r USING unnest(:ids, :kinds) AS v(user_id, kind) "
    "WHERE r.user_id = v.user_id AND r.kind = v.kind"
).bindparams(bindparam("ids", type_=ARRAY(Uuid())), bindparam("kinds", type_=ARRAY(String())))


async def claim_jobs(session: AsyncSession, now: datetime, limit: int) -> list[DueJob]:
    """Claim up to ``limit`` due jobs (see the module notes); commit before sending."""
    from db.reminders import _any, _linked_chats, _users, reminder_preferences

    moment = _aware(now)
    rows = (
        await session.execute(
            select(ReminderJob.user_id, ReminderJob.kind, ReminderJob.chat_id)
            .where(ReminderJob.due_at <= naive_utc(moment), ReminderJob.kind.in_(SENT_KINDS))
            .order_by(ReminderJob.due_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ).all()
    if not rows:
        return []
    ids = list({row.user_id for row in rows})
    users = await _users(session, ids)
    skipping = set(
        (
            await session.scalars(
                select(ReminderJob.user_id).where(
                    ReminderJob.user_id == _any(ids),
                    ReminderJob.kind == "skip",
                    ReminderJob.due_at > naive_utc(moment),
                )
            )
        ).all()
    )
    themes: dict[uuid.UUID, Any] = {}
    # Newest first, so the oldest row (the one both apps use) is written last and wins.
    for setting in await session.execute(
        select(UserSettings.user_id, UserSettings.theme_preferences)
        .where(UserSettings.user_id == _any(ids))
        .order_by(UserSettings.created_at.desc(), UserSettings.id.desc())
    ):
        themes[setting.user_id] = setting.theme_preferences
    chats = await _linked_chats(session, ids)
    advance: list[tuple[uuid.UUID, str, datetime]] = []
    drop: list[tuple[uuid.UUID, str]] = []
    due: list[DueJob] = []
    for row in rows:
        user = users.get(row.user_id)
        preferences = reminder_preferences(user.preferences if user is not None else None)
        zone = usable_timezone(user.timezone if user is not None else None)
        send = user is not None
        if row.kind == "snooze":
            drop.append((row.user_id, row.kind))
            send = send and row.user_id not in skipping
            linked = tuple(c for c in chats.get(row.user_id, ()) if c == row.chat_id)
        else:
            wanted = preferences.weekly_review if row.kind == "review" else preferences.streak_nudge
            if not wanted:
                drop.append((row.user_id, row.kind))
                continue
            if row.kind == "review":
                nxt = next_review_at(
                    preferences.review_weekday, preferences.review_hour, zone, moment
                )
            else:
                nxt = next_nudge_at(zone, moment)
                send = send and row.user_id not in skipping
            advance.append((row.user_id, row.kind, nxt))
            linked = tuple(chats.get(row.user_id, ()))
        if send and linked:
            due.append(
                DueJob(
                    user_id=row.user_id,
                    kind=row.kind,
                    timezone=zone,
                    local_date=moment.astimezone(ZoneInfo(zone)).date(),
                    first_name=user.first_name if user is not None else None,
                    chats=linked,
                    theme=themes.get(row.user_id),
                )
            )
    if drop:
        await session.execute(_DELETE, {"ids": [d[0] for d in drop], "kinds": [d[1] for d in drop]})
    if advance:
        await session.execute(
            _ADVANCE,
            {
                "ids": [a[0] for a in advance],
                "kinds": [a[1] for a in advance],
                "dues": [naive_utc(a[2]) for a in advance],
            },
        )
    return due
