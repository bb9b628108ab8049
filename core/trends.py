"""When the bot may call something a trend, and what it says the trend is based on. Pure logic.

Four entries written within two minutes are one moment, not a mood trend; two check-ins are
not a direction. Every trend the bot states (/insights' mood and metrics, /stats' arrows,
/progress's caption) needs data on ``MIN_TREND_DAYS`` different days, and says what it
rests on: "based on 12 entries over 9 days".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from statistics import fmean
from typing import Final, Literal

from core import i18n
from core.i18n import N_, _, ngettext
from core.streaks import local_date
from core.vocab import MetricType

MIN_TREND_DAYS: Final = 5
# Mean compound-sentiment change between the earlier and later days that counts as a trend.
MOOD_THRESHOLD: Final = 0.1

MoodWord = Literal["improving", "steady", "declining"]

# The growth metrics as users read them (the stored names stay English).
METRIC_NAMES: Final[dict[str, str]] = {
    "resilience": N_("resilience"),
    "effort": N_("effort"),
    "challenge": N_("challenge"),
    "feedback": N_("feedback"),
    "learning": N_("learning"),
}


def metric_name(name: str) -> str:
    """A stored metric name ("effort") in the user's language."""
    return _(METRIC_NAMES[name]) if name in METRIC_NAMES else name


def days_text(n: int) -> str:
    """ "1 day", "9 days"."""
    return ngettext("{n} day", "{n} days", n).format(n=n)


def _based_on(one: str, many: str | None, count: int, shown: str, days: str) -> str:
    """ "based on 12 entries over 9 days": ``count`` picks the plural form, ``shown`` is
    the count as written (a range in bases_text). Whole phrases per kind of data point, so
    translators can inflect the noun; unknown kinds stay English."""
    if one == "entry":
        text = ngettext("based on {n} entry over {days}", "based on {n} entries over {days}", count)
    elif one == "rating":
        text = ngettext(
            "based on {n} rating over {days}", "based on {n} ratings over {days}", count
        )
    elif one == "check-in":
        text = ngettext(
            "based on {n} check-in over {days}", "based on {n} check-ins over {days}", count
        )
    else:
        noun = one if count == 1 else (many or one + "s")
        return f"based on {shown} {noun} over {days}"
    return text.format(n=shown, days=days)


@dataclass(frozen=True)
class Basis:
    """How many data points on how many different days a figure rests on."""

    count: int
    days: int

    @property
    def enough(self) -> bool:
        return self.days >= MIN_TREND_DAYS

    def text(self, one: str, many: str | None = None) -> str:
        """ "based on 12 entries over 9 days" (``one``/``many`` name the data points)."""
        return _based_on(one, many, self.count, str(self.count), days_text(self.days))

    def missing_text(self) -> str:
        return missing_text(self.days)


def missing_text(days: int) -> str:
    """Why there is no trend yet: "a trend needs 5 different days, so far 2"."""
    return _("a trend needs {min} different days, so far {n}").format(min=MIN_TREND_DAYS, n=days)


def basis_of(days: Iterable[date]) -> Basis:
    listed = list(days)
    return Basis(count=len(listed), days=len(set(listed)))


def bases_text(bases: Sequence[Basis], one: str, many: str | None = None) -> str:
    """One basis for several figures: "based on 12 ratings over 9 days", or ranges
    ("based on 4–12 ratings over 4–9 days") when the figures rest on different data."""
    if not bases:
        return ""
    if len(set(bases)) == 1:
        return bases[0].text(one, many)
    counts = sorted(b.count for b in bases)
    days = sorted(b.days for b in bases)
    count = f"{counts[0]}–{counts[-1]}" if counts[0] != counts[-1] else str(counts[0])
    span = f"{days[0]}–{days[-1]}" if days[0] != days[-1] else str(days[0])
    # Forms follow the larger number; a range always takes the "many" form in English.
    days_shown = ngettext("{n} day", "{n} days", max(days[-1], 2)).format(n=span)
    return _based_on(one, many, max(counts[-1], 2), count, days_shown)


@dataclass(frozen=True)
class MoodTrend:
    word: MoodWord | None  # None: too few days to tell
    basis: Basis


