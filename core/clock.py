"""Moments as the database's timestamp columns hold them: naive UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def naive_utc(moment: datetime) -> datetime:
    """``moment`` as the naive UTC the timestamp columns hold (naive input is taken as UTC)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=None)
    return moment.astimezone(UTC).replace(tzinfo=None)


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
