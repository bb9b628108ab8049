"""The update inbox (table ``bot_updates``): store, claim, settle, report, prune.

Statements run on asyncpg connections (``db.prepared.Driver``), each its own
transaction. A chat's turn is exclusive across processes through a session-level
advisory lock taken on one long-lived connection per process: when a process dies its
connection closes and PostgreSQL frees every chat it held at once.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from db.prepared import Driver

PENDING, DONE, FAILED = "pending", "done", "failed"
# The advisory-lock namespace of chat turns (the two-key form: namespace, hash of chat).
LOCK_SPACE = 0x6A726E6C
# The application_name of a process's lock connection, followed by its instance name.
INSTANCE_PREFIX = "growth-journal-bot inbox "


@dataclass(frozen=True)
class NewUpdate:
    update_id: int
    chat_id: int
    payload: dict[str, Any]


@dataclass(frozen=True)
class Queued:
    update_id: int
    payload: dict[str, Any]
    attempts: int
    ready: bool  # False while it waits out a retry back-off


_STORE = """
INSERT INTO bot_updates (bot_id, update_id, chat_id, payload)
SELECT $4::bigint, u.update_id, u.chat_id, u.payload
FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS u(update_id, chat_id, payload)
ON CONFLICT (bot_id, update_id) DO NOTHING
RETURNING update_id
"""


async def store(driver: Driver, bot_id: int, updates: Sequence[NewUpdate]) -> set[int]:
    """Insert the updates in one statement; returns the ids that were new (a re-delivered
    update_id is left as it was)."""
    rows = await driver.fetch(
        _STORE,
        [u.update_id for u in updates],
        [u.chat_id for u in updates],
        [json.dumps(u.payload, separators=(",", ":")) for u in updates],
        bot_id,
    )
    return {int(r["update_id"]) for r in rows}


# Chats whose oldest pending update is due (a later one never overtakes a back-off),
# oldest first, locked for this session in the same statement: one round trip.
# MATERIALIZED: the lock must be tried on the limited candidates only.
_CLAIM = """
WITH candidates AS MATERIALIZED (
    SELECT chat_id, min(update_id) AS first FROM bot_updates
    WHERE bot_id = $3 AND state = 'pending' AND NOT (chat_id = ANY($1::bigint[]))
    GROUP BY chat_id
    HAVING max(not_before) <= now() AT TIME ZONE 'UTC'
    ORDER BY min(update_id)
    LIMIT $2
)
SELECT chat_id, pg_try_advisory_lock($4::int, hashtext(chat_id::text)) AS mine
FROM candidates
ORDER BY first
"""


async def claim_chats(
    lock_driver: Driver, bot_id: int, busy: Sequence[int], wanted: int
) -> list[int]:
    """Up to ``wanted`` chats with due updates, oldest first, now locked on
    ``lock_driver``'s session for this process. ``busy``: chats this process holds.
    One round trip, more only while other processes hold some of the candidates."""
    claimed: list[int] = []
    skip = list(busy)
    for _ in range(4):
        rows = await lock_driver.fetch(_CLAIM, skip, wanted - len(claimed), bot_id, LOCK_SPACE)
        mine = [int(r["chat_id"]) for r in rows if r["mine"]]
        held_elsewhere = [int(r["chat_id"]) for r in rows if not r["mine"]]
        claimed.extend(mine)
        if not held_elsewhere or len(claimed) >= wanted:
            break
        # Session locks are re-entrant: never offer this session its own chats again.
        skip.extend(mine + held_elsewhere)
    return claimed


# The one polling receiver per bot (getUpdates allows one caller at a time).
_RECEIVER = "SELECT pg_try_advisory_lock($1::int, hashtext('receiver ' || $2::bigint::text))"


async def try_become_receiver(lock_driver: Driver, bot_id: int) -> bool:
    """True once this session holds the bot's receiver lock (held until it closes)."""
    return bool((await lock_driver.fetch(_RECEIVER, LOCK_SPACE + 1, bot_id))[0][0])


_UNLOCK = "SELECT pg_advisory_unlock($1::int, hashtext($2::bigint::text))"


async def release_chat(lock_driver: Driver, chat_id: int) -> None:
    await lock_driver.fetch(_UNLOCK, LOCK_SPACE, chat_id)


_NEXT = """
SELECT update_id, payload, attempts, not_before <= now() AT TIME ZONE 'UTC' AS ready
FROM bot_updates
WHERE bot_id = $4 AND chat_id = $1 AND state = 'pending' AND update_id > $2
ORDER BY update_id
LIMIT $3
"""


async def next_updates(
    driver: Driver, bot_id: int, chat_id: int, after: int, limit: int
) -> list[Queued]:
    """The chat's pending updates after ``after``, in update order."""
    rows = await driver.fetch(_NEXT, chat_id, after, limit, bot_id)
    return [
        Queued(
            int(r["update_id"]),
            _as_dict(r["payload"]),
            int(r["attempts"]),
            bool(r["ready"]),
        )
        for r in rows
    ]


def _as_dict(value: Any) -> dict[str, Any]:
    decoded = json.loads(value)
    assert isinstance(decoded, dict)
    return decoded


