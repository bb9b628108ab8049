"""Metrics: recording validated ratings, reading series and averages, counting check-ins."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from core.vocab import MetricType, VocabularyError
from db import metrics
from db.database import Database
from db.errors import InvalidInput
from db.models import Metric
from tests.factories import explain, make_user

T0 = datetime(2024, 3, 10, 12, 0)


async def _users(db: Database) -> tuple[uuid.UUID, uuid.UUID]:
    async with db.sessions.begin() as s:
        return await make_user(s), await make_user(s)


async def test_record_metric_stores_the_documented_text_forms(db: Database) -> None:
    alice, _ = await _users(db)
    async with db.sessions.begin() as s:
        await metrics.record_metric(s, alice, "Resilience", 7, "  bounced back  ", at=T0)
        await metrics.record_metric(s, alice, MetricType.EFFORT, " 10 ", "   ", at=T0)
    async with db.sessions() as s:
        rows = (await s.execute(select(Metric.type, Metric.value, Metric.notes))).all()
        assert sorted(tuple(r) for r in rows) == [
            ("effort", "10", None),
            ("resilience", "7", "bounced back"),
        ]


@pytest.mark.parametrize("value", [0, 11, -1, "abc", "7.5", "", True, 7.0, None])
async def test_record_metric_rejects_ratings_outside_1_to_10(db: Database, value: object) -> None:
    alice, _ = await _users(db)
    async with db.sessions.begin() as s:
        with pytest.raises(VocabularyError, match="1 to 10"):
            await metrics.record_metric(s, alice, "effort", value)  # type: ignore[arg-type]
    async with db.sessions() as s:
        assert (await s.scalars(select(Metric))).all() == []


async def test_record_metric_rejects_unknown_types_and_long_notes(db: Database) -> None:
    alice, _ = await _users(db)
    async with db.sessions.begin() as s:
        with pytest.raises(VocabularyError, match="resilience, effort"):
            await metrics.record_metric(s, alice, "happiness", 5)
        with pytest.raises(InvalidInput, match="too long"):
            await metrics.record_metric(s, alice, "effort", 5, "n" * (metrics.NOTES_MAX_CHARS + 1))
        note = "n" * metrics.NOTES_MAX_CHARS
        assert (await metrics.record_metric(s, alice, "effort", 5, note)).notes == note


async def _insert_raw(
    db: Database, user_id: uuid.UUID, rows: list[tuple[str, str, datetime]]
) -> None:
    """Rows as the other app might have written them, bypassing validation."""
    async with db.sessions.begin() as s:
        s.add_all(Metric(user_id=user_id, type=t, value=v, created_at=at) for t, v, at in rows)


async def test_series_skips_rows_the_other_app_got_wrong(db: Database) -> None:
    alice, bob = await _users(db)
    await _insert_raw(
        db,
        alice,
        [
            ("effort", "8", T0 + timedelta(days=2)),
            ("effort", "6", T0 + timedelta(days=1)),
            ("effort", "high", T0),
            ("effort", "11", T0),
            ("effort", "7.5", T0),
            ("effort", "", T0),
            ("effort", "²", T0),
            ("happiness", "5", T0),
            ("Learning", "3", T0),
            ("learning", "9", T0 - timedelta(days=30)),
        ],
    )
    await _insert_raw(db, bob, [("effort", "1", T0)])
    async with db.sessions() as s:
        series = await metrics.metric_series(s, alice, since=T0 - timedelta(days=1))
    assert set(series) == set(MetricType)
    assert series[MetricType.EFFORT] == [(T0 + timedelta(days=1), 6), (T0 + timedelta(days=2), 8)]
    assert series[MetricType.LEARNING] == [(T0, 3)]
    assert series[MetricType.RESILIENCE] == []


async def test_averages_over_a_half_open_window(db: Database) -> None:
    alice, bob = await _users(db)
    await _insert_raw(
        db,
        alice,
        [
            ("effort", "4", T0),
            ("effort", "7", T0 + timedelta(hours=1)),
            ("effort", "garbage", T0 + timedelta(hours=1)),
            ("challenge", "9", T0 + timedelta(hours=2)),
            ("challenge", "1", T0 + timedelta(days=1)),  # at `end`: excluded
        ],
    )
    await _insert_raw(db, bob, [("effort", "10", T0)])
    async with db.sessions() as s:
        averages = await metrics.metric_averages(s, alice, T0, T0 + timedelta(days=1))
    assert averages == {MetricType.EFFORT: 5.5, MetricType.CHALLENGE: 9.0}


async def test_checkins_are_distinct_minutes(db: Database) -> None:
    alice, bob = await _users(db)
    async with db.sessions.begin() as s:
        assert await metrics.count_checkins(s, alice) == 0
        # One check-in: all five ratings in one transaction share its timestamp.
        for kind in MetricType:
            await metrics.record_metric(s, alice, kind, 5)
    await _insert_raw(
        db,
        alice,
        [
            ("effort", "5", T0 + timedelta(seconds=5)),
            ("learning", "6", T0 + timedelta(seconds=50)),  # same minute: same check-in
            ("effort", "7", T0 + timedelta(minutes=1)),
        ],
    )
    await _insert_raw(db, bob, [("effort", "1", T0)])
    async with db.sessions() as s:
        assert await metrics.count_checkins(s, alice) == 3
        assert await metrics.count_checkins(s, bob) == 1


async def test_reading_a_users_metrics_uses_the_user_time_index(db: Database) -> None:
    alice, _ = await _users(db)
    await _insert_raw(db, alice, [("effort", "5", T0)])
    async with db.sessions.begin() as s:
        plan = await explain(
            s,
            select(Metric.type, Metric.value, Metric.created_at)
            .where(Metric.user_id == alice, Metric.created_at >= T0)
            .order_by(Metric.created_at),
        )
    assert "idx_metrics_user_created" in plan, plan
