"""The data functions every journal message calls, batched across concurrent updates.

Under load the bot is CPU-bound and most of its cost per statement is Python, so the
sender's link and the entry save are each one prepared statement (db.prepared) for
all updates that need them at about the same moment (db.batching). ``Database.fast``
holds one ``FastPath``; ``Database.close`` lets the batches in flight finish.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db import accounts
from db.accounts import Link
from db.batching import Batcher
from db.entry_save import NewEntry, SavedNew, SaveProblem, save_new_entries
from db.prepared import Driver, HeldDrivers

T = TypeVar("T")


class FastPath:
    def __init__(self, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._drivers = HeldDrivers(engine)
        self._sessions = sessions  # for the rare session renewal
        self._links: Batcher[tuple[int, int], Link | None] = Batcher(self._load_links)
        self._saves: Batcher[NewEntry, SavedNew | SaveProblem] = Batcher(self._save)

    async def link(self, telegram_user_id: int, *, session_days: int) -> Link | None:
        """The Telegram account's link to a user (None for an unknown account); a
        session in use is renewed for ``session_days`` (at most once an hour)."""
        return await self._links.submit((telegram_user_id, session_days))

    async def save_entry(self, item: NewEntry) -> SavedNew | SaveProblem:
        """``item`` saved by ``db.entry_save.save_new_entries`` with the saves of
        concurrent updates: ``DUPLICATE`` when its message was saved before."""
        return await self._saves.submit(item)

    def driver(self) -> AbstractAsyncContextManager[Driver]:
        """A driver connection for one prepared statement (autocommit), as
        ``db.prepared.driver_connection`` gives but held between uses."""
        return self._drivers.connection()

    async def close(self) -> None:
        await self._links.close()
        await self._saves.close()
        await self._drivers.close()

    async def _load_links(self, items: list[tuple[int, int]]) -> list[Link | None]:
        links = await self._read(lambda driver: accounts.get_links(driver, [i for i, _ in items]))
        stale: dict[int, list[uuid.UUID]] = defaultdict(list)
        for telegram_user_id, days in items:
            link = links.get(telegram_user_id)
            if (
                link is not None
                and link.session_id is not None
                and accounts.needs_renewal(link, days=days)
            ):
                stale[days].append(link.session_id)
        for days, session_ids in stale.items():
            async with self._sessions.begin() as s:
                await accounts.renew_sessions(s, sorted(set(session_ids)), days=days)
        return [links.get(i) for i, _ in items]

    async def _save(self, items: list[NewEntry]) -> list[SavedNew | SaveProblem]:
        # Not retried here: the outcome of a statement cut off is unknown, and the
        # update's retry finds a saved message a duplicate.
        async with self._drivers.connection() as driver:
            return await save_new_entries(driver, items)

    async def _read(self, query: Callable[[Driver], Awaitable[T]]) -> T:
        for attempt in (1, 2):
            try:
                async with self._drivers.connection() as driver:
                    return await query(driver)
            except DBAPIError as exc:
                # The first query after a database restart meets a dead pooled
                # connection; that invalidates the pool, so one retry gets a fresh one.
                if attempt == 2 or not exc.connection_invalidated:
                    raise
        raise AssertionError("unreachable")
