"""Command line: ``python -m bot [run|migrate|status|replay|try]``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import logging
import os
import signal
import sys
from collections.abc import Coroutine, Sequence
from typing import Any

from telegram.error import InvalidToken, TelegramError

from bot.config import ConfigError, Settings, load_settings
from db.embedded import EmbeddedPostgresError, start_early

logger = logging.getLogger("bot")

# Libraries that narrate routine steps at INFO (job added, application started, DDL mode);
# start-up is one line per phase: database ready, schema version, serving as @name.
CHATTY_LOGGERS = ("alembic.runtime.migration", "apscheduler", "telegram.ext.Application")
# `try` runs on the fake Bot API, which a production install (the image, a plain wheel) leaves out.
NO_FAKE_API = (
    "error: `try` needs the fake Telegram Bot API, which this install leaves out: install the "
    "bot with its fake extra (pip install 'growth-journal-bot[fake]'), or from a checkout run "
    "`bash scripts/bot.sh try`."
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Growth-mindset journaling assistant for Telegram.",
        epilog="Settings come from the environment or .env: BOT_TOKEN, DATABASE_URL "
        "(embedded PostgreSQL in ./data/postgres when unset), WEBHOOK_URL (webhook mode "
        "when set), LOG_LEVEL. See README.md.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("run", help="migrate the database, then run the bot (the default)")
    sub.add_parser("migrate", help="only bring the database schema up to date")
    sub.add_parser(
        "status", help="the update inbox: backlog, oldest pending, set-aside updates, instances"
    )
    replay = sub.add_parser("replay", help="queue a set-aside update again (see status)")
    replay.add_argument("update_id", type=int)
    tryout = sub.add_parser(
        "try", help="chat with the bot in this terminal, offline, against a local fake Telegram"
    )
    tryout.add_argument("--files", default="tryout-files", help="where sent photos/documents go")
    sub.add_parser(
        "health", help="exit 0 while a running bot's heartbeat is fresh (container health check)"
    )
    return parser


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    if logging.getLogger().getEffectiveLevel() > logging.DEBUG:
        for name in CHATTY_LOGGERS:
            logging.getLogger(name).setLevel(logging.WARNING)


def run_until_signal(main: Coroutine[Any, Any, None]) -> bool:
    """Run ``main``; True when SIGINT or SIGTERM ended it.

    The first signal cancels ``main`` wherever it is (starting the database, migrating,
    waiting for getMe, serving, reading the terminal), and its ``finally`` blocks stop the
    bot, the database and the fake API in order. A second signal ends the process at once.
    """
    interrupted = False

    async def supervise() -> None:
        nonlocal interrupted
        task = asyncio.ensure_future(main)

        def on_signal() -> None:
            nonlocal interrupted
            if interrupted:
                os._exit(130)
            interrupted = True
            task.cancel()

        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, on_signal)
        try:
            await task
        except asyncio.CancelledError:
            if not interrupted:
                raise
        finally:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)

    asyncio.run(supervise())
    return interrupted


async def _run_with_heartbeat(settings: Settings) -> None:
    from bot.health import beat, heartbeat_path
    from bot.runner import run_bot

    heartbeat = asyncio.create_task(beat(heartbeat_path(settings.data_dir)))
    try:
        await run_bot(settings)
    finally:
        heartbeat.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await heartbeat


async def _migrate(settings: Settings) -> None:
    from db.database import open_database

    db = await open_database(settings.database_url, embedded_dir=settings.embedded_pg_dir)
    await db.close()


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = args.command or "run"
    if command == "try" and importlib.util.find_spec("fake_telegram") is None:
        print(NO_FAKE_API, file=sys.stderr)  # before a database is started for nothing
        return 2
    try:
        settings = load_settings()
        configure_logging(settings.log_level)
        if command == "run":
            settings.token()  # fail fast, before starting a database
        if command in ("run", "try", "migrate") and settings.database_url is None:
            start_early(settings.embedded_pg_dir)  # comes up while the bot's modules load
        if command == "migrate":
            if run_until_signal(_migrate(settings)):
                print("Interrupted; the schema is as it was or fully migrated.", file=sys.stderr)
                return 130
            print("Database is up to date.")
            return 0
        if command == "status":
            from bot.status import show_status

            print(asyncio.run(show_status(settings)))
            return 0
        if command == "replay":
            from bot.status import replay

            if asyncio.run(replay(settings, args.update_id)):
                print(f"Update {args.update_id} is queued again.")
                return 0
            print(f"error: no set-aside update {args.update_id}", file=sys.stderr)
            return 1
        if command == "try":
            from bot.tryout import run_tryout

            run_until_signal(run_tryout(settings, files_dir=args.files))
            return 0
        if command == "health":
            from bot.health import check, heartbeat_path

            problem = check(heartbeat_path(settings.data_dir))
            print(problem or "ok", file=sys.stderr if problem else sys.stdout)
            return 1 if problem else 0
        if run_until_signal(_run_with_heartbeat(settings)):
            logger.info("stopped")
        return 0
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except EmbeddedPostgresError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except InvalidToken:
        print(
            "error: Telegram refused BOT_TOKEN (getMe failed). Copy the token again from "
            "@BotFather.",
            file=sys.stderr,
        )
        return 2
    except TelegramError as exc:
        # getMe is the one call that must succeed at start.
        print(
            f"error: cannot reach the Telegram Bot API ({exc}). Check the network, or "
            "TELEGRAM_BASE_URL if you use a local Bot API server.",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        return 130
