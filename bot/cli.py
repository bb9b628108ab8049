"""Command line: ``python -m bot [run|migrate|status|replay|try]``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from telegram.error import InvalidToken, TelegramError

from bot.config import ConfigError, Settings, load_settings

logger = logging.getLogger("bot")


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
    return parser


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


async def _migrate(settings: Settings) -> None:
    from db.database import open_database

    db = await open_database(settings.database_url, embedded_dir=settings.embedded_pg_dir)
    await db.close()


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = args.command or "run"
    try:
        settings = load_settings()
        configure_logging(settings.log_level)
        if command == "migrate":
            asyncio.run(_migrate(settings))
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

            asyncio.run(run_tryout(settings, files_dir=args.files))
            return 0
        settings.token()  # fail fast, before starting a database
        from bot.runner import run_bot

        asyncio.run(run_bot(settings))
        return 0
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
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
