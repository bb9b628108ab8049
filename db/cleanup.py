"""The periodic clean-up: what the bot keeps about people only for a while."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import naive_utc, utc_now
from db.accounts import DIALOG_TTL
from db.dialogs import PENDING_TTL
from db.models import DialogState, LoginAttempt, PendingMessage

# Longer than any window login throttling looks back over (db.accounts).
LOGIN_ATTEMPTS_KEPT = timedelta(days=1)
# Any constant shared by every bot process: one of them sweeps at a time.
_SWEEP_LOCK = 0x6A6F75726E616C  # "journal"


@dataclass(frozen=True)
class Swept:
    dialogs: int
    pending_messages: int
    login_attempts: int

    @property
    def total(self) -> int:
        return self.dialogs + self.pending_messages + self.login_attempts


async def sweep(s: AsyncSession, now: datetime | None = None) -> Swept | None:
    """Delete expired dialogs (with the email and password hash a half-done registration
    holds), expired kept messages and old failed logins. None when another process is
    sweeping right now."""
    if not await s.scalar(select(func.pg_try_advisory_xact_lock(_SWEEP_LOCK))):
        return None
    at = naive_utc(now) if now is not None else utc_now()
    dialogs = await s.execute(
        delete(DialogState)
        .where(DialogState.updated_at < at - DIALOG_TTL)
        .returning(DialogState.telegram_user_id)
    )
    pending = await s.execute(
        delete(PendingMessage)
        .where(PendingMessage.created_at < at - PENDING_TTL)
        .returning(PendingMessage.id)
    )
    attempts = await s.execute(
        delete(LoginAttempt)
        .where(LoginAttempt.created_at < at - LOGIN_ATTEMPTS_KEPT)
        .returning(LoginAttempt.id)
    )
    return Swept(len(dialogs.all()), len(pending.all()), len(attempts.all()))
