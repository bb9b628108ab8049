"""The migrated schema matches the design document's Drizzle tables column for column."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from db.database import open_database
from tests.conftest import _connect_kwargs

DOC = Path(__file__).resolve().parent.parent / "docs" / "data-models.md"
SHARED_DOC = Path(__file__).resolve().parent.parent.parent / "shared" / "seed" / "data-models.md"

PG_TYPES = {
    "uuid": "uuid",
    "text": "text",
    "timestamp": "timestamp without time zone",
    "date": "date",
    "jsonb": "jsonb",
}


@dataclass
class DocColumn:
    name: str
    type: str
    not_null: bool
    primary_key: bool
    unique: bool
    default: str | None
    references: tuple[str, str] | None


@dataclass
class DocTable:
    name: str
    columns: dict[str, DocColumn] = field(default_factory=dict)
    indexes: dict[str, list[str]] = field(default_factory=dict)


def parse_document(markdown: str) -> dict[str, DocTable]:
    """Read the tables from the document's Drizzle code and its **Indexes** lists."""
    tables: dict[str, DocTable] = {}
    for match in re.finditer(r'pgTable\("(\w+)", \{(.*?)\n\}\);', markdown, re.S):
        table = DocTable(match.group(1))
        body = match.group(2)
        starts = list(
            re.finditer(r'^\s+\w+: (uuid|text|timestamp|date|jsonb)\("(\w+)"\)', body, re.M)
        )
        for i, start in enumerate(starts):
            chain = body[start.end() : starts[i + 1].start() if i + 1 < len(starts) else len(body)]
            ref = re.search(r"references\(\(\) => (\w+)\.(\w+)\)", chain)
            default: str | None = None
            if ".defaultRandom()" in chain:
                default = "gen_random_uuid()"
            elif ".defaultNow()" in chain:
                default = "now()"
            elif m := re.search(r'\.default\("([^"]*)"\)', chain):
                default = f"'{m.group(1)}'::text"
            elif ".default({" in chain:
                default = "jsonb"
            table.columns[start.group(2)] = DocColumn(
                name=start.group(2),
                type=PG_TYPES[start.group(1)],
                not_null=".notNull()" in chain or ".primaryKey()" in chain,
                primary_key=".primaryKey()" in chain,
                unique=".unique()" in chain,
                default=default,
                references=(_table_name(ref.group(1)), _snake(ref.group(2))) if ref else None,
            )
        tables[table.name] = table
    for section in re.split(r"\n### ", markdown)[1:]:
        name = section.split("\n", 1)[0].strip()
        if name not in tables and "| Column |" in section:
            tables[name] = _table_from_markdown(name, section)
        for idx, col in re.findall(r"- `(idx_\w+)` on `(\w+)`", section):
            tables[name].indexes[idx] = [col]
    return tables


def _table_from_markdown(name: str, section: str) -> DocTable:
    """A table the document gives only as a Markdown table (user_settings)."""
    table = DocTable(name)
    for col, type_, constraints in re.findall(r"^\| `(\w+)` \| (\w+) \| ([^|]*) \|", section, re.M):
        ref = re.search(r"FK -> (\w+)\.(\w+)", constraints)
        default: str | None = None
        if "auto-generated" in constraints:
            default = "gen_random_uuid()"
        elif "DEFAULT NOW()" in constraints:
            default = "now()"
        elif "DEFAULT" in constraints and type_ == "JSONB":
            default = "jsonb"
        table.columns[col] = DocColumn(
            name=col,
            type=PG_TYPES[type_.lower()],
            # Every table whose Drizzle code the document shows makes its
            # defaultNow() timestamps notNull(); this one follows the same pattern.
            not_null="NOT NULL" in constraints or "PK" in constraints or default == "now()",
            primary_key="PK" in constraints,
            unique="UNIQUE" in constraints,
            default=default,
            references=(ref.group(1), ref.group(2)) if ref else None,
        )
    return table


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def _table_name(variable: str) -> str:
    return {"userInfo": "user_info"}.get(variable, _snake(variable))


