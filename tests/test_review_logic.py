"""The weekly review's pure parts: text bounds, arrows, schedule across DST, the nudge rule."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from bot.reminder_jobs import reminder_keyboard, review_keyboard
from core.review import (
    ReviewData,
    ReviewGoal,
    arrow,
    needs_nudge,
    next_nudge_at,
    next_review_at,
    render_review,
    visible_length,
)


def data(**changes: object) -> ReviewData:
    base: dict[str, object] = {
        "today": date(2025, 11, 9),
        "first_name": "Ada",
        "words_by_day": (0, 10, 0, 5, 0, 0, 3),
        "entries": 3,
        "streak": 1,
        "metrics": {},
        "completed": (),
        "completed_count": 0,
        "due_soon": (),
        "due_soon_count": 0,
        "prompt_key": "user",
    }
    base.update(changes)
    return ReviewData(**base)  # type: ignore[arg-type]


def test_arrows_compare_with_last_week() -> None:
    assert (arrow(7.5, 5.0), arrow(4.0, 6.0), arrow(6.1, 6.0), arrow(6.0, None)) == (
        "↑",
        "↓",
        "→",
        "",
    )


def test_the_review_fits_a_photo_caption_whatever_the_goals() -> None:
    long = tuple(ReviewGoal("<b>" + "x" * 500, date(2025, 11, 8)) for _ in range(20))
    metrics = {m: (9.9, 1.0) for m in ("resilience", "effort", "challenge", "feedback", "learning")}
    text = render_review(
        data(
            first_name="A" * 300,
            metrics=metrics,
            completed=long,
            completed_count=20,
            due_soon=long,
            due_soon_count=20,
        )
    )
    assert visible_length(text) <= 1024
    assert "&lt;b&gt;" in text and "more" in text
    assert "18 words" in render_review(data())


def test_the_review_time_follows_the_local_clock_across_dst() -> None:
    # Sunday 18:00 in Berlin: 16:00 UTC in summer time, 17:00 UTC after 26 Oct 2025.
    first = next_review_at(6, 18, "Europe/Berlin", datetime(2025, 10, 20, tzinfo=UTC))
    second = next_review_at(6, 18, "Europe/Berlin", first)
    before = next_review_at(6, 18, "Europe/Berlin", datetime(2025, 10, 13, tzinfo=UTC))
    assert before == datetime(2025, 10, 19, 16, 0, tzinfo=UTC)
    assert first == datetime(2025, 10, 26, 17, 0, tzinfo=UTC)
    assert second == datetime(2025, 11, 2, 17, 0, tzinfo=UTC)
    assert next_nudge_at("Asia/Tokyo", datetime(2025, 11, 9, 12, 1, tzinfo=UTC)) == datetime(
        2025, 11, 10, 12, 0, tzinfo=UTC
    )


def test_the_nudge_needs_three_days_ending_yesterday_and_nothing_today() -> None:
    today = date(2025, 11, 10)
    three = {date(2025, 11, 7), date(2025, 11, 8), date(2025, 11, 9)}
    assert needs_nudge(three, today)
    assert not needs_nudge(three | {today}, today)
    assert not needs_nudge(three - {date(2025, 11, 7)}, today)


def test_button_data_fits_telegrams_limit() -> None:
    user = uuid.uuid4()
    for markup in (reminder_keyboard(user), review_keyboard(user)):
        for row in markup.inline_keyboard:
            for button in row:
                assert len(str(button.callback_data).encode()) <= 64
