"""Multi-step dialogs whose state lives in PostgreSQL.

A feature registers a step handler per dialog name; the text router sends a user's
message to the handler of the dialog they are in. Because the state is a database row,
a restart or a second bot process continues the dialog where it was.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from db.models import DialogState

StepHandler = Callable[[Update, ContextTypes.DEFAULT_TYPE, DialogState], Awaitable[None]]
# Called by /cancel after dialog ``name`` was cleared: tidies up (e.g. removes the
# dialog's buttons) and returns what to tell the user.
CancelHandler = Callable[[ContextTypes.DEFAULT_TYPE, DialogState], Awaitable[str]]

_HANDLERS: dict[str, StepHandler] = {}
_CANCELLERS: dict[str, CancelHandler] = {}


def dialog(name: str) -> Callable[[StepHandler], StepHandler]:
    """Register the handler for messages sent while in dialog ``name``."""

    def register(handler: StepHandler) -> StepHandler:
        _HANDLERS[name] = handler
        return handler

    return register


def handler_for(name: str) -> StepHandler | None:
    return _HANDLERS.get(name)


def on_cancel(name: str) -> Callable[[CancelHandler], CancelHandler]:
    """Register what /cancel does and says for dialog ``name`` (default: a generic reply)."""

    def register(handler: CancelHandler) -> CancelHandler:
        _CANCELLERS[name] = handler
        return handler

    return register


def canceller_for(name: str) -> CancelHandler | None:
    return _CANCELLERS.get(name)


def data_of(state: DialogState) -> dict[str, Any]:
    return dict(state.data or {})