DOCUMENT = parse_document(DOC.read_text())


def test_document_copy_is_current() -> None:
    if not SHARED_DOC.exists():
        pytest.skip("shared/ is not beside this checkout")
    assert DOC.read_text() == SHARED_DOC.read_text()


def test_document_parser_reads_every_table() -> None:
    assert set(DOCUMENT) == {
        "users",
        "journals",
        "entries",
        "user_settings",
        "metrics",
        "sessions",
        "user_info",
        "goals",
    }
    assert DOCUMENT["goals"].columns["journal_entry_id"].references == ("entries", "id")
    assert DOCUMENT["user_info"].columns["timezone"].default == "'UTC'::text"
    assert DOCUMENT["users"].indexes == {"idx_users_email": ["email"]}
    assert sum(len(t.columns) for t in DOCUMENT.values()) == 57


async def _introspect(conn: asyncpg.Connection) -> dict[str, dict[str, asyncpg.Record]]:
    rows = await conn.fetch(
        """SELECT table_name, column_name, data_type, is_nullable, column_default
           FROM information_schema.columns WHERE table_schema = 'public'"""
    )
    out: dict[str, dict[str, asyncpg.Record]] = {}
    for row in rows:
        out.setdefault(row["table_name"], {})[row["column_name"]] = row
    return out


async def _constraints(conn: asyncpg.Connection, kind: str) -> set[tuple[str, ...]]:
    rows = await conn.fetch(
        """SELECT con.conrelid::regclass::text AS tbl, a.attname AS col,
                  con.confrelid::regclass::text AS ref_tbl, fa.attname AS ref_col
           FROM pg_constraint con
           JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
           LEFT JOIN pg_attribute fa ON fa.attrelid = con.confrelid AND fa.attnum = con.confkey[1]
           WHERE con.contype::text = $1 AND array_length(con.conkey, 1) = 1""",
        kind,
    )
    return {(r["tbl"], r["col"], r["ref_tbl"], r["ref_col"]) for r in rows}


async def test_migrated_schema_matches_document(database_url: str, database: object) -> None:
    conn = await asyncpg.connect(**_connect_kwargs(database_url))  # type: ignore[arg-type]
    try:
        columns = await _introspect(conn)
        primary = await _constraints(conn, "p")
        unique = await _constraints(conn, "u")
        foreign = await _constraints(conn, "f")
        indexes = {
            r["indexname"]: r["indexdef"]
            for r in await conn.fetch(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname='public'"
            )
        }
        fk_actions = {
            (r["tbl"], r["col"]): r["action"]
            for r in await conn.fetch(
                """SELECT con.conrelid::regclass::text AS tbl, a.attname AS col,
                          con.confdeltype::text AS action
                   FROM pg_constraint con
                   JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
                   WHERE con.contype = 'f'"""
            )
        }
    finally:
        await conn.close()

    for table in DOCUMENT.values():
        assert table.name in columns, f"table {table.name} missing"
        assert set(columns[table.name]) == set(table.columns), table.name
        for col in table.columns.values():
            actual = columns[table.name][col.name]
            where = f"{table.name}.{col.name}"
            assert actual["data_type"] == col.type, where
            assert (actual["is_nullable"] == "NO") == col.not_null, where
            if col.default == "jsonb":
                assert actual["column_default"].endswith("::jsonb"), where
            else:
                assert actual["column_default"] == col.default, where
            if col.primary_key:
                assert (table.name, col.name, "-", None) in {
                    (t, c, r or "-", rc) for t, c, r, rc in primary
                }, where
            if col.unique:
                assert any(t == table.name and c == col.name for t, c, _, _ in unique), where
            if col.references:
                assert (table.name, col.name, *col.references) in foreign, where
                # Drizzle's .references() without options means ON DELETE NO ACTION.
                assert fk_actions[(table.name, col.name)] == "a", where
        for idx, cols in table.indexes.items():
            assert idx in indexes, idx
            assert indexes[idx].endswith(f"USING btree ({', '.join(cols)})"), indexes[idx]


