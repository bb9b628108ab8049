"""Reminder schedules: one ``reminder_schedules`` row per user who wants reminders.

The row holds the next instant (naive UTC) a reminder is due. ``reschedule`` keeps it in
step with the user's notification preferences and time zone; ``claim_due`` hands due
reminders to a dispatcher.

Delivery is **at most once**. ``claim_due`` locks due rows (``FOR UPDATE SKIP LOCKED``, so
two dispatchers never claim the same row), advances each to its next due time and records
``last_sent_at`` in the caller's transaction; the caller commits *before* sending. A second
dispatcher therefore never sees a claimed reminder again, and a crash between the commit
and the send skips that one reminder (the user gets the next one) instead of sending it
twice. ``release`` gives back claimed reminders whose sending never started (a graceful
shutdown), so only a hard crash loses any. (Snoozes, nudges and reviews are leased
instead, see ``db.reminder_jobs``: a crash there may repeat one, never lose it.)

However many periods were missed while the bot was down, a user gets one reminder when it
comes back (``core.schedule.catch_up``), and the schedule resumes from then.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, Final, cast
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ARRAY,
    DateTime,
    Uuid,
    any_,
    bindparam,
    case,
    delete,
    func,
    select,
    text,
)
from sqlalchemy import (
    cast as sql_cast,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import naive_utc
from core.i18n import DEFAULT, negotiate
from core.review import DEFAULT_REVIEW_HOUR, DEFAULT_REVIEW_WEEKDAY
from core.schedule import Frequency, ReminderRule, catch_up, next_reminder
from core.vocab import VocabularyError
from db.models import (
    DEFAULT_NOTIFICATION_PREFERENCES,
    Goal,
    ReminderSchedule,
    Session,
    TelegramAccount,
    User,
    UserInfo,
    UserSettings,
)
from db.profile import usable_timezone
from db.reminder_jobs import drop_snooze, reschedule_jobs
from db.review import ReviewUser, written_days
from db.settings import update_setting, validate_setting

DEFAULT_REMINDER_TIME: Final = time(20, 0)
DEFAULT_REMINDER_WEEKDAY: Final = 0  # Monday
DEFAULT_REMINDER_DAY_OF_MONTH: Final = 1
# What one reminder shows at most (the text must fit one Telegram message).
MAX_OPEN_GOALS: Final = 8
MAX_OVERDUE_GOALS: Final = 5


# --- preferences --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReminderPreferences:
    push: bool
    email: bool
    rule: ReminderRule
    skip_if_written: bool = True
    streak_nudge: bool = False
    weekly_review: bool = False
    review_weekday: int = DEFAULT_REVIEW_WEEKDAY
    review_hour: int = DEFAULT_REVIEW_HOUR

    @property
    def wanted(self) -> bool:
        """Does the user want reminders at all (a schedule row exists only then)?"""
        return self.push or self.email


def _stored(document: Mapping[str, Any], key: str, default: object) -> object:
    """The stored value if it validates, else ``default``: the other app may store
    anything, and a reminder must never fail because of it."""
    if key not in document:
        return default
    try:
        return validate_setting("notification_preferences", key, document[key])
    except VocabularyError:
        return default


def reminder_preferences(document: object) -> ReminderPreferences:
    """Read ``user_settings.notification_preferences`` (any JSON) into a reminder rule."""
    doc: Mapping[str, Any] = document if isinstance(document, Mapping) else {}
    defaults = DEFAULT_NOTIFICATION_PREFERENCES
    at = _stored(doc, "reminderTime", None)
    hour, minute = (int(p) for p in at.split(":")) if isinstance(at, str) else (20, 0)
    frequency = _stored(doc, "reminderFrequency", defaults["reminderFrequency"])
    weekday = _stored(doc, "reminderWeekday", DEFAULT_REMINDER_WEEKDAY)
    day_of_month = _stored(doc, "reminderDayOfMonth", DEFAULT_REMINDER_DAY_OF_MONTH)
    assert isinstance(weekday, int) and isinstance(day_of_month, int)
    review_weekday = _stored(doc, "reviewWeekday", DEFAULT_REVIEW_WEEKDAY)
    review_hour = _stored(doc, "reviewHour", DEFAULT_REVIEW_HOUR)
    assert isinstance(review_weekday, int) and isinstance(review_hour, int)
    return ReminderPreferences(
        push=_stored(doc, "pushNotifications", defaults["pushNotifications"]) is True,
        email=_stored(doc, "emailNotifications", defaults["emailNotifications"]) is True,
        rule=ReminderRule(
            frequency=cast(Frequency, frequency),
            time_of_day=time(hour, minute),
            weekday=weekday,
            day_of_month=day_of_month,
        ),
        skip_if_written=_stored(doc, "skipIfWritten", True) is True,
        streak_nudge=_stored(doc, "streakNudge", False) is True,
        weekly_review=_stored(doc, "weeklyReview", False) is True,
        review_weekday=review_weekday,
        review_hour=review_hour,
    )


def _aware_utc(moment: datetime) -> datetime:
    """Naive input is taken as UTC (as the columns hold it)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


