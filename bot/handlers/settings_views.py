"""The /settings menu as the user sees it: what each button sets (its wire code and
checks) and how every page of the menu is drawn from a snapshot of the settings."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any, Final
from zoneinfo import ZoneInfo

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
)

from bot.handlers.settings_labels import SHORT_MONTHS_NOTE, WEEKLY_TOASTS, button_name, value_name
from core.callback_data import CallbackData, encode
from core.i18n import N_, _, day, weekday_name
from core.schedule import Frequency, ReminderRule, next_reminder
from core.vocab import VocabularyError
from db import settings
from db.models import UserSettings
from db.settings import COLOR_SCHEMES, EXTERNAL_AI_CONSENT, SettingsDocument

ACTION: Final = "s"
TIME_DIALOG: Final = "settings.time"

NOTIFICATIONS: Final[SettingsDocument] = "notification_preferences"
THEME: Final[SettingsDocument] = "theme_preferences"
PRIVACY: Final[SettingsDocument] = "privacy_settings"
AI: Final[SettingsDocument] = "ai_interaction_settings"

COMMON_TIMES: Final = ("07:00", "08:00", "12:00", "18:00", "20:00", "21:00", "22:00")
# Stored when reminders are switched on without a time, so the menu and the scheduler agree.
DEFAULT_REMINDER_TIME: Final = "20:00"
# --- wire codes ---------------------------------------------------------------------


def _on_off(wire: str) -> object | None:
    return {"1": True, "0": False}.get(wire)


def _one_of(*choices: str) -> Callable[[str], object | None]:
    return lambda wire: wire if wire in choices else None


def _hhmm(wire: str) -> object | None:
    # "0730" -> "07:30" (':' can't appear in callback args); the data layer checks the range.
    return f"{wire[:2]}:{wire[2:]}" if len(wire) == 4 and wire.isdigit() else None


def _number(low: int, high: int) -> Callable[[str], object | None]:
    def parse(wire: str) -> object | None:
        if wire.isdigit() and len(wire) <= 2 and low <= int(wire) <= high:
            return int(wire)
        return None

    return parse


@dataclass(frozen=True)
class Option:
    code: str
    view: str  # the submenu it lives in
    document: SettingsDocument
    key: str
    parse: Callable[[str], object | None]  # wire value -> value to store, None if invalid
    toast: Callable[[Any], str]


def _state(value: object) -> str:
    return _("on") if value else _("off")


def _toggle(on: str, off: str) -> Callable[[Any], str]:
    """A toast per state: whole sentences, so each language can say "on" its own way."""
    return lambda v: _(on) if v else _(off)


OPTIONS: Final[dict[str, Option]] = {
    o.code: o
    for o in (
        Option(
            "pu",
            "n",
            NOTIFICATIONS,
            "pushNotifications",
            _on_off,
            _toggle(N_("Push reminders on"), N_("Push reminders off")),
        ),
        Option(
            "em",
            "n",
            NOTIFICATIONS,
            "emailNotifications",
            _on_off,
            _toggle(N_("Email notifications on"), N_("Email notifications off")),
        ),
        Option(
            "fr",
            "n",
            NOTIFICATIONS,
            "reminderFrequency",
            _one_of("daily", "weekly", "monthly"),
            lambda v: _("Reminders {frequency}").format(frequency=value_name(v)),
        ),
        Option(
            "tm",
            "n",
            NOTIFICATIONS,
            "reminderTime",
            _hhmm,
            lambda v: _("Reminder time {time}").format(time=v),
        ),
        Option(
            "wd",
            "n",
            NOTIFICATIONS,
            "reminderWeekday",
            _number(0, 6),
            lambda v: _(WEEKLY_TOASTS[v]),
        ),
        Option(
            "dm",
            "n",
            NOTIFICATIONS,
            "reminderDayOfMonth",
            _number(1, 31),
            lambda v: _("Reminders on day {day} of the month").format(day=v),
        ),
        Option(
            "dk", "t", THEME, "darkMode", _on_off, _toggle(N_("Dark mode on"), N_("Dark mode off"))
        ),
        Option(
            "fs",
            "t",
            THEME,
            "fontSize",
            _one_of("small", "medium", "large"),
            lambda v: _("Font size {size}").format(size=value_name(v)),
        ),
        Option(
            "cs",
            "t",
            THEME,
            "colorScheme",
            _one_of(*COLOR_SCHEMES),
            lambda v: _("Colour scheme {scheme}").format(scheme=value_name(v)),
        ),
        Option(
            "jv",
            "p",
            PRIVACY,
            "journalVisibility",
            _one_of("private", "shared"),
            lambda v: _("Journal {visibility}").format(visibility=value_name(v)),
        ),
        Option(
            "sa",
            "p",
            PRIVACY,
            "shareAnalytics",
            _on_off,
            _toggle(N_("Share analytics on"), N_("Share analytics off")),
        ),
        Option(
            "ai",
            "a",
            AI,
            "enableAiInsights",
            _on_off,
            _toggle(N_("AI insights on"), N_("AI insights off")),
        ),
        Option(
            "se",
            "a",
            AI,
            "enableSentimentAnalysis",
            _on_off,
            _toggle(N_("Sentiment analysis on"), N_("Sentiment analysis off")),
        ),
        Option(
            "gs",
            "a",
            AI,
            "enableGrowthSuggestions",
            _on_off,
            _toggle(N_("Growth suggestions on"), N_("Growth suggestions off")),
        ),
        # On/off on the wire; stored as the host agreed to (see on_press).
        Option(
            "ex",
            "a",
            AI,
            EXTERNAL_AI_CONSENT,
            _on_off,
            (
                lambda v: (
                    _("Entries go to {host} for suggestions").format(host=v)
                    if v
                    else _("Entries stay here")
                )
            ),
        ),
    )
}

# m: main menu, n/t/p/a: submenus, d: day-of-month picker, x: close, o: type another time.
VIEWS: Final = frozenset({"m", "n", "t", "p", "a", "d"})
CLOSE: Final = "x"
OTHER_TIME: Final = "o"


@dataclass(frozen=True)
class Change:
    option: Option
    value: object  # as stored


def parse_press(decoded: CallbackData) -> str | Change | None:
    """A view code, a validated change, or None for anything stale or forged."""
    if decoded.uuid is not None or decoded.number is not None:
        return None
    arg = decoded.arg
    if arg in VIEWS or arg in {CLOSE, OTHER_TIME}:
        return arg
    code, sep, wire = arg.partition("=")
    option = OPTIONS.get(code)
    if not sep or option is None:
        return None
    value = option.parse(wire)
    if value is None:
        return None
    if option.key == EXTERNAL_AI_CONSENT:
        return Change(option, value)  # a yes or no until on_press names the host
    try:
        stored = settings.validate_setting(option.document, option.key, value)
    except VocabularyError:
        return None
    return Change(option, stored)


def _wire(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value).replace(":", "")


def _data(arg: str) -> str:
    return encode(ACTION, arg=arg)


def _set(code: str, value: object) -> str:
    return _data(f"{code}={_wire(value)}")


def _button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=data)


def _mark(label: str, chosen: bool) -> str:
    return f"✓ {label}" if chosen else label


def _back(view: str = "m") -> InlineKeyboardButton:
    return _button(_("« Back"), _data(view))


# --- rendering ----------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """What the menu shows: the stored values (or defaults) and the user's time zone."""

    row: UserSettings
    timezone: str
    # Where entries would go for suggestions, if the user agrees (None: no LLM is set up).
    llm_host: str | None = None

    def get(self, code: str) -> Any:
        option = OPTIONS[code]
        return settings.read_setting(self.row, option.document, option.key)

    def rule(self) -> ReminderRule:
        stored = self.get("fr")
        frequency: Frequency = (
            "weekly" if stored == "weekly" else "monthly" if stored == "monthly" else "daily"
        )
        hhmm = str(self.get("tm") or DEFAULT_REMINDER_TIME)
        return ReminderRule(
            frequency,
            time(int(hhmm[:2]), int(hhmm[3:])),
            weekday=self.get("wd") if self.get("wd") is not None else 0,
            day_of_month=self.get("dm") or 1,
        )


