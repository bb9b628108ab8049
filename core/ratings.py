"""Telling the user which stored ratings a chart or an average had to leave out.

The web app shares the ``metrics`` table and its ``value`` column is TEXT: a row may
hold "11", "great" or "7.5". Such rows are listed as they are, never guessed at.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Protocol

from core.streaks import local_date

SHOWN = 5
_VALUE_CHARS = 20


class StoredRating(Protocol):
    @property
    def type(self) -> str: ...
    @property
    def value(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...


def unusable_rows(rows: Sequence[StoredRating], tz: str) -> list[tuple[str, str, date]]:
    """Rows to name in ``unusable_note``, each with its day on the user's clock."""
    return [(r.type, r.value, local_date(r.created_at.replace(tzinfo=UTC), tz)) for r in rows]


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _VALUE_CHARS else flat[: _VALUE_CHARS - 1] + "…"


def unusable_note(rows: Sequence[tuple[str, str, date]], where: str = "charts and averages") -> str:
    """One HTML line naming the (type, value, local day) rows left out of ``where``;
    empty when there are none."""
    if not rows:
        return ""
    listed = ", ".join(
        f"{html.escape(_short(kind) or '?')} “{html.escape(_short(value))}” ({day.day} {day:%b})"
        for kind, value, day in rows[:SHOWN]
    )
    more = f" and {len(rows) - SHOWN} more" if len(rows) > SHOWN else ""
    noun = "rating isn't" if len(rows) == 1 else "ratings aren't"
    return (
        f"⚠️ {len(rows)} stored {noun} a 1–10 rating of a known metric, so left out of "
        f"the {where}: {listed}{more}."
    )