async def _users(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Any]:
    """Email, profile and notification preferences of many users in one query."""
    # One pass over user_settings for the whole batch (its user_id has no index in the
    # shared schema, so a per-user lookup would scan the table once per user).
    ranked = (
        select(
            UserSettings.user_id,
            UserSettings.notification_preferences,
            func.row_number()
            .over(
                partition_by=UserSettings.user_id,
                order_by=(UserSettings.created_at, UserSettings.id),
            )
            .label("rank"),
        )
        .where(UserSettings.user_id == _any(ids))
        .subquery()
    )
    first_settings = select(ranked).where(ranked.c.rank == 1).subquery()
    rows = await session.execute(
        select(
            User.id,
            User.email,
            UserInfo.timezone,
            UserInfo.first_name,
            first_settings.c.notification_preferences.label("preferences"),
        )
        .outerjoin(UserInfo, UserInfo.user_id == User.id)
        .outerjoin(first_settings, first_settings.c.user_id == User.id)
        .where(User.id == _any(ids))
    )
    return {row.id: row for row in rows}


def _any(ids: Sequence[uuid.UUID]) -> Any:
    """``= ANY(array)``: one parameter, one prepared statement, whatever the batch size."""
    return any_(sql_cast(list(ids), ARRAY(Uuid())))


def _first_settings_document() -> Any:
    # user_id is not unique in the shared schema; the oldest row is the one both apps use.
    return (
        select(UserSettings.notification_preferences)
        .where(UserSettings.user_id == User.id)
        .order_by(UserSettings.created_at, UserSettings.id)
        .limit(1)
        .correlate(User)
        .scalar_subquery()
    )


# --- keeping the schedule in step ----------------------------------------------------


async def reschedule(
    session: AsyncSession, user_id: uuid.UUID, *, now: datetime | None = None
) -> None:
    """Bring the user's schedule row in line with their preferences and time zone.

    Call it after every change of notification preferences or time zone (and whenever
    else in doubt: it is idempotent). With push or email reminders on, the row's
    ``next_at`` becomes the next due time after ``now``; with both off the row goes.
    A reminder already due but not yet claimed stays due, so a change made while the
    dispatcher is busy never swallows the reminder in flight.
    """
    moment = _aware_utc(now) if now is not None else datetime.now(UTC)
    row = (
        await session.execute(
            select(_first_settings_document(), UserInfo.timezone)
            .select_from(User)
            .outerjoin(UserInfo, UserInfo.user_id == User.id)
            .where(User.id == user_id)
        )
    ).first()
    preferences = reminder_preferences(row[0] if row is not None else None)
    if row is not None:
        await reschedule_jobs(session, user_id, preferences, usable_timezone(row[1]), moment)
    if row is None or not preferences.wanted:
        await session.execute(delete(ReminderSchedule).where(ReminderSchedule.user_id == user_id))
        return
    due = next_reminder(preferences.rule, usable_timezone(row[1]), moment)
    naive_now = naive_utc(moment)
    upsert = insert(ReminderSchedule).values(
        user_id=user_id, next_at=naive_utc(due), updated_at=naive_now
    )
    await session.execute(
        upsert.on_conflict_do_update(
            index_elements=[ReminderSchedule.user_id],
            set_={
                "next_at": case(
                    (ReminderSchedule.next_at <= naive_now, ReminderSchedule.next_at),
                    else_=upsert.excluded.next_at,
                ),
                "updated_at": upsert.excluded.updated_at,
            },
        )
    )


