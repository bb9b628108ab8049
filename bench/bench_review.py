"""Benchmark weekly-review generation for 100,000 users.

Usage: python bench/bench_review.py [--quick] [--write]

On a fresh database (TEST_DATABASE_URL's server, else the embedded one):

* 100,000 users (``--quick``: 10,000), each with a profile in one of several time zones,
  one journal, six entries over the last two weeks, six check-ins and three goals.
* Data: ``db.review.review_data`` for batches of 500 users (what one claimed batch of
  reviews needs), p50/p95, and every user's review gathered and rendered as text batch by
  batch (users/second). Baseline, in the same run on the same batches: the
  "already wrote today" query (``written_days``) that every batch of daily reminders
  runs.
* Chart: ``render_chart`` for a sample of reviews against ``render_review`` (the caption)
  for the same reviews, and the chart time against the pacing interval of sends
  (Telegram allows about 30 messages a second: a chart that takes less than the interval
  never slows the sending down).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from bench.common import (  # noqa: E402
    drop_database,
    fresh_database_url,
    machine,
    now_utc,
    write_section,
)
from bot.config import Settings  # noqa: E402
from core.charts import Theme  # noqa: E402
from core.review import render_chart, render_review  # noqa: E402
from db.database import open_database  # noqa: E402
from db.review import ReviewUser, review_data, written_days  # noqa: E402

TITLE = "Weekly review generation"
TODAY = date(2025, 11, 9)
NOW = datetime(2025, 11, 9, 17, 0, tzinfo=UTC)
BATCH = 500
ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Asia/Kolkata")

POPULATE = [
    """INSERT INTO users (id, email, password_hash)
       SELECT md5('u' || g)::uuid, 'user' || g || '@bench.example', 'x'
       FROM generate_series(1, :n) g""",
    """INSERT INTO user_info (user_id, first_name, last_name, timezone)
       SELECT md5('u' || g)::uuid, 'User', 'Number ' || g,
              (ARRAY['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo',
                     'Asia/Kolkata'])[1 + g % 5]
       FROM generate_series(1, :n) g""",
    """INSERT INTO journals (id, user_id, title)
       SELECT md5('j' || g)::uuid, md5('u' || g)::uuid, 'My Journal'
       FROM generate_series(1, :n) g""",
    """INSERT INTO entries (journal_id, content, created_at, updated_at)
       SELECT md5('j' || g)::uuid,
              '<b>Today</b> I practised the hard part again and it went a little better '
              || repeat('and I noticed more ', (g + k) % 7),
              CAST(:now AS timestamp) - ((k * 2 + g % 2) * interval '1 day'),
              CAST(:now AS timestamp)
       FROM generate_series(1, :n) g, generate_series(0, 5) k""",
    """INSERT INTO metrics (user_id, type, value, created_at)
       SELECT md5('u' || g)::uuid,
              (ARRAY['resilience', 'effort', 'challenge', 'feedback', 'learning'])[1 + k % 5],
              (1 + (g + k) % 10)::text,
              CAST(:now AS timestamp) - (k * 2 * interval '1 day')
       FROM generate_series(1, :n) g, generate_series(0, 5) k""",
    """INSERT INTO goals (user_id, content, source_type, accepted_at, completed_at, target_date)
       SELECT md5('u' || g)::uuid, 'Goal ' || k, 'user_created', CAST(:now AS timestamp),
              CASE WHEN k = 0 THEN CAST(:now AS timestamp) - interval '2 days' END,
              CAST(:now AS date) + k * 3
       FROM generate_series(1, :n) g, generate_series(0, 2) k""",
]


def quantiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=20, method="inclusive")
    return statistics.median(samples), cuts[18]


async def run(quick: bool) -> str:
    users = 10_000 if quick else 100_000
    charts = 10 if quick else 40
    url, server = await fresh_database_url("bench_review")
    db = await open_database(url, embedded_dir=ROOT / "data" / "bench-postgres", pool_size=2)
    try:
        started = time.perf_counter()
        async with db.engine.begin() as conn:
            for statement in POPULATE:
                await conn.execute(text(statement), {"n": users, "now": NOW.replace(tzinfo=None)})
        async with db.engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text("VACUUM ANALYZE"))
        load_s = time.perf_counter() - started
        print(f"loaded {users:,} users in {load_s:.1f} s", flush=True)

        async with db.sessions() as s:
            ids = list((await s.scalars(text("SELECT id FROM users ORDER BY id"))).all())
        people = [ReviewUser(u, ZONES[n % 5], TODAY, "User") for n, u in enumerate(ids)]
        batches = [people[i : i + BATCH] for i in range(0, len(people), BATCH)]

        base_ms: list[float] = []
        review_ms: list[float] = []
        texts = 0
        sample = []
        all_started = time.perf_counter()
        for batch in batches:
            async with db.sessions() as s:
                t0 = time.perf_counter()
                await written_days(s, batch, 0)
                t1 = time.perf_counter()
                reviews = await review_data(s, batch)
                t2 = time.perf_counter()
            texts += sum(len(render_review(r)) > 0 for r in reviews)
            base_ms.append((t1 - t0) * 1000)
            review_ms.append((t2 - t1) * 1000)
            if len(sample) < charts:
                sample.extend(reviews[: charts - len(sample)])
        total_s = time.perf_counter() - all_started - sum(base_ms) / 1000
        assert texts == users

        t0 = time.perf_counter()
        for data in sample:
            render_review(data)
        caption_ms = (time.perf_counter() - t0) * 1000 / len(sample)
        render_chart(sample[0], Theme())  # first render loads matplotlib
        t0 = time.perf_counter()
        for data in sample:
            render_chart(data, Theme())
        chart_ms = (time.perf_counter() - t0) * 1000 / len(sample)
        interval_ms = 1000 / Settings(_env_file=None).reminder_rate_per_second
    finally:
        await db.close()
        await drop_database(url)
        if server is not None:
            server.stop()  # type: ignore[attr-defined]

    base50, base95 = quantiles(base_ms)
    rev50, rev95 = quantiles(review_ms)
    rate = Settings(_env_file=None).reminder_rate_per_second
    flag = " --quick" if quick else ""
    rows = [
        "| measure | p50 | p95 | ratio to baseline (p50) |",
        "| --- | --- | --- | --- |",
        f'| baseline: "wrote today?" query for a batch (daily reminders) | {base50:.1f} ms '
        f"| {base95:.1f} ms | 1.0 |",
        f"| `review_data` for a batch (entries, words, streak, metrics, goals) | {rev50:.1f} ms "
        f"| {rev95:.1f} ms | {rev50 / base50:.1f} |",
    ]
    return "\n".join(
        [
            f"Run: `python bench/bench_review.py{flag}` ({now_utc()}; {machine()}).",
            "",
            f"{users:,} users, six entries, six check-ins and three goals each; "
            f"batches of {BATCH}.",
            "",
            *rows,
            "",
            f"All {users:,} reviews gathered and rendered as text in {total_s:.1f} s "
            f"({users / total_s:,.0f} users/s; sends are paced at {rate:g}/s).",
            "",
            f"Chart ({len(sample)} reviews): {chart_ms:.1f} ms each, "
            f"{chart_ms / caption_ms:,.0f}x the caption ({caption_ms:.3f} ms) and "
            f"{chart_ms / interval_ms:.2f}x the interval between paced sends "
            f"({interval_ms:.0f} ms); above 1, reviews due in the same minute go out at "
            "the chart's pace rather than the send limit's.",
            f"Load: {load_s:.1f} s.",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="10,000 users")
    parser.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    args = parser.parse_args()
    section = asyncio.run(run(args.quick))
    print(section)
    if args.write:
        write_section(TITLE, section)
        print("updated bench/RESULTS.md")


if __name__ == "__main__":
    main()
