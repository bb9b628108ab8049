"""The prepared-statement path of the hot queries: same answers, and a dead connection
is noticed and replaced like on SQLAlchemy's own path."""

from __future__ import annotations

import pytest
from sqlalchemy import Integer, bindparam, literal_column, select, text
from sqlalchemy.dialects.postgresql import JSONB

from db.database import Database
from db.prepared import DatabaseDisconnected, HeldDrivers, Prepared, driver_connection


async def test_parameters_by_name_with_the_statements_own_values(db: Database) -> None:
    statement = (
        select(literal_column("n"))
        .select_from(text("generate_series(1, 10) AS n"))
        .where(literal_column("n") > bindparam("above", type_=Integer))
        .limit(2)  # a value fixed in the statement: sent as a parameter too
    )
    prepared = Prepared(statement)
    async with driver_connection(db.engine) as driver:
        rows = await prepared.fetch(driver, above=5)
    assert [row[0] for row in rows] == [6, 7]
    with pytest.raises(TypeError, match="unknown parameters"):
        prepared.arguments({"above": 1, "typo": 2})


async def test_column_types_still_convert_parameters(db: Database) -> None:
    prepared = Prepared(select(bindparam("doc", type_=JSONB)["key"].astext))
    async with driver_connection(db.engine) as driver:
        rows = await prepared.fetch(driver, doc={"key": "value"})
    assert rows[0][0] == "value"


async def test_a_dead_connection_is_dropped_and_the_next_one_works(db: Database) -> None:
    ping = Prepared(select(literal_column("1")))
    async with db.engine.connect() as killer:
        async with driver_connection(db.engine) as driver:
            victim = driver.get_server_pid()
        # Killed while it waits in the pool, from another connection.
        await killer.execute(select(text(f"pg_terminate_backend({victim})")))

    async def first_query_until_the_victim_is_met() -> None:
        for _ in range(db.engine.pool.size() + 1):  # type: ignore[attr-defined]
            async with driver_connection(db.engine) as driver:
                pid = driver.get_server_pid()
                await ping.fetch(driver)
            assert pid != victim

    with pytest.raises(DatabaseDisconnected) as caught:
        await first_query_until_the_victim_is_met()
    assert caught.value.connection_invalidated  # callers retry on this (db.fastpath)
    async with driver_connection(db.engine) as driver:
        assert driver.get_server_pid() != victim
        assert (await ping.fetch(driver))[0][0] == 1


async def test_held_connections_are_reused_and_a_dead_one_is_dropped(db: Database) -> None:
    """The hot path keeps its connections between statements (db.fastpath); one killed
    while held fails one statement, then a fresh connection takes over."""
    ping = Prepared(select(literal_column("1")))
    held = HeldDrivers(db.engine, keep=1)
    async with held.connection() as driver:
        victim = driver.get_server_pid()
    async with held.connection() as driver:
        assert driver.get_server_pid() == victim  # no pool checkout in between
    async with db.engine.connect() as killer:
        await killer.execute(select(text(f"pg_terminate_backend({victim})")))
    with pytest.raises(DatabaseDisconnected) as caught:
        async with held.connection() as driver:
            await ping.fetch(driver)
    assert caught.value.connection_invalidated
    async with held.connection() as driver:
        assert driver.get_server_pid() != victim
        assert (await ping.fetch(driver))[0][0] == 1
    await held.close()


async def test_the_link_loader_retries_once_after_a_dead_connection(db: Database) -> None:
    async with db.fast.driver() as driver:
        victim = driver.get_server_pid()
    async with db.engine.connect() as killer:
        await killer.execute(select(text(f"pg_terminate_backend({victim})")))
    assert await db.fast.link(123, session_days=30) is None  # unknown account, no error