async def disable_push(session: AsyncSession, user_id: uuid.UUID) -> None:
    """The user blocked the bot: turn off everything pushed to Telegram (daily reminders,
    the streak nudge, the weekly review; a snooze is dropped), whichever of them met the
    403. Other keys are kept and email reminders, if on, go on."""
    document: Final = "notification_preferences"
    stored = await update_setting(session, user_id, document, "pushNotifications", False)
    for key in ("streakNudge", "weeklyReview"):
        if stored.notification_preferences.get(key) is True:
            stored = await update_setting(session, user_id, document, key, False)
    await drop_snooze(session, user_id)
    await reschedule(session, user_id)


# --- claiming -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReminderGoal:
    content: str
    target_date: date | None
    accepted: bool  # False: an AI suggestion still waiting for an answer


@dataclass(frozen=True, slots=True)
class DueReminder:
    """One claimed reminder: everything needed to send it, nothing tied to a session."""

    user_id: uuid.UUID
    due_at: datetime  # aware UTC: the (oldest missed) due time that was claimed
    next_at: datetime  # aware UTC: where the schedule now points
    previous_last_sent_at: datetime | None  # naive UTC, for ``release``
    timezone: str
    local_date: date  # the user's date when claimed: the prompt's day, the overdue cut-off
    chats: tuple[int, ...]  # Telegram chats to send to (empty when push is off)
    email: str | None  # the address to email (None when email is off)
    first_name: str | None
    open_goals: tuple[ReminderGoal, ...]  # oldest first, at most MAX_OPEN_GOALS
    open_goal_count: int  # all open goals, shown or not
    overdue_goals: tuple[ReminderGoal, ...]  # accepted, target date before local_date
    # The user already wrote today and asked not to be reminded then: nothing is sent.
    wrote_today: bool = False
    # The language of each of ``chats`` (same order; missing: English), and the email's.
    chat_languages: tuple[str, ...] = ()
    language: str = DEFAULT

    def chat_language(self, index: int) -> str:
        """The language to speak in ``chats[index]``."""
        return self.chat_languages[index] if index < len(self.chat_languages) else DEFAULT

    @property
    def prompt_key(self) -> str:
        """``pick_prompt(prompt_key, local_date)`` gives this reminder's prompt."""
        return str(self.user_id)


_CLAIM_UPDATE = text(
    "UPDATE reminder_schedules AS r "
    "SET next_at = v.next_at, last_sent_at = :now, updated_at = :now "
    "FROM unnest(:ids, :nexts) AS v(user_id, next_at) "
    "WHERE r.user_id = v.user_id"
).bindparams(
    bindparam("ids", type_=ARRAY(Uuid())),
    bindparam("nexts", type_=ARRAY(DateTime())),
    bindparam("now", type_=DateTime()),
)


