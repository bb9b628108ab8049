"""Group concurrent requests into one database round (the DataLoader pattern).

Under load many updates need the same kind of query at once; each statement costs
the bot far more CPU in SQLAlchemy than in PostgreSQL, so one statement for a batch
beats one per update. A request waits at most ``max_wait`` for companions.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Batcher(Generic[T, R]):
    """``await batcher.submit(item)``: runs ``run(items)`` for all items submitted
    within ``max_wait`` (or ``max_size`` of them) and hands each its own result.

    ``run`` returns one result per item, in order; a result that is an exception is
    raised to that item's caller only. An exception from ``run`` reaches every caller.
    """

    def __init__(
        self,
        run: Callable[[list[T]], Awaitable[Sequence[R | BaseException]]],
        *,
        max_size: int = 100,
        max_wait: float = 0.010,
    ) -> None:
        self._run = run
        self._max_size = max_size
        self._max_wait = max_wait
        self._pending: list[tuple[T, asyncio.Future[R]]] = []
        self._timer: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def submit(self, item: T) -> R:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        self._pending.append((item, future))
        if len(self._pending) >= self._max_size:
            self._flush()
        elif self._timer is None:
            self._timer = loop.call_later(self._max_wait, self._flush)
        return await future

    async def close(self) -> None:
        """Run what is waiting now and wait for every batch in flight."""
        self._flush()
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def _flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch, self._pending = self._pending, []
        if batch:
            task = asyncio.get_running_loop().create_task(self._deliver(batch))
            self._tasks.add(task)  # keep a reference until it is done
            task.add_done_callback(self._tasks.discard)

    async def _deliver(self, batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        try:
            results = await self._run([item for item, _ in batch])
        except BaseException as exc:  # handed to every caller
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
            return
        for (_, future), result in zip(batch, results, strict=True):
            if future.done():  # the caller was cancelled meanwhile
                continue
            if isinstance(result, BaseException):
                future.set_exception(result)
            else:
                future.set_result(result)
