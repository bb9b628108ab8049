"""Fairness: one chat floods the bot; how long does another chat wait for its replies?

    python bench/bench_fairness.py [--quick] [--write]

The Bot API answers every sendMessage after 50 ms (a slow link to Telegram). Chat A
sends 200 journal messages at once while chat B sends one every 100 ms; we measure B's
reply time (injection to reply) with the flood and, in the same run, without it.
Target (issue 13): B's p99 under the flood at most 2x its p99 without.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import drop_database, fresh_database_url, machine, now_utc, write_section
from bot.app import build_application
from bot.config import Settings
from bot.runner import serving
from db.database import Database, open_database
from fake_telegram.server import FakeBotAPI
from tests.harness import login_as

LATENCY = 0.050


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(len(ordered) * q + 0.5) - 1))]


async def _run(db: Database, url: str, flood: int, others: int, base: int) -> list[float]:
    """B's reply times (ms) while A floods ``flood`` messages (0: no flood)."""
    flooder, other = base, base + 1
    for user in (flooder, other):
        await login_as(db, user)
    fake = FakeBotAPI()
    await fake.start()
    fake.delay("sendMessage", LATENCY)
    settings = Settings(
        bot_token=fake.token,  # type: ignore[arg-type]
        database_url=url,
        telegram_base_url=fake.base_url,
        telegram_messages_per_second=100_000,
    )
    app = build_application(settings, db)
    try:
        async with serving(app, settings, db, reminders=False):
            for i in range(flood):
                await fake.send_text(flooder, f"Flood {i}: so much to say today.")
            sent: list[tuple[int, float]] = []
            for i in range(others):
                message_id = await fake.send_text(other, f"Other {i}: a quiet note.")
                sent.append((message_id, time.monotonic()))
                await asyncio.sleep(0.100)
            latencies = []
            for message_id, at in sent:
                reply = await fake.wait_for_message(other, after=message_id, timeout=120)
                call = next(
                    c
                    for c in fake.calls
                    if c.method == "sendMessage"
                    and c.chat_id == other
                    and c.ok
                    and isinstance(c.result, dict)
                    and c.result.get("message_id") == reply.message_id
                )
                latencies.append((call.at - at) * 1000)
            await fake.settle(quiet=0.2, timeout=120)
    finally:
        await fake.stop()
    return latencies


async def main(quick: bool, write: bool) -> None:
    flood, others, rounds = (100, 15, 1) if quick else (200, 30, 3)
    url, server = await fresh_database_url("bench_fair")
    db = await open_database(url, embedded_dir=Path("unused"))
    calm: list[float] = []
    flooded: list[float] = []
    try:
        for round_ in range(rounds):
            calm += await _run(db, url, 0, others, 200_000 + round_ * 10)
            flooded += await _run(db, url, flood, others, 200_000 + round_ * 10 + 5)
    finally:
        await db.close()
        await drop_database(url)
        if server is not None:
            server.stop()  # type: ignore[attr-defined]
    rows = []
    for name, values in (("without the flood", calm), (f"while one chat floods {flood}", flooded)):
        rows.append(
            f"| {name} | {len(values)} | {statistics.median(values):.0f} | {_p(values, 0.99):.0f} |"
        )
    ratio = _p(flooded, 0.99) / _p(calm, 0.99)
    table = (
        "| other chat's replies | messages | p50 ms | p99 ms |\n|---|---:|---:|---:|\n"
        + "\n".join(rows)
        + f"\n\n**p99 under the flood / p99 without: {ratio:.2f}** (target ≤ 2)\n"
    )
    print(table)
    if write:
        write_section(
            "Fairness: one chat's flood",
            f"Measured {now_utc()} on {machine()}. Command: "
            f"`python bench/bench_fairness.py{' --quick' if quick else ''}`. "
            f"Bot API latency {LATENCY * 1000:.0f} ms per sendMessage (fake Bot API); one chat "
            f"sends {flood} messages at once, another one message every 100 ms "
            f"({others} per round, {rounds} rounds); reply time = injection to the reply's "
            "sendMessage. Before the inbox (issue 13) the other chat waited 10.8 s: the "
            "concurrency slot was taken before the per-chat lock, so the flood filled every "
            "slot. Now a worker wins a chat's turn first, so a flood holds one slot.\n\n" + table,
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    asyncio.run(main(args.quick, args.write))
