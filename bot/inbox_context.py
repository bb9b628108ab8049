"""Which inbox update the current task is handling (set by bot/inbox.py's workers).

Its own module so the error handler can read it without importing the workers."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from db import inbox


@dataclass
class Attempt:
    """The update a worker is handling; the error handler records what went wrong,
    since python-telegram-bot hands a handler's exception to it, not to the caller."""

    bot_id: int
    update_id: int
    errors: list[BaseException] = field(default_factory=list)
    # Marked done by a handler's own committed statement: the worker need not.
    done: bool = False


CURRENT: ContextVar[Attempt | None] = ContextVar("inbox_attempt", default=None)


async def mark_current_done(session: AsyncSession) -> None:
    """Mark the update being handled done inside the handler's own transaction: once the
    handler's writes commit, a crash or a retry can no longer make them happen twice.
    For writes that are not idempotent by themselves (a new goal, journal, check-in)."""
    attempt = CURRENT.get()
    if attempt is None:
        return
    conn = await session.connection()
    raw = await conn.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None
    await inbox.mark_done(driver, attempt.bot_id, [attempt.update_id])


def update_to_finish() -> tuple[int, int] | None:
    """(bot id, update id) of the update being handled, for a handler whose last write
    is one statement that can mark it done too (``db.entry_save``); then call
    ``finished_by_handler``."""
    attempt = CURRENT.get()
    return None if attempt is None else (attempt.bot_id, attempt.update_id)


def finished_by_handler() -> None:
    attempt = CURRENT.get()
    if attempt is not None:
        attempt.done = True
