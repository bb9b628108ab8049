"""Year in pixels: one square per day of a year (12 rows of months × 31 columns), coloured
by a metric's daily mean or by how many entries were written that day.

Pure: values come in per local date; rendering follows core.charts (object API, Agg,
no pyplot, one render at a time) so it can run in a worker thread. The palette is
cividis-like, readable with every common colour-vision deficiency and in greyscale: the
bins differ in lightness, not only in hue.
"""

from __future__ import annotations

import calendar
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from statistics import fmean
from typing import Final

from core.charts import _RENDER_LOCK, METRICS, Theme, _style, metric_label
from core.i18n import N_, _, decimal, month_name, ngettext

WRITING: Final = "writing"
KINDS: Final[tuple[str, ...]] = (WRITING, *METRICS)
MIN_YEAR: Final = 2000

DPI: Final = 100
WIDTH_PX: Final = 900
HEIGHT_PX: Final = 440

# Dark blue to light yellow (cividis): lightness rises with the value.
_BINS_COLORS: Final = ("#00224e", "#35456c", "#666970", "#948e77", "#c8b866", "#fee838")
# A metric's 1–10 in five bins of two; writing: 1, 2, 3, 4+ entries.
_METRIC_BINS: Final = ((1, 2), (3, 4), (5, 6), (7, 8), (9, 10))
_METRIC_COLORS: Final = _BINS_COLORS[:2] + _BINS_COLORS[3:]
_WRITING_COLORS: Final = ("#3e5a8a", "#948e77", "#c8b866", "#fee838")
_WRITING_LABELS: Final = (N_("1 entry"), "2", "3", "4+")


@dataclass(frozen=True)
class YearValues:
    kind: str  # WRITING or a metric name
    year: int
    values: Mapping[date, float]  # a metric's daily mean, or entries written that day


def parse_args(words: Sequence[str], this_year: int) -> tuple[str, int] | str:
    """``/pixels [metric|writing] [year]`` in any order; or what to tell the user."""
    kind, year = WRITING, this_year
    for word in words:
        low = word.lower()
        if low in KINDS:
            kind = low
        elif low.isdigit() and len(low) == 4 and MIN_YEAR <= int(low) <= this_year:
            year = int(low)
        elif low.isdigit():
            return _("Pick a year from {first} to {last}.").format(first=MIN_YEAR, last=this_year)
        else:
            return _("I don't know “{word}”. Choose writing or a metric: {metrics}.").format(
                word=word[:40], metrics=", ".join(METRICS)
            )
    return kind, year


def daily_counts(days: Sequence[tuple[date, int]], year: int) -> dict[date, float]:
    return {day: float(n) for day, n in days if day.year == year and n > 0}


def daily_means(points: Sequence[tuple[date, int]], year: int) -> dict[date, float]:
    """Mean rating per local date of ``year``; ``points`` are (local date, value)."""
    by_day: dict[date, list[int]] = {}
    for day, value in points:
        if day.year == year:
            by_day.setdefault(day, []).append(value)
    return {day: fmean(values) for day, values in by_day.items()}


def _bin(kind: str, value: float) -> int:
    if kind == WRITING:
        return min(int(value), 4) - 1
    rounded = int(value + 0.5)  # half up: 6.5 shows with 7–8
    return next(i for i, (_, high) in enumerate(_METRIC_BINS) if rounded <= high)


