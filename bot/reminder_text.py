"""What a daily reminder says (pure): the Telegram message and the email, in the current
language (``core.i18n``): the dispatcher composes each inside ``speaking(language)``."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Final

from babel.dates import format_date, get_date_format

from core.i18n import DEFAULT, _, current, locale
from core.prompts import pick_prompt
from core.review import more_line, short_day, shorten
from db.reminders import DueReminder, ReminderGoal

GOAL_CHARS: Final = 100

_MONTH_NAMES: Final = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_WEEKDAY_NAMES: Final = (
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
)  # fmt: skip


def reminder_prompt(reminder: DueReminder) -> str:
    """The journaling prompt of this reminder: varies from day to day and user to user."""
    return pick_prompt(reminder.prompt_key, reminder.local_date)


def format_day(day: date, today: date) -> str:
    """ "3 Nov", or "3 Nov 2024" when not in ``today``'s year."""
    return short_day(day, year=day.year != today.year)


def _goal_note(goal: ReminderGoal, today: date) -> str:
    if not goal.accepted:
        return _("suggested, waiting for your answer")
    if goal.target_date is not None:
        return _("by {day}").format(day=format_day(goal.target_date, today))
    return ""


def overdue_line(goal: ReminderGoal, today: date) -> str:
    """⏰ 'Run 5k' was due on 3 Nov — still on it? (plain text)"""
    assert goal.target_date is not None
    return _("⏰ '{goal}' was due on {day} — still on it?").format(
        goal=shorten(goal.content, 60), day=format_day(goal.target_date, today)
    )


def _more(reminder: DueReminder) -> int:
    return max(0, reminder.open_goal_count - len(reminder.open_goals))


def render_telegram(reminder: DueReminder, prompt: str) -> str:
    """The reminder as one Telegram message (HTML; bounded well under 4096 characters)."""
    today = reminder.local_date
    if reminder.first_name:
        name = html.escape(reminder.first_name.strip())
        title = _("🌱 <b>Time to reflect, {name}</b>").format(name=name)
    else:
        title = _("🌱 <b>Time to reflect</b>")
    lines = [
        title,
        "",
        f"<i>{html.escape(prompt, quote=False)}</i>",
        "",
        _("Just reply here to write it in your journal."),
    ]
    if reminder.open_goals:
        lines += ["", _("<b>Your open goals</b>")]
        for goal in reminder.open_goals:
            note = _goal_note(goal, today)
            shown = html.escape(shorten(goal.content, GOAL_CHARS), quote=False)
            lines.append(f"• {shown}" + (f" <i>({note})</i>" if note else ""))
        if _more(reminder):
            lines.append(more_line(_more(reminder)))
    if reminder.overdue_goals:
        lines.append("")
        lines += [html.escape(overdue_line(g, today), quote=False) for g in reminder.overdue_goals]
    return "\n".join(lines)


# The year of a locale's full date pattern, with what joins it: "'de' y", "y 'г'.".
_YEAR: Final = re.compile(r"[\s,]*(?:'de'\s*)?y+(?:\s*'г'\.?)?")


def _long_day(day: date) -> str:
    """ "Monday 10 November" ("Montag, 10. November", "lunes, 10 de noviembre"): the
    locale's full date without its year (CLDR's skeletons give no wide weekday)."""
    if current() == DEFAULT:
        return f"{_WEEKDAY_NAMES[day.weekday()]} {day.day} {_MONTH_NAMES[day.month - 1]}"
    where = locale(current())
    pattern = _YEAR.sub("", get_date_format("full", locale=where).pattern).strip()
    return format_date(day, pattern, locale=where)


def email_subject(reminder: DueReminder) -> str:
    return _("Your Growth Journal prompt for {day}").format(day=_long_day(reminder.local_date))


def compose_email(
    reminder: DueReminder, prompt: str, *, sender: str, sent_at: datetime
) -> EmailMessage:
    """The reminder as an email to ``reminder.email``: plain text plus simple HTML."""
    assert reminder.email is not None
    today = reminder.local_date
    if reminder.first_name:
        greeting = _("Hi {name},").format(name=reminder.first_name.strip())
    else:
        greeting = _("Hi,")
    intro = _("Time to reflect. Today's prompt:")
    text = [greeting, "", intro, "", f"    {prompt}", ""]
    body = [
        f"<p>{html.escape(greeting)}</p>",
        f"<p>{html.escape(intro, quote=False)}</p>",
        f'<blockquote style="font-style:italic">{html.escape(prompt)}</blockquote>',
    ]
    if reminder.open_goals:
        text.append(_("Your open goals:"))
        items = []
        for goal in reminder.open_goals:
            note = _goal_note(goal, today)
            suffix = f" ({note})" if note else ""
            text.append(f"  - {shorten(goal.content, GOAL_CHARS)}{suffix}")
            items.append(
                f"<li>{html.escape(shorten(goal.content, GOAL_CHARS))}{html.escape(suffix)}</li>"
            )
        if _more(reminder):
            more = more_line(_more(reminder))
            text.append(f"  {more}")
            items.append(f"<li>{html.escape(more)}</li>")
        text.append("")
        body += [f"<p><b>{html.escape(_('Your open goals'))}</b></p>", "<ul>", *items, "</ul>"]
    if reminder.overdue_goals:
        lines = [overdue_line(goal, today) for goal in reminder.overdue_goals]
        text += [*lines, ""]
        body += [f"<p>{html.escape(line)}</p>" for line in lines]
    footer = _(
        "Write your entry in Telegram or in the Growth Journal app. You get this email "
        "because email reminders are on; turn them off in your settings (/settings in Telegram)."
    )
    text.append(footer)
    body.append(f'<p style="color:#666;font-size:smaller">{html.escape(footer)}</p>')

    message = EmailMessage()
    message["From"] = sender
    message["To"] = reminder.email
    message["Subject"] = email_subject(reminder)
    message["Date"] = format_datetime(sent_at.astimezone(UTC))
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    stamp = reminder.due_at.astimezone(UTC).strftime("%Y%m%d%H%M")
    message["Message-ID"] = f"<reminder-{reminder.user_id}-{stamp}@{domain}>"
    message.set_content("\n".join(text) + "\n")
    message.add_alternative(
        "<!DOCTYPE html><html><body>" + "\n".join(body) + "</body></html>", subtype="html"
    )
    message.set_boundary(f"==reminder-{reminder.user_id}-{stamp}==")  # no random boundary
    return message
