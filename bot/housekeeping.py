"""One periodic job that forgets what the bot keeps only for a while (db.cleanup)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from telegram.ext import Application, CallbackContext

from bot.services import get_services
from db import cleanup

logger = logging.getLogger(__name__)

CLEAN_UP_EVERY = timedelta(hours=1)
# Soon after start too, so a bot that restarts often still cleans up.
FIRST_CLEAN_UP_AFTER = timedelta(minutes=1)


async def clean_up(context: CallbackContext[Any, Any, Any, Any]) -> None:
    try:
        async with get_services(context).db.sessions.begin() as s:
            swept = await cleanup.sweep(s)
    except Exception:  # the next run tries again
        logger.exception("clean-up failed")
        return
    if swept is not None and swept.total:
        logger.info(
            "clean-up: %d expired dialogs, %d expired kept messages, %d old failed logins",
            swept.dialogs,
            swept.pending_messages,
            swept.login_attempts,
        )


def schedule(app: Application) -> None:  # type: ignore[type-arg]
    if app.job_queue is None:  # pragma: no cover - the job-queue extra is a dependency
        raise RuntimeError("python-telegram-bot[job-queue] is required")
    app.job_queue.run_repeating(
        clean_up, interval=CLEAN_UP_EVERY, first=FIRST_CLEAN_UP_AFTER, name="clean-up"
    )