async def test_jsonb_defaults_hold_the_documented_structures(db: object, database_url: str) -> None:
    conn = await asyncpg.connect(**_connect_kwargs(database_url))  # type: ignore[arg-type]
    try:
        user_id = await conn.fetchval(
            "INSERT INTO users (email, password_hash) VALUES ('s@example.com', 'x') RETURNING id"
        )
        settings = await conn.fetchrow(
            "INSERT INTO user_settings (user_id) VALUES ($1) RETURNING *", user_id
        )
        info = await conn.fetchrow(
            "INSERT INTO user_info (user_id, first_name, last_name)"
            " VALUES ($1, 'A', 'B') RETURNING *",
            user_id,
        )
    finally:
        await conn.close()
    import json

    assert set(json.loads(settings["notification_preferences"])) == {
        "emailNotifications",
        "pushNotifications",
        "reminderFrequency",
    }
    assert set(json.loads(settings["theme_preferences"])) == {"darkMode", "fontSize", "colorScheme"}
    assert set(json.loads(settings["privacy_settings"])) == {"journalVisibility", "shareAnalytics"}
    assert set(json.loads(settings["ai_interaction_settings"])) == {
        "enableAiInsights",
        "enableSentimentAnalysis",
        "enableGrowthSuggestions",
    }
    assert json.loads(info["growth_goals"]) == {"shortTerm": [], "longTerm": []}
    assert info["timezone"] == "UTC"


async def test_upgrade_downgrade_upgrade_and_no_drift(server_url: str, tmp_path: Path) -> None:
    from alembic import command
    from alembic.util.exc import AutogenerateDiffsDetected

    from db import migrate

    name = f"migr_{tmp_path.name[-20:].replace('-', '_')}".lower()
    admin = await asyncpg.connect(**_connect_kwargs(server_url))  # type: ignore[arg-type]
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    db = await open_database(url, embedded_dir=tmp_path)
    try:
        async with db.engine.connect() as conn:
            tables = await conn.run_sync(lambda c: c.dialect.get_table_names(c))
        assert {"users", "goals", "telegram_accounts"} <= set(tables)

        await migrate.downgrade(db.engine, "base")
        async with db.engine.connect() as conn:
            tables = await conn.run_sync(lambda c: c.dialect.get_table_names(c))
        assert tables == ["alembic_version"]

        await migrate.upgrade(db.engine)

        def check(connection: object) -> None:
            cfg = migrate.alembic_config()
            cfg.attributes["connection"] = connection
            try:
                command.check(cfg)
            except AutogenerateDiffsDetected as exc:  # pragma: no cover - the failure message
                raise AssertionError(f"models and migrations drifted: {exc}") from None

        async with db.engine.begin() as conn:
            await conn.run_sync(check)
    finally:
        await db.close()
        admin = await asyncpg.connect(**_connect_kwargs(server_url))  # type: ignore[arg-type]
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def test_telegram_ids_are_not_generated(database_url: str, database: object) -> None:
    """Telegram user ids come from Telegram: no sequence may hand out ids of its own."""
    conn = await asyncpg.connect(**_connect_kwargs(database_url))  # type: ignore[arg-type]
    try:
        defaults = await conn.fetch(
            """SELECT table_name, column_default FROM information_schema.columns
               WHERE column_name = 'telegram_user_id' AND table_schema = 'public'"""
        )
    finally:
        await conn.close()
    assert {r["table_name"] for r in defaults} >= {"telegram_accounts", "dialog_states"}
    assert all(r["column_default"] is None for r in defaults), defaults
