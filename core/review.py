"""The weekly review (pure): what it says, its small chart, and when it is due.

A review covers the seven local days ending on the day it is made ("this week") and
compares them with the seven before ("last week"). Everything comes in a ``ReviewData``
built by ``db.review``; nothing here imports telegram or the database. The chart is
drawn with Pillow on an image of its own (no shared state), so like ``core.charts``
it is rendered in a worker thread (``asyncio.to_thread``).
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Final

from babel.dates import format_skeleton

from core.charts import Theme, metric_color, metric_label
from core.i18n import DEFAULT, _, current, decimal, locale, ngettext, weekday_name
from core.prompts import pick_prompt
from core.schedule import ReminderRule, next_reminder

WEEKDAYS: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DEFAULT_REVIEW_WEEKDAY: Final = 6  # Sunday
DEFAULT_REVIEW_HOUR: Final = 18
NUDGE_TIME: Final = time(21, 0)  # the evening streak nudge, local time
NUDGE_MIN_STREAK: Final = 3
MAX_GOALS_SHOWN: Final = 3
CAPTION_LIMIT: Final = 1024
_TAG: Final = re.compile(r"<[^>]*>")
GOAL_CHARS: Final = 60
_MONTHS: Final = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
_STEADY: Final = 0.25  # a change of the average smaller than this shows as "→"


@dataclass(frozen=True, slots=True)
class ReviewGoal:
    content: str
    day: date | None  # completed on (local) or due on


@dataclass(frozen=True, slots=True)
class ReviewData:
    today: date  # the review's last day, in the user's time zone
    first_name: str | None
    words_by_day: tuple[int, ...]  # seven days, oldest first, ending today
    entries: int
    streak: int
    # metric -> (average this week or None, average last week or None)
    metrics: dict[str, tuple[float | None, float | None]]
    completed: tuple[ReviewGoal, ...]
    completed_count: int
    due_soon: tuple[ReviewGoal, ...]
    due_soon_count: int
    prompt_key: str

    @property
    def words(self) -> int:
        return sum(self.words_by_day)

    @property
    def first_day(self) -> date:
        return self.today - timedelta(days=6)


def week_days(today: date) -> list[date]:
    """The seven days a review made on ``today`` covers, oldest first."""
    return [today - timedelta(days=6 - n) for n in range(7)]


def short_day(day: date, *, year: bool = False) -> str:
    """ "3 Nov" ("3 Nov 2024" with ``year``): a day in a review, a reminder or a goal's
    due date, in the current language ("3. Nov.", "3 нояб.")."""
    language = current()
    if language == DEFAULT:
        short = f"{day.day} {_MONTHS[day.month - 1]}"
        return f"{short} {day.year}" if year else short
    return format_skeleton("yMMMd" if year else "MMMd", day, locale=locale(language))


def shorten(text: str, limit: int = GOAL_CHARS) -> str:
    """``text`` on one line, cut at ``limit`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def arrow(now: float | None, before: float | None) -> str:
    if now is None or before is None:
        return ""
    if now - before >= _STEADY:
        return "↑"
    if before - now >= _STEADY:
        return "↓"
    return "→"


def _metric_line(name: str, now: float | None, before: float | None) -> str:
    shown = decimal(now) if now is not None else "–"
    was = decimal(before) if before is not None else "–"
    mark = arrow(now, before)
    line = _("{metric}: {average} {arrow} <i>(last week {before})</i>").format(
        metric=metric_label(name), average=shown, arrow=mark, before=was
    )
    return line.replace("  ", " ")


def more_line(n: int) -> str:
    """ "…and 3 more": what a cut list leaves out."""
    return ngettext("…and {n} more", "…and {n} more", n).format(n=n)


def _goal_lines(
    goals: tuple[ReviewGoal, ...], count: int, completed: bool, shown: int
) -> list[str]:
    lines = []
    for goal in goals[:shown]:
        when = ""
        if goal.day:
            day = short_day(goal.day)
            when = " " + (_("<i>(on {day})</i>") if completed else _("<i>(by {day})</i>")).format(
                day=day
            )
        lines.append(f"• {html.escape(shorten(goal.content), quote=False)}{when}")
    if count > min(len(goals), shown):
        lines.append(more_line(count - min(len(goals), shown)))
    return lines


def week_prompt(data: ReviewData) -> str:
    """One prompt for the week ahead: stable for the day, varied from user to user."""
    return pick_prompt(data.prompt_key + ":week", data.today)


def visible_length(html_text: str) -> int:
    """Characters Telegram counts: the text without tags, entities decoded."""
    return len(html.unescape(_TAG.sub("", html_text)))


def render_review(data: ReviewData) -> str:
    """The review as HTML whose text fits a photo caption (1024 characters): goal lists
    shrink until it does."""
    for shown in range(MAX_GOALS_SHOWN, -1, -1):
        text = _render(data, shown)
        if visible_length(text) <= CAPTION_LIMIT:
            break
    return text


def _render(data: ReviewData, shown: int) -> str:
    first, last = short_day(data.first_day), short_day(data.today)
    if data.first_name:
        name = html.escape(data.first_name.strip()[:40])
        title = _("📅 <b>Your week, {name}</b> ({first} – {last})").format(
            name=name, first=first, last=last
        )
    else:
        title = _("📅 <b>Your week</b> ({first} – {last})").format(first=first, last=last)
    # Three counts in one line: each its own plural, joined by a whole-line template.
    entries = ngettext("{n} entry", "{n} entries", data.entries).format(n=data.entries)
    words = ngettext("{n} words", "{n} words", data.words).format(n=data.words)
    days = ngettext("streak {n} day", "streak {n} days", data.streak).format(n=data.streak)
    lines = [
        title,
        _("✍️ {entries}, {words} · 🔥 {streak}").format(entries=entries, words=words, streak=days),
    ]
    metric_lines = [_metric_line(k, now, before) for k, (now, before) in data.metrics.items()]
    if metric_lines:
        lines += ["", _("<b>Check-in averages</b>"), *metric_lines]
    if data.completed_count:
        lines += ["", _("<b>Goals completed</b> 🎉")]
        lines += _goal_lines(data.completed, data.completed_count, True, shown)
    if data.due_soon_count:
        lines += ["", _("<b>Due in the next 7 days</b>")]
        lines += _goal_lines(data.due_soon, data.due_soon_count, False, shown)
    lines += ["", _("<b>For the week ahead</b>"), f"<i>{html.escape(week_prompt(data))}</i>"]
    return "\n".join(lines)


def render_chart(data: ReviewData, theme: Theme) -> bytes:
    """A small bar chart of the words written each day of the week (PNG).

    Drawn with Pillow rather than matplotlib: seven bars and their labels need no layout
    engine, and at a matplotlib chart's cost reviews would go out slower than Telegram
    lets the bot send (bench/RESULTS.md, weekly review generation)."""
    from PIL import Image, ImageDraw, ImageFont

    width, height, scale = 600, 240, {"small": 12, "medium": 14, "large": 16}
    size = scale.get(theme.font_size, 14)
    background, ink, muted = (
        ("#17212b", "#e6edf3", "#a9b4bf") if theme.dark else ("#ffffff", "#1f2328", "#57606a")
    )
    image = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=size)
    title = ImageFont.load_default(size=size + 2)
    heading = _("Words written this week")
    draw.text((width // 2, 8), heading, fill=ink, font=title, anchor="mt")
    top, bottom, left, right = 40, height - 30, 20, width - 20
    peak = max(data.words_by_day) or 1
    slot = (right - left) / 7
    colour = metric_color("learning", theme)
    for n, (day, words) in enumerate(zip(week_days(data.today), data.words_by_day, strict=True)):
        x0 = left + n * slot + slot * 0.18
        x1 = left + (n + 1) * slot - slot * 0.18
        y0 = bottom - (bottom - top - size - 4) * words / peak
        if words:
            draw.rectangle((x0, y0, x1, bottom), fill=colour)
            draw.text(((x0 + x1) / 2, y0 - 3), str(words), fill=muted, font=font, anchor="mb")
        label = weekday_name(day.weekday(), "short")
        draw.text(((x0 + x1) / 2, bottom + 6), label, fill=ink, font=font, anchor="mt")
    draw.line((left, bottom, right, bottom), fill=muted, width=1)
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=False)
    return buf.getvalue()


def next_review_at(weekday: int, hour: int, tz: str, after: datetime) -> datetime:
    """The next review instant (aware UTC) after ``after``: ``weekday`` at ``hour`` local."""
    return next_reminder(ReminderRule("weekly", time(hour, 0), weekday=weekday), tz, after)


def next_nudge_at(tz: str, after: datetime) -> datetime:
    return next_reminder(ReminderRule("daily", NUDGE_TIME), tz, after)


def needs_nudge(written: set[date], today: date) -> bool:
    """A streak of NUDGE_MIN_STREAK+ days ending yesterday, and nothing written today."""
    if today in written:
        return False
    return all(today - timedelta(days=n) in written for n in range(1, NUDGE_MIN_STREAK + 1))
