"""Sending reminder jobs (``db.reminder_jobs``): snoozed reminders, streak nudges and the
weekly review; and the buttons under a reminder.

``send_jobs`` is called by ``ReminderDispatcher.run_once`` after the daily reminders and
uses its pacer and sender, so everything the bot pushes shares one pace under Telegram's
limits. A review is one photo (the week's chart) with the review as its caption; the
chart is drawn in a worker thread (``asyncio.to_thread``) so chats carry on meanwhile.
Each job is finished in the database right after its send, so a dispatcher that dies
leaves the rest of its batch to whichever dispatcher claims them when the lease runs out.
A 403 on any job turns every push of that user off, as for daily reminders. Each chat
gets the message in its Telegram account's language (``DueJob.chat_languages``).
"""

from __future__ import annotations

import asyncio
import html
import logging
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.inbox import instance_name
from core.callback_data import encode
from core.charts import theme_from_preferences
from core.i18n import _, ngettext, speaking
from core.prompts import pick_prompt
from core.review import ReviewData, needs_nudge, render_chart, render_review
from db.reminder_jobs import (
    LEASE,
    DueJob,
    claim_jobs,
    finish_jobs,
    release_jobs,
    renew_leases,
)
from db.reminders import disable_push
from db.review import STREAK_HORIZON_DAYS, ReviewUser, review_data, written_days

logger = logging.getLogger(__name__)

WRITE_NOW = "rw"
SNOOZE = "rs"
SKIP_TODAY = "rk"
REVIEW_OPTIONS = "ro"

Send = Callable[[int, str, InlineKeyboardMarkup | None, bytes | None], Awaitable[str]]


def skip_today_button(user_id: uuid.UUID) -> InlineKeyboardButton:
    return InlineKeyboardButton(_("Skip today"), callback_data=encode(SKIP_TODAY, user_id))


def reminder_keyboard(user_id: uuid.UUID) -> InlineKeyboardMarkup:
    """✍️ Write now · ⏰ In 1 hour · Skip today (each checked against the presser), in
    the current language."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(_("✍️ Write now"), callback_data=encode(WRITE_NOW, user_id)),
                InlineKeyboardButton(_("⏰ In 1 hour"), callback_data=encode(SNOOZE, user_id)),
            ],
            [skip_today_button(user_id)],
        ]
    )


def review_keyboard(user_id: uuid.UUID) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(_("✍️ Write now"), callback_data=encode(WRITE_NOW, user_id)),
                InlineKeyboardButton(
                    _("⚙️ Review options"), callback_data=encode(REVIEW_OPTIONS, user_id)
                ),
            ]
        ]
    )


def snoozed_text(job: DueJob) -> str:
    prompt = pick_prompt(str(job.user_id), job.local_date)
    return (
        _("⏰ <b>Here is your reminder again</b>")
        + f"\n\n<i>{html.escape(prompt, quote=False)}</i>\n\n"
        + _("Just reply here to write it in your journal.")
    )


def nudge_text(streak: int) -> str:
    return ngettext(
        "🔥 <b>Your {n}-day streak ends tonight</b>\n\n"
        "A few lines are enough to keep it going. Just reply here, or tap Write now.",
        "🔥 <b>Your {n}-day streak ends tonight</b>\n\n"
        "A few lines are enough to keep it going. Just reply here, or tap Write now.",
        streak,
    ).format(n=streak)


async def review_message(data: ReviewData, theme_document: object) -> tuple[str, bytes]:
    """The review's caption and chart; the chart is drawn off the event loop."""
    theme = theme_from_preferences(theme_document if isinstance(theme_document, dict) else None)
    png = await asyncio.to_thread(render_chart, data, theme)
    return render_review(data), png


def streak_of(days: set[Any], today: Any) -> int:
    streak, day = 0, today - timedelta(days=1)
    while day in days:
        streak += 1
        day -= timedelta(days=1)
    return streak


@dataclass
class JobStats:
    claimed: int = 0  # snoozes, nudges and reviews claimed
    sent: int = 0  # Telegram messages delivered
    blocked: int = 0  # users who blocked the bot: every push turned off
    released: int = 0  # claimed but not tried (stop or outage): given back


def claimer_name() -> str:
    """Who holds a lease: this process (host:pid) and one run of it."""
    return f"{instance_name()}:{secrets.token_hex(4)}"[-64:]


async def turn_push_off(sessions: async_sessionmaker[AsyncSession], user_id: uuid.UUID) -> bool:
    """The user blocked the bot (a 403 on any push): ``db.reminders.disable_push``."""
    try:
        async with sessions.begin() as s:
            await disable_push(s, user_id)
    except Exception:
        logger.exception("could not turn push off for %s", user_id)
        return False
    logger.info("user %s blocked the bot: push reminders turned off", user_id)
    return True


