"""Slowing down password guessing and address probing without letting anyone lock
the owner out (docs/security-accounts.md).

Failed logins and sign-up attempts are rows of ``login_attempts``. Two counters read
them over a sliding window, each giving a delay that doubles with every row past a few
free ones, up to a cap (a wait, never a lock):

- per Telegram account: all its rows, whatever address they name (guessing from one
  account, or probing many addresses, stays slow);
- per address: failed logins against it from any Telegram account (guessing from many
  accounts stays slow). Telegram accounts that have logged in to that user before are
  not held back by it, so strangers cannot keep the owner out.

A successful login forgets only the failures of that Telegram account against that
address: nobody can clear a counter that names someone else.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import utc_now
from db.accounts import normalize_email
from db.models import KnownLogin, LoginAttempt, User

LOGIN = "login"
REGISTER = "register"

WINDOW = timedelta(hours=24)
FREE_ATTEMPTS = 4
FIRST_DELAY = timedelta(minutes=1)
# An account only ever delays itself, so its cap is long; an address's cap also
# holds back its owner on a Telegram account never used before, so it is shorter.
ACCOUNT_CAP = timedelta(hours=1)
ADDRESS_CAP = timedelta(minutes=15)


def delay_after(attempts: int, cap: timedelta) -> timedelta:
    """Wait required after the latest of ``attempts`` counted rows."""
    if attempts <= FREE_ATTEMPTS:
        return timedelta(0)
    doublings = min(attempts - FREE_ATTEMPTS - 1, 20)
    return min(cap, FIRST_DELAY * (1 << doublings))


def wait_left(
    attempts: int, latest: datetime | None, cap: timedelta, now: datetime
) -> timedelta | None:
    """How long until the next attempt is allowed, given the counted rows."""
    if not attempts or latest is None:
        return None
    left = latest + delay_after(attempts, cap) - now
    return left if left > timedelta(0) else None


async def _wait(s: AsyncSession, cap: timedelta, *where: ColumnElement[bool]) -> timedelta | None:
    now = utc_now()
    counted = select(func.count(), func.max(LoginAttempt.created_at)).where(
        LoginAttempt.created_at > now - WINDOW, *where
    )
    attempts, latest = (await s.execute(counted)).one()
    return wait_left(attempts, latest, cap, now)


async def _is_known(s: AsyncSession, telegram_user_id: int, email: str) -> bool:
    """Has this Telegram account logged in to a user with this address before?"""
    known = await s.scalar(
        select(KnownLogin.user_id)
        .join(User, User.id == KnownLogin.user_id)
        .where(
            KnownLogin.telegram_user_id == telegram_user_id,
            func.lower(User.email) == func.lower(email.strip()),
        )
        .limit(1)
    )
    return known is not None


def _longest(*waits: timedelta | None) -> timedelta | None:
    present = [w for w in waits if w is not None]
    return max(present) if present else None


async def account_wait(s: AsyncSession, telegram_user_id: int) -> timedelta | None:
    """The Telegram account's own delay: every failed login and sign-up attempt."""
    return await _wait(s, ACCOUNT_CAP, LoginAttempt.telegram_user_id == telegram_user_id)


async def login_wait(s: AsyncSession, telegram_user_id: int, email: str) -> timedelta | None:
    """How long this Telegram account must wait before trying a password for ``email``."""
    own = await account_wait(s, telegram_user_id)
    if await _is_known(s, telegram_user_id, email):
        return own
    against = await _wait(
        s, ADDRESS_CAP, LoginAttempt.email == normalize_email(email), LoginAttempt.kind == LOGIN
    )
    return _longest(own, against)


async def record_attempt(
    s: AsyncSession, telegram_user_id: int, email: str, kind: str = LOGIN
) -> None:
    """A failed login (``LOGIN``) or an address tried in the sign-up dialog (``REGISTER``)."""
    s.add(LoginAttempt(telegram_user_id=telegram_user_id, email=normalize_email(email), kind=kind))
    await s.flush()


async def logged_in(s: AsyncSession, telegram_user_id: int, email: str, user_id: uuid.UUID) -> None:
    """After a right password or a sign-up: forget this account's own failed logins
    against this address (only those: sign-up attempts stay counted) and remember the
    account as one the user logs in from."""
    await s.execute(
        delete(LoginAttempt).where(
            and_(
                LoginAttempt.telegram_user_id == telegram_user_id,
                LoginAttempt.email == normalize_email(email),
                LoginAttempt.kind == LOGIN,
            )
        )
    )
    now = utc_now()
    await s.execute(
        insert(KnownLogin)
        .values(telegram_user_id=telegram_user_id, user_id=user_id, last_login_at=now)
        .on_conflict_do_update(
            index_elements=[KnownLogin.telegram_user_id, KnownLogin.user_id],
            set_={"last_login_at": now},
        )
    )
