"""The hooks features offer each other, as types; ``bot.app`` decides who gets which.

Nothing here is filled at import time: ``build_application`` puts the hooks into
``Services`` by name, so a reader finds every hook a message meets in that one place.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import Update
from telegram.ext import ContextTypes

from db.accounts import Link
from db.models import Entry


@dataclass(frozen=True)
class SavedEntry:
    entry: Entry
    journal_title: str
    streak: int
    ai_settings: dict[str, object]  # the writer's AI toggles (db.settings.ai_settings_of)
    open_goals: list[str]  # texts of the writer's open goals, oldest first


# Run after an entry is saved (growth suggestions hook in here).
AfterSave = Callable[[Update, ContextTypes.DEFAULT_TYPE, Link, SavedEntry], Awaitable[None]]
# Run after a successful login: e.g. to save what the user wrote while logged out.
LoginHook = Callable[[Update, ContextTypes.DEFAULT_TYPE, Link], Awaitable[None]]
# What a plain message outside any dialog does (given the sender's link, None for a
# stranger).
TextHandler = Callable[[Update, ContextTypes.DEFAULT_TYPE, Link | None], Awaitable[None]]