async def send_jobs(
    sessions: async_sessionmaker[AsyncSession],
    now: datetime,
    batch_size: int,
    send: Send,
    stopping: Callable[[], bool],
    outage_after: int,
) -> JobStats:
    """Claim and send due jobs batch by batch, finishing each job once it was sent (see
    ``db.reminder_jobs``). Leases count from ``now`` plus the time this run has taken.
    ``outage_after`` network failures in a row end the run; untried jobs go back."""
    stats = JobStats()
    claimer = claimer_name()
    started = time.monotonic()

    def clock() -> datetime:  # ``now`` moved on by the time spent here
        return now + timedelta(seconds=time.monotonic() - started)

    outage = 0
    while not stopping():
        async with sessions.begin() as s:
            jobs = await claim_jobs(s, now, batch_size, claimer, clock() - now + LEASE)
        if not jobs:
            break
        stats.claimed += len(jobs)
        renewed = time.monotonic()
        plans = await _plans(sessions, jobs)
        # Nothing to say (a nudge not needed, a snooze after the user wrote): done.
        async with sessions.begin() as s:
            await finish_jobs(s, [j for j, p in zip(jobs, plans, strict=True) if not p.says])
        for index, (job, plan) in enumerate(zip(jobs, plans, strict=True)):
            if stopping() or outage >= outage_after:
                if outage >= outage_after:
                    logger.warning("Telegram is unreachable; ending this run of reminder jobs")
                async with sessions.begin() as s:
                    stats.released += await release_jobs(s, jobs[index:])
                return stats
            if time.monotonic() - renewed > LEASE.total_seconds() / 2:
                async with sessions.begin() as s:
                    await renew_leases(s, jobs[index:], clock() + LEASE)
                renewed = time.monotonic()
            if not plan.says:
                continue
            # Composed per language, each just before it is sent (a review's chart is
            # drawn then, not a batch ahead).
            composed: dict[str, tuple[str, InlineKeyboardMarkup, bytes | None]] = {}
            try:
                for language in {job.chat_language(n) for n in range(len(job.chats))}:
                    with speaking(language):
                        composed[language] = await _compose(job, plan)
            except Exception:  # never again: it would hold up every job behind it
                logger.exception("%s for %s could not be composed", job.kind, job.user_id)
                async with sessions.begin() as s:
                    await finish_jobs(s, [job])
                continue
            outcomes = [
                await send(chat, *composed[job.chat_language(n)])
                for n, chat in enumerate(job.chats)
            ]
            stats.sent += outcomes.count("sent")
            for outcome in outcomes:
                if outcome == "network":
                    outage += 1
                elif outcome != "failed":
                    outage = 0
            if "blocked" in outcomes and "sent" not in outcomes:
                stats.blocked += await turn_push_off(sessions, job.user_id)
            # Sent (or refused for good, or maybe delivered: a network error is never
            # resent): done. A crash before this line sends it again, once.
            async with sessions.begin() as s:
                await finish_jobs(s, [job])
    return stats


@dataclass(frozen=True, slots=True)
class _Plan:
    """What one job says, before it is put into words: nothing, a snooze, a nudge for a
    streak of ``streak`` days, or a review."""

    says: bool
    streak: int = 0
    review: ReviewData | None = None


async def _compose(job: DueJob, plan: _Plan) -> tuple[str, InlineKeyboardMarkup, bytes | None]:
    """The job's text, keyboard and photo in the current language."""
    if plan.review is not None:
        text, png = await review_message(plan.review, job.theme)
        return text, review_keyboard(job.user_id), png
    if job.kind == "nudge":
        return nudge_text(plan.streak), reminder_keyboard(job.user_id), None
    return snoozed_text(job), reminder_keyboard(job.user_id), None


async def _plans(sessions: async_sessionmaker[AsyncSession], jobs: Sequence[DueJob]) -> list[_Plan]:
    users = {
        kind: [
            ReviewUser(j.user_id, j.timezone, j.local_date, j.first_name)
            for j in jobs
            if j.kind == kind
        ]
        for kind in ("review", "nudge", "snooze")
    }
    async with sessions() as s:
        reviews = dict(
            zip(
                [u.user_id for u in users["review"]],
                await review_data(s, users["review"]),
                strict=True,
            )
        )
        written = await written_days(s, users["snooze"], 0)
        written.update(await written_days(s, users["nudge"], STREAK_HORIZON_DAYS))
    out: list[_Plan] = []
    for job in jobs:
        days = written.get(job.user_id, set())
        if job.kind == "review":
            out.append(_Plan(True, review=reviews[job.user_id]))
        elif job.kind == "nudge":
            ok = needs_nudge(days, job.local_date)
            out.append(_Plan(ok, streak=streak_of(days, job.local_date)))
        else:  # a snooze: not if the user wrote since the reminder
            out.append(_Plan(job.local_date not in days))
    return out
