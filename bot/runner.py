"""Run the bot: polling by default, webhook mode when WEBHOOK_URL is set; updates go
through the durable inbox (bot/intake.py, bot/inbox.py)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from telegram.ext import Application

from bot.app import build_application, publish_commands
from bot.config import Settings
from bot.inbox import Inbox, running_inbox
from bot.intake import make_intake
from bot.reminders import ReminderDispatcher
from db.database import Database, open_database

logger = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def serving(
    app: Application,  # type: ignore[type-arg]
    settings: Settings,
    db: Database,
    *,
    reminders: bool = True,
) -> AsyncIterator[Inbox]:
    """The application receiving updates into the inbox, handling them from there and
    sending reminders; stopped in order: intake first, then the work in hand."""
    async with app:  # initialize() calls getMe: the one call that must succeed
        await app.start()
        try:
            await publish_commands(app)
            async with running_inbox(app, settings, db) as workers:
                intake = make_intake(app, settings, db, workers)
                await intake.start()
                sender = ReminderDispatcher(app.bot, db.sessions, settings) if reminders else None
                if sender is not None:
                    sender.start()
                try:
                    yield workers
                finally:
                    if sender is not None:
                        await sender.stop()
                    await intake.stop()
        finally:
            await app.stop()
    # `async with app` does not run post_shutdown (run_polling would): it closes what
    # Services holds (bot.app), e.g. the suggestion LLM's HTTP client.
    if app.post_shutdown is not None:
        await app.post_shutdown(app)


def serving_line(username: str, settings: Settings) -> str:
    """The start-up line saying how updates arrive."""
    if settings.webhook_url:
        return (
            f"serving as @{username} via webhook {settings.webhook_url} "
            f"(listening on {settings.webhook_listen}:{settings.webhook_port})"
        )
    return f"serving as @{username} (polling for updates)"


async def run_bot(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Migrate, then run until ``stop`` is set or the task is cancelled (``bot.cli`` cancels
    it on SIGINT/SIGTERM, so a signal also ends a start-up that is still under way)."""
    stop = stop or asyncio.Event()
    db = await open_database(settings.database_url, embedded_dir=settings.embedded_pg_dir)
    try:
        app = build_application(settings, db)
        async with serving(app, settings, db):
            logger.info("%s; Ctrl+C stops", serving_line(app.bot.username, settings))
            await stop.wait()
    finally:
        await db.close()
