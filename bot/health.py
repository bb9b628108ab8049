"""A liveness heartbeat for container health checks.

While ``python -m bot`` runs, a task rewrites ``DATA_DIR/heartbeat`` every few seconds;
``python -m bot health`` (the image's HEALTHCHECK) passes while that file is fresh. A stale
file means the event loop has stopped turning: a hung process that only a restart will fix.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

HEARTBEAT_FILE = "heartbeat"
BEAT_SECONDS = 10.0
# Several missed beats, so a busy moment (a long migration step, a full GC) is not a failure.
STALE_SECONDS = 60.0


def heartbeat_path(data_dir: Path) -> Path:
    return data_dir / HEARTBEAT_FILE


async def beat(path: Path, every: float = BEAT_SECONDS) -> None:
    """Rewrite ``path`` with the current time until cancelled, then remove it."""
    await asyncio.to_thread(path.parent.mkdir, parents=True, exist_ok=True)
    try:
        while True:
            await asyncio.to_thread(path.write_text, f"{time.time():.0f}\n")
            await asyncio.sleep(every)
    finally:
        await asyncio.to_thread(path.unlink, missing_ok=True)


def check(path: Path, max_age: float = STALE_SECONDS, now: float | None = None) -> str | None:
    """None when healthy, else one line saying what is wrong."""
    try:
        age = (time.time() if now is None else now) - path.stat().st_mtime
    except FileNotFoundError:
        return f"no heartbeat at {path}: the bot is not running (or still starting)"
    if age > max_age:
        return f"the heartbeat at {path} is {age:.0f}s old: the bot has stopped responding"
    return None