def describe_next(snapshot: Snapshot, now: datetime | None = None) -> str:
    """ "today at 20:00", "tomorrow at 07:00" or "Mon 3 Mar at 20:00", in the user's zone."""
    now = now or datetime.now(UTC)
    zone = ZoneInfo(snapshot.timezone)
    due = next_reminder(snapshot.rule(), snapshot.timezone, now).astimezone(zone)
    today = now.astimezone(zone).date()
    days = (due.date() - today).days
    at = f"{due:%H:%M}"
    if days == 0:
        return _("today at {time}").format(time=at)
    if days == 1:
        return _("tomorrow at {time}").format(time=at)
    # The date's Babel pattern is a msgid too: each language orders and punctuates its own.
    when = day(due.date(), _("EEE d MMM"))
    return _("{date} at {time}").format(date=when, time=at)


def _main(snapshot: Snapshot) -> tuple[str, InlineKeyboardMarkup]:
    push = snapshot.get("pu")
    summary = _("{frequency} at {time}").format(
        frequency=value_name(snapshot.get("fr")),
        time=snapshot.get("tm") or DEFAULT_REMINDER_TIME,
    )
    theme = _("{mode}, {scheme}").format(
        mode=_("dark") if snapshot.get("dk") else _("light"),
        scheme=html.escape(value_name(snapshot.get("cs"))),
    )
    text = "\n".join(
        [
            _("<b>⚙️ Settings</b>"),
            "",
            _("🔔 Reminders: <b>{summary}</b>").format(
                summary=html.escape(summary) if push else _("off")
            ),
            _("🎨 Theme: <b>{theme}</b>").format(theme=theme),
            _("🔒 Journal: <b>{visibility}</b>").format(
                visibility=html.escape(value_name(snapshot.get("jv")))
            ),
            f"🌐 {_where_entries_go(snapshot)}",
            "",
            _("Choose a group to change it. Every change is saved at once."),
        ]
    )
    markup = InlineKeyboardMarkup(
        [
            [_button(_("🔔 Notifications"), _data("n")), _button(_("🎨 Theme"), _data("t"))],
            [_button(_("🔒 Privacy"), _data("p")), _button(_("🤖 AI"), _data("a"))],
            [_button(_("✖ Close"), _data(CLOSE))],
        ]
    )
    return text, markup


