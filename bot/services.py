"""What handlers need at hand, kept in ``application.bot_data`` under one typed key.

``bot.app.build_application`` fills every field: the hooks and engines features offer
each other are plain typed values here, not registries filled by imports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from telegram.ext import CallbackContext

from bot.config import Settings
from bot.dialogs import Dialogs
from bot.hooks import AfterSave, LoginHook, TextHandler
from bot.llm_engine import LLMSuggestionEngine
from core.suggest import SuggestionEngine
from db.database import Database

KEY = "services"


@dataclass
class Services:
    settings: Settings
    db: Database
    # A plain message outside any dialog (the journal saves it as an entry).
    default_text: TextHandler
    dialogs: Dialogs
    # None: no suggestions (e.g. a build without the goals feature).
    suggestion_engine: SuggestionEngine | None = None
    after_save: list[AfterSave] = field(default_factory=list)
    login_hooks: list[LoginHook] = field(default_factory=list)

    async def aclose(self) -> None:
        """Close what holds connections of its own (an LLM engine's HTTP client)."""
        if isinstance(self.suggestion_engine, LLMSuggestionEngine):
            await self.suggestion_engine.aclose()


def get_services(context: CallbackContext[Any, Any, Any, Any]) -> Services:
    services = context.application.bot_data[KEY]
    assert isinstance(services, Services)
    return services
