"""Progress chart rendering and its caption."""

from __future__ import annotations

import io
import random
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image

from core.charts import (
    BASE_HEIGHT_PX,
    METRICS,
    PANEL_HEIGHT_PX,
    WIDTH_PX,
    MetricPoint,
    Theme,
    daily_means,
    describe_progress,
    metric_color,
    render_progress,
    theme_from_preferences,
)

NOW = datetime(2025, 4, 11, 18, 0, tzinfo=UTC)
Series = Mapping[str, Sequence[MetricPoint]]


def _daily(values: Sequence[int], *, days: int = 30) -> list[MetricPoint]:
    """One rating per day, oldest first, spread evenly over the last ``days`` days."""
    step = timedelta(days=days) / len(values)
    start = NOW - timedelta(days=days) + step / 2
    return [MetricPoint(start + step * i, v) for i, v in enumerate(values)]


def _sample(rng_seed: int = 7) -> dict[str, list[MetricPoint]]:
    rng = random.Random(rng_seed)
    return {m: _daily([rng.randint(3, 9) for _ in range(30)]) for m in METRICS}


def _render(series: Series, theme: Theme | None = None, days: int = 30) -> Image.Image:
    png = render_progress(series, days=days, now=NOW, theme=theme or Theme())
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    return image.convert("RGB")


def _hex_rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _pixels(image: Image.Image) -> npt.NDArray[np.int16]:
    return np.asarray(image, dtype=np.int16)


def _count_near(image: Image.Image, color: str, tolerance: int = 8) -> int:
    distance = np.abs(_pixels(image) - np.array(_hex_rgb(color), dtype=np.int16))
    return int(np.count_nonzero((distance <= tolerance).all(axis=-1)))


def _brightness(image: Image.Image, x: int, y: int) -> float:
    return float(_pixels(image)[y, x].mean())


def _expected_size(panels: int) -> tuple[int, int]:
    return WIDTH_PX, BASE_HEIGHT_PX + PANEL_HEIGHT_PX * panels


# --- rendering -----------------------------------------------------------------------------


def test_five_metrics_render_a_png_of_the_documented_size() -> None:
    image = _render(_sample())
    assert image.size == _expected_size(5)


def test_metrics_without_usable_data_get_no_panel() -> None:
    series = _sample()
    full_height = _render(series).height
    series["feedback"] = []
    # Only ratings older than the range, or outside 1-10, must not earn a panel either.
    series["learning"] = [MetricPoint(NOW - timedelta(days=45), 7)]
    series["challenge"] = [MetricPoint(NOW - timedelta(days=1), 0), MetricPoint(NOW, 11)]
    image = _render(series)
    assert image.size == _expected_size(2)
    assert image.height < full_height


def test_no_data_at_all_still_renders_a_message_image() -> None:
    image = _render({})
    assert image.size == _expected_size(1)
    # The "no check-ins yet" message leaves ink on the otherwise white canvas.
    assert (_pixels(image).max(axis=-1) < 128).any()


def test_dark_theme_has_dark_background_and_light_theme_light() -> None:
    dark = _render(_sample(), Theme(dark=True))
    light = _render(_sample(), Theme(dark=False))
    assert _brightness(dark, 0, 0) < 60
    assert _brightness(dark, dark.width - 1, dark.height - 1) < 60
    assert _brightness(light, 0, 0) > 200
    assert _brightness(light, light.width - 1, light.height - 1) > 200


def test_color_scheme_changes_line_colours() -> None:
    series = _sample()
    default = _render(series, Theme(scheme="default"))
    ocean = _render(series, Theme(scheme="ocean"))
    ocean_effort = metric_color("effort", Theme(scheme="ocean"))
    default_effort = metric_color("effort", Theme(scheme="default"))
    assert ocean_effort != default_effort
    assert _count_near(ocean, ocean_effort) > 100
    assert _count_near(default, ocean_effort) < 10
    assert _count_near(default, default_effort) > 100
    assert _count_near(ocean, default_effort) < 10


def test_every_scheme_gives_each_theme_its_own_look() -> None:
    series = _sample()
    renders = {
        render_progress(series, days=30, now=NOW, theme=Theme(dark=dark, scheme=scheme))
        for dark in (False, True)
        for scheme in ("default", "ocean", "forest", "sunset", "mono")
    }
    assert len(renders) == 10


def test_unknown_scheme_falls_back_to_default() -> None:
    series = _sample()
    theme = theme_from_preferences({"colorScheme": "plaid"})
    assert render_progress(series, days=30, now=NOW, theme=theme) == render_progress(
        series, days=30, now=NOW, theme=Theme()
    )
    # A Theme built by hand with a bad scheme must not crash either.
    assert render_progress(series, days=30, now=NOW, theme=Theme(scheme="plaid")) == (
        render_progress(series, days=30, now=NOW, theme=Theme())
    )


