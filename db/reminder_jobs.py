"""Reminder jobs (``reminder_jobs``): a snoozed reminder, the weekly review, the evening
streak nudge, and "skip today"; one row per user and kind.

A claim is a lease. ``claim_jobs`` locks due rows with ``FOR UPDATE SKIP LOCKED`` and, in
one committed transaction, moves a review or nudge on to its next time and marks each
job it hands out as held (``claimed_by``, ``claimed_at``, ``lease_until``). The job is
finished (``finish_jobs``: a snooze deleted, a review or nudge let go) only after it was
sent; a job whose lease ran out (its claimer died mid-send) is claimed again by any
dispatcher, and a graceful stop gives untried jobs back at once (``release_jobs``). So a
job is never lost; it goes out twice only if its claimer dies (or its finish fails)
after Telegram accepted the message. A snooze pressed again while the old one is being
sent is a new job (its claim is cleared), so finishing the old one never deletes it.
A "skip" row is never sent: until its ``due_at`` (the end of the user's day) snoozes and
nudges of that user are dropped.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ARRAY,
    DateTime,
    String,
    Uuid,
    bindparam,
    case,
    delete,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import naive_utc
from core.review import next_nudge_at, next_review_at
from db.models import ReminderJob, UserSettings
from db.profile import usable_timezone

JobKind = Literal["snooze", "review", "nudge"]
SENT_KINDS: Final = ("snooze", "review", "nudge")
SNOOZE: Final = timedelta(hours=1)
# How long a claim holds before another dispatcher may take the job; the claimer renews
# it while it is still sending (``renew_leases``).
LEASE: Final = timedelta(minutes=10)
_UNCLAIMED: Final[dict[str, Any]] = {"claimed_by": None, "claimed_at": None, "lease_until": None}


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
    if kind == "snooze":  # a new snooze: one being sent right now is not this one
        changes.update(_UNCLAIMED)
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
    claimed_by: str  # the lease: whose it is and since when (naive UTC)
    claimed_at: datetime
    # The language of each of ``chats`` (same order; missing: English).
    chat_languages: tuple[str, ...] = ()

    def chat_language(self, index: int) -> str:
        """The language to speak in ``chats[index]``."""
        return self.chat_languages[index] if index < len(self.chat_languages) else "en"


_SET = text(
    "UPDATE reminder_jobs AS r SET due_at = v.due_at, claimed_by = v.claimed_by, "
    "claimed_at = v.claimed_at, lease_until = v.lease_until, updated_at = now() "
    "FROM unnest(:ids, :kinds, :dues, :claimers, :ats, :leases) "
    "AS v(user_id, kind, due_at, claimed_by, claimed_at, lease_until) "
    "WHERE r.user_id = v.user_id AND r.kind = v.kind"
).bindparams(
    bindparam("ids", type_=ARRAY(Uuid())),
    bindparam("kinds", type_=ARRAY(String())),
    bindparam("dues", type_=ARRAY(DateTime())),
    bindparam("claimers", type_=ARRAY(String())),
    bindparam("ats", type_=ARRAY(DateTime())),
    bindparam("leases", type_=ARRAY(DateTime())),
)
_DELETE = text(
    "DELETE FROM reminder_jobs AS r USING unnest(:ids, :kinds) AS v(user_id, kind) "
    "WHERE r.user_id = v.user_id AND r.kind = v.kind"
).bindparams(bindparam("ids", type_=ARRAY(Uuid())), bindparam("kinds", type_=ARRAY(String())))


def _claim_statement(limit: int) -> Any:
    return (
        select(
            ReminderJob.user_id,
            ReminderJob.kind,
            ReminderJob.chat_id,
            ReminderJob.due_at,
            ReminderJob.claimed_by,
        )
        .where(ReminderJob.kind.in_(SENT_KINDS))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )


async def _claimable(session: AsyncSession, moment: datetime, limit: int) -> list[Any]:
    """Jobs whose lease ran out (served by ``idx_reminder_jobs_lease_until``), then due
    jobs nobody holds (``idx_reminder_jobs_due_at``), oldest first, locked."""
    naive = naive_utc(moment)
    rows = list(
        await session.execute(
            _claim_statement(limit)
            .where(ReminderJob.lease_until <= naive)
            .order_by(ReminderJob.lease_until)
        )
    )
    if len(rows) < limit:
        rows += await session.execute(
            _claim_statement(limit - len(rows))
            .where(ReminderJob.lease_until.is_(None), ReminderJob.due_at <= naive)
            .order_by(ReminderJob.due_at)
        )
    return rows


async def claim_jobs(
    session: AsyncSession, now: datetime, limit: int, claimer: str, lease: timedelta = LEASE
) -> list[DueJob]:
    """Claim up to ``limit`` jobs for ``claimer`` (see the module notes); commit before
    sending, and ``finish_jobs`` each after sending it. Jobs with nothing to send (the
    user is gone, skipped today, opted out, has no chat) are finished here."""
    from db.reminders import _any, _linked_chats, _users, reminder_preferences

    moment = _aware(now)
    naive = naive_utc(moment)
    rows = await _claimable(session, moment, limit)
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
                    ReminderJob.due_at > naive,
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
    kept: list[tuple[uuid.UUID, str, datetime, bool]] = []  # user, kind, due_at, leased
    drop: list[tuple[uuid.UUID, str]] = []
    due: list[DueJob] = []
    for row in rows:
        user = users.get(row.user_id)
        preferences = reminder_preferences(user.preferences if user is not None else None)
        zone = usable_timezone(user.timezone if user is not None else None)
        send = user is not None
        next_due = row.due_at
        if row.kind == "snooze":
            send = send and row.user_id not in skipping
            linked = tuple(c for c in chats.get(row.user_id, {}) if c == row.chat_id)
        else:
            wanted = preferences.weekly_review if row.kind == "review" else preferences.streak_nudge
            if not wanted:
                drop.append((row.user_id, row.kind))
                continue
            # A job claimed again after its claimer died was moved on already, unless
            # its next time has come meanwhile too (then one message covers both).
            if row.due_at <= naive:
                if row.kind == "review":
                    nxt = next_review_at(
                        preferences.review_weekday, preferences.review_hour, zone, moment
                    )
                else:
                    nxt = next_nudge_at(zone, moment)
                next_due = naive_utc(nxt)
            if row.kind == "nudge":
                send = send and row.user_id not in skipping
            linked = tuple(chats.get(row.user_id, {}))
        if not (send and linked):
            if row.kind == "snooze":
                drop.append((row.user_id, row.kind))
            else:
                kept.append((row.user_id, row.kind, next_due, False))
            continue
        kept.append((row.user_id, row.kind, next_due, True))
        due.append(
            DueJob(
                user_id=row.user_id,
                kind=row.kind,
                timezone=zone,
                local_date=moment.astimezone(ZoneInfo(zone)).date(),
                first_name=user.first_name if user is not None else None,
                chats=linked,
                chat_languages=tuple(chats[row.user_id][c] for c in linked),
                theme=themes.get(row.user_id),
                claimed_by=claimer,
                claimed_at=naive,
            )
        )
    if drop:
        await session.execute(_DELETE, {"ids": [d[0] for d in drop], "kinds": [d[1] for d in drop]})
    if kept:
        await session.execute(
            _SET,
            {
                "ids": [k[0] for k in kept],
                "kinds": [k[1] for k in kept],
                "dues": [k[2] for k in kept],
                "claimers": [claimer if k[3] else None for k in kept],
                "ats": [naive if k[3] else None for k in kept],
                "leases": [naive_utc(moment + lease) if k[3] else None for k in kept],
            },
        )
    return due


_HELD = "FROM unnest(:ids, :kinds, :claimers, :ats) AS v(user_id, kind, claimed_by, claimed_at) "
_MATCH = (
    "r.user_id = v.user_id AND r.kind = v.kind "
    "AND r.claimed_by = v.claimed_by AND r.claimed_at = v.claimed_at"
)
_HELD_PARAMS = (
    bindparam("ids", type_=ARRAY(Uuid())),
    bindparam("kinds", type_=ARRAY(String())),
    bindparam("claimers", type_=ARRAY(String())),
    bindparam("ats", type_=ARRAY(DateTime())),
)
# One statement: snoozes deleted, reviews and nudges let go.
_FINISH = text(
    "WITH gone AS (DELETE FROM reminder_jobs AS r USING unnest(:ids, :kinds, :claimers, :ats) "
    f"AS v(user_id, kind, claimed_by, claimed_at) WHERE {_MATCH} AND r.kind = 'snooze' "
    "RETURNING 1) "
    "UPDATE reminder_jobs AS r SET claimed_by = NULL, claimed_at = NULL, lease_until = NULL "
    f"{_HELD}WHERE {_MATCH} AND r.kind <> 'snooze'"
).bindparams(*_HELD_PARAMS)
_RELEASE = text(
    f"UPDATE reminder_jobs AS r SET lease_until = coalesce(:until, r.claimed_at) {_HELD}"
    f"WHERE {_MATCH}"
).bindparams(bindparam("until", type_=DateTime()), *_HELD_PARAMS)


def _held(jobs: Sequence[DueJob]) -> dict[str, Any]:
    return {
        "ids": [j.user_id for j in jobs],
        "kinds": [j.kind for j in jobs],
        "claimers": [j.claimed_by for j in jobs],
        "ats": [j.claimed_at for j in jobs],
    }


async def finish_jobs(session: AsyncSession, jobs: Sequence[DueJob]) -> None:
    """After sending: a snooze is deleted, a review or nudge let go (it already points at
    its next time). A job no longer held by its claim (pressed again, turned off, or
    taken over after the lease ran out) is left alone."""
    if jobs:
        await session.execute(_FINISH, _held(jobs))


async def _lease(session: AsyncSession, jobs: Sequence[DueJob], until: datetime | None) -> int:
    if not jobs:
        return 0
    stamp = naive_utc(until) if until is not None else None
    result = await session.execute(_RELEASE, {"until": stamp, **_held(jobs)})
    return int(getattr(result, "rowcount", 0) or 0)


async def release_jobs(session: AsyncSession, jobs: Sequence[DueJob]) -> int:
    """Give back claimed jobs that were not sent (a graceful stop, an outage): their
    lease ends at once, so any dispatcher claims them again. Returns how many."""
    return await _lease(session, jobs, None)


async def renew_leases(session: AsyncSession, jobs: Sequence[DueJob], until: datetime) -> int:
    """Hold ``jobs`` until ``until`` (their claimer is still sending); returns how many
    this claim still holds."""
    return await _lease(session, jobs, until)


async def drop_snooze(session: AsyncSession, user_id: uuid.UUID) -> None:
    await _drop(session, user_id, "snooze")
