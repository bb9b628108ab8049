"""Which inbox update the current task is handling (set by bot/inbox.py's workers).

Its own module so the error handler can read it without importing the workers."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass
class Attempt:
    """The update a worker is handling; the error handler records what went wrong,
    since python-telegram-bot hands a handler's exception to it, not to the caller."""

    update_id: int
    errors: list[BaseException] = field(default_factory=list)


CURRENT: ContextVar[Attempt | None] = ContextVar("inbox_attempt", default=None)
