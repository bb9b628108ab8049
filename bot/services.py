"""What handlers need at hand, kept in ``application.bot_data`` under one typed key."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from telegram.ext import CallbackContext

from bot.config import Settings
from db.database import Database

KEY = "services"


@dataclass
class Services:
    settings: Settings
    db: Database
    # Filled by feature modules at registration (engines, hooks...).
    extras: dict[str, Any] = field(default_factory=dict)


def get_services(context: CallbackContext[Any, Any, Any, Any]) -> Services:
    services = context.application.bot_data[KEY]
    assert isinstance(services, Services)
    return services