# A handled update keeps only its key (re-deliveries of it change nothing): its payload
# may hold a diary entry or a password typed in the login dialog.
_DONE = """
UPDATE bot_updates SET state = 'done', done_at = now() AT TIME ZONE 'UTC', payload = '{}'
WHERE bot_id = $2 AND update_id = ANY($1::bigint[]) AND state = 'pending'
"""


async def mark_done(driver: Driver, bot_id: int, update_ids: Sequence[int]) -> None:
    await driver.fetch(_DONE, list(update_ids), bot_id)


_RETRY = """
UPDATE bot_updates
SET attempts = attempts + $2, last_error = $3,
    not_before = now() AT TIME ZONE 'UTC' + make_interval(secs => $4)
WHERE bot_id = $5 AND update_id = $1 AND state = 'pending'
"""


async def retry_later(
    driver: Driver, bot_id: int, update_id: int, *, error: str, delay: float, counts: bool = True
) -> None:
    """Back off before the next attempt; ``counts=False`` for an outage that was not the
    update's fault."""
    await driver.fetch(_RETRY, update_id, 1 if counts else 0, error, delay, bot_id)


_SET_ASIDE = """
UPDATE bot_updates SET state = 'failed', attempts = attempts + 1, last_error = $2
WHERE bot_id = $3 AND update_id = $1 AND state = 'pending'
RETURNING update_id
"""


async def set_aside(driver: Driver, bot_id: int, update_id: int, *, error: str) -> bool:
    """Give up on the update (kept for a replay); False if it was no longer pending."""
    return bool(await driver.fetch(_SET_ASIDE, update_id, error, bot_id))


_REPLAY = """
UPDATE bot_updates
SET state = 'pending', attempts = 0, last_error = NULL,
    not_before = now() AT TIME ZONE 'UTC', done_at = NULL
WHERE update_id = $1 AND state = 'failed'
RETURNING update_id
"""


async def replay(driver: Driver, update_id: int) -> bool:
    """Queue a set-aside update again; False if there is no such set-aside update."""
    return bool(await driver.fetch(_REPLAY, update_id))


_PRUNE = """
DELETE FROM bot_updates WHERE (bot_id, update_id) IN (
    SELECT bot_id, update_id FROM bot_updates
    WHERE state = 'done' AND done_at < now() AT TIME ZONE 'UTC' - make_interval(days => $1)
    LIMIT $2
)
"""


async def prune_done(driver: Driver, *, days: int, chunk: int = 10_000) -> int:
    """Delete handled updates older than ``days``, in chunks; returns how many."""
    total = 0
    while True:
        status = await driver.fetch(_PRUNE + " RETURNING 1", days, chunk)
        total += len(status)
        if len(status) < chunk:
            return total


@dataclass(frozen=True)
class SetAside:
    update_id: int
    chat_id: int
    attempts: int
    last_error: str | None
    received_at: datetime


@dataclass(frozen=True)
class Instance:
    name: str
    chats: int  # chats it is handling right now
    since: datetime | None


@dataclass(frozen=True)
class Status:
    pending: int
    due: int  # pending and not waiting out a back-off
    oldest_pending: datetime | None
    done: int
    failed: int
    set_aside: list[SetAside]
    instances: list[Instance]


_COUNTS = """
SELECT
    count(*) FILTER (WHERE state = 'pending') AS pending,
    count(*) FILTER (WHERE state = 'pending' AND not_before <= now() AT TIME ZONE 'UTC') AS due,
    min(received_at) FILTER (WHERE state = 'pending') AS oldest,
    count(*) FILTER (WHERE state = 'done') AS done,
    count(*) FILTER (WHERE state = 'failed') AS failed
FROM bot_updates
"""

_SET_ASIDE_LIST = """
SELECT update_id, chat_id, attempts, last_error, received_at FROM bot_updates
WHERE state = 'failed' ORDER BY update_id DESC LIMIT $1
"""

_INSTANCES = """
SELECT substr(a.application_name, length($1) + 1) AS name,
       a.backend_start AT TIME ZONE 'UTC' AS since,
       count(l.objid) FILTER (WHERE l.locktype = 'advisory' AND l.classid = $2) AS chats
FROM pg_stat_activity a
LEFT JOIN pg_locks l ON l.pid = a.pid AND l.granted
WHERE a.datname = current_database() AND a.application_name LIKE $1 || '%'
GROUP BY a.pid, a.application_name, a.backend_start
ORDER BY name
"""


async def status(driver: Driver, *, list_limit: int = 20) -> Status:
    counts = (await driver.fetch(_COUNTS))[0]
    aside = await driver.fetch(_SET_ASIDE_LIST, list_limit)
    instances = await driver.fetch(_INSTANCES, INSTANCE_PREFIX, LOCK_SPACE)
    return Status(
        pending=int(counts["pending"]),
        due=int(counts["due"]),
        oldest_pending=counts["oldest"],
        done=int(counts["done"]),
        failed=int(counts["failed"]),
        set_aside=[
            SetAside(
                int(r["update_id"]),
                int(r["chat_id"]),
                int(r["attempts"]),
                r["last_error"],
                r["received_at"],
            )
            for r in aside
        ],
        instances=[Instance(str(r["name"]), int(r["chats"]), r["since"]) for r in instances],
    )
