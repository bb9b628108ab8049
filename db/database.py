"""Open the application's database: a configured server, or the embedded one."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db import migrate as migrations
from db.embedded import EmbeddedPostgres, ensure_database
from db.engine import make_engine, make_sessionmaker
from db.fastpath import FastPath

logger = logging.getLogger(__name__)

EMBEDDED_DATABASE = "growth_journal"


@dataclass
class Database:
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    url: str
    embedded: EmbeddedPostgres | None = field(default=None)
    # The batched link load and entry save of every journal message (db.fastpath).
    fast: FastPath = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.fast = FastPath(self.engine, self.sessions)

    @property
    def autocommit(self) -> async_sessionmaker[AsyncSession]:
        """Sessions whose statements commit one by one: no BEGIN/COMMIT round trips, for
        single reads (and single-statement writes) on hot paths."""
        if self._autocommit is None:
            self._autocommit = make_sessionmaker(
                self.engine.execution_options(isolation_level="AUTOCOMMIT")
            )
        return self._autocommit

    _autocommit: async_sessionmaker[AsyncSession] | None = field(default=None, repr=False)

    async def close(self) -> None:
        await self.fast.close()
        await self.engine.dispose()
        if self.embedded is not None:
            await asyncio.to_thread(self.embedded.stop)
            self.embedded = None


async def start_embedded(
    data_dir: Path, database: str = EMBEDDED_DATABASE
) -> tuple[EmbeddedPostgres, str]:
    server = EmbeddedPostgres(data_dir)
    await asyncio.to_thread(server.start)
    await ensure_database(server.url(), database)
    return server, server.url(database)


async def open_database(
    url: str | None,
    *,
    embedded_dir: Path,
    migrate: bool = True,
    pool_size: int = 10,
) -> Database:
    """Connect to ``url``, or start the embedded server when it is None; migrate to head."""
    embedded: EmbeddedPostgres | None = None
    if url is None:
        embedded, url = await start_embedded(embedded_dir)
        logger.info(
            "database ready: embedded PostgreSQL in %s (its own log: %s)",
            embedded.data_dir,
            embedded.log_path,
        )
    else:
        logger.info("database ready: %s", make_url(url).render_as_string(hide_password=True))
    engine = make_engine(url, pool_size=pool_size)
    db = Database(engine=engine, sessions=make_sessionmaker(engine), url=url, embedded=embedded)
    try:
        if migrate:
            before, after = await migrations.upgrade(engine)
            logger.info("schema version %s%s", after, _schema_change(before, after))
    except BaseException:
        await db.close()
        raise
    return db


def _schema_change(before: str | None, after: str | None) -> str:
    if before == after:
        return " (up to date)"
    if before is None:
        return " (created)"
    return f" (migrated from {before})"
