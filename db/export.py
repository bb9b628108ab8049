"""Taking your data with you (JSON and Markdown) and deleting all of it."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, false, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import utc_now
from core.i18n import _
from db import media
from db.entries import unlink_goals
from db.errors import NotFound
from db.goals import goal_state
from db.models import (
    BotUpdate,
    DialogState,
    Entry,
    Goal,
    Journal,
    LoginAttempt,
    Metric,
    PendingMessage,
    ReminderJob,
    ReminderSchedule,
    Session,
    TelegramAccount,
    User,
    UserInfo,
    UserSettings,
)

EXPORT_FORMAT_VERSION = 1


def _iso(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        # Stored naive UTC; the Z makes that explicit to whoever reads the file.
        return value.replace(tzinfo=None).isoformat() + "Z"
    return value.isoformat()


async def export_user_data(session: AsyncSession, user_id: uuid.UUID) -> dict[str, Any]:
    """Everything stored for the user, JSON-serialisable; never the password hash or tokens."""
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound(_("There is no account to export."))
    info = await session.scalar(select(UserInfo).where(UserInfo.user_id == user_id))
    settings = await session.scalar(
        select(UserSettings)
        .where(UserSettings.user_id == user_id)
        .order_by(UserSettings.created_at, UserSettings.id)
        .limit(1)
    )
    journals = (
        await session.scalars(
            select(Journal)
            .where(Journal.user_id == user_id)
            .order_by(Journal.created_at, Journal.id)
        )
    ).all()
    entries = (
        await session.scalars(
            select(Entry)
            .join(Journal, Journal.id == Entry.journal_id)
            .where(Journal.user_id == user_id)
            .order_by(Entry.created_at, Entry.id)
        )
    ).all()
    goals = (
        await session.scalars(
            select(Goal).where(Goal.user_id == user_id).order_by(Goal.created_at, Goal.id)
        )
    ).all()
    metrics = (
        await session.scalars(
            select(Metric).where(Metric.user_id == user_id).order_by(Metric.created_at, Metric.id)
        )
    ).all()
    accounts = (
        await session.scalars(
            select(TelegramAccount)
            .where(TelegramAccount.user_id == user_id)
            .order_by(TelegramAccount.created_at)
        )
    ).all()

    attached = await media.media_of_user(session, user_id)

    entries_by_journal: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for entry in entries:
        item: dict[str, Any] = {
            "id": str(entry.id),
            "content": entry.content,
            "created_at": _iso(entry.created_at),
            "updated_at": _iso(entry.updated_at),
        }
        if entry.id in attached:  # only entries with photos or voice notes have the key
            item["media"] = [media.describe(entry, m) for m in attached[entry.id]]
        entries_by_journal.setdefault(entry.journal_id, []).append(item)
    return {
        "format_version": EXPORT_FORMAT_VERSION,
        "exported_at": _iso(utc_now()),
        "user": {
            "id": str(user.id),
            "email": user.email,
            "created_at": _iso(user.created_at),
            "updated_at": _iso(user.updated_at),
        },
        "profile": None
        if info is None
        else {
            "first_name": info.first_name,
            "last_name": info.last_name,
            "bio": info.bio,
            "timezone": info.timezone,
            "growth_goals": info.growth_goals,
            "created_at": _iso(info.created_at),
            "updated_at": _iso(info.updated_at),
        },
        "settings": None
        if settings is None
        else {
            "notification_preferences": settings.notification_preferences,
            "theme_preferences": settings.theme_preferences,
            "privacy_settings": settings.privacy_settings,
            "ai_interaction_settings": settings.ai_interaction_settings,
            "created_at": _iso(settings.created_at),
            "updated_at": _iso(settings.updated_at),
        },
        "journals": [
            {
                "id": str(journal.id),
                "title": journal.title,
                "created_at": _iso(journal.created_at),
                "updated_at": _iso(journal.updated_at),
                "entries": entries_by_journal.get(journal.id, []),
            }
            for journal in journals
        ],
        "goals": [
            {
                "id": str(goal.id),
                "content": goal.content,
                "state": goal_state(goal).value,
                "source_type": goal.source_type,
                "journal_entry_id": str(goal.journal_entry_id) if goal.journal_entry_id else None,
                "related_metric_type": goal.related_metric_type,
                "target_date": _iso(goal.target_date),
                "suggested_at": _iso(goal.suggested_at),
                "accepted_at": _iso(goal.accepted_at),
                "completed_at": _iso(goal.completed_at),
                "deleted_at": _iso(goal.deleted_at),
                "created_at": _iso(goal.created_at),
                "updated_at": _iso(goal.updated_at),
            }
            for goal in goals
        ],
        "metrics": [
            {
                "id": str(metric.id),
                "type": metric.type,
                "value": metric.value,
                "notes": metric.notes,
                "created_at": _iso(metric.created_at),
            }
            for metric in metrics
        ],
        "telegram_accounts": [
            {
                "telegram_user_id": account.telegram_user_id,
                "first_name": account.first_name,
                "language_code": account.language_code,
                "created_at": _iso(account.created_at),
            }
            for account in accounts
        ],
    }


# --- deleting ---------------------------------------------------------------------


async def delete_user_data(session: AsyncSession, user_id: uuid.UUID) -> None:
    """Delete the user and everything they own, children before parents; others untouched.

    Their Telegram accounts stay (they are the Telegram user's, not the account's) but
    are unlinked, as if logged out; what those accounts had in progress goes: dialogs
    (a /write draft, a half-done form) and messages kept while their session had expired.
    So do failed logins and dialogs naming the email (someone half-way through logging
    in to it). Call it in one transaction: all of it goes, or none.
    """
    journal_ids = select(Journal.id).where(Journal.user_id == user_id)
    entry_ids = select(Entry.id).where(Entry.journal_id.in_(journal_ids))
    email = await session.scalar(select(User.email).where(User.id == user_id))
    linked = list(
        (
            await session.execute(
                select(TelegramAccount.telegram_user_id).where(TelegramAccount.user_id == user_id)
            )
        ).scalars()
    )
    names_email = (
        func.lower(DialogState.data["email"].astext) == email.lower() if email else false()
    )
    await session.execute(
        delete(DialogState).where(or_(DialogState.telegram_user_id.in_(linked), names_email))
    )
    await session.execute(
        delete(PendingMessage).where(
            or_(
                PendingMessage.telegram_user_id.in_(linked), PendingMessage.owner_user_id == user_id
            )
        )
    )
    # Updates set aside in the inbox keep their payload for a replay: the user's words.
    # (Handled ones keep none; pending ones are still to be handled, this one among them.)
    await session.execute(
        delete(BotUpdate).where(BotUpdate.chat_id.in_(linked), BotUpdate.state == "failed")
    )

    # Goals may point at the entries (only the user's own, unless the other app misbehaved).
    await unlink_goals(session, entry_ids)
    await session.execute(delete(Goal).where(Goal.user_id == user_id))
    await session.execute(
        update(TelegramAccount)
        .where(TelegramAccount.user_id == user_id)
        .values(user_id=None, session_id=None, active_journal_id=None, updated_at=utc_now())
        .execution_options(synchronize_session="fetch")
    )
    await media.delete_media_of_entries(session, entry_ids)
    await session.execute(delete(Entry).where(Entry.journal_id.in_(journal_ids)))  # + messages
    await session.execute(delete(Journal).where(Journal.user_id == user_id))
    await session.execute(delete(Metric).where(Metric.user_id == user_id))
    await session.execute(delete(ReminderSchedule).where(ReminderSchedule.user_id == user_id))
    await session.execute(delete(ReminderJob).where(ReminderJob.user_id == user_id))
    await session.execute(delete(UserSettings).where(UserSettings.user_id == user_id))
    await session.execute(delete(UserInfo).where(UserInfo.user_id == user_id))
    await session.execute(delete(Session).where(Session.user_id == user_id))
    if email is not None:
        # Failed logins name the email address: personal data too.
        await session.execute(
            delete(LoginAttempt).where(func.lower(LoginAttempt.email) == email.lower())
        )
    await session.execute(delete(User).where(User.id == user_id))