def mood_trend(scored: Sequence[tuple[date, float]]) -> MoodTrend:
    """Compare the mean sentiment of the earlier and the later half of the writing days.

    Each day counts once (the mean of its entries), so one busy day cannot make a trend;
    with an odd number of days the middle one belongs to neither half.
    """
    basis = basis_of(day for day, _ in scored)
    if not basis.enough:
        return MoodTrend(None, basis)
    by_day: dict[date, list[float]] = {}
    for day, score in scored:
        by_day.setdefault(day, []).append(score)
    daily = [fmean(by_day[day]) for day in sorted(by_day)]
    half = len(daily) // 2
    change = fmean(daily[-half:]) - fmean(daily[:half])
    if change >= MOOD_THRESHOLD:
        return MoodTrend("improving", basis)
    if change <= -MOOD_THRESHOLD:
        return MoodTrend("declining", basis)
    return MoodTrend("steady", basis)


@dataclass(frozen=True)
class Change:
    """The average before and after (two halves of a period, or last month and this one)."""

    before: float
    after: float
    basis: Basis  # both sides together

    @property
    def delta(self) -> float:
        return self.after - self.before

    @property
    def is_trend(self) -> bool:
        return self.basis.enough


def change_between(
    before: Sequence[tuple[date, float]], after: Sequence[tuple[date, float]]
) -> Change | None:
    """The averages of the (day, value) points on each side; None when a side is empty.

    ``is_trend`` tells whether the change may be presented as a direction at all.
    """
    if not before or not after:
        return None
    return Change(
        before=fmean(value for _, value in before),
        after=fmean(value for _, value in after),
        basis=basis_of([day for day, _ in before] + [day for day, _ in after]),
    )


def arrow(now: float, before: float) -> str:
    """↑ ↓ or →, judged on the values as shown (one decimal)."""
    shown_now, shown_before = round(now, 1), round(before, 1)
    if shown_now > shown_before:
        return "↑"
    if shown_now < shown_before:
        return "↓"
    return "→"


# A change of the half-period averages smaller than this is "steady" (as on the charts).
STEADY_DELTA: Final = 0.5


def metric_line(
    series: Mapping[MetricType, Sequence[tuple[datetime, int]]], middle: datetime, tz: str
) -> str:
    """Which metric moved most between the first and the second half of the period."""
    if not any(series.values()):
        return _("📊 Growth metrics: no check-ins yet. /checkin rates all five in a minute.")
    changes: list[tuple[MetricType, Change]] = []
    for kind in MetricType:
        points = [(at, float(value)) for at, value in series.get(kind, [])]
        change = change_between(
            [(local_day(at, tz), value) for at, value in points if at < middle],
            [(local_day(at, tz), value) for at, value in points if at >= middle],
        )
        if change is not None:
            changes.append((kind, change))
    if not changes:
        return _("📊 Growth metrics: check in in both halves of the month to see what's moving.")
    trends = [(kind, change) for kind, change in changes if change.is_trend]
    if not trends:
        most = max(change.basis.days for _kind, change in changes)
        return _("📊 Growth metrics: no trend yet ({why}). Keep checking in with /checkin.").format(
            why=missing_text(most)
        )
    kind, change = max(trends, key=lambda item: abs(item[1].delta))
    if abs(change.delta) < STEADY_DELTA:
        basis = bases_text([c.basis for _kind, c in trends], "rating")
        return _("📊 Growth metrics: steady, none moved by half a point or more ({basis}).").format(
            basis=basis
        )
    moved = (
        _(
            "📊 Moved the most: <b>{metric}</b>, up from {before} to {after} "
            "(first vs second half of the period, {basis})"
        )
        if change.delta > 0
        else _(
            "📊 Moved the most: <b>{metric}</b>, down from {before} to {after} "
            "(first vs second half of the period, {basis})"
        )
    )
    return moved.format(
        metric=metric_name(kind.value),
        before=i18n.decimal(change.before),
        after=i18n.decimal(change.after),
        basis=change.basis.text("rating"),
    )


def local_day(at: datetime, tz: str) -> date:
    """The user's calendar day of ``at`` (naive UTC, as stored)."""
    return local_date(at.replace(tzinfo=UTC), tz)
