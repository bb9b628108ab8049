"""Shared helpers for the benchmarks: a fresh database, machine info, RESULTS.md."""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"


def machine() -> str:
    return f"{platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def write_section(title: str, body: str) -> None:
    """Replace (or append) the ``## title`` section of bench/RESULTS.md."""
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    section = f"## {title}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text)
    else:
        text = text.rstrip() + "\n\n" + section
    RESULTS.write_text(text.rstrip() + "\n")


async def fresh_database_url(prefix: str) -> tuple[str, object | None]:
    """A new empty database: on TEST_DATABASE_URL's server, or the embedded one in
    ./data/bench-postgres. Returns (url, embedded server or None)."""
    from sqlalchemy.engine import make_url

    from db.embedded import EmbeddedPostgres, ensure_database

    name = f"{prefix}_{secrets.token_hex(3)}"
    configured = os.environ.get("TEST_DATABASE_URL")
    server = None
    if configured:
        admin = configured
    else:
        server = EmbeddedPostgres(ROOT / "data" / "bench-postgres")
        server.start()
        admin = server.url()
    await ensure_database(admin, name)
    return make_url(admin).set(database=name).render_as_string(hide_password=False), server


async def drop_database(url: str) -> None:
    """Drop the database ``url`` names (connecting to the server's maintenance db)."""
    import asyncpg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    conn = await asyncpg.connect(
        user=parsed.username or "postgres",
        password=parsed.password,
        host=parsed.query.get("host") or parsed.host,
        port=parsed.port,
        database="postgres",
    )
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
    finally:
        await conn.close()
