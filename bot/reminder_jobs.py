"""Sending reminder jobs (``db.reminder_jobs``): snoozed reminders, streak nudges and the
weekly review; and the buttons under a reminder.

``send_jobs`` is called by ``ReminderDispatcher.run_once`` after the daily reminders and
uses its pacer and sender, so everything the bot pushes shares one pace under Telegram's
limits. A review is one photo (the week's chart) with the review as its caption; the
chart is drawn in a worker thread (``asyncio.to_thread``) so chats carry on meanwhile.
"""

from __future__ import annotations

import asyncio
import html
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.callback_data import encode
from core.charts import theme_from_preferences
from core.prompts import pick_prompt
from core.review import ReviewData, needs_nudge, render_chart, render_review
from db.reminder_jobs import DueJob, claim_jobs
from db.review import STREAK_HORIZON_DAYS, ReviewUser, review_data, written_days

WRITE_NOW = "rw"
SNOOZE = "rs"
SKIP_TODAY = "rk"
REVIEW_OPTIONS = "ro"

Send = Callable[[int, str, InlineKeyboardMarkup | None, bytes | None], Awaitable[str]]


def reminder_keyboard(user_id: uuid.UUID) -> InlineKeyboardMarkup:
    """✍️ Write now · ⏰ In 1 hour · Skip today (each checked against the presser)."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("✍️ Write now", callback_data=encode(WRITE_NOW, user_id)),
                InlineKeyboardButton("⏰ In 1 hour", callback_data=encode(SNOOZE, user_id)),
            ],
            [InlineKeyboardButton("Skip today", callback_data=encode(SKIP_TODAY, user_id))],
        ]
    )


def review_keyboard(user_id: uuid.UUID) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("✍️ Write now", callback_data=encode(WRITE_NOW, user_id)),
                InlineKeyboardButton(
                    "⚙️ Review options", callback_data=encode(REVIEW_OPTIONS, user_id)
                ),
            ]
        ]
    )


def snoozed_text(job: DueJob) -> str:
    prompt = pick_prompt(str(job.user_id), job.local_date)
    return (
        "⏰ <b>Here is your reminder again</b>\n\n"
        f"<i>{html.escape(prompt, quote=False)}</i>\n\n"
        "Just reply here to write it in your journal."
    )


def nudge_text(streak: int) -> str:
    return (
        f"🔥 <b>Your {streak}-day streak ends tonight</b>\n\n"
        "A few lines are enough to keep it going. Just reply here, or tap Write now."
    )


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


async def send_jobs(
    sessions: async_sessionmaker[AsyncSession],
    now: datetime,
    batch_size: int,
    send: Send,
    stopping: Callable[[], bool],
) -> tuple[int, int]:
    """Claim and send due jobs batch by batch: (claimed, delivered)."""
    claimed = delivered = 0
    while not stopping():
        async with sessions.begin() as s:
            jobs = await claim_jobs(s, now, batch_size)
        if not jobs:
            break
        claimed += len(jobs)
        messages = await _messages(sessions, jobs)
        for job, (text, markup, review) in zip(jobs, messages, strict=True):
            if stopping():
                break
            photo = None
            if review is not None:  # drawn just before it is sent, not a batch ahead
                text, photo = await review_message(review, job.theme)
            if not text:
                continue
            for chat in job.chats:
                if await send(chat, text, markup, photo) == "sent":
                    delivered += 1
    return claimed, delivered


async def _messages(
    sessions: async_sessionmaker[AsyncSession], jobs: Sequence[DueJob]
) -> list[tuple[str, InlineKeyboardMarkup | None, ReviewData | None]]:
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
    out: list[tuple[str, InlineKeyboardMarkup | None, ReviewData | None]] = []
    for job in jobs:
        days = written.get(job.user_id, set())
        if job.kind == "review":
            out.append(("", review_keyboard(job.user_id), reviews[job.user_id]))
        elif job.kind == "nudge":
            ok = needs_nudge(days, job.local_date)
            out.append(
                (
                    nudge_text(streak_of(days, job.local_date)) if ok else "",
                    reminder_keyboard(job.user_id),
                    None,
                )
            )
        else:  # a snooze: not if the user wrote since the reminder
            wrote = job.local_date in days
            out.append(("" if wrote else snoozed_text(job), reminder_keyboard(job.user_id), None))
    return out
