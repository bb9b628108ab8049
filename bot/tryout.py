"""``python -m bot try``: chat with the real bot in this terminal, offline.

A fake Telegram Bot API server runs on 127.0.0.1 and the real application polls it,
on the embedded database (or DATABASE_URL), so everything but Telegram is real.
"""

from __future__ import annotations

import logging
from pathlib import Path

from bot.app import build_application
from bot.config import Settings
from bot.runner import serving
from db.database import open_database
from fake_telegram import FakeBotAPI, run_terminal_chat

BANNER = """\
Growth Journal — offline try-out. You are chatting with the real bot through a local
fake Telegram. Type messages or /commands; a number presses that button; /quit leaves.
Photos and documents the bot sends are saved in {files}. Logs go to {log}.
Try: /start
"""


def _log_to_file(path: Path) -> None:
    """Keep log lines out of the conversation."""
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    file_handler = logging.FileHandler(path)
    file_handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s")
    )
    root.addHandler(file_handler)


def _prepare(settings: Settings, files_dir: str) -> tuple[Path, Path]:
    files = Path(files_dir).resolve()
    files.mkdir(parents=True, exist_ok=True)
    log = (settings.data_dir / "tryout.log").resolve()
    _log_to_file(log)
    return files, log


async def run_tryout(settings: Settings, *, files_dir: str = "tryout-files") -> None:
    files, log = _prepare(settings, files_dir)
    fake = FakeBotAPI(files_dir=files)
    await fake.start()
    local = settings.model_copy(
        update={
            "telegram_base_url": fake.base_url,
            "telegram_base_file_url": fake.base_file_url,
            "webhook_url": None,
        }
    )
    print("Starting the database and the bot…", flush=True)
    db = await open_database(local.database_url, embedded_dir=local.embedded_pg_dir)
    try:
        app = build_application(local, db, token=fake.token)
        async with serving(app, local, db):
            print(BANNER.format(files=files, log=log), flush=True)
            await run_terminal_chat(fake)
    finally:
        await db.close()
        await fake.stop()
