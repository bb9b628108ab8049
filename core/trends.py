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

from core.streaks import local_date
from core.vocab import MetricType
from core.wording import plural

MIN_TREND_DAYS: Final = 5
# Mean compound-sentiment change between the earlier and later days that counts as a trend.
MOOD_THRESHOLD: Final = 0.1

MoodWord = Literal["improving", "steady", "declining"]


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
        return f"based on {plural(self.count, one, many)} over {plural(self.days, 'day')}"

    def missing_text(self) -> str:
        return missing_text(self.days)


def missing_text(days: int) -> str:
    """Why there is no trend yet: "a trend needs 5 different days, so far 2"."""
    return f"a trend needs {MIN_TREND_DAYS} different days, so far {days}"


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
    return f"based on {count} {many or one + 's'} over {span} days"


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
        return "📊 Growth metrics: no check-ins yet. /checkin rates all five in a minute."
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
        return "📊 Growth metrics: check in in both halves of the month to see what's moving."
    trends = [(kind, change) for kind, change in changes if change.is_trend]
    if not trends:
        most = max(change.basis.days for _, change in changes)
        return (
            f"📊 Growth metrics: no trend yet ({missing_text(most)}). "
            "Keep checking in with /checkin."
        )
    kind, change = max(trends, key=lambda item: abs(item[1].delta))
    if abs(change.delta) < STEADY_DELTA:
        basis = bases_text([c.basis for _, c in trends], "rating")
        return f"📊 Growth metrics: steady, none moved by half a point or more ({basis})."
    verb = "up" if change.delta > 0 else "down"
    return (
        f"📊 Moved the most: <b>{kind.value}</b>, {verb} from {change.before:.1f} to "
        f"{change.after:.1f} (first vs second half of the period, "
        f"{change.basis.text('rating')})"
    )


def local_day(at: datetime, tz: str) -> date:
    """The user's calendar day of ``at`` (naive UTC, as stored)."""
    return local_date(at.replace(tzinfo=UTC), tz)
