"""Latency at a steady rate: 100 messages/s over 50 chats, 50 ms Bot API latency.

    python bench/bench_steady.py [--quick] [--write]

Messages are injected at a fixed pace (round robin over the chats) into the fake Bot
API, whose sendMessage answers after 50 ms; latency = injection to the reply's
sendMessage, p50/p99, for the bare PTB echo bot and our bot (inbox on) in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from telegram.ext import ApplicationBuilder, MessageHandler, filters

from bench.bench_throughput import _echo, _echo_running
from bench.common import drop_database, fresh_database_url, machine, now_utc, write_section
from bot.app import build_application
from bot.config import Settings
from bot.runner import serving
from db.database import Database, open_database
from fake_telegram.server import FakeBotAPI
from tests.harness import login_as

RATE = 100.0
CHATS = 50
LATENCY = 0.050


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(len(ordered) * q + 0.5) - 1))]


async def _run(
    running: contextlib.AbstractAsyncContextManager[Any],
    fake: FakeBotAPI,
    chats: list[int],
    seconds: float,
) -> list[float]:
    async with running:
        sent: dict[int, list[float]] = defaultdict(list)
        start = time.monotonic()
        total = int(RATE * seconds)
        for i in range(total):
            # Paced against the clock, so a slow injection does not lower the rate.
            await asyncio.sleep(max(0.0, start + i / RATE - time.monotonic()))
            chat = chats[i % len(chats)]
            sent[chat].append(time.monotonic())
            await fake.send_text(chat, f"Steady {i}: a calm ordinary day at work.")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            replies = [
                c for c in fake.calls if c.method == "sendMessage" and c.ok and c.chat_id in sent
            ]
            if len(replies) >= total:
                break
            await asyncio.sleep(0.2)
        await fake.settle(quiet=0.3, timeout=120)
    got: dict[int, list[float]] = defaultdict(list)
    for call in fake.calls:
        if call.method == "sendMessage" and call.ok and call.chat_id in sent:
            # The first reply after each message: "Saved" (suggestions may follow it).
            got[call.chat_id].append(call.at)
    latencies = []
    for chat, times in sent.items():
        replies_at = sorted(got[chat])
        j = 0
        for t0 in times:
            while j < len(replies_at) and replies_at[j] < t0:
                j += 1
            if j < len(replies_at):
                latencies.append((replies_at[j] - t0) * 1000)
                j += 1
    return latencies


async def _one(db: Database, url: str, name: str, base: int, seconds: float) -> list[float]:
    fake = FakeBotAPI()
    await fake.start()
    fake.delay("sendMessage", LATENCY)
    chats = [base + i for i in range(CHATS)]
    try:
        if name == "echo":
            app: Any = (
                ApplicationBuilder()
                .token(fake.token)
                .base_url(fake.base_url)
                .concurrent_updates(64)
                .build()
            )
            app.add_handler(MessageHandler(filters.TEXT, _echo))
            running: Any = _echo_running(app)
        else:
            for chat in chats:
                await login_as(db, chat)
            settings = Settings(
                bot_token=fake.token,  # type: ignore[arg-type]
                database_url=url,
                telegram_base_url=fake.base_url,
                telegram_messages_per_second=100_000,
            )
            app = build_application(settings, db)
            running = serving(app, settings, db, reminders=False)
        return await _run(running, fake, chats, seconds)
    finally:
        await fake.stop()


async def main(quick: bool, write: bool) -> None:
    seconds, rounds = (3.0, 1) if quick else (20.0, 2)
    url, server = await fresh_database_url("bench_steady")
    db = await open_database(url, embedded_dir=Path("unused"))
    results: dict[str, list[float]] = {"echo": [], "bot": []}
    try:
        for round_ in range(rounds):
            for name in ("echo", "bot"):
                base = 600_000 + round_ * 1000 + (0 if name == "echo" else 500)
                results[name] += await _one(db, url, name, base, seconds)
    finally:
        await db.close()
        await drop_database(url)
        if server is not None:
            server.stop()  # type: ignore[attr-defined]
    echo, bot = results["echo"], results["bot"]
    table = (
        "| bot | replies | p50 ms | p99 ms |\n|---|---:|---:|---:|\n"
        f"| bare PTB echo bot (baseline) | {len(echo)} | {statistics.median(echo):.0f} | "
        f"{_p(echo, 0.99):.0f} |\n"
        f"| growth journal bot (inbox on) | {len(bot)} | {statistics.median(bot):.0f} | "
        f"{_p(bot, 0.99):.0f} |\n\n"
        f"p50 ratio (our bot / echo): {statistics.median(bot) / statistics.median(echo):.2f}; "
        f"p99 ratio: {_p(bot, 0.99) / _p(echo, 0.99):.2f}\n"
    )
    print(table)
    if write:
        write_section(
            "Latency at a steady 100 messages/s",
            f"Measured {now_utc()} on {machine()}. Command: "
            f"`python bench/bench_steady.py{' --quick' if quick else ''}`. {RATE:.0f} "
            f"messages/s round robin over {CHATS} chats for {seconds:.0f} s, {rounds} "
            f"round(s) of echo then bot; the fake Bot API answers sendMessage after "
            f"{LATENCY * 1000:.0f} ms; latency = injection to the first reply after it.\n\n"
            + table,
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    asyncio.run(main(args.quick, args.write))
