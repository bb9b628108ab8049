"""Send the reminders users asked for: Telegram (every logged-in chat) and email.

``ReminderDispatcher.run_once`` claims due reminders from ``reminder_schedules`` in
batches (``db.reminders.claim_due``: claim and advance in one committed transaction, so
two bot processes racing never send the same reminder twice; a crash right after a
claim skips those reminders instead of doubling them) and sends each batch before
claiming the next. ``start`` runs it every minute with APScheduler; tests call
``run_once(now=...)`` with their own clock instead.

Sending goes through the application's bot, whose AIORateLimiter retries a 429 after
its ``retry_after``. On top of it a pacer spaces reminder sends evenly below Telegram's
30 messages a second (``settings.reminder_rate_per_second``, leaving room for replies to
users), and never lets more than 30 start within ~1 s. A user who blocked the bot
(403) gets every push (reminders, nudge, review) turned off and is not tried again;
other errors are logged and the next period tries again. Snoozes, nudges and reviews
(``bot.reminder_jobs``) are leased rather than consumed: a crash may repeat one, not
lose it.

The message text and the email are built by pure functions (``bot.reminder_text``), in
each chat's language (its Telegram account's) and, for the email, the language of the
user's most recently used Telegram account.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
import uuid
import warnings
from collections import deque
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError

from bot.config import Settings
from bot.mail import smtp_failure, smtp_transport, warn_insecure_smtp
from bot.reminder_jobs import reminder_keyboard, send_jobs, turn_push_off
from bot.reminder_text import compose_email, format_day, reminder_prompt, render_telegram
from core.i18n import speaking
from db.reminders import DueReminder, claim_due, release

# Re-exported: callers and tests import them from here.
__all__ = [
    "ReminderDispatcher",
    "compose_email",
    "format_day",
    "reminder_prompt",
    "render_telegram",
    "smtp_failure",
    "smtp_transport",
    "warn_insecure_smtp",
]

logger = logging.getLogger(__name__)

BATCH_SIZE: Final = 500
TELEGRAM_CONCURRENCY: Final = 16  # sends in flight at once: one slow chat holds one slot
EMAIL_CONCURRENCY: Final = 4
# Telegram allows about 30 messages a second in all; the pacer never starts more than
# this many within PACER_WINDOW (a little over a second, for network jitter).
TELEGRAM_MAX_PER_SECOND: Final = 30
PACER_WINDOW: Final = 1.025
RETRY_AFTER_ATTEMPTS: Final = 2  # our own retries of a 429 the rate limiter passed on
# This many network failures in a row (Telegram unreachable) end the run early; reminders
# not yet tried are given back and go out when Telegram answers again.
OUTAGE_AFTER: Final = 20

# --- pacing ---------------------------------------------------------------------------


class Pacer:
    """Spaces sends evenly at ``rate`` a second, with no bursts, and never lets more than
    ``max_in_window`` pass within ``window`` seconds (``rate`` <= 0: no pacing).

    Slots are planned ahead, so a late wake-up (a busy event loop) is made up for by the
    next sends: up to ``catch_up`` seconds of delay, and only as far as the window allows.
    """

    def __init__(
        self,
        rate: float,
        *,
        max_in_window: int = TELEGRAM_MAX_PER_SECOND,
        window: float = PACER_WINDOW,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        catch_up: float = 0.2,
    ) -> None:
        self.interval = 1 / rate if rate > 0 else 0.0
        self._catch_up = catch_up
        self._sleep = sleep
        self._window = window
        self._clock = clock
        self._passed: deque[float] = deque(maxlen=max_in_window)
        self._next = -math.inf
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        if not self.interval:
            return
        async with self._lock:
            now = self._clock()
            slot = max(self._next, now - self._catch_up)
            if len(self._passed) == self._passed.maxlen:
                slot = max(slot, self._passed[0] + self._window)
            if slot > now:
                await self._sleep(slot - now)
            self._next = slot + self.interval
            self._passed.append(self._clock())


# --- the dispatcher ---------------------------------------------------------------------


@dataclass
class DispatchStats:
    claimed: int = 0  # reminders claimed (users)
    sent: int = 0  # Telegram messages delivered
    failed: int = 0  # Telegram sends that failed (logged; the next period tries again)
    blocked: int = 0  # users who blocked the bot (any push): every push turned off
    emailed: int = 0
    email_failed: int = 0
    released: int = 0  # claimed but never tried (stop or outage): given back (jobs too)
    skipped: int = 0  # not sent: the user already wrote that day
    jobs: int = 0  # snoozes, nudges and weekly reviews claimed
    jobs_sent: int = 0


@dataclass
class _Progress:
    """One user's reminder within a batch."""

    reminder: DueReminder
    started: bool = False
    delivered: int = 0
    forbidden: int = 0


