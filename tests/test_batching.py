"""The batcher groups concurrent requests and hands each caller its own result."""

from __future__ import annotations

import asyncio

import pytest

from db.batching import Batcher


async def test_concurrent_requests_share_one_run_and_get_their_own_results() -> None:
    runs: list[list[int]] = []

    async def square(items: list[int]) -> list[int | BaseException]:
        runs.append(items)
        return [i * i for i in items]

    batcher: Batcher[int, int] = Batcher(square, max_wait=0.01)
    results = await asyncio.gather(*(batcher.submit(i) for i in range(5)))
    assert results == [0, 1, 4, 9, 16]
    assert runs == [[0, 1, 2, 3, 4]]


async def test_a_full_batch_runs_at_once_and_the_rest_follows() -> None:
    runs: list[list[int]] = []

    async def echo(items: list[int]) -> list[int | BaseException]:
        runs.append(items)
        return list(items)

    batcher: Batcher[int, int] = Batcher(echo, max_size=3, max_wait=0.01)
    assert await asyncio.gather(*(batcher.submit(i) for i in range(7))) == list(range(7))
    assert [len(r) for r in runs] == [3, 3, 1]


async def test_a_per_item_error_reaches_only_that_caller() -> None:
    async def picky(items: list[int]) -> list[int | BaseException]:
        return [ValueError(f"bad {i}") if i == 2 else i for i in items]

    batcher: Batcher[int, int] = Batcher(picky)
    results = await asyncio.gather(*(batcher.submit(i) for i in range(4)), return_exceptions=True)
    assert results[:2] == [0, 1] and results[3] == 3
    assert isinstance(results[2], ValueError) and "bad 2" in str(results[2])


async def test_a_failed_run_reaches_every_caller() -> None:
    async def broken(items: list[int]) -> list[int | BaseException]:
        raise ConnectionError("database went away")

    batcher: Batcher[int, int] = Batcher(broken)
    results = await asyncio.gather(*(batcher.submit(i) for i in range(3)), return_exceptions=True)
    assert all(isinstance(r, ConnectionError) for r in results)
    with pytest.raises(ConnectionError):
        await batcher.submit(9)
