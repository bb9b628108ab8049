"""Receive updates into the inbox: committed to PostgreSQL before Telegram is told.

Webhook: our own small aiohttp server. A request without the right
``X-Telegram-Bot-Api-Secret-Token`` gets 403 and is never stored; a stored one gets 200
only after its INSERT committed (concurrent requests share one INSERT), so Telegram
re-sends whatever the bot did not durably take. Polling: the next ``getUpdates`` (which
confirms the previous batch to Telegram) is asked only after the batch is committed.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hmac
import json
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.error import InvalidToken, RetryAfter, TelegramError
from telegram.ext import Application

from bot.config import Settings
from bot.errors import is_database_outage
from bot.inbox import Inbox, chat_of
from db import inbox
from db.batching import Batcher
from db.database import Database
from db.prepared import Driver, driver_connection

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
POLL_TIMEOUT = 10
RECEIVER_RETRY_SECONDS = 2.0
STORE_BACKOFF_MAX = 5.0
OUTAGE_NOTICE_EVERY = 60.0
OUTAGE_TEXT = (
    "I can't reach the journal database right now, so your message isn't saved yet. "
    "I'll keep it and save it as soon as the database is back."
)


class Intake:
    """Stores updates in one INSERT per burst and wakes the workers."""

    def __init__(self, app: Application, settings: Settings, db: Database, workers: Inbox) -> None:  # type: ignore[type-arg]
        self.app = app
        self.settings = settings
        self.db = db
        self.workers = workers
        self._store = Batcher(self._store_batch, max_size=200, max_wait=0.002)
        # Chats told about the outage, and when: once a minute at most, not per message.
        self._told: dict[int, float] = {}

    async def _store_batch(self, items: list[inbox.NewUpdate]) -> list[bool]:
        unique = {item.update_id: item for item in items}  # one statement, one row per id
        async with driver_connection(self.db.engine) as driver:
            new = await inbox.store(driver, self.app.bot.id, list(unique.values()))
        self.workers.wake(new)
        return [item.update_id in new for item in items]

    async def store(self, payload: dict[str, Any]) -> bool:
        """Commit one update; True if it was new. Raises when the database fails."""
        return await self._store.submit(
            inbox.NewUpdate(int(payload["update_id"]), chat_of(payload), payload)
        )

    async def store_many(self, payloads: list[dict[str, Any]]) -> None:
        results = await asyncio.gather(*(self.store(p) for p in payloads), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result

    async def tell_outage(self, payloads: list[dict[str, Any]]) -> None:
        """Tell each sender (once a minute at most) that their message waits."""
        now = time.monotonic()
        self._told = {c: t for c, t in self._told.items() if now - t < OUTAGE_NOTICE_EVERY}
        for payload in payloads:
            chat_id = chat_of(payload)
            if not chat_id or chat_id in self._told or "message" not in payload:
                continue
            self._told[chat_id] = now
            with contextlib.suppress(TelegramError):
                await self.app.bot.send_message(chat_id, OUTAGE_TEXT)


class PollingIntake(Intake):
    """One getUpdates loop; the offset moves past a batch only once it is stored.

    Telegram lets one caller poll at a time, so of several processes on one database
    only the holder of the receiver lock polls; when it dies its session ends and
    another takes over within ``RECEIVER_RETRY_SECONDS``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._task: asyncio.Task[None] | None = None
        self._offset: int | None = None

    async def start(self) -> None:
        await self.app.bot.delete_webhook()
        self._task = asyncio.create_task(self._run(), name="intake-polling")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._offset is not None:  # confirm what is stored, so it is not sent again
            with contextlib.suppress(TelegramError):
                await self._get_updates(wait=0, limit=1)

    async def _get_updates(self, *, wait: int, limit: int = 100) -> list[dict[str, Any]]:
        kwargs: dict[str, Any] = {
            "timeout": wait,
            "limit": limit,
            "allowed_updates": Update.ALL_TYPES,
        }
        if self._offset is not None:
            kwargs["offset"] = self._offset
        # Raw JSON: an update python-telegram-bot cannot parse must not stall intake.
        # Bot API method names are case-insensitive; the lower-case spelling keeps PTB
        # from warning that Bot.getUpdates exists (it parses, which is what we avoid).
        result = await self.app.bot.do_api_request(
            "getupdates", api_kwargs=kwargs, read_timeout=wait + 10
        )
        return [u for u in result if isinstance(u, dict)] if isinstance(result, list) else []

    async def _run(self) -> None:
        """Poll while this process is the receiver; other processes only handle updates."""
        waiting_said = False
        while True:
            try:
                async with self.db.engine.connect() as conn:
                    raw = await conn.get_raw_connection()
                    driver = raw.driver_connection
                    assert driver is not None
                    try:
                        while not await inbox.try_become_receiver(driver, self.app.bot.id):
                            if not waiting_said:
                                logger.info("another instance polls; this one handles updates")
                                waiting_said = True
                            await asyncio.sleep(RECEIVER_RETRY_SECONDS)
                        # Worth saying only when it took over from another instance.
                        logger.log(
                            logging.INFO if waiting_said else logging.DEBUG,
                            "this instance receives the updates (polling)",
                        )
                        await self._poll(functools.partial(_open, driver))
                    finally:
                        # Never back into the pool holding the receiver lock.
                        await conn.invalidate()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                logger.warning("polling receiver lost (%s); retrying", type(exc).__name__)
                await asyncio.sleep(RECEIVER_RETRY_SECONDS)

    async def _poll(self, still_receiver: Callable[[], bool]) -> None:
        backoff = 0.5
        while still_receiver():
            try:
                updates = await self._get_updates(wait=POLL_TIMEOUT)
                backoff = 0.5
            except InvalidToken:
                logger.error("Telegram refused the token; polling stopped")
                return
            except RetryAfter as exc:
                after = exc.retry_after
                await asyncio.sleep(
                    after.total_seconds() if isinstance(after, timedelta) else float(after)
                )
                continue
            except TelegramError as exc:
                logger.warning("getUpdates failed (%s); retrying", exc)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, STORE_BACKOFF_MAX)
                continue
            if not updates:
                continue
            await self._store_until_done(updates)
            self._offset = max(int(u["update_id"]) for u in updates) + 1

    async def _store_until_done(self, updates: list[dict[str, Any]]) -> None:
        backoff = 0.5
        while True:
            try:
                await self.store_many(updates)
                return
            except Exception as exc:
                logger.warning(
                    "cannot store %d updates (%s); Telegram keeps them until stored",
                    len(updates),
                    type(exc).__name__,
                )
                if is_database_outage(exc):
                    await self.tell_outage(updates)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, STORE_BACKOFF_MAX)


