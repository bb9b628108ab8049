"""Multi-step dialogs whose state lives in PostgreSQL.

A feature declares a step handler per dialog name (its ``DIALOGS`` mapping, and
``CANCELLERS`` for what /cancel says); ``bot.app`` combines them into one ``Dialogs``
and the text router sends a user's message to the step of the dialog they are in.
Because the state is a database row, a restart or a second bot process continues the
dialog where it was.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from telegram import Update
from telegram.ext import ContextTypes

from db.models import DialogState

StepHandler = Callable[[Update, ContextTypes.DEFAULT_TYPE, DialogState], Awaitable[None]]
# Called by /cancel after dialog ``name`` was cleared: tidies up (e.g. removes the
# dialog's buttons) and returns what to tell the user.
CancelHandler = Callable[[ContextTypes.DEFAULT_TYPE, DialogState], Awaitable[str]]
_T = TypeVar("_T")


@dataclass(frozen=True)
class Dialogs:
    """Every dialog's step handler and, where it has one, its /cancel handler."""

    steps: Mapping[str, StepHandler]
    cancellers: Mapping[str, CancelHandler]

    @classmethod
    def combine(
        cls,
        steps: Iterable[Mapping[str, StepHandler]],
        cancellers: Iterable[Mapping[str, CancelHandler]] = (),
    ) -> Dialogs:
        """One registry from the features' mappings; a name offered twice is a bug."""
        return cls(_merge(steps), _merge(cancellers))

    def step_for(self, name: str) -> StepHandler | None:
        return self.steps.get(name)

    def canceller_for(self, name: str) -> CancelHandler | None:
        return self.cancellers.get(name)


def _merge(parts: Iterable[Mapping[str, _T]]) -> dict[str, _T]:
    merged: dict[str, _T] = {}
    for part in parts:
        for name, value in part.items():
            if name in merged:
                raise ValueError(f"dialog {name!r} is declared twice")
            merged[name] = value
    return merged


def data_of(state: DialogState) -> dict[str, Any]:
    return dict(state.data or {})
