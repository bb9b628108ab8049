"""Shared fixtures: one PostgreSQL database per test session.

TEST_DATABASE_URL points at a server to use; without it an embedded server is started
in ./data/test-postgres. Either way the session gets a fresh, uniquely named database
(so parallel runs never meet), migrated to head, and dropped at the end. Tests that
touch data get an emptied database through the ``db`` fixture.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from db.database import Database, open_database
from db.embedded import EmbeddedPostgres
from db.models import Base

ROOT = Path(__file__).resolve().parent.parent


def _connect_kwargs(url: str) -> dict[str, object]:
    parsed = make_url(url)
    return {
        "user": parsed.username or "postgres",
        "password": parsed.password,
        "host": parsed.query.get("host") or parsed.host,
        "port": parsed.port,
        "database": parsed.database or "postgres",
    }


@pytest.fixture(scope="session")
async def server_url() -> AsyncIterator[str]:
    """URL of the server's maintenance database (where CREATE DATABASE runs)."""
    configured = os.environ.get("TEST_DATABASE_URL")
    if configured:
        yield configured
        return
    server = EmbeddedPostgres(ROOT / "data" / "test-postgres")
    server.start()
    try:
        yield server.url()
    finally:
        server.stop()


@pytest.fixture(scope="session")
async def database_url(server_url: str) -> AsyncIterator[str]:
    name = f"test_{os.getpid()}_{secrets.token_hex(3)}"
    admin = await asyncpg.connect(**_connect_kwargs(server_url))  # type: ignore[arg-type]
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    admin = await asyncpg.connect(**_connect_kwargs(server_url))  # type: ignore[arg-type]
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(scope="session")
async def database(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Database]:
    db = await open_database(database_url, embedded_dir=tmp_path_factory.mktemp("unused"))
    yield db
    await db.close()


async def truncate_all(db: Database) -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    async with db.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} CASCADE"))


@pytest.fixture
async def db(database: Database) -> AsyncIterator[Database]:
    """The session database, emptied before the test so tests do not depend on order."""
    await truncate_all(database)
    yield database


@pytest.fixture
def fast_bcrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """bcrypt at its lowest cost: the suite checks behaviour, not hashing strength."""
    from db import accounts

    monkeypatch.setattr(accounts, "BCRYPT_ROUNDS", 4)


@pytest.fixture
async def bot(db: Database, database_url: str, fast_bcrypt: None) -> AsyncIterator[object]:
    """The real bot, polling a fake Bot API server on 127.0.0.1."""
    from tests.harness import running_bot

    async with running_bot(db, database_url) as harness:
        yield harness
