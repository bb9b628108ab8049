"""Dialog state and messages kept for later, in PostgreSQL so that a restart or another
bot process carries on where the user was."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.accounts import DIALOG_TTL
from db.errors import utc_now
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


async def keep_pending(
    s: AsyncSession, telegram_user_id: int, content: str, message_id: int | None = None
) -> int:
    """Keep something the user wrote while logged out; returns how many are waiting."""
    s.add(PendingMessage(telegram_user_id=telegram_user_id, content=content, message_id=message_id))
    await s.flush()
    count = await s.scalar(
        select(func.count()).where(PendingMessage.telegram_user_id == telegram_user_id)
    )
    return int(count or 0)


async def take_pending(s: AsyncSession, telegram_user_id: int) -> list[PendingMessage]:
    """Remove and return what was kept, oldest first."""
    rows = (
        await s.execute(
            delete(PendingMessage)
            .where(PendingMessage.telegram_user_id == telegram_user_id)
            .returning(PendingMessage)
        )
    ).scalars()
    return sorted(rows, key=lambda p: (p.created_at, p.message_id or 0))


async def lock_dialog(s: AsyncSession, telegram_user_id: int) -> DialogState | None:
    """Like ``get_dialog``, but the row stays locked until the transaction ends, so two
    presses of one button (or two bot processes) cannot both act on the same state."""
    await s.execute(
        select(DialogState.telegram_user_id)
        .where(DialogState.telegram_user_id == telegram_user_id)
        .with_for_update()
    )
    return await get_dialog(s, telegram_user_id)
