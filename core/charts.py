"""Progress charts for the five growth-mindset metrics, and a caption in words.

Pure rendering: no telegram or database imports. Uses matplotlib's object API with the Agg
canvas and never pyplot or rcParams, so renders share no mutable global state and can run in
a worker thread (``asyncio.to_thread``). Renders run one at a time (see ``_RENDER_LOCK``).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core import i18n
from core import progress_words as words
from core.i18n import N_, _, decimal, month_name, ngettext, number
from core.trends import Basis, missing_text

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    from matplotlib.axes import Axes

# matplotlib and numpy are imported by the functions that use them: they are most of the
# bot's import time, and a start (the try-out's first prompt) should not wait for a chart
# nobody asked for yet.

METRICS: Final[tuple[str, ...]] = ("resilience", "effort", "challenge", "feedback", "learning")
# Shown names of the metrics (the stored names above stay English: the web app shares them).
METRIC_LABELS: Final[dict[str, str]] = {
    "resilience": N_("Resilience"),
    "effort": N_("Effort"),
    "challenge": N_("Challenge"),
    "feedback": N_("Feedback"),
    "learning": N_("Learning"),
}


def metric_label(name: str) -> str:
    """A metric's name as shown, in the current language."""
    label = METRIC_LABELS.get(name)
    return _(label) if label else name.capitalize()


COLOR_SCHEMES: Final[tuple[str, ...]] = ("default", "ocean", "forest", "sunset", "mono")

FontSize = Literal["small", "medium", "large"]

# Pixel geometry is fixed so the bot (and tests) know the image size up front:
# 800 px wide, 200 px for titles/axis labels plus 160 px per metric panel, at 100 dpi.
DPI: Final = 100
WIDTH_PX: Final = 800
BASE_HEIGHT_PX: Final = 200
PANEL_HEIGHT_PX: Final = 160

# matplotlib already serialises Figure.draw process-wide and the GIL serialises the rest, so
# parallel renders finish no sooner in total; queueing them whole gets the first chart out in
# one render time instead of all of them near the end. Waiting here releases the GIL.
_RENDER_LOCK: Final = threading.Lock()

_BASE_FONT_PT: Final[dict[str, float]] = {"small": 9.0, "medium": 11.0, "large": 13.0}
# A change in half-period averages smaller than this is reported as "steady".
_STEADY_DELTA: Final = 0.5
# Beyond this many plotted days, per-day markers and thick lines only add clutter.
_MARKER_MAX_DAYS: Final = 45
# Longer ranges get month names on the x axis instead of "12 Mar"-style day labels.
_DAY_LABEL_MAX_DAYS: Final = 120

# One colour per metric (in METRICS order); dark mode gets lighter variants for contrast.
_PALETTES: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "default": (
        ("#1f77b4", "#e8710a", "#2ca02c", "#d62728", "#9467bd"),
        ("#5aa9ff", "#ffa94d", "#63d471", "#ff6b6b", "#c39bff"),
    ),
    "ocean": (
        ("#005f73", "#0a9396", "#1d4e89", "#2a9d8f", "#3a86ff"),
        ("#90e0ef", "#48cae4", "#94d2bd", "#00b4d8", "#a9d6e5"),
    ),
    "forest": (
        ("#2d6a4f", "#606c38", "#40916c", "#8c5a2b", "#1b4332"),
        ("#95d5b2", "#b7c97a", "#74c69d", "#d4a373", "#d8f3dc"),
    ),
    "sunset": (
        ("#d00000", "#e85d04", "#9d0208", "#c9184a", "#7b2cbf"),
        ("#ff6b6b", "#ffb703", "#fb8500", "#ff8fab", "#c77dff"),
    ),
    "mono": (
        ("#202020", "#404040", "#555555", "#6a6a6a", "#808080"),
        ("#f0f0f0", "#d9d9d9", "#c4c4c4", "#b0b0b0", "#9c9c9c"),
    ),
}


@dataclass(frozen=True)
class Theme:
    dark: bool = False
    font_size: FontSize = "medium"
    scheme: str = "default"


@dataclass(frozen=True)
class MetricPoint:
    at: datetime
    value: int


