"""Bring a database to the newest schema (or back) with Alembic, from code."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("path_separator", "os")
    if url:
        # ConfigParser interpolation: a literal % must be doubled.
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


async def upgrade(engine: AsyncEngine, revision: str = "head") -> tuple[str | None, str | None]:
    """Upgrade; returns the schema revision before and after (None: an empty database)."""
    return await _run(engine, lambda cfg: command.upgrade(cfg, revision))


async def downgrade(engine: AsyncEngine, revision: str = "base") -> tuple[str | None, str | None]:
    return await _run(engine, lambda cfg: command.downgrade(cfg, revision))


async def _run(
    engine: AsyncEngine, action: Callable[[Config], None]
) -> tuple[str | None, str | None]:
    def work(connection: Connection) -> tuple[str | None, str | None]:
        def current() -> str | None:
            return MigrationContext.configure(connection).get_current_revision()

        before = current()
        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        action(cfg)
        return before, current()

    async with engine.begin() as conn:
        return await conn.run_sync(work)
