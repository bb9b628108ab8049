"""Handle updates from the durable inbox (``bot_updates``), a chat at a time.

The intake (bot/intake.py) commits every update before Telegram hears it arrived. Here
up to ``max_concurrent_updates`` chats are handled at once per process: a worker first
wins the chat's turn (an advisory lock, so across processes too), then handles that
chat's pending updates in ``update_id`` order and marks each done. One chat flooding
the bot therefore occupies one slot, never all of them.

A failed update is retried with back-off (its chat's later updates wait, to keep the
order); after ``inbox_max_attempts`` (two for an error that is not the database's or
the Bot API's) it is set aside, the user is told once, and the chat goes on.
Handlers are written so that a repeat after a crash is harmless (a message already
saved is not saved again; see ``inbox_context.mark_current_done``).
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import os
import socket
from collections.abc import AsyncIterator

import asyncpg
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection
from telegram import ReplyParameters, Update
from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application

from bot.config import Settings
from bot.errors import is_database_outage
from bot.inbox_context import CURRENT, Attempt
from db import inbox
from db.batching import Batcher
from db.database import Database
from db.prepared import Driver, driver_connection

logger = logging.getLogger(__name__)

FETCH_LIMIT = 50
OUTAGE_BACKOFF_MAX = 30.0
PRUNE_EVERY_SECONDS = 3600.0

SET_ASIDE_TEXT = (
    "Sorry, I couldn't handle one of your messages, even after retrying{what}. "
    "If it mattered, please send it again."
)


def instance_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Inbox:
    """The workers of one process; ``wake()`` when new updates were stored."""

    def __init__(self, app: Application, settings: Settings, db: Database) -> None:  # type: ignore[type-arg]
        self.app = app
        self.settings = settings
        self.db = db
        self.slots = max(1, settings.max_concurrent_updates)
        self._wake = asyncio.Event()
        self._stopping = False
        self._turns: dict[int, asyncio.Task[None]] = {}
        self._loop_task: asyncio.Task[None] | None = None
        self._prune_task: asyncio.Task[None] | None = None
        self._lock_conn: AsyncConnection | None = None
        self._lock_driver: Driver | None = None
        self._lock_mutex = asyncio.Lock()
        # Stored by this process and not settled yet, kept only when ``track`` is on
        # (a test harness waits on ``busy``; another process may settle them).
        self.track = False
        self.unsettled: set[int] = set()
        self._done = Batcher(self._mark_done, max_wait=0.002)

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> None:
        self._loop_task = asyncio.create_task(self._dispatch(), name="inbox-dispatch")
        self._prune_task = asyncio.create_task(self._prune_loop(), name="inbox-prune")

    def wake(self, stored: set[int] | None = None) -> None:
        if self.track and stored:
            self.unsettled |= stored
        self._wake.set()

    def busy(self) -> bool:
        return bool(self.unsettled or self._turns)

    async def stop(self, grace: float) -> None:
        """Take no new chat; let the updates in hand finish within ``grace`` seconds; the
        rest stay in the inbox for the next start (or another process)."""
        self._stopping = True
        self._wake.set()
        for task in (self._loop_task, self._prune_task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        turns = list(self._turns.values())
        if turns:
            _, late = await asyncio.wait(turns, timeout=grace)
            for task in late:
                task.cancel()
            if late:
                logger.warning("stopped %d chats mid-update; they resume at next start", len(late))
                await asyncio.wait(late)
        await self._drop_lock_connection()

    # -- claiming chats -------------------------------------------------------------------

    async def _lock_connection(self) -> Driver:
        if self._lock_driver is not None and not self._lock_driver.is_closed():
            return self._lock_driver
        await self._drop_lock_connection()
        conn = await self.db.engine.connect()
        try:
            raw = await conn.get_raw_connection()
            driver = raw.driver_connection
            assert isinstance(driver, asyncpg.Connection)
            await driver.fetch(
                "SELECT set_config('application_name', $1, false)",
                inbox.INSTANCE_PREFIX + instance_name(),
            )
        except BaseException:
            await conn.invalidate()
            await conn.close()
            raise
        locked: Driver = driver
        self._lock_conn, self._lock_driver = conn, locked
        return locked

    async def _drop_lock_connection(self) -> None:
        conn, self._lock_conn, self._lock_driver = self._lock_conn, None, None
        if conn is not None:
            # Never back into the pool: closing the session frees its advisory locks.
            with contextlib.suppress(Exception):
                await conn.invalidate()
            with contextlib.suppress(Exception):
                await conn.close()

    async def _dispatch(self) -> None:
        backoff = 0.2
        while not self._stopping:
            self._wake.clear()
            free = self.slots - len(self._turns)
            claimed: list[int] = []
            if free > 0:
                try:
                    async with self._lock_mutex:
                        driver = await self._lock_connection()
                        claimed = await inbox.claim_chats(
                            driver, self.app.bot.id, list(self._turns), free
                        )
                    backoff = 0.2
                except Exception as exc:
                    logger.warning(
                        "cannot claim work from the inbox (%s); retrying", type(exc).__name__
                    )
                    await self._drop_lock_connection()
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, 5.0)
                    continue
            for chat_id in claimed:
                self._turns[chat_id] = asyncio.create_task(
                    self._turn(chat_id, driver), name=f"inbox-chat-{chat_id}"
                )
            if claimed and len(claimed) == free:
                continue  # more may be waiting: a slot freeing wakes us
            # Other processes' intake, back-offs running out: looked at now and then.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.settings.inbox_poll_seconds):
                    await self._wake.wait()

    # -- a chat's turn --------------------------------------------------------------------

    async def _turn(self, chat_id: int, holder: Driver) -> None:
        """``holder``: the lock connection whose session holds the chat's turn."""
        try:
            await self._handle_chat(chat_id, holder)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            # The database went away mid-turn: the updates stay pending.
            logger.warning("chat turn stopped (%s); its updates stay queued", type(exc).__name__)
            await asyncio.sleep(0.5)
        finally:
            self._turns.pop(chat_id, None)
            await self._release(chat_id, holder)
            self._wake.set()

    async def _release(self, chat_id: int, holder: Driver) -> None:
        try:
            async with self._lock_mutex:
                if self._lock_driver is holder:  # else the lock went with its session
                    await inbox.release_chat(holder, chat_id)
        except Exception:
            # Without its lock connection the process holds no chat at all.
            await self._drop_lock_connection()

    async def _handle_chat(self, chat_id: int, holder: Driver) -> None:
        # Marking done is not awaited update by update (the next one need not wait for
        # it: a repeat is harmless), only before the chat's turn is given up, so another
        # process taking the chat next does not repeat them needlessly.
        marking: list[asyncio.Future[None]] = []
        try:
            after = 0
            while not self._stopping:
                async with self.db.fast.driver() as driver:
                    queued = await inbox.next_updates(
                        driver, self.app.bot.id, chat_id, after, FETCH_LIMIT
                    )
                if not queued:
                    return
                for item in queued:
                    if self._stopping or not item.ready:
                        return  # a back-off holds the chat's later updates too
                    if self._lock_driver is not holder:
                        return  # the lock connection died: another process may take over
                    if not await self._handle(chat_id, item, marking):
                        return
                    after = item.update_id
                if len(queued) < FETCH_LIMIT:
                    # Nothing more was queued when we looked; what came since wakes the
                    # dispatcher, which claims the chat again once this turn ends.
                    return
        finally:
            await asyncio.gather(*marking, return_exceptions=True)

    async def _handle(
        self, chat_id: int, item: inbox.Queued, marking: list[asyncio.Future[None]]
    ) -> bool:
        """Handle one update; False when the chat must wait (a retry is due later)."""
        attempt = Attempt(self.app.bot.id, item.update_id)
        token = CURRENT.set(attempt)
        try:
            update = Update.de_json(item.payload, self.app.bot)
            await self.app.process_update(update)
        except Exception as exc:  # raised outside the handlers (e.g. a malformed update)
            attempt.errors.append(exc)
        finally:
            CURRENT.reset(token)
        errors = [e for e in attempt.errors if not isinstance(e, Forbidden)]
        if attempt.done:
            # Its writes and its mark committed together: a retry would change nothing.
            if errors:
                logger.warning(
                    "update %s failed after its writes were committed (%s)",
                    item.update_id,
                    type(errors[0]).__name__,
                )
            self.unsettled.discard(item.update_id)
            return True
        if not errors:
            done = asyncio.ensure_future(self._done.submit(item.update_id))
            done.add_done_callback(lambda _: self.unsettled.discard(item.update_id))
            marking.append(done)
            return True
        return await self._failed(chat_id, item, errors[0])

    async def _mark_done(self, update_ids: list[int]) -> list[None]:
        async with self.db.fast.driver() as driver:
            await inbox.mark_done(driver, self.app.bot.id, update_ids)
        return [None] * len(update_ids)

    async def _failed(self, chat_id: int, item: inbox.Queued, error: BaseException) -> bool:
        name = type(error).__name__  # the class only: the message may quote the user
        attempts = item.attempts + 1
        outage = is_database_outage(error)
        # A bug fails the same way every time: one retry, then the chat goes on.
        allowed = self.settings.inbox_max_attempts if _transient(error) else 2
        if outage or attempts < min(allowed, self.settings.inbox_max_attempts):
            delay = min(
                self.settings.inbox_retry_seconds * 2 ** min(item.attempts, 10),
                OUTAGE_BACKOFF_MAX,
            )
            logger.warning(
                "update %s failed (%s); retry %s in %.1fs", item.update_id, name, attempts, delay
            )
            async with driver_connection(self.db.engine) as driver:
                await inbox.retry_later(
                    driver,
                    self.app.bot.id,
                    item.update_id,
                    error=name,
                    delay=delay,
                    counts=not outage,
                )
            return False
        logger.error("update %s set aside after %d attempts (%s)", item.update_id, attempts, name)
        async with driver_connection(self.db.engine) as driver:
            newly = await inbox.set_aside(driver, self.app.bot.id, item.update_id, error=name)
        self.unsettled.discard(item.update_id)
        if newly:
            await self._tell_set_aside(chat_id, item.payload)
        return True

    async def _tell_set_aside(self, chat_id: int, payload: dict[str, object]) -> None:
        message = _message_of(payload)
        if chat_id == 0 or not _is_private(chat_id, message):
            return  # nothing is ever said in a group (bot.handlers.private_only)
        # Point at the message by replying to it rather than quoting it: it may have been
        # a password the bot deleted. Only a message without an id is quoted.
        message_id = message.get("message_id") if message else None
        reply_to = message_id if isinstance(message_id, int) else None
        text = "" if reply_to is not None else _quoted_text(message)
        what = f" (“{html.escape(text)}”)" if text else ""
        try:
            await self.app.bot.send_message(
                chat_id,
                SET_ASIDE_TEXT.format(what=what),
                reply_parameters=(
                    ReplyParameters(reply_to, allow_sending_without_reply=True)
                    if reply_to is not None
                    else None
                ),
            )
        except TelegramError:
            logger.warning("could not tell chat about a set-aside update")

    async def _prune_loop(self) -> None:
        while not self._stopping:
            try:
                async with driver_connection(self.db.engine) as driver:
                    pruned = await inbox.prune_done(driver, days=self.settings.inbox_retention_days)
                if pruned:
                    logger.info("pruned %d handled updates from the inbox", pruned)
            except Exception as exc:
                logger.warning("could not prune the inbox (%s)", type(exc).__name__)
            await asyncio.sleep(PRUNE_EVERY_SECONDS)