def describe(data: YearValues) -> str:
    """The caption's words: how many days, and the average or busiest month."""
    count = len(data.values)
    if data.kind == WRITING:
        if not count:
            return _("No entries in {year} yet. Write to me and the days fill in.").format(
                year=data.year
            )
        months = [0] * 12
        for day in data.values:
            months[day.month - 1] += 1
        best = max(range(12), key=lambda m: months[m])
        total = int(sum(data.values.values()))
        wrote = ngettext(
            "You wrote on {n} day of {year}", "You wrote on {n} days of {year}", count
        ).format(n=count, year=data.year)
        entries = ngettext("{n} entry", "{n} entries", total).format(n=total)
        busiest = _("most days in {month} ({days})").format(
            month=month_name(best + 1, "wide"), days=months[best]
        )
        return f"{wrote} ({entries}); {busiest}."
    name = metric_label(data.kind)
    if not count:
        return _("{metric}: no ratings in {year} yet. Rate it with /checkin.").format(
            metric=name, year=data.year
        )
    mean = fmean(data.values.values())
    return ngettext(
        "{metric}: rated on {n} day of {year}, average {average}.",
        "{metric}: rated on {n} days of {year}, average {average}.",
        count,
    ).format(metric=name, n=count, year=data.year, average=decimal(mean))


def heading(kind: str, year: int) -> str:
    """The picture's title, also its caption's first line."""
    title = _("Writing days") if kind == WRITING else metric_label(kind)
    return _("Year in pixels · {title} · {year}").format(title=title, year=year)


def kind_label(kind: str) -> str:
    """A kind's button label."""
    return _("✍️ Writing") if kind == WRITING else metric_label(kind)


def render_pixels(data: YearValues, theme: Theme) -> bytes:
    """PNG bytes, WIDTH_PX × HEIGHT_PX; days a month lacks are left out entirely."""
    with _RENDER_LOCK:
        return _render(data, theme)


def _render(data: YearValues, theme: Theme) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch, Rectangle

    style = _style(theme)
    # Dark mode: an empty day is an outline, so no fill can be mistaken for it.
    empty, outline = (style.figure_bg, style.spine) if theme.dark else ("#e8e8e8", "none")
    writing = data.kind == WRITING
    colors = _WRITING_COLORS if writing else _METRIC_COLORS
    fig = Figure(
        figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI),
        dpi=DPI,
        facecolor=style.figure_bg,
        layout="constrained",
    )
    canvas = FigureCanvasAgg(fig)
    fig.suptitle(
        heading(data.kind, data.year),
        color=style.text,
        fontsize=style.base_pt + 3,
        fontweight="bold",
        parse_math=False,
    )
    ax = fig.add_subplot()
    ax.set_facecolor(style.figure_bg)
    for month in range(1, 13):
        length = calendar.monthrange(data.year, month)[1]
        for day in range(1, length + 1):
            value = data.values.get(date(data.year, month, day))
            color = empty if value is None else colors[_bin(data.kind, value)]
            edge = outline if value is None else "none"
            ax.add_patch(
                Rectangle(
                    (day - 1, month - 1), 0.9, 0.9, facecolor=color, edgecolor=edge, linewidth=0.8
                )
            )
    ax.set_xlim(-0.2, 31.1)
    ax.set_ylim(12.1, -0.2)  # January on top
    ax.set_aspect("equal")
    ax.set_xticks(
        [d - 1 + 0.45 for d in (1, 5, 10, 15, 20, 25, 31)], ["1", "5", "10", "15", "20", "25", "31"]
    )
    ax.set_yticks([m + 0.45 for m in range(12)], [month_name(m) for m in range(1, 13)])
    ax.tick_params(length=0, labelcolor=style.muted, labelsize=style.base_pt - 1)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    labels = (
        tuple(_(label) for label in _WRITING_LABELS)
        if writing
        else tuple(f"{lo}–{hi}" for lo, hi in _METRIC_BINS)
    )
    handles = [
        Patch(
            facecolor=empty, edgecolor=outline, label=_("no entry") if writing else _("not rated")
        )
    ]
    handles += [Patch(facecolor=c, label=label) for c, label in zip(colors, labels, strict=True)]
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncols=len(handles),
        frameon=False,
        fontsize=style.base_pt - 1,
        labelcolor=style.text,
    )
    buf = io.BytesIO()
    canvas.print_png(buf)  # type: ignore[no-untyped-call]  # matplotlib leaves it unannotated
    return buf.getvalue()
