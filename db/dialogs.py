"""Dialog state and messages kept for later, in PostgreSQL so that a restart or another
bot process carries on where the user was."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import naive_utc, utc_now
from db.accounts import DIALOG_TTL, last_user
from db.models import DialogState, PendingMessage


async def get_dialog(s: AsyncSession, telegram_user_id: int) -> DialogState | None:
    state = await s.get(DialogState, telegram_user_id, populate_existing=True)
    if state is not None and state.updated_at < utc_now() - DIALOG_TTL:
        await clear_dialog(s, telegram_user_id)
        return None
    return state


async def set_dialog(
    s: AsyncSession, telegram_user_id: int, name: str, step: str, data: dict[str, Any] | None = None
) -> None:
    values = {"name": name, "step": step, "data": data or {}, "updated_at": func.now()}
    await s.execute(
        insert(DialogState)
        .values(telegram_user_id=telegram_user_id, **values)
        .on_conflict_do_update(index_elements=[DialogState.telegram_user_id], set_=values)
    )


async def clear_dialog(s: AsyncSession, telegram_user_id: int) -> bool:
    result = await s.execute(
        delete(DialogState)
        .where(DialogState.telegram_user_id == telegram_user_id)
        .returning(DialogState.name)
    )
    return result.first() is not None


# What a Telegram account that is not logged in may leave with the bot: anyone can
# write to it, so kept messages are bounded in number, size and age.
MAX_PENDING_MESSAGES = 20
MAX_PENDING_CHARS = 20_000
PENDING_TTL = timedelta(days=7)


class PendingFull(Exception):
    """Keeping this message would pass MAX_PENDING_MESSAGES or MAX_PENDING_CHARS."""


async def keep_pending(
    s: AsyncSession,
    telegram_user_id: int,
    content: str,
    message_id: int | None = None,
    *,
    written_at: datetime | None = None,
) -> int:
    """Keep something the user wrote while logged out (``written_at``: the message's
    date), for the user last logged in on this account; returns how many are waiting.
    A repeat of the same message keeps it once.

    Raises PendingFull (keeping nothing) when the account's allowance is used up."""
    # Serialises two messages of one account, so both cannot slip under the cap.
    await s.execute(
        select(func.pg_advisory_xact_lock(func.hashtextextended(f"pending:{telegram_user_id}", 0)))
    )
    fresh = and_(
        PendingMessage.telegram_user_id == telegram_user_id,
        PendingMessage.created_at > utc_now() - PENDING_TTL,
    )
    count, chars = (
        await s.execute(
            select(func.count(), func.coalesce(func.sum(func.length(PendingMessage.content)), 0))
            .select_from(PendingMessage)
            .where(fresh)
        )
    ).one()
    if message_id is not None and await s.scalar(
        select(PendingMessage.id).where(fresh, PendingMessage.message_id == message_id).limit(1)
    ):
        return int(count)  # Telegram delivered it twice
    if count + 1 > MAX_PENDING_MESSAGES or chars + len(content) > MAX_PENDING_CHARS:
        raise PendingFull(telegram_user_id)
    moment = naive_utc(written_at) if written_at is not None else utc_now()
    s.add(
        PendingMessage(
            telegram_user_id=telegram_user_id,
            content=content,
            message_id=message_id,
            created_at=min(moment, utc_now()),
            owner_user_id=await last_user(s, telegram_user_id),
        )
    )
    await s.flush()
    return int(count) + 1


async def take_pending(
    s: AsyncSession, telegram_user_id: int, *, owner: uuid.UUID | None = None
) -> list[PendingMessage]:
    """Remove what was kept and return what has not expired, oldest first: all of it,
    or with ``owner`` only what was kept for that user."""
    condition = PendingMessage.telegram_user_id == telegram_user_id
    if owner is not None:
        condition = and_(condition, PendingMessage.owner_user_id == owner)
    rows = (
        await s.execute(delete(PendingMessage).where(condition).returning(PendingMessage))
    ).scalars()
    cutoff = utc_now() - PENDING_TTL
    fresh = [p for p in rows if p.created_at > cutoff]
    return sorted(fresh, key=lambda p: (p.created_at, p.message_id or 0))


async def count_pending(s: AsyncSession, telegram_user_id: int) -> int:
    """How many kept messages (not expired) wait for this Telegram account."""
    return int(
        await s.scalar(
            select(func.count())
            .select_from(PendingMessage)
            .where(
                PendingMessage.telegram_user_id == telegram_user_id,
                PendingMessage.created_at > utc_now() - PENDING_TTL,
            )
        )
        or 0
    )


async def lock_dialog(s: AsyncSession, telegram_user_id: int) -> DialogState | None:
    """Like ``get_dialog``, but the row stays locked until the transaction ends, so two
    presses of one button (or two bot processes) cannot both act on the same state."""
    await s.execute(
        select(DialogState.telegram_user_id)
        .where(DialogState.telegram_user_id == telegram_user_id)
        .with_for_update()
    )
    return await get_dialog(s, telegram_user_id)