def _notifications(snapshot: Snapshot, now: datetime | None) -> tuple[str, InlineKeyboardMarkup]:
    push, email, frequency = snapshot.get("pu"), snapshot.get("em"), snapshot.get("fr")
    at = str(snapshot.get("tm") or DEFAULT_REMINDER_TIME)
    lines = [
        _("<b>🔔 Notifications</b>"),
        "",
        _("Push reminders: <b>{state}</b>").format(state=_state(push)),
        _("Email notifications: <b>{state}</b>").format(state=_state(email)),
        _("Frequency: <b>{frequency}</b>").format(frequency=html.escape(value_name(frequency))),
        _("Reminder time: <b>{time}</b> ({zone})").format(
            time=at, zone=html.escape(snapshot.timezone)
        ),
    ]
    if frequency == "weekly":
        lines.append(
            _("Weekday: <b>{weekday}</b>").format(weekday=weekday_name(snapshot.rule().weekday))
        )
    if frequency == "monthly":
        lines.append(_("Day of month: <b>{day}</b>").format(day=snapshot.rule().day_of_month))
        lines.append(f"<i>{_(SHORT_MONTHS_NOTE)}</i>")
    lines.append("")
    if push or email:
        lines.append(_("⏰ Next reminder: <b>{when}</b>").format(when=describe_next(snapshot, now)))
    else:
        lines.append(_("Reminders are off. Turn on push reminders to get them here."))
    rows = [
        [
            _button(
                _("🔔 Push reminders: {state}").format(state=_state(push)), _set("pu", not push)
            ),
            _button(_("✉️ Email: {state}").format(state=_state(email)), _set("em", not email)),
        ],
        [
            _button(_mark(button_name(name), frequency == name), _set("fr", name))
            for name in ("daily", "weekly", "monthly")
        ],
    ]
    times = [_button(_mark(t, at == t), _set("tm", t)) for t in COMMON_TIMES]
    other = f"✓ {at} · {_('Other…')}" if at not in COMMON_TIMES else _("Other…")
    times.append(_button(other, _data(OTHER_TIME)))
    rows += [times[:4], times[4:]]
    if frequency == "weekly":
        weekday = snapshot.rule().weekday
        rows.append(
            [
                _button(_mark(weekday_name(i, "abbreviated"), weekday == i), _set("wd", i))
                for i in range(7)
            ]
        )
    if frequency == "monthly":
        label = _("📅 Day of month: {day} ▸").format(day=snapshot.rule().day_of_month)
        rows.append([_button(label, _data("d"))])
    rows.append([_back()])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def _day_picker(snapshot: Snapshot) -> tuple[str, InlineKeyboardMarkup]:
    chosen = snapshot.rule().day_of_month
    text = "\n".join(
        [
            _("<b>📅 Day of month</b>"),
            "",
            _("Monthly reminders come on day <b>{day}</b>. Pick another day.").format(day=chosen),
            f"<i>{_(SHORT_MONTHS_NOTE)}</i>",
        ]
    )
    days = [_button(_mark(str(d), d == chosen), _set("dm", d)) for d in range(1, 32)]
    rows = [days[i : i + 7] for i in range(0, 31, 7)]
    rows.append([_back("n")])
    return text, InlineKeyboardMarkup(rows)