def test_larger_font_size_puts_more_text_ink_on_the_same_canvas() -> None:
    series = _sample()
    images = {size: _render(series, Theme(font_size=size)) for size in ("small", "large")}
    images["medium"] = _render(series, Theme(font_size="medium"))
    # No default-scheme line colour is this dark, so these pixels are text.
    ink = {
        size: int(np.count_nonzero(_pixels(img).max(axis=-1) < 0x40))
        for size, img in images.items()
    }
    assert ink["small"] < ink["medium"] < ink["large"]
    assert {img.size for img in images.values()} == {_expected_size(5)}


def test_ten_thousand_points_over_a_year_render() -> None:
    rng = random.Random(3)
    series = {
        m: [
            MetricPoint(NOW - timedelta(seconds=rng.uniform(0, 365 * 86400)), rng.randint(1, 10))
            for _ in range(2000)
        ]
        for m in METRICS
    }
    image = _render(series, Theme(dark=True, font_size="large"), days=365)
    assert image.size == _expected_size(5)


def test_concurrent_renders_in_threads_match_a_serial_render() -> None:
    series = _sample()
    themes = [Theme(), Theme(dark=True, font_size="large", scheme="sunset")]
    serial = [render_progress(series, days=30, now=NOW, theme=t, tz="Asia/Tokyo") for t in themes]
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [
            (i, pool.submit(render_progress, series, days=30, now=NOW, theme=t, tz="Asia/Tokyo"))
            for _ in range(3)
            for i, t in enumerate(themes)
        ]
        for i, future in futures:
            assert future.result() == serial[i]


def test_render_leaves_no_files_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    render_progress(_sample(), days=30, now=NOW, theme=Theme())
    assert list(tmp_path.iterdir()) == []


def test_unknown_timezone_falls_back_to_utc() -> None:
    series = _sample()
    assert render_progress(series, days=30, now=NOW, theme=Theme(), tz="Mars/Olympus") == (
        render_progress(series, days=30, now=NOW, theme=Theme(), tz="UTC")
    )


def test_non_positive_range_is_rejected() -> None:
    with pytest.raises(ValueError):
        render_progress(_sample(), days=0, now=NOW, theme=Theme())


# --- daily aggregation ---------------------------------------------------------------------


def test_daily_means_group_by_the_users_calendar_day() -> None:
    late_evening_utc = datetime(2025, 4, 9, 23, 30, tzinfo=UTC)
    points = [
        MetricPoint(late_evening_utc, 4),
        MetricPoint(late_evening_utc - timedelta(hours=5), 7),
    ]
    assert daily_means(points, days=30, now=NOW, tz="UTC") == [(date(2025, 4, 9), 5.5)]
    # 23:30 UTC is already the next morning in Tokyo; 18:30 UTC is still the 10th's 03:30.
    assert daily_means(points, days=30, now=NOW, tz="Asia/Tokyo") == [(date(2025, 4, 10), 5.5)]
    assert daily_means(points, days=30, now=NOW, tz="America/New_York") == [(date(2025, 4, 9), 5.5)]


def test_daily_means_ignore_points_outside_range_and_bad_values() -> None:
    yesterday = NOW - timedelta(days=1)
    points = [
        MetricPoint(NOW - timedelta(days=31), 9),  # before the range
        MetricPoint(NOW + timedelta(hours=1), 9),  # in the future
        MetricPoint(yesterday, 0),
        MetricPoint(yesterday, 11),
        MetricPoint(yesterday, True),
        MetricPoint(yesterday.replace(tzinfo=None), 3),  # naive = UTC
        MetricPoint(yesterday, 5),
    ]
    assert daily_means(points, days=30, now=NOW) == [(yesterday.date(), 4.0)]


def test_many_points_collapse_to_one_value_per_day() -> None:
    rng = random.Random(5)
    points = [
        MetricPoint(NOW - timedelta(seconds=rng.uniform(0, 90 * 86400)), rng.randint(1, 10))
        for _ in range(10_000)
    ]
    means = daily_means(points, days=90, now=NOW)
    assert len(means) <= 91
    assert len({d for d, _ in means}) == len(means)
    assert all(1 <= m <= 10 for _, m in means)


# --- caption -------------------------------------------------------------------------------


def test_caption_names_the_metric_that_rose_most() -> None:
    effort = [3, 4, 3, 4, 4, 3, 7, 8, 7, 8, 8, 7]
    series = {
        "resilience": _daily([6, 6, 7, 5, 6, 6, 6, 6, 7, 5, 6, 6]),
        "effort": _daily(effort),
        "learning": _daily([5, 5, 5, 5, 5, 5, 6, 6, 6, 6, 6, 6]),
    }
    caption = describe_progress(series, days=30, now=NOW)
    before, after = sum(effort[:6]) / 6, sum(effort[6:]) / 6
    assert caption.startswith(f"Effort rose the most: from {before:.1f} to {after:.1f}")
    assert "last 30 days" in caption
    assert "Resilience" in caption and "steady around 6" in caption
    # Learning moved, but less than effort, so it is not the headline.
    assert "learning rose" in caption
    assert "Based on 12 check-ins over 12 days." in caption


