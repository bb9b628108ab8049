"""Async engine and session factory."""

from __future__ import annotations

from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


def async_url(url: str | URL) -> URL:
    """Accept ``postgres://``, ``postgresql://`` or ``postgresql+asyncpg://`` URLs."""
    if isinstance(url, str) and url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise ValueError(
            "Only PostgreSQL is supported (DATABASE_URL must start with postgresql://)"
        )
    return parsed.set(drivername="postgresql+asyncpg")


def make_engine(url: str | URL, *, pool_size: int = 10, echo: bool = False) -> AsyncEngine:
    return create_async_engine(
        async_url(url),
        pool_size=pool_size,
        max_overflow=pool_size,
        # No ping per checkout: it costs a round trip on every query, and the bot's hot
        # path checks out a few times per message. A dead connection fails once, which
        # invalidates the pool; callers retry that first read (db.fastpath.FastPath.link).
        pool_pre_ping=False,
        echo=echo,
        # Errors and echo logs would otherwise carry bound values: emails, bcrypt
        # hashes, journal text.
        hide_parameters=True,
        # Timestamps are stored as UTC in TIMESTAMP WITHOUT TIME ZONE columns, so now()
        # must mean UTC whatever the server's own time zone is.
        connect_args={
            "server_settings": {
                "timezone": "UTC",
                "application_name": "growth-journal-bot",
                # asyncpg prepares every statement; generic plans cannot see how common a
                # searched word is and pick a plan that scans all of a user's entries.
                # Planning each time costs PostgreSQL well under a millisecond.
                "plan_cache_mode": "force_custom_plan",
            }
        },
    )


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
