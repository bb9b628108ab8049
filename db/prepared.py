"""The bot's hottest statements, compiled once and run as asyncpg prepared statements.

Under load the bot is CPU-bound, and the ORM's Python work per statement (building,
cache key, compile lookup, result objects) was most of it: loading the sender's link
took 0.6 ms of CPU through a session and 0.3 ms this way, pool checkout included
(a microbenchmark of 1,000 calls; the effect on the whole bot is in bench/RESULTS.md,
"Update throughput"). The few statements run for every journal
message are therefore written as SQLAlchemy Core statements,
compiled here once for the asyncpg dialect, and executed on the driver connection of
a connection borrowed from the engine's pool: one pool, one configuration, one way a
dead connection is noticed.

Batches pass arrays (``= ANY($1)``, ``unnest($1, $2)``), so the SQL text, and the
prepared statement asyncpg caches per connection, are the same for every batch size.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any, Protocol

import asyncpg
from sqlalchemy import text
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement

_DIALECT = asyncpg_dialect()  # type: ignore[no-untyped-call]


class Driver(Protocol):
    """The part of ``asyncpg.Connection`` the prepared statements use."""

    async def fetch(self, query: str, *args: Any) -> list[Any]: ...

    def is_closed(self) -> bool: ...

    def get_server_pid(self) -> int: ...


class DatabaseDisconnected(DBAPIError):
    """The driver connection died under a statement; the pool has dropped it.

    A ``DBAPIError`` with ``connection_invalidated`` set, like SQLAlchemy's own, so
    callers that retry once after a database restart (and the error handler that tells
    the user nothing was saved) treat both paths alike.
    """

    def __init__(self, orig: BaseException) -> None:
        super().__init__(None, None, orig, connection_invalidated=True)


class Prepared:
    """A Core statement compiled once; ``fetch`` runs it with named parameters.

    Bind processors of the column types still apply (e.g. JSONB parameters are
    serialized); results come back as asyncpg records, which the engine's connections
    decode exactly as SQLAlchemy would (its asyncpg dialect installs the JSON codecs).
    """

    def __init__(self, statement: ClauseElement) -> None:
        compiled = statement.compile(dialect=_DIALECT)
        assert isinstance(compiled, SQLCompiler)
        self.sql = compiled.string
        self._names: tuple[str, ...] = tuple(compiled.positiontup or ())
        self._known = frozenset(self._names)
        processors: dict[str, Callable[[Any], Any]] = {}
        # Values fixed in the statement itself (e.g. LIMIT 1), sent as parameters.
        self._fixed: dict[str, Any] = {}
        for name in self._names:
            bind = compiled.binds[name]
            process = bind.type.dialect_impl(_DIALECT).bind_processor(_DIALECT)
            if process is not None:
                processors[name] = process
            if not bind.required:
                self._fixed[name] = bind.effective_value
        self._processors = processors

    def arguments(self, params: Mapping[str, Any]) -> list[Any]:
        """The positional arguments; a missing or unknown name is a programming error."""
        unknown = params.keys() - self._known
        if unknown:
            raise TypeError(f"unknown parameters {sorted(unknown)}")
        values = []
        for name in self._names:
            value = params[name] if name in params or name not in self._fixed else self._fixed[name]
            process = self._processors.get(name)
            values.append(value if process is None or value is None else process(value))
        return values

    async def fetch(self, driver: Driver, **params: Any) -> list[Any]:
        """The rows, as asyncpg records (read by column name: ``row["user_id"]``)."""
        return await driver.fetch(self.sql, *self.arguments(params))


# Failures after which the connection cannot be trusted: the socket or the protocol.
_BROKEN = (
    asyncpg.InterfaceError,
    asyncpg.PostgresConnectionError,
    asyncpg.InternalClientError,
    OSError,
)


@asynccontextmanager
async def driver_connection(engine: AsyncEngine) -> AsyncIterator[Driver]:
    """A pooled connection's asyncpg connection, in autocommit mode: each prepared
    statement is its own transaction, so write them as one statement each.

    A broken connection (e.g. the server restarted while it sat in the pool) is
    dropped from the pool and reported as ``DatabaseDisconnected``; so is one left
    mid-statement by a cancellation. Ordinary SQL errors pass through unchanged.
    """
    async with engine.connect() as connection:
        fairy = await connection.get_raw_connection()
        driver = fairy.driver_connection
        assert isinstance(driver, asyncpg.Connection)
        try:
            yield driver
        except Exception as exc:
            if isinstance(exc, _BROKEN) or driver.is_closed():
                await connection.invalidate(exc)
                raise DatabaseDisconnected(exc) from exc
            raise
        except BaseException:  # cancelled: the protocol state is unknown
            await connection.invalidate()
            raise


class HeldDrivers:
    """Pool connections kept checked out between the hot path's statements.

    Checking a connection out of SQLAlchemy's pool and back in costs more of the bot's
    Python than running a prepared statement on it, and every message runs several.
    Up to ``keep`` idle connections wait here; more are borrowed from the pool as
    needed. Errors are handled as by ``driver_connection``; a broken connection also
    drops the idle ones (a server restart breaks them all).
    """

    def __init__(self, engine: AsyncEngine, *, keep: int = 4) -> None:
        self._engine = engine
        self._keep = keep
        self._idle: list[tuple[AsyncConnection, asyncpg.Connection]] = []
        self._closed = False

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Driver]:
        if self._idle:
            connection, driver = self._idle.pop()
        else:
            connection = await self._engine.connect()
            try:
                fairy = await connection.get_raw_connection()
            except BaseException:
                await connection.close()
                raise
            driver = fairy.driver_connection
            assert isinstance(driver, asyncpg.Connection)
        try:
            yield driver
        except Exception as exc:
            if isinstance(exc, _BROKEN) or driver.is_closed():
                await _invalidate(connection, exc)
                await self.close(reopen=True)
                raise DatabaseDisconnected(exc) from exc
            await self._put_back(connection, driver)
            raise
        except BaseException:  # cancelled: the protocol state is unknown
            await _invalidate(connection, None)
            raise
        await self._put_back(connection, driver)

    async def _put_back(self, connection: AsyncConnection, driver: asyncpg.Connection) -> None:
        if self._closed or len(self._idle) >= self._keep or driver.is_in_transaction():
            await connection.close()
        else:
            self._idle.append((connection, driver))

    async def close(self, *, reopen: bool = False) -> None:
        """Give the idle connections back to the pool (``reopen``: keep holding new ones)."""
        self._closed = not reopen
        idle, self._idle = self._idle, []
        for connection, _ in idle:
            if reopen:  # after a broken one: these are likely dead too
                await _invalidate(connection, None)
            else:
                await connection.close()


async def _invalidate(connection: AsyncConnection, exc: BaseException | None) -> None:
    try:
        await connection.invalidate(exc)
    finally:
        with contextlib.suppress(Exception):
            await connection.close()


async def driver_of(session: AsyncSession) -> Driver:
    """The asyncpg connection under ``session``, inside its transaction: prepared
    statements run on it commit or roll back with the session's own writes."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    assert isinstance(driver, asyncpg.Connection)
    if not driver.is_in_transaction():  # SQLAlchemy sends BEGIN with the first statement
        await connection.execute(text("SELECT 1"))
    found: Driver = driver
    return found