def claim_statement(now: datetime, limit: int) -> Any:
    """The due rows, oldest first, locked; rows another dispatcher holds are skipped.
    Served by ``idx_reminder_schedules_next_at``."""
    return (
        select(ReminderSchedule.user_id, ReminderSchedule.next_at, ReminderSchedule.last_sent_at)
        .where(ReminderSchedule.next_at <= naive_utc(now))
        .order_by(ReminderSchedule.next_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )


async def claim_due(session: AsyncSession, now: datetime, limit: int) -> list[DueReminder]:
    """Claim up to ``limit`` reminders due at ``now`` and advance their schedules.

    Commit the transaction before sending (see the module notes: at most once). Rows of
    users who no longer want reminders (preferences changed by the other app) are
    deleted rather than returned. However far in the past ``next_at`` lies, the user gets
    one reminder and ``next_at`` moves past ``now``.
    """
    moment = _aware_utc(now)
    while True:
        claimed = (await session.execute(claim_statement(moment, limit))).all()
        if not claimed:
            return []
        users = await _users(session, [row.user_id for row in claimed])
        plans: list[tuple[Any, ReminderPreferences, str, datetime]] = []
        gone: list[uuid.UUID] = []
        for row in claimed:
            user = users.get(row.user_id)
            preferences = reminder_preferences(user.preferences if user is not None else None)
            if user is None or not preferences.wanted:
                gone.append(row.user_id)
                continue
            zone = usable_timezone(user.timezone)
            _, next_due = catch_up(preferences.rule, zone, _aware_utc(row.next_at), moment)
            plans.append((row, preferences, zone, next_due))
        if gone:
            await session.execute(
                delete(ReminderSchedule).where(ReminderSchedule.user_id == _any(gone))
            )
        if plans:
            break
        if len(claimed) < limit:
            return []  # nothing else is due

    naive_now = naive_utc(moment)
    await session.execute(
        _CLAIM_UPDATE,
        {
            "ids": [row.user_id for row, *_ in plans],
            "nexts": [naive_utc(next_due) for *_, next_due in plans],
            "now": naive_now,
        },
    )

    local_dates = {
        row.user_id: moment.astimezone(ZoneInfo(zone)).date() for row, _, zone, _ in plans
    }
    chats = await _linked_chats(session, [row.user_id for row, p, *_ in plans if p.push])
    open_goals, open_counts = await _open_goals(session, list(local_dates))
    overdue = await _overdue_goals(session, local_dates)
    careful = [
        ReviewUser(row.user_id, zone, local_dates[row.user_id], None)
        for row, p, zone, _ in plans
        if p.skip_if_written
    ]
    wrote = await written_days(session, careful, 0)
    mailed = await _email_languages(
        session, [row.user_id for row, p, *_ in plans if p.email and users[row.user_id].email]
    )
    due: list[DueReminder] = []
    for row, preferences, zone, next_due in plans:
        user = users[row.user_id]
        linked = chats.get(row.user_id, {})
        due.append(
            DueReminder(
                user_id=row.user_id,
                due_at=_aware_utc(row.next_at),
                next_at=next_due,
                previous_last_sent_at=row.last_sent_at,
                timezone=zone,
                local_date=local_dates[row.user_id],
                chats=tuple(linked),
                chat_languages=tuple(linked.values()),
                language=mailed.get(row.user_id, DEFAULT),
                email=user.email if preferences.email and user.email else None,
                first_name=user.first_name,
                open_goals=tuple(open_goals.get(row.user_id, ())),
                open_goal_count=open_counts.get(row.user_id, 0),
                overdue_goals=tuple(overdue.get(row.user_id, ())),
                wrote_today=local_dates[row.user_id] in wrote.get(row.user_id, ()),
            )
        )
    return due


_RELEASE = text(
    "UPDATE reminder_schedules AS r "
    "SET next_at = v.due_at, last_sent_at = v.last_sent_at, updated_at = now() "
    "FROM unnest(:ids, :nexts, :dues, :lasts) AS v(user_id, next_at, due_at, last_sent_at) "
    "WHERE r.user_id = v.user_id AND r.next_at = v.next_at"
).bindparams(
    bindparam("ids", type_=ARRAY(Uuid())),
    bindparam("nexts", type_=ARRAY(DateTime())),
    bindparam("dues", type_=ARRAY(DateTime())),
    bindparam("lasts", type_=ARRAY(DateTime())),
)


async def release(session: AsyncSession, reminders: Iterable[DueReminder]) -> int:
    """Give back claimed reminders that were never sent (sending never started for
    them): each row returns to its old due time, unless the schedule changed since.
    Returns how many rows were given back."""
    given = list(reminders)
    if not given:
        return 0
    result = await session.execute(
        _RELEASE,
        {
            "ids": [r.user_id for r in given],
            "nexts": [naive_utc(r.next_at) for r in given],
            "dues": [naive_utc(r.due_at) for r in given],
            "lasts": [r.previous_last_sent_at for r in given],
        },
    )
    return int(getattr(result, "rowcount", 0) or 0)


# --- what a reminder shows (batched: one query per kind for the whole batch) ---------


async def _linked_chats(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, dict[int, str]]:
    """``db.accounts.linked_chats`` for many users at once: chats of Telegram accounts
    logged in with a session that has not expired, each with the language to speak there
    (the account's /language choice, else its Telegram ``language_code``)."""
    if not ids:
        return {}
    rows = await session.execute(
        select(
            TelegramAccount.user_id,
            TelegramAccount.chat_id,
            TelegramAccount.language,
            TelegramAccount.language_code,
        )
        .join(Session, Session.id == TelegramAccount.session_id)
        .where(
            TelegramAccount.user_id == _any(ids),
            Session.expires_at > naive_utc(datetime.now(UTC)),
            # A private chat's id is the user's: never a group's.
            TelegramAccount.chat_id == TelegramAccount.telegram_user_id,
        )
        .order_by(TelegramAccount.user_id, TelegramAccount.created_at, TelegramAccount.chat_id)
    )
    chats: dict[uuid.UUID, dict[int, str]] = {}
    for user_id, chat_id, chosen, code in rows:
        assert user_id is not None
        chats.setdefault(user_id, {}).setdefault(chat_id, negotiate(chosen or code))
    return chats


async def _email_languages(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The language of each user's most recently used Telegram account (logged in or
    not): what their reminder email speaks. Users without one are left out (English)."""
    if not ids:
        return {}
    rows = await session.execute(
        select(TelegramAccount.user_id, TelegramAccount.language, TelegramAccount.language_code)
        .where(TelegramAccount.user_id == _any(ids))
        # Oldest first: the most recently used account is written last and wins.
        .order_by(TelegramAccount.updated_at, TelegramAccount.telegram_user_id)
    )
    languages: dict[uuid.UUID, str] = {}
    for user_id, chosen, code in rows:
        if user_id is not None:
            languages[user_id] = negotiate(chosen or code)
    return languages


# ``db.goals.list_open_goals`` / ``overdue_goals`` semantics, for a whole batch.
_OPEN = (Goal.completed_at.is_(None), Goal.deleted_at.is_(None))


async def _open_goals(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> tuple[dict[uuid.UUID, list[ReminderGoal]], dict[uuid.UUID, int]]:
    if not ids:
        return {}, {}
    ranked = (
        select(
            Goal.user_id,
            Goal.content,
            Goal.target_date,
            Goal.accepted_at.is_not(None).label("accepted"),
            func.row_number()
            .over(partition_by=Goal.user_id, order_by=(Goal.created_at, Goal.id))
            .label("rank"),
            func.count().over(partition_by=Goal.user_id).label("total"),
        )
        .where(Goal.user_id == _any(ids), *_OPEN)
        .subquery()
    )
    rows = await session.execute(
        select(ranked).where(ranked.c.rank <= MAX_OPEN_GOALS).order_by(ranked.c.user_id, "rank")
    )
    goals: dict[uuid.UUID, list[ReminderGoal]] = {}
    counts: dict[uuid.UUID, int] = {}
    for row in rows:
        goals.setdefault(row.user_id, []).append(
            ReminderGoal(row.content, row.target_date, bool(row.accepted))
        )
        counts[row.user_id] = row.total
    return goals, counts


async def _overdue_goals(
    session: AsyncSession, local_dates: Mapping[uuid.UUID, date]
) -> dict[uuid.UUID, list[ReminderGoal]]:
    """Accepted open goals whose target date is before the user's local date."""
    if not local_dates:
        return {}
    # One cut-off for the query (the latest local date of the batch); each user's own
    # date filters after. Earliest target dates rank first, so every goal the filter
    # drops ranks behind all that it keeps.
    latest = max(local_dates.values())
    ranked = (
        select(
            Goal.user_id,
            Goal.content,
            Goal.target_date,
            func.row_number()
            .over(partition_by=Goal.user_id, order_by=(Goal.target_date, Goal.created_at, Goal.id))
            .label("rank"),
        )
        .where(
            Goal.user_id == _any(list(local_dates)),
            *_OPEN,
            Goal.accepted_at.is_not(None),
            Goal.target_date < latest,
        )
        .subquery()
    )
    rows = await session.execute(
        select(ranked).where(ranked.c.rank <= MAX_OVERDUE_GOALS).order_by(ranked.c.user_id, "rank")
    )
    overdue: dict[uuid.UUID, list[ReminderGoal]] = {}
    for row in rows:
        found = overdue.setdefault(row.user_id, [])
        if row.target_date < local_dates[row.user_id] and len(found) < MAX_OVERDUE_GOALS:
            found.append(ReminderGoal(row.content, row.target_date, True))
    return overdue