@dataclass
class _Batch:
    progress: dict[uuid.UUID, _Progress]
    stats: DispatchStats
    outage: int = 0  # network failures in a row
    aborted: bool = False
    # (user, language) -> the reminder and its keyboard in that language
    texts: dict[tuple[uuid.UUID, str], tuple[str, InlineKeyboardMarkup]] = field(
        default_factory=dict
    )


class ReminderDispatcher:
    """Claims due reminders and sends them; see the module notes."""

    def __init__(
        self,
        bot: Bot,
        sessions: async_sessionmaker[AsyncSession],
        settings: Settings,
        *,
        batch_size: int = BATCH_SIZE,
        concurrency: int = TELEGRAM_CONCURRENCY,
        rate_per_second: float | None = None,
        clock: Callable[[], datetime] | None = None,
        interval_seconds: float = 60,
    ) -> None:
        self.bot = bot
        self.sessions = sessions
        self.settings = settings
        self.batch_size = batch_size
        self.concurrency = concurrency
        self.interval_seconds = interval_seconds
        rate = settings.reminder_rate_per_second if rate_per_second is None else rate_per_second
        self.pacer = Pacer(rate)
        self._clock = clock or (lambda: datetime.now(UTC))
        self._scheduler: Any = None
        self._task: asyncio.Task[Any] | None = None
        self._stopping = False
        self._run_lock = asyncio.Lock()
        self._email_unconfigured_logged = False

    # -- lifecycle (APScheduler) --

    def start(self) -> None:
        """Run every minute (on the minute) from now on, and once right away to catch up."""
        from apscheduler.schedulers.asyncio import (  # type: ignore[import-untyped]
            AsyncIOScheduler,
        )
        from apscheduler.triggers.interval import (  # type: ignore[import-untyped]
            IntervalTrigger,
        )

        self._stopping = False
        now = datetime.now(UTC)
        on_the_minute = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
        scheduler = AsyncIOScheduler(timezone=UTC)
        scheduler.add_job(
            self._tick,
            IntervalTrigger(seconds=self.interval_seconds, start_date=on_the_minute, timezone=UTC),
            id="reminders",
            name="send due reminders",
            next_run_time=now,
            max_instances=1,  # a long run makes the next ticks skip, not pile up
            coalesce=True,  # ticks missed while the loop was busy run once
            misfire_grace_time=int(self.interval_seconds),  # late is fine: state is in the DB
        )
        # "Running job …" twice a minute is noise at INFO; keep warnings (skipped runs).
        executor_log = logging.getLogger("apscheduler.executors.default")
        if executor_log.level == logging.NOTSET:
            executor_log.setLevel(logging.WARNING)
        scheduler.start()
        self._scheduler = scheduler
        logger.debug("reminder dispatcher started (every %ss)", self.interval_seconds)

    async def stop(self, timeout: float = 15.0) -> None:  # noqa: ASYNC109
        """Stop ticking; a run in progress finishes the sends it started, gives back the
        reminders it had not started, and is cancelled after ``timeout`` seconds."""
        self._stopping = True
        # Pause first, shut down after the run: the scheduler's shutdown cancels a job still
        # running, which would cut a run short and log the cancellation as an error.
        if self._scheduler is not None:
            with contextlib.suppress(Exception):
                self._scheduler.pause()
        try:
            async with asyncio.timeout(timeout):
                async with self._run_lock:
                    pass
        except TimeoutError:
            logger.warning("reminder run did not finish within %ss; cancelling it", timeout)
            task = self._task
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        if self._scheduler is not None:
            with contextlib.suppress(Exception):
                self._scheduler.shutdown(wait=False)
            self._scheduler = None

    async def _tick(self) -> None:
        self._task = asyncio.current_task()
        try:
            await self.run_once()
        except Exception:
            logger.exception("reminder run failed; the next run tries again")
        finally:
            self._task = None

    # -- one run --

    async def run_once(self, now: datetime | None = None) -> DispatchStats:
        """Send every reminder due at ``now`` (default: the clock), batch by batch."""
        stats = DispatchStats()
        async with self._run_lock:
            while not self._stopping:
                moment = now or self._clock()
                async with self.sessions.begin() as s:
                    batch = await claim_due(s, moment, self.batch_size)
                if not batch:
                    break
                stats.claimed += len(batch)
                aborted = await self._deliver(batch, stats, moment)
                if aborted:
                    break
            if not self._stopping:
                jobs = await send_jobs(
                    self.sessions,
                    now or self._clock(),
                    self.batch_size,
                    self._paced_send,
                    lambda: self._stopping,
                    OUTAGE_AFTER,
                )
                stats.jobs, stats.jobs_sent = jobs.claimed, jobs.sent
                stats.blocked += jobs.blocked
                stats.released += jobs.released
        if stats.claimed:
            logger.info(
                "reminders: %d claimed, %d sent, %d failed, %d blocked, %d emailed "
                "(%d failed), %d given back",
                stats.claimed,
                stats.sent,
                stats.failed,
                stats.blocked,
                stats.emailed,
                stats.email_failed,
                stats.released,
            )
        if stats.skipped or stats.jobs:
            logger.info(
                "reminders: %d skipped (already wrote); %d snoozes, nudges and reviews "
                "claimed, %d sent, %d blocked in all",
                stats.skipped,
                stats.jobs,
                stats.jobs_sent,
                stats.blocked,
            )
        return stats

    async def _deliver(
        self, reminders: Sequence[DueReminder], stats: DispatchStats, moment: datetime
    ) -> bool:
        """Send one claimed batch; True if the run should end (stop or outage)."""
        stats.skipped += sum(r.wrote_today for r in reminders)
        reminders = [r for r in reminders if not r.wrote_today]
        batch = _Batch({r.user_id: _Progress(r) for r in reminders}, stats)
        for reminder in reminders:
            for language in {reminder.chat_language(n) for n in range(len(reminder.chats))}:
                with speaking(language):
                    batch.texts[reminder.user_id, language] = (
                        render_telegram(reminder, reminder_prompt(reminder)),
                        reminder_keyboard(reminder.user_id),
                    )

        telegram_jobs = iter(
            [(r, chat, r.chat_language(n)) for r in reminders for n, chat in enumerate(r.chats)]
        )
        email_jobs = iter(self._email_recipients(reminders))
        async with asyncio.TaskGroup() as tasks:
            for _ in range(min(self.concurrency, len(reminders)) or 1):
                tasks.create_task(self._telegram_worker(telegram_jobs, batch))
            for _ in range(EMAIL_CONCURRENCY):
                tasks.create_task(self._email_worker(email_jobs, batch, moment))

        await self._after_batch(batch)
        return batch.aborted or self._stopping

    def _email_recipients(self, reminders: Sequence[DueReminder]) -> list[DueReminder]:
        wanted = [r for r in reminders if r.email]
        if wanted and not self.settings.smtp_host:
            if not self._email_unconfigured_logged:
                logger.info("email reminders are on for some users but SMTP_HOST is not set")
                self._email_unconfigured_logged = True
            return []
        return wanted

    def _may_start(self, batch: _Batch) -> bool:
        return not (self._stopping or batch.aborted)

    async def _telegram_worker(
        self, jobs: Iterator[tuple[DueReminder, int, str]], batch: _Batch
    ) -> None:
        for reminder, chat_id, language in jobs:
            progress = batch.progress[reminder.user_id]
            await self.pacer.wait()
            if not self._may_start(batch):
                return
            progress.started = True
            text, keyboard = batch.texts[reminder.user_id, language]
            outcome = await self._send_telegram(chat_id, text, keyboard)
            if outcome == "sent":
                progress.delivered += 1
                batch.stats.sent += 1
                batch.outage = 0
            elif outcome == "blocked":
                progress.forbidden += 1
                batch.outage = 0
            else:
                batch.stats.failed += 1
                if outcome == "network":
                    batch.outage += 1
                    if batch.outage >= OUTAGE_AFTER and not batch.aborted:
                        logger.warning("Telegram is unreachable; ending this reminder run")
                        batch.aborted = True

    async def _paced_send(
        self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None, photo: bytes | None
    ) -> str:
        await self.pacer.wait()
        return await self._send_telegram(chat_id, text, markup, photo)

    async def _send_telegram(
        self,
        chat_id: int,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
        photo: bytes | None = None,
    ) -> str:
        """Send one message (a photo with ``text`` as its caption when ``photo`` is
        given): "sent", "blocked", "network" or "failed"."""
        for attempt in range(RETRY_AFTER_ATTEMPTS + 1):
            try:
                if photo is not None:
                    await self.bot.send_photo(
                        chat_id, photo, caption=text, parse_mode=ParseMode.HTML, reply_markup=markup
                    )
                else:
                    await self.bot.send_message(
                        chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup
                    )
                return "sent"
            except Forbidden as exc:
                logger.info("chat %s blocked the bot (%s)", chat_id, exc.message)
                return "blocked"
            except RetryAfter as exc:
                # The rate limiter already retried (or the bot has none): wait and retry.
                if attempt == RETRY_AFTER_ATTEMPTS:
                    logger.warning("reminder to chat %s still rate limited; skipped", chat_id)
                    return "failed"
                await asyncio.sleep(_retry_after_seconds(exc))
            except NetworkError as exc:  # TimedOut too: maybe delivered, so never resent
                logger.warning("reminder to chat %s failed: %s", chat_id, exc)
                return "network"
            except TelegramError as exc:
                logger.warning("reminder to chat %s failed: %s", chat_id, exc)
                return "failed"
            except Exception:
                logger.exception("reminder to chat %s failed", chat_id)
                return "failed"
        return "failed"  # pragma: no cover - the loop always returns

    async def _email_worker(
        self, jobs: Iterator[DueReminder], batch: _Batch, moment: datetime
    ) -> None:
        for reminder in jobs:
            if not self._may_start(batch):
                return
            batch.progress[reminder.user_id].started = True
            with speaking(reminder.language):
                message = compose_email(
                    reminder,
                    reminder_prompt(reminder),
                    sender=self.settings.smtp_from,
                    sent_at=moment,
                )
            try:
                await self._send_email(message)
                batch.stats.emailed += 1
            except Exception as exc:
                batch.stats.email_failed += 1
                logger.warning(
                    "reminder email for user %s failed: %s", reminder.user_id, smtp_failure(exc)
                )

    async def _send_email(self, message: EmailMessage) -> None:
        import aiosmtplib

        settings = self.settings
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        await aiosmtplib.send(
            message,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username or None,
            password=password if settings.smtp_username else None,
            **smtp_transport(settings),
            timeout=30,
        )

    async def _after_batch(self, batch: _Batch) -> None:
        """Turn push off for users who blocked the bot; give back untried reminders."""
        untried: list[DueReminder] = []
        for progress in batch.progress.values():
            if not progress.started and (progress.reminder.chats or progress.reminder.email):
                if self._stopping or batch.aborted:
                    untried.append(progress.reminder)
            elif progress.forbidden and not progress.delivered:
                # Every chat that was tried refused: the user blocked the bot.
                user_id = progress.reminder.user_id
                batch.stats.blocked += await turn_push_off(self.sessions, user_id)
        if untried:
            try:
                async with self.sessions.begin() as s:
                    batch.stats.released += await release(s, untried)
            except Exception:
                logger.exception("could not give back %d untried reminders", len(untried))


def _retry_after_seconds(exc: RetryAfter) -> float:
    value = getattr(exc, "_retry_after", None)
    if isinstance(value, timedelta):
        return value.total_seconds()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raw = exc.retry_after
    return raw.total_seconds() if isinstance(raw, timedelta) else float(raw)