def _theme(snapshot: Snapshot) -> tuple[str, InlineKeyboardMarkup]:
    dark, size, scheme = snapshot.get("dk"), snapshot.get("fs"), snapshot.get("cs")
    text = "\n".join(
        [
            _("<b>🎨 Theme</b>"),
            "",
            _("Dark mode: <b>{state}</b>").format(state=_state(dark)),
            _("Font size: <b>{size}</b>").format(size=html.escape(value_name(size))),
            _("Colour scheme: <b>{scheme}</b>").format(scheme=html.escape(value_name(scheme))),
            "",
            _("<i>Used by the /progress charts.</i>"),
        ]
    )
    schemes = [_button(_mark(button_name(s), scheme == s), _set("cs", s)) for s in COLOR_SCHEMES]
    rows = [
        [_button(_("🌙 Dark mode: {state}").format(state=_state(dark)), _set("dk", not dark))],
        [
            _button(_mark(button_name(s), size == s), _set("fs", s))
            for s in ("small", "medium", "large")
        ],
        schemes[:3],
        schemes[3:],
        [_back()],
    ]
    return text, InlineKeyboardMarkup(rows)


def _privacy(snapshot: Snapshot) -> tuple[str, InlineKeyboardMarkup]:
    visibility, share = snapshot.get("jv"), snapshot.get("sa")
    text = "\n".join(
        [
            _("<b>🔒 Privacy</b>"),
            "",
            _("Journal visibility: <b>{visibility}</b>").format(
                visibility=html.escape(value_name(visibility))
            ),
            _("Share analytics: <b>{state}</b>").format(state=_state(share)),
        ]
    )
    share_label = _("📊 Share analytics: {state}").format(state=_state(share))
    rows = [
        [
            _button(_mark(button_name(v), visibility == v), _set("jv", v))
            for v in ("private", "shared")
        ],
        [_button(share_label, _set("sa", not share))],
        [_back()],
    ]
    return text, InlineKeyboardMarkup(rows)


def _where_entries_go(snapshot: Snapshot) -> str:
    if snapshot.llm_host is None or not consents(snapshot):
        return _("Your entries: <b>stay on this server</b>")
    return _("Your entries: <b>also sent to {host}</b> (see AI)").format(
        host=html.escape(snapshot.llm_host)
    )


def consents(snapshot: Snapshot) -> bool:
    """Has the user agreed to send entries to the LLM configured now?"""
    return snapshot.llm_host is not None and snapshot.get("ex") == snapshot.llm_host


def _ai(snapshot: Snapshot) -> tuple[str, InlineKeyboardMarkup]:
    insights, sentiment, suggestions = snapshot.get("ai"), snapshot.get("se"), snapshot.get("gs")
    host = snapshot.llm_host
    text = "\n".join(
        [
            _("<b>🤖 AI</b>"),
            "",
            _("AI insights: <b>{state}</b>").format(state=_state(insights)),
            _("Sentiment analysis: <b>{state}</b>").format(state=_state(sentiment)),
            _("Growth suggestions: <b>{state}</b>").format(state=_state(suggestions)),
            "",
            "",
        ]
    )
    rows = [
        [
            _button(
                _("💡 AI insights: {state}").format(state=_state(insights)),
                _set("ai", not insights),
            )
        ],
        [
            _button(
                _("🙂 Sentiment analysis: {state}").format(state=_state(sentiment)),
                _set("se", not sentiment),
            )
        ],
        [
            _button(
                _("🌱 Growth suggestions: {state}").format(state=_state(suggestions)),
                _set("gs", not suggestions),
            )
        ],
    ]
    if host is None:
        text += _("🔐 Suggestions are made on this server: nothing you write is sent elsewhere.")
    else:
        allowed = consents(snapshot)
        text += "\n".join(
            [
                _("🔐 <b>Where your entries go</b>"),
                _(
                    "Suggestions are made on this server unless you allow more. If you allow "
                    "it, the text of each new entry and your open goals are sent to "
                    "<b>{host}</b>, an outside AI service, to suggest goals, and your voice "
                    "notes, to write them out as text."
                ).format(host=html.escape(host)),
                _("Sending entries to {host}: <b>{state}</b>").format(
                    host=html.escape(host), state=_("allowed") if allowed else _("off")
                ),
            ]
        )
        label = _("🌐 Send entries to {host}: {state}").format(host=host, state=_state(allowed))
        rows.append([_button(label, _set("ex", not allowed))])
    rows.append([_back()])
    return text, InlineKeyboardMarkup(rows)


def render(
    view: str, snapshot: Snapshot, now: datetime | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    if view == "n":
        return _notifications(snapshot, now)
    if view == "d":
        return _day_picker(snapshot)
    if view == "t":
        return _theme(snapshot)
    if view == "p":
        return _privacy(snapshot)
    if view == "a":
        return _ai(snapshot)
    return _main(snapshot)
