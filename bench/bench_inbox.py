"""The update inbox: intake cost, insert cost next to many handled rows, recovery time.

    python bench/bench_inbox.py [--quick] [--write]

1. Intake: webhook requests (20 at a time, like Telegram's connections) to the bot,
   time from request to 200, against a bare aiohttp server that answers 200 without
   storing, in the same run.
2. Insert: one update stored (``db.inbox.store``) into an empty inbox and into one
   holding 1,000,000 handled rows (100,000 with --quick), p50 each.
3. Recovery: 1,000 pending updates (200 with --quick) over 50 chats left by a crash;
   time from the bot's start until the backlog is empty.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiohttp
from aiohttp import web
from sqlalchemy import text

from bench.common import drop_database, fresh_database_url, machine, now_utc, write_section
from bot.app import build_application
from bot.config import Settings
from bot.inbox import Inbox
from bot.intake import WebhookIntake
from bot.runner import serving
from db import inbox
from db.database import Database, open_database
from db.prepared import driver_connection
from fake_telegram.server import FakeBotAPI
from tests.harness import login_as

SECRET = "bench-secret"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(len(ordered) * q + 0.5) - 1))]


def _update(update_id: int, chat: int, text: str) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": chat, "type": "private", "first_name": "B"},
            "from": {"id": chat, "is_bot": False, "first_name": "B"},
            "text": text,
        },
    }


async def _post_all(url: str, updates: list[dict[str, Any]], parallel: int) -> list[float]:
    latencies: list[float] = []
    queue = list(reversed(updates))
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}

    async def sender(http: aiohttp.ClientSession) -> None:
        while queue:
            update = queue.pop()
            start = time.perf_counter()
            async with http.post(url, json=update, headers=headers) as resp:
                assert resp.status == 200, resp.status
            latencies.append((time.perf_counter() - start) * 1000)

    connector = aiohttp.TCPConnector(limit=parallel)
    async with aiohttp.ClientSession(connector=connector) as http:
        await asyncio.gather(*(sender(http) for _ in range(parallel)))
    return latencies


async def _bare_server(updates: list[dict[str, Any]]) -> list[float]:
    async def ok(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(status=200)

    app = web.Application()
    app.router.add_post("/hook", ok)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = _free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        return await _post_all(f"http://127.0.0.1:{port}/hook", updates, 20)
    finally:
        await runner.cleanup()


async def _intake(
    db: Database, url: str, count: int
) -> tuple[list[float], list[float], list[float]]:
    chats = [300_000 + i for i in range(50)]
    for chat in chats:
        await login_as(db, chat)
    fake = FakeBotAPI()
    await fake.start()
    port = _free_port()
    settings = Settings(
        bot_token=fake.token,  # type: ignore[arg-type]
        database_url=url,
        telegram_base_url=fake.base_url,
        telegram_messages_per_second=100_000,
        webhook_url=f"http://127.0.0.1:{port}/hook",
        webhook_listen="127.0.0.1",
        webhook_port=port,
        webhook_path="hook",
        webhook_secret=SECRET,  # type: ignore[arg-type]
    )
    base = int(time.time() * 1000)
    updates = [_update(base + i, chats[i % 50], f"Intake {i}: a note.") for i in range(count)]
    bare = await _bare_server(updates)
    app = build_application(settings, db)
    try:
        # Intake alone: workers that never start, so nothing competes for the loop.
        async with app:
            intake = WebhookIntake(app, settings, db, Inbox(app, settings, db))
            await intake.start()
            alone = await _post_all(settings.webhook_url or "", updates, 20)
            await intake.stop()
        async with db.engine.begin() as conn:
            await conn.execute(text("DELETE FROM bot_updates"))
        app = build_application(settings, db)
        async with serving(app, settings, db, reminders=False) as workers:
            stored = await _post_all(settings.webhook_url or "", updates, 20)
            while True:  # let the workers finish before the next measurement
                async with driver_connection(db.engine) as driver:
                    if (await inbox.status(driver)).pending == 0:
                        break
                await asyncio.sleep(0.2)
            assert workers is not None
    finally:
        await fake.stop()
    return stored, alone, bare


async def _insert_cost(url: str, rows: int) -> tuple[float, float]:
    db = await open_database(url, embedded_dir=Path("unused"))
    try:
        samples: dict[str, list[float]] = {"empty": [], "full": []}
        for phase in ("empty", "full"):
            async with db.engine.begin() as conn:
                raw = await conn.get_raw_connection()
                driver = raw.driver_connection
                assert driver is not None
                await driver.execute("TRUNCATE bot_updates")
                if phase == "full":
                    await driver.execute(
                        """
                        INSERT INTO bot_updates (bot_id, update_id, chat_id, payload, state,
                                                 done_at, received_at)
                        SELECT 1, g, g % 5000, '{"update_id": 1, "message": {"text": "x"}}',
                               'done', now() - interval '1 day', now() - interval '1 day'
                        FROM generate_series(1, $1::bigint) AS g
                        """,
                        rows,
                    )
                    await driver.execute("ANALYZE bot_updates")
            next_id = rows + 10
            for _ in range(300):
                next_id += 1
                update = inbox.NewUpdate(next_id, 42, _update(next_id, 42, "One note."))
                start = time.perf_counter()
                async with driver_connection(db.engine) as driver:
                    await inbox.store(driver, 1, [update])
                samples[phase].append((time.perf_counter() - start) * 1000)
        return statistics.median(samples["empty"]), statistics.median(samples["full"])
    finally:
        async with db.engine.begin() as conn:
            raw = await conn.get_raw_connection()
            assert raw.driver_connection is not None
            await raw.driver_connection.execute("TRUNCATE bot_updates")
        await db.close()


async def _recovery(db: Database, url: str, count: int) -> float:
    chats = [400_000 + i for i in range(50)]
    for chat in chats:
        await login_as(db, chat)
    fake = FakeBotAPI()
    await fake.start()
    settings = Settings(
        bot_token=fake.token,  # type: ignore[arg-type]
        database_url=url,
        telegram_base_url=fake.base_url,
        telegram_messages_per_second=100_000,
    )
    app = build_application(settings, db)
    base = int(time.time() * 1000) + 10_000_000
    left = [
        inbox.NewUpdate(base + i, chats[i % 50], _update(base + i, chats[i % 50], f"Left {i}."))
        for i in range(count)
    ]
    async with driver_connection(db.engine) as driver:
        await inbox.store(driver, fake.bot_id, left)
    try:
        start = time.perf_counter()
        async with serving(app, settings, db, reminders=False):
            while True:
                async with driver_connection(db.engine) as driver:
                    if (await inbox.status(driver)).pending == 0:
                        break
                await asyncio.sleep(0.05)
            elapsed = time.perf_counter() - start
    finally:
        await fake.stop()
    return elapsed


async def main(quick: bool, write: bool) -> None:
    intake_n, rows, pending = (300, 100_000, 200) if quick else (2_000, 1_000_000, 1_000)
    url, server = await fresh_database_url("bench_inbox")
    db = await open_database(url, embedded_dir=Path("unused"))
    try:
        stored, alone, bare = await _intake(db, url, intake_n)
        recovery = await _recovery(db, url, pending)
        empty, full = await _insert_cost(url, rows)
    finally:
        await db.close()
        await drop_database(url)
        if server is not None:
            server.stop()  # type: ignore[attr-defined]
    table = (
        "| measurement | p50 ms | p99 ms |\n|---|---:|---:|\n"
        f"| webhook request → 200, bare aiohttp server (baseline, no storage) | "
        f"{statistics.median(bare):.1f} | {_p(bare, 0.99):.1f} |\n"
        f"| webhook request → 200, the bot's intake alone (update committed first) | "
        f"{statistics.median(alone):.1f} | {_p(alone, 0.99):.1f} |\n"
        f"| webhook request → 200, the bot also handling every update (one event loop) | "
        f"{statistics.median(stored):.1f} | {_p(stored, 0.99):.1f} |\n"
        f"| one update stored, empty inbox | {empty:.2f} | |\n"
        f"| one update stored, {rows:,} handled rows kept | {full:.2f} | |\n\n"
        f"Recovery: {pending:,} pending updates over 50 chats handled {recovery:.1f} s after "
        f"the start ({pending / recovery:.0f} updates/s).\n"
    )
    print(table)
    if write:
        write_section(
            "Update inbox: intake, insert, recovery",
            f"Measured {now_utc()} on {machine()}. Command: "
            f"`python bench/bench_inbox.py{' --quick' if quick else ''}`. Intake: "
            f"{intake_n:,} webhook requests, 20 at a time, over 50 chats, while the bot "
            "also handles them (the same requests to a bare aiohttp server first). Insert: "
            "300 single-update `db.inbox.store` calls per case, pool checkout included. "
            "Recovery: the rows were stored as a crash leaves them, then the bot started "
            "(migration check and getMe included).\n\n" + table,
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    asyncio.run(main(args.quick, args.write))
