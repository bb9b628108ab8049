"""``python -m bot status`` and ``python -m bot replay UPDATE_ID``: the inbox for operators."""

from __future__ import annotations

from datetime import datetime

from bot.config import Settings
from core.clock import utc_now
from db import inbox
from db.database import open_database
from db.prepared import driver_connection


def _age(since: datetime | None, now: datetime) -> str:
    if since is None:
        return "-"
    seconds = max(0.0, (now - since).total_seconds())
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def render(status: inbox.Status, now: datetime) -> str:
    lines = [
        f"backlog:         {status.pending} pending ({status.due} due now, "
        f"{status.pending - status.due} waiting to retry)",
        f"oldest pending:  {_age(status.oldest_pending, now)}",
        f"set aside:       {status.failed}",
        f"handled (kept):  {status.done}",
        f"instances:       {len(status.instances)}",
    ]
    for instance in status.instances:
        lines.append(
            f"  {instance.name}: handling {instance.chats} chats, up {_age(instance.since, now)}"
        )
    if status.set_aside:
        lines.append("set-aside updates (newest first; replay: python -m bot replay ID):")
        for item in status.set_aside:
            lines.append(
                f"  {item.update_id}  chat {item.chat_id}  {item.attempts} attempts  "
                f"{item.last_error or '?'}  received {item.received_at:%Y-%m-%d %H:%M:%S} UTC"
            )
    return "\n".join(lines)


async def show_status(settings: Settings) -> str:
    db = await open_database(
        settings.database_url, embedded_dir=settings.embedded_pg_dir, migrate=False, pool_size=1
    )
    try:
        async with driver_connection(db.engine) as driver:
            status = await inbox.status(driver)
        return render(status, utc_now())
    finally:
        await db.close()


async def replay(settings: Settings, update_id: int) -> bool:
    db = await open_database(
        settings.database_url, embedded_dir=settings.embedded_pg_dir, migrate=False, pool_size=1
    )
    try:
        async with driver_connection(db.engine) as driver:
            return await inbox.replay(driver, update_id)
    finally:
        await db.close()