def _transient(error: BaseException) -> bool:
    """Errors of the database or the Bot API that a later attempt may not meet."""
    return isinstance(error, (DBAPIError, OSError, NetworkError, RetryAfter))


def _message_of(payload: dict[str, object]) -> dict[str, object] | None:
    for key in ("message", "edited_message"):
        message = payload.get(key)
        if isinstance(message, dict):
            return message
    return None


def _is_private(chat_id: int, message: dict[str, object] | None) -> bool:
    """Telegram's private chat ids are the user's id (positive); groups' are negative."""
    chat = message.get("chat") if message else None
    kind = chat.get("type") if isinstance(chat, dict) else None
    return kind == "private" if kind is not None else chat_id > 0


def _quoted_text(message: dict[str, object] | None) -> str:
    """The start of the message's text, so the user knows which one is meant."""
    text = (message.get("text") or message.get("caption")) if message else None
    if isinstance(text, str) and text:
        return text if len(text) <= 60 else text[:59] + "…"
    return ""


def chat_of(payload: dict[str, object]) -> int:
    """The chat whose order an update keeps: its chat, else its sender, else 0.

    Read from the raw update, so even one python-telegram-bot cannot parse is stored."""
    for key, value in payload.items():
        if key == "update_id" or not isinstance(value, dict):
            continue
        for holder in (value, value.get("message")):
            if isinstance(holder, dict):
                chat = holder.get("chat")
                if isinstance(chat, dict) and isinstance(chat.get("id"), int):
                    return int(chat["id"])
        for sender in ("from", "user", "voter_chat"):
            who = value.get(sender)
            if isinstance(who, dict) and isinstance(who.get("id"), int):
                return int(who["id"])
    return 0


@contextlib.asynccontextmanager
async def running_inbox(
    app: Application,  # type: ignore[type-arg]
    settings: Settings,
    db: Database,
) -> AsyncIterator[Inbox]:
    workers = Inbox(app, settings, db)
    workers.start()
    try:
        yield workers
    finally:
        await workers.stop(settings.shutdown_grace_seconds)
