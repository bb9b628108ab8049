"""Run the bot: polling by default, webhook mode when WEBHOOK_URL is set."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from telegram import Update
from telegram.ext import Application

from bot.app import build_application, publish_commands
from bot.config import Settings
from bot.reminders import ReminderDispatcher
from db.database import Database, open_database

logger = logging.getLogger(__name__)


async def start_updates(app: Application, settings: Settings) -> None:  # type: ignore[type-arg]
    """Start receiving updates on an initialized, started application."""
    assert app.updater is not None
    await publish_commands(app)
    if settings.webhook_url:
        await app.updater.start_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=settings.webhook_path,
            webhook_url=settings.webhook_url,
            secret_token=(
                settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
            ),
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        await app.updater.start_polling(allowed_updates=Update.ALL_TYPES)


@contextlib.asynccontextmanager
async def serving(
    app: Application,  # type: ignore[type-arg]
    settings: Settings,
    db: Database,
) -> AsyncIterator[None]:
    """The application receiving updates and sending reminders, stopped in order."""
    async with app:  # initialize() calls getMe: the one call that must succeed
        await app.start()
        await start_updates(app, settings)
        reminders = ReminderDispatcher(app.bot, db.sessions, settings)
        reminders.start()
        try:
            yield
        finally:
            await reminders.stop()
            assert app.updater is not None
            await app.updater.stop()
            await app.stop()
    # `async with app` does not run post_shutdown (run_polling would): features use
    # it to close clients, e.g. the suggestion LLM's HTTP client.
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
