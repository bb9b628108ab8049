"""Update throughput: our bot vs a bare python-telegram-bot echo bot, same fake Bot API.

    python bench/bench_throughput.py [--quick] [--write]

Many simulated users send journal messages in a burst; we measure messages handled
per second and the latency from injecting an update to the bot's reply (p50/p99).
The echo bot runs in the same process and run as the baseline; the figure that
matters is the ratio (our bot / echo), since the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from bench.common import drop_database, fresh_database_url, machine, now_utc, write_section
from bot.app import build_application
from bot.config import Settings
from bot.runner import serving
from db.database import open_database
from fake_telegram.server import FakeBotAPI
from tests.harness import login_as


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(update.effective_message.text or "")


@contextlib.asynccontextmanager
async def _echo_running(app: Any) -> AsyncIterator[None]:
    """The baseline as PTB runs it: its Updater polling, no storage of updates."""
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        yield
        await app.updater.stop()
        await app.stop()


async def _drive(
    running: contextlib.AbstractAsyncContextManager[Any],
    fake: FakeBotAPI,
    users: list[int],
    messages: int,
) -> dict[str, float]:
    """Send every user's messages at once; wait for one reply per message."""
    async with running:
        sent: dict[int, list[float]] = defaultdict(list)
        start = time.perf_counter()
        cpu = time.process_time()
        first_call = len(fake.calls)
        for i in range(messages):
            for user in users:
                sent[user].append(time.perf_counter())
                await fake.send_text(user, f"Note {user}-{i}: a calm ordinary day at work.")
        expected = len(users) * messages

        # Counted incrementally: rescanning every recorded call on each wake-up would
        # cost the benchmark's own CPU, shared with the bot under test.
        replies: list[Any] = []
        seen = first_call
        while len(replies) < expected:
            await fake.wait_for_change(fake.change_counter, seconds=1)
            calls = fake.calls
            replies.extend(
                c for c in calls[seen:] if c.method == "sendMessage" and c.ok and c.chat_id in sent
            )
            seen = len(calls)
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu
    # Calls are stamped with the loop clock (monotonic); perf_counter is too on Linux,
    # but compare only offsets: latency = reply time - injection time, per chat in order.
    got: dict[int, list[float]] = defaultdict(list)
    for call in replies:
        got[call.chat_id].append(call.at)
    offset = time.monotonic() - time.perf_counter()
    latencies = [
        (at - (t0 + offset)) * 1000
        for user in users
        for t0, at in zip(sent[user], got[user], strict=False)
    ]
    latencies.sort()
    return {
        "rate": expected / elapsed,
        "p50": statistics.median(latencies),
        "p99": latencies[int(len(latencies) * 0.99) - 1],
        "count": expected,
        # This process's CPU (the bot and the fake Bot API) per message: far less
        # sensitive than msg/s to other work on a shared machine.
        "cpu_ms": cpu * 1000 / expected,
    }


async def main(quick: bool, write: bool) -> None:
    users_n, messages, rounds = (20, 10, 2) if quick else (20, 100, 5)
    url, server = await fresh_database_url("bench_tp")
    db = await open_database(url, embedded_dir=Path("unused"))
    runs: list[dict[str, dict[str, float]]] = []
    try:
        # Each round runs both bots back to back, so a ratio compares two runs under
        # the same background load; the median round's ratio is reported.
        for round_ in range(rounds):
            runs.append({})
            for name in ("echo", "bot"):
                fake = FakeBotAPI()
                await fake.start()
                base = 100_000 + round_ * 1000 + (0 if name == "echo" else 500)
                users = [base + i for i in range(users_n)]
                if name == "echo":
                    app = (
                        ApplicationBuilder()
                        .token(fake.token)
                        .base_url(fake.base_url)
                        .concurrent_updates(64)
                        .build()
                    )
                    app.add_handler(MessageHandler(filters.TEXT, _echo))
                    running: Any = _echo_running(app)
                else:
                    for user in users:
                        await login_as(db, user)
                    settings = Settings(
                        bot_token=fake.token,  # type: ignore[arg-type]
                        database_url=url,
                        telegram_base_url=fake.base_url,
                        telegram_messages_per_second=100_000,
                    )
                    app = build_application(settings, db)
                    # Every update goes through the durable inbox, as in production.
                    running = serving(app, settings, db, reminders=False)
                r = await _drive(running, fake, users, messages)
                await fake.stop()
                runs[-1][name] = r
                print(
                    f"round {round_ + 1} {name}: {r['rate']:.0f} msg/s, p50 {r['p50']:.0f} ms, "
                    f"p99 {r['p99']:.0f} ms"
                )
    finally:
        await db.close()
        await drop_database(url)
        if server is not None:
            server.stop()  # type: ignore[attr-defined]
    ratios = sorted(run["bot"]["rate"] / run["echo"]["rate"] for run in runs)
    ratio = statistics.median(ratios)
    middle = min(runs, key=lambda run: abs(run["bot"]["rate"] / run["echo"]["rate"] - ratio))
    echo, bot = middle["echo"], middle["bot"]
    cpu_ratios = sorted(run["echo"]["cpu_ms"] / run["bot"]["cpu_ms"] for run in runs)
    table = (
        "| bot | messages | msg/s | p50 ms | p99 ms | CPU ms/msg |\n"
        "|---|---:|---:|---:|---:|---:|\n"
        f"| bare PTB echo bot (baseline) | {echo['count']:.0f} | {echo['rate']:.0f} | "
        f"{echo['p50']:.0f} | {echo['p99']:.0f} | {echo['cpu_ms']:.2f} |\n"
        "| growth journal bot (inbox on: update stored, then entry saved, streak, "
        f"suggestions) | {bot['count']:.0f} | "
        f"{bot['rate']:.0f} | {bot['p50']:.0f} | {bot['p99']:.0f} | {bot['cpu_ms']:.2f} |\n\n"
        f"**Throughput ratio (our bot / echo): {ratio:.2f}** (median of {rounds} rounds; "
        f"all rounds: {', '.join(f'{r:.2f}' for r in ratios)}; target ≥ 0.7)\n\n"
        f"CPU per message, echo / our bot (bot and fake Bot API in one process): "
        f"{statistics.median(cpu_ratios):.2f} (all rounds: "
        f"{', '.join(f'{r:.2f}' for r in cpu_ratios)})\n"
    )
    if quick:
        # 20 chats, as in the full run: fewer would measure per-chat latency (each chat's
        # updates are handled in order), not throughput.
        table += (
            "\n(Short run: 200 messages in 2 rounds, noisier than the full run, whose "
            "figure is the one recorded.)\n"
        )
    print(table)
    if write:
        write_section(
            "Update throughput",
            f"Measured {now_utc()} on {machine()}. Command: "
            f"`python bench/bench_throughput.py{' --quick' if quick else ''}`. "
            f"{users_n} users × {messages} messages injected at once into the fake Bot API; "
            f"{rounds} rounds of echo then bot, the table shows the round with the median "
            "ratio; latency = injection to reply.\n\n" + table,
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    asyncio.run(main(args.quick, args.write))
