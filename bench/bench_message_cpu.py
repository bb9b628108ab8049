"""CPU per handled message of the bot alone: the throughput bench's burst without the echo
bot, to compare two trees on a shared machine (CPU time moves far less with other load
than messages per second).

    python bench/bench_message_cpu.py [--users 20] [--messages 40] [--rounds 3] [--echo]

Run from the tree to measure (``cd other-tree && python /path/to/bench_message_cpu.py``
measures that tree: the tree is taken from the working directory). Prints the process's
CPU milliseconds per message (the bot and the in-process fake Bot API) for each round,
and their median. Under ``valgrind --tool=callgrind`` two runs with different
``--messages`` give instructions per message (the difference over the extra messages).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, os.getcwd())

from telegram.ext import ApplicationBuilder, MessageHandler, filters

from bench.bench_throughput import _drive, _echo, _echo_running
from bench.common import drop_database, fresh_database_url
from bot.app import build_application
from bot.config import Settings
from bot.runner import serving
from db.database import open_database
from fake_telegram.server import FakeBotAPI
from tests.harness import login_as


async def main(users_n: int, messages: int, rounds: int, echo: bool) -> None:
    url, server = await fresh_database_url("bench_cpu")
    db = await open_database(url, embedded_dir=Path("unused"))
    cpu: list[float] = []
    try:
        for round_ in range(rounds):
            fake = FakeBotAPI()
            await fake.start()
            users = [200_000 + round_ * 1000 + i for i in range(users_n)]
            running: Any
            if echo:
                app = (
                    ApplicationBuilder()
                    .token(fake.token)
                    .base_url(fake.base_url)
                    .concurrent_updates(64)
                    .build()
                )
                app.add_handler(MessageHandler(filters.TEXT, _echo))
                running = _echo_running(app)
            else:
                for user in users:
                    await login_as(db, user)
                settings = Settings(
                    bot_token=fake.token,  # type: ignore[arg-type]
                    database_url=url,
                    telegram_base_url=fake.base_url,
                    telegram_messages_per_second=100_000,
                )
                running = serving(build_application(settings, db), settings, db, reminders=False)
            result = await _drive(running, fake, users, messages)
            await fake.stop()
            cpu.append(result["cpu_ms"])
            rate, ms = result["rate"], result["cpu_ms"]
            print(f"round {round_ + 1}: {rate:.0f} msg/s, {ms:.3f} ms CPU/msg")
    finally:
        await db.close()
        await drop_database(url)
        if server is not None:
            server.stop()  # type: ignore[attr-defined]
    print(f"median CPU per message: {statistics.median(cpu):.3f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--messages", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--echo", action="store_true")
    args = parser.parse_args()
    asyncio.run(main(args.users, args.messages, args.rounds, args.echo))
