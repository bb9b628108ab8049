"""The Telegram Application, built in one place from settings."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

from telegram import BotCommand, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, Defaults

from bot import housekeeping
from bot.commands import Command
from bot.config import Settings
from bot.dialogs import Dialogs
from bot.errors import on_error
from bot.handlers import (
    accounts,
    basics,
    checkin,
    entries,
    export,
    goal_suggestions,
    goals,
    insights,
    journal,
    journals,
    language,
    media,
    pixels,
    private_only,
    profile,
    progress,
    reminder_buttons,
    review,
    settings_menu,
    stats,
    tags,
    today,
)
from bot.llm_engine import LLMSuggestionEngine
from bot.reminders import warn_insecure_smtp
from bot.services import KEY, Services
from bot.telegram_request import RetryingRequest
from core.i18n import DEFAULT, LANGUAGES, _, speaking
from core.suggest import LocalSuggestionEngine, SuggestionEngine
from db.database import Database

logger = logging.getLogger(__name__)


class Feature(Protocol):
    """A feature module: its commands for /help and the menu, and its handlers."""

    @property
    def COMMANDS(self) -> Sequence[Command]: ...

    def register(self, app: Application) -> None: ...  # type: ignore[type-arg]


# Order is handler priority.
FEATURES: list[Feature] = [
    private_only,  # its own early group: groups and channels never reach the others
    accounts,
    media,  # photos (captions included) and voice notes become entries here
    journal,
    settings_menu,
    profile,
    journals,
    tags,  # before entries: it takes /entries with arguments and /search #tag
    entries,
    today,
    export,
    checkin,
    progress,
    pixels,
    stats,
    goals,
    insights,
    review,
    reminder_buttons,
    language,
    basics,
]


# python-telegram-bot logs whole updates and API payloads at DEBUG, which would put
# passwords typed in the login dialog into the logs; httpx logs URLs holding the token.
SENSITIVE_LOGGERS = {
    "telegram": logging.INFO,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
}


def quiet_sensitive_loggers() -> None:
    for name, floor in SENSITIVE_LOGGERS.items():
        log = logging.getLogger(name)
        log.setLevel(max(log.getEffectiveLevel(), floor))


def build_engine(settings: Settings) -> SuggestionEngine:
    """The local engine, or the configured LLM with the local engine as its fallback."""
    local = LocalSuggestionEngine()
    if not settings.llm_base_url:
        return local
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    return LLMSuggestionEngine(
        settings.llm_base_url,
        key,
        settings.llm_model,
        fallback=local,
        timeout=settings.llm_timeout,
    )


def build_services(settings: Settings, db: Database) -> Services:
    """Who answers what: every hook, dialog and engine the features share, by name.

    A plain text message goes basics.route_text -> a dialog step (``dialogs``) or
    ``default_text`` (journal.on_text) -> journal.save_entry -> ``after_save`` hooks.
    """
    return Services(
        settings=settings,
        db=db,
        default_text=journal.on_text,
        dialogs=Dialogs.combine(
            steps=[
                accounts.DIALOGS,
                journal.DIALOGS,
                settings_menu.DIALOGS,
                profile.DIALOGS,
                journals.DIALOGS,
                entries.DIALOGS,
                checkin.DIALOGS,
                goals.DIALOGS,
            ],
            cancellers=[checkin.CANCELLERS, goals.CANCELLERS],
        ),
        suggestion_engine=build_engine(settings),
        after_save=[goal_suggestions.suggest_after_save],
        login_hooks=[journal.save_pending],
    )


def build_application(settings: Settings, db: Database, *, token: str | None = None) -> Application:  # type: ignore[type-arg]
    quiet_sensitive_loggers()
    warn_insecure_smtp(settings)
    services = build_services(settings, db)

    async def close_services(_: Application) -> None:  # type: ignore[type-arg]
        await services.aclose()

    app = (
        ApplicationBuilder()
        .token(token or settings.token())
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_base_file_url)
        .request(RetryingRequest(connection_pool_size=256))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        # Retries a 429 after its retry_after and keeps sends under Telegram's limits.
        .rate_limiter(
            AIORateLimiter(
                overall_max_rate=settings.telegram_messages_per_second,
                overall_time_period=1,
                max_retries=3,
            )
        )
        # Updates come from the inbox (bot/intake.py, bot/inbox.py), not PTB's Updater.
        .updater(None)
        .post_shutdown(close_services)
        .build()
    )
    app.bot_data[KEY] = services
    commands: list[Command] = []
    for feature in FEATURES:
        commands.extend(feature.COMMANDS)
        feature.register(app)
    basics.register_fallbacks(app)
    housekeeping.schedule(app)
    app.bot_data["commands"] = commands
    app.add_error_handler(on_error)
    return app


async def publish_commands(app: Application) -> None:  # type: ignore[type-arg]
    """The menu in every shipped language: English for everyone, then one per language
    Telegram clients report (ISO 639-1, so "pt-br" is published as "pt").

    Best effort: some Bot API servers and proxies do not implement setMyCommands.
    """
    commands: list[Command] = app.bot_data["commands"]
    try:
        for code in LANGUAGES:
            with speaking(code):
                menu = [BotCommand(c.name, _(c.description)) for c in commands]
            language = None if code == DEFAULT else code.split("-", 1)[0]
            await app.bot.set_my_commands(menu, language_code=language)
    except TelegramError as exc:
        logger.warning("could not publish the command menu (%s); carrying on", exc)