class WebhookIntake(Intake):
    """An aiohttp server that stores each authentic update before answering 200."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._secret = self.settings.webhook_secret_token().encode()
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        web_app = web.Application(client_max_size=1024 * 1024)
        web_app.router.add_post("/" + self.settings.webhook_path.lstrip("/"), self._receive)
        self._runner = web.AppRunner(web_app, access_log=None, shutdown_timeout=5.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.settings.webhook_listen, self.settings.webhook_port)
        await site.start()
        assert self.settings.webhook_url is not None
        await self.app.bot.set_webhook(
            self.settings.webhook_url,
            secret_token=self._secret.decode(),
            allowed_updates=Update.ALL_TYPES,
        )
        logger.info(
            "webhook mode on %s:%s", self.settings.webhook_listen, self.settings.webhook_port
        )

    async def stop(self) -> None:
        # The webhook stays set: other instances (or the next start) take the updates.
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            return web.Response(status=403)
        try:
            payload = json.loads(await request.read())
            if not isinstance(payload, dict) or not isinstance(payload.get("update_id"), int):
                raise ValueError("not an update")
        except ValueError:
            return web.Response(status=400)
        try:
            await self.store(payload)
        except Exception as exc:
            # Not acknowledged: Telegram delivers it again later.
            logger.warning("cannot store an update (%s); answered 500", type(exc).__name__)
            if is_database_outage(exc):
                await self.tell_outage([payload])
            return web.Response(status=500)
        return web.Response(status=200)


def _open(driver: Driver) -> bool:
    return not driver.is_closed()


def make_intake(
    app: Application,  # type: ignore[type-arg]
    settings: Settings,
    db: Database,
    workers: Inbox,
) -> PollingIntake | WebhookIntake:
    if settings.webhook_url:
        return WebhookIntake(app, settings, db, workers)
    return PollingIntake(app, settings, db, workers)