@dataclass(frozen=True)
class _Style:
    figure_bg: str
    axes_bg: str
    text: str
    muted: str
    grid: str
    spine: str
    base_pt: float


def theme_from_preferences(prefs: Mapping[str, object] | None) -> Theme:
    """Build a Theme from stored ``theme_preferences``; anything unusable falls back to defaults."""
    if not isinstance(prefs, Mapping):
        return Theme()
    dark_raw = prefs.get("darkMode")
    dark = dark_raw if isinstance(dark_raw, bool) else _truthy_str(dark_raw)
    size_raw = prefs.get("fontSize")
    size = size_raw.strip().lower() if isinstance(size_raw, str) else ""
    font_size: FontSize = "medium"
    if size == "small":
        font_size = "small"
    elif size == "large":
        font_size = "large"
    scheme_raw = prefs.get("colorScheme")
    scheme = scheme_raw.strip().lower() if isinstance(scheme_raw, str) else ""
    return Theme(
        dark=dark, font_size=font_size, scheme=scheme if scheme in _PALETTES else "default"
    )


def metric_color(metric: str, theme: Theme) -> str:
    """Hex colour of ``metric``'s line under ``theme`` (unknown schemes use the default one)."""
    light, dark = _PALETTES.get(theme.scheme, _PALETTES["default"])
    palette = dark if theme.dark else light
    if metric in METRICS:
        return palette[METRICS.index(metric)]
    return palette[sum(map(ord, metric)) % len(palette)]


def daily_means(
    points: Sequence[MetricPoint], *, days: int, now: datetime, tz: str = "UTC"
) -> list[tuple[date, float]]:
    """Per-day mean of the valid points in the window, keyed by the date in the user's tz."""
    window = _Window.make(days, now, _zone(tz))
    data = _collect_metric("", points, window)
    if data is None:
        return []
    return [
        (window.first_day + timedelta(days=int(i)), float(m))
        for i, m in zip(data.day_index, data.day_means, strict=True)
    ]


def render_progress(
    series: Mapping[str, Sequence[MetricPoint]],
    *,
    days: int,
    now: datetime,
    theme: Theme,
    tz: str = "UTC",
) -> bytes:
    """Render one line chart per metric with data in the last ``days`` days; PNG bytes.

    The image is WIDTH_PX wide and BASE_HEIGHT_PX + PANEL_HEIGHT_PX * panels tall; with no data
    at all a single panel carries a "no check-ins yet" message instead of a chart.
    """
    window = _Window.make(days, now, _zone(tz))
    with _RENDER_LOCK:
        return _render(_collect(series, window), window, days, theme)