def test_caption_lists_the_other_movers_by_size() -> None:
    series = {
        "effort": _daily([3, 3, 3, 8, 8, 8]),
        "feedback": _daily([5, 5, 5, 6, 6, 6]),
        "learning": _daily([5, 5, 5, 7, 7, 7]),
        "challenge": _daily([7, 7, 7, 6, 6, 7]),
    }
    caption = describe_progress(series, days=30, now=NOW)
    assert caption.startswith("Effort rose the most: from 3.0 to 8.0")
    assert "Also, learning rose from 5.0 to 7.0, feedback from 5.0 to 6.0" in caption
    assert "and challenge dropped from 7.0 to 6.3." in caption


def test_caption_reports_a_drop() -> None:
    series = {
        "feedback": _daily([8, 8, 9, 8, 3, 2, 3, 3]),
        "challenge": _daily([5, 5, 5, 5, 5, 5, 5, 5]),
    }
    caption = describe_progress(series, days=30, now=NOW)
    assert caption.startswith("Feedback dropped the most")
    assert "Challenge is steady around 5" in caption


def test_caption_when_everything_is_steady() -> None:
    series = {"effort": _daily([6, 7, 6, 7, 6, 7]), "learning": _daily([8, 8, 8, 8, 8, 8])}
    caption = describe_progress(series, days=30, now=NOW)
    assert "steady" in caption
    assert "rose" not in caption and "dropped" not in caption
    assert "effort around 7" in caption and "learning around 8" in caption


def test_caption_without_data_explains_how_to_start() -> None:
    for series in ({}, {"effort": [MetricPoint(NOW - timedelta(days=40), 7)]}):
        caption = describe_progress(series, days=30, now=NOW)
        assert "No check-ins in the last 30 days" in caption
        assert "/checkin" in caption and "/rate" in caption


def test_caption_with_a_single_point() -> None:
    series = {"resilience": [MetricPoint(NOW - timedelta(days=2), 8)]}
    caption = describe_progress(series, days=90, now=NOW)
    assert "one check-in" in caption
    assert "resilience 8" in caption
    assert "last 90 days" in caption


def test_caption_claims_no_trend_from_too_few_days() -> None:
    # Four days, two in each half, look like a big rise: not a trend yet.
    few = {"effort": _daily([2, 3, 9, 9])}
    caption = describe_progress(few, days=30, now=NOW)
    assert "rose" not in caption and "steady" not in caption
    assert "a trend needs 5 different days, so far 4" in caption
    # Many ratings on the same four days do not make it one either.
    busy = {"effort": [p for p in _daily([2, 3, 9, 9]) for _ in range(5)]}
    assert "so far 4" in describe_progress(busy, days=30, now=NOW)
    # Next to a metric with enough days, it is named as having no trend yet.
    mixed = {**few, "learning": _daily([5, 5, 5, 7, 7, 7])}
    caption = describe_progress(mixed, days=30, now=NOW)
    assert caption.startswith("Learning rose from 5.0 to 7.0")
    assert "Based on 6 check-ins over 6 days." in caption
    assert "Effort has no trend yet: a trend needs 5 different days, so far 4." in caption


def test_caption_when_all_check_ins_are_recent() -> None:
    recent = NOW - timedelta(days=1)
    series = {"effort": [MetricPoint(recent, 6), MetricPoint(recent, 8)]}
    caption = describe_progress(series, days=30, now=NOW)
    assert "effort 7.0" in caption
    assert "rose" not in caption and "dropped" not in caption


def test_caption_mentions_metrics_with_no_trend_yet() -> None:
    series = {
        "effort": _daily([3, 3, 3, 8, 8, 8]),
        "feedback": [MetricPoint(NOW - timedelta(days=2), 6)],
    }
    caption = describe_progress(series, days=30, now=NOW)
    assert caption.startswith("Effort rose from 3.0 to 8.0")
    assert "Feedback has check-ins in only one half" in caption


# --- preferences ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "prefs",
    [
        None,
        {},
        [],
        "dark",
        {"darkMode": "yes please", "fontSize": 12, "colorScheme": None},
        {"darkMode": None, "fontSize": "huge", "colorScheme": "plaid"},
        {"darkMode": 1, "fontSize": ["large"], "colorScheme": 42},
    ],
)
def test_theme_from_garbage_preferences_is_the_default(prefs: object) -> None:
    assert theme_from_preferences(prefs) == Theme()  # type: ignore[arg-type]


def test_theme_from_valid_preferences() -> None:
    prefs = {"darkMode": True, "fontSize": " LARGE ", "colorScheme": "Ocean"}
    assert theme_from_preferences(prefs) == Theme(dark=True, font_size="large", scheme="ocean")
    assert theme_from_preferences({"darkMode": "true", "fontSize": "small"}) == Theme(
        dark=True, font_size="small"
    )
