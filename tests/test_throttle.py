"""The delay schedule of db/throttle.py: free tries, then doubling waits up to a cap."""

from __future__ import annotations

from datetime import datetime, timedelta

from db.throttle import ACCOUNT_CAP, ADDRESS_CAP, delay_after, wait_left


def test_delays_double_after_four_free_attempts_up_to_the_cap() -> None:
    minutes = [delay_after(n, ACCOUNT_CAP) / timedelta(minutes=1) for n in range(13)]
    assert minutes == [0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60]
    assert delay_after(10_000, ADDRESS_CAP) == timedelta(minutes=15)


def test_wait_counts_from_the_latest_attempt() -> None:
    now = datetime(2026, 1, 1, 12, 0)
    assert wait_left(0, None, ADDRESS_CAP, now) is None
    assert wait_left(4, now, ADDRESS_CAP, now) is None
    assert wait_left(6, now - timedelta(minutes=1), ADDRESS_CAP, now) == timedelta(minutes=1)
    assert wait_left(6, now - timedelta(minutes=3), ADDRESS_CAP, now) is None