def describe_progress(
    series: Mapping[str, Sequence[MetricPoint]], *, days: int, now: datetime, tz: str = "UTC"
) -> str:
    """Caption in words: which metric changed most between the two halves of the period.

    A change is called a trend only for a metric rated on enough different days
    (core.trends), and the caption says what the trends are based on. Each sentence is one
    msgid per shape (the period inside it: languages decline it differently).
    """
    window = _Window.make(days, now, _zone(tz))
    metrics = _collect(series, window)
    total = sum(len(m.values) for m in metrics)
    if total == 0:
        return ngettext(
            "No check-ins in the last day yet. Send /checkin to rate your five growth metrics, "
            "or /rate effort 7.",
            "No check-ins in the last {n} days yet. Send /checkin to rate your five growth "
            "metrics, or /rate effort 7.",
            days,
        ).format(n=days)
    if total == 1:
        only = metrics[0]
        return ngettext(
            "Just one check-in in the last day so far: {metric} {value}. "
            "Check in again over the coming days to see a trend.",
            "Just one check-in in the last {n} days so far: {metric} {value}. "
            "Check in again over the coming days to see a trend.",
            days,
        ).format(n=days, metric=words.word(only.name), value=number(float(only.values[0])))

    mid = (window.end - timedelta(days=days) / 2).timestamp()
    halves: list[tuple[_MetricData, float, float]] = []
    one_sided: list[_MetricData] = []
    few: list[_MetricData] = []  # rated in both halves, but on too few days
    for m in metrics:
        early = m.values[m.timestamps < mid]
        late = m.values[m.timestamps >= mid]
        if not (early.size and late.size):
            one_sided.append(m)
        elif Basis(m.values.size, m.day_index.size).enough:
            halves.append((m, float(early.mean()), float(late.mean())))
        else:
            few.append(m)
    few_days = max((int(m.day_index.size) for m in few), default=0)

    if not halves:
        averages = ", ".join(f"{words.word(m.name)} {decimal(m.average)}" for m in metrics)
        if few_days:
            return ngettext(
                "Averages over the last day: {averages}. Check in on more days to see how they "
                "change ({missing}).",
                "Averages over the last {n} days: {averages}. Check in on more days to see how "
                "they change ({missing}).",
                days,
            ).format(n=days, averages=averages, missing=missing_text(few_days))
        return ngettext(
            "Averages over the last day: {averages}. Check in on more days to see how they change.",
            "Averages over the last {n} days: {averages}. Check in on more days to see how "
            "they change.",
            days,
        ).format(n=days, averages=averages)

    movers = sorted(
        (h for h in halves if abs(h[2] - h[1]) >= _STEADY_DELTA),
        key=lambda h: -abs(h[2] - h[1]),
    )
    steady = [h[0] for h in halves if abs(h[2] - h[1]) < _STEADY_DELTA]
    sentences: list[str] = []
    if movers:
        top, before, after = movers[0]
        sentences.append(
            words.capitalize(
                words.top_mover(after > before, len(halves) > 1, days).format(
                    n=days,
                    metric=words.word(top.name),
                    before=decimal(before),
                    after=decimal(after),
                )
            )
        )
        if len(movers) > 1:
            others: list[str] = []
            rose_before: bool | None = None
            for m, a, b in movers[1:]:
                # "learning rose from 5 to 6 and feedback from 5 to 7": say each verb once.
                rose = b > a
                if rose == rose_before:
                    change = _("{metric} from {before} to {after}")
                elif rose:
                    change = _("{metric} rose from {before} to {after}")
                else:
                    change = _("{metric} dropped from {before} to {after}")
                others.append(
                    change.format(metric=words.word(m.name), before=decimal(a), after=decimal(b))
                )
                rose_before = rose
            sentences.append(_("Also, {changes}.").format(changes=words.join(others)))
        if steady:
            sentences.append(words.steady_sentence([(m.name, m.average) for m in steady]))
    elif len(steady) == 1:
        m = steady[0]
        sentences.append(
            words.capitalize(
                ngettext(
                    "{metric} is steady around {value} over the last day.",
                    "{metric} is steady around {value} over the last {n} days.",
                    days,
                ).format(n=days, metric=words.word(m.name), value=words.round_half_up(m.average))
            )
        )
    else:
        around = ", ".join(
            _("{metric} around {value}").format(
                metric=words.word(m.name), value=words.round_half_up(m.average)
            )
            for m in steady
        )
        sentences.append(
            ngettext(
                "Your metrics are steady over the last day: {metrics}.",
                "Your metrics are steady over the last {n} days: {metrics}.",
                days,
            ).format(n=days, metrics=around)
        )
    sentences.append(
        words.bases_sentence([Basis(h[0].values.size, h[0].day_index.size) for h in halves])
    )
    if few:
        sentences.append(
            words.capitalize(
                ngettext(
                    "{metrics} has no trend yet: {missing}.",
                    "{metrics} have no trend yet: {missing}.",
                    len(few),
                ).format(
                    metrics=words.join([words.word(m.name) for m in few]),
                    missing=missing_text(few_days),
                )
            )
        )
    if one_sided:
        sentences.append(
            words.capitalize(
                ngettext(
                    "{metrics} has check-ins in only one half of the period, so no trend yet.",
                    "{metrics} have check-ins in only one half of the period, so no trend yet.",
                    len(one_sided),
                ).format(metrics=words.join([words.word(m.name) for m in one_sided]))
            )
        )
    return " ".join(sentences)


# --- data preparation ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Window:
    start: datetime  # aware; points before it are ignored
    end: datetime  # aware; points after it are ignored
    zone: tzinfo
    first_day: date  # in the user's tz
    last_day: date

    @staticmethod
    def make(days: int, now: datetime, zone: tzinfo) -> _Window:
        if days < 1:
            raise ValueError(f"days must be at least 1, got {days}")
        end = _aware(now)
        start = end - timedelta(days=days)
        return _Window(start, end, zone, start.astimezone(zone).date(), end.astimezone(zone).date())

    @property
    def day_count(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def same_year(self) -> bool:
        return self.first_day.year == self.last_day.year


@dataclass(frozen=True)
class _MetricData:
    name: str
    values: npt.NDArray[np.float64]  # raw valid ratings in the window
    timestamps: npt.NDArray[np.float64]  # epoch seconds, aligned with values
    day_index: npt.NDArray[np.intp]  # days since window.first_day that have ratings
    day_means: npt.NDArray[np.float64]  # mean rating on each of those days

    @property
    def average(self) -> float:
        # Every check-in weighs the same, so busy days count more than in the daily means.
        return float(self.values.mean())


def _collect(series: Mapping[str, Sequence[MetricPoint]], window: _Window) -> list[_MetricData]:
    known = [m for m in METRICS if m in series]
    extra = sorted(k for k in series if k not in METRICS)
    collected = (_collect_metric(name, series[name], window) for name in [*known, *extra])
    return [m for m in collected if m is not None]


def _collect_metric(
    name: str, points: Sequence[MetricPoint], window: _Window
) -> _MetricData | None:
    values: list[float] = []
    stamps: list[float] = []
    ordinals: list[int] = []
    start, end, zone = window.start, window.end, window.zone
    for p in points:
        v = p.value
        # NaN fails the range check too.
        if isinstance(v, bool) or not isinstance(v, int | float) or not 1 <= v <= 10:
            continue
        at = _aware(p.at)
        if at < start or at > end:
            continue
        values.append(float(v))
        stamps.append(at.timestamp())
        ordinals.append(at.astimezone(zone).toordinal())
    if not values:
        return None
    import numpy as np

    vals = np.asarray(values, dtype=np.float64)
    idx = np.asarray(ordinals, dtype=np.intp) - window.first_day.toordinal()
    sums = np.bincount(idx, weights=vals, minlength=window.day_count)
    counts = np.bincount(idx, minlength=window.day_count)
    present = np.flatnonzero(counts)
    return _MetricData(
        name=name,
        values=vals,
        timestamps=np.asarray(stamps, dtype=np.float64),
        day_index=present,
        day_means=sums[present] / counts[present],
    )


def _aware(moment: datetime) -> datetime:
    # Naive datetimes are taken as UTC, matching how the database stores them.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _zone(tz: str) -> tzinfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return UTC


# --- drawing ------------------------------------------------------------------------------


def _render(metrics: Sequence[_MetricData], window: _Window, days: int, theme: Theme) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    style = _style(theme)
    panels = max(1, len(metrics))

    fig = Figure(
        figsize=(WIDTH_PX / DPI, (BASE_HEIGHT_PX + PANEL_HEIGHT_PX * panels) / DPI),
        dpi=DPI,
        facecolor=style.figure_bg,
        layout="constrained",
    )
    canvas = FigureCanvasAgg(fig)
    last = _short_date(window.last_day, with_year=True)
    first = _short_date(window.first_day, with_year=not window.same_year)
    fig.suptitle(
        ngettext(
            "Your growth metrics · last day ({first} – {last})",
            "Your growth metrics · last {n} days ({first} – {last})",
            days,
        ).format(n=days, first=first, last=last),
        color=style.text,
        fontsize=style.base_pt + 3,
        fontweight="bold",
        parse_math=False,
    )

    if not metrics:
        ax = fig.add_subplot()
        ax.set_facecolor(style.figure_bg)
        ax.set_axis_off()
        ax.text(
            0.5,
            0.5,
            ngettext(
                "No check-ins in the last day yet.\nSend /checkin to rate your growth metrics.",
                "No check-ins in the last {n} days yet.\n"
                "Send /checkin to rate your growth metrics.",
                days,
            ).format(n=days),
            ha="center",
            va="center",
            color=style.muted,
            fontsize=style.base_pt + 1,
            transform=ax.transAxes,
            parse_math=False,
        )
    else:
        axes = fig.subplots(panels, 1, sharex=True, squeeze=False)[:, 0]
        for ax, data in zip(axes, metrics, strict=True):
            _draw_metric(ax, data, window, theme, style)
        _format_date_axis(axes[-1], window, style)

    buf = io.BytesIO()
    canvas.print_png(buf)  # type: ignore[no-untyped-call]  # matplotlib leaves it unannotated
    return buf.getvalue()


def _style(theme: Theme) -> _Style:
    base = _BASE_FONT_PT.get(theme.font_size, _BASE_FONT_PT["medium"])
    if theme.dark:
        return _Style("#17212b", "#1d2a37", "#e6edf3", "#a9b4bf", "#2e3d4c", "#4a5a6a", base)
    return _Style("#ffffff", "#ffffff", "#222222", "#5f6368", "#e3e3e3", "#b0b0b0", base)


def _draw_metric(ax: Axes, data: _MetricData, window: _Window, theme: Theme, style: _Style) -> None:
    import numpy as np

    color = metric_color(data.name, theme)
    first = np.datetime64(window.first_day.isoformat(), "D")
    x = _date_numbers(first + data.day_index)
    ax.set_facecolor(style.axes_bg)
    sparse = len(x) <= _MARKER_MAX_DAYS
    ax.plot(
        x,
        data.day_means,
        color=color,
        linewidth=2.0 if sparse else 1.4,
        marker="o" if sparse else None,
        markersize=4,
        solid_capstyle="round",
    )
    ax.axhline(data.average, color=color, linestyle="--", linewidth=1.2, alpha=0.75)
    ax.set_title(
        _("{metric} · avg {average}").format(
            metric=metric_label(data.name), average=decimal(data.average)
        ),
        loc="left",
        color=style.text,
        fontsize=style.base_pt + 1,
        parse_math=False,
    )
    ax.set_ylim(0.5, 10.5)
    ax.set_yticks([1, 4, 7, 10])
    start = float(_date_numbers(np.array([first]))[0])
    ax.set_xlim(start - 0.5, start + window.day_count - 0.5)
    ax.grid(True, color=style.grid, linewidth=0.6)
    ax.set_axisbelow(True)
    ax.tick_params(colors=style.spine, labelcolor=style.muted, labelsize=style.base_pt - 1)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(style.spine)


def _date_numbers(days: npt.NDArray[np.datetime64]) -> npt.NDArray[np.float64]:
    import numpy as np
    from matplotlib import dates as mdates

    nums = mdates.date2num(days)  # type: ignore[no-untyped-call]  # matplotlib.dates is untyped
    return np.asarray(nums, dtype=np.float64)


def _format_date_axis(ax: Axes, window: _Window, style: _Style) -> None:
    from matplotlib import dates as mdates
    from matplotlib.ticker import FuncFormatter

    # Day numbers are already local calendar dates, so tick and label them without a tz shift.
    # matplotlib.dates is not annotated, hence the ignores.
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8, tz=UTC)  # type: ignore[no-untyped-call]
    monthly = window.day_count > _DAY_LABEL_MAX_DAYS

    def label(num: float, _pos: int | None = None) -> str:
        day = mdates.num2date(num, tz=UTC).date()  # type: ignore[no-untyped-call]
        if not monthly:
            return _short_date(day, with_year=False)
        return f"{month_name(day.month)} {day.year}" if day.month == 1 else month_name(day.month)

    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(FuncFormatter(label))


# --- wording ------------------------------------------------------------------------------


def _truthy_str(raw: object) -> bool:
    return isinstance(raw, str) and raw.strip().lower() in {"true", "1", "yes", "on"}


def _short_date(day: date, *, with_year: bool) -> str:
    """ "5 Mar" or "5 Mar 2026" in the current locale's order and month names."""
    return i18n.day(day, "d MMM y" if with_year else "d MMM")
