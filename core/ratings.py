"""Telling the user which stored ratings a chart or an average had to leave out.

The web app shares the ``metrics`` table and its ``value`` column is TEXT: a row may
hold "11", "great" or "7.5". Such rows are listed as they are, never guessed at.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Literal, Protocol

from core.i18n import _, ngettext
from core.i18n import day as local_day
from core.streaks import local_date

SHOWN = 5
_VALUE_CHARS = 20
# What the left-out rows are left out of (each a whole sentence in the catalog).
Where = Literal["chart", "averages", "metric trend", "charts and averages"]


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


def _sentence(where: Where, n: int) -> str:
    """The note's sentence for ``n`` rows left out of ``where``, still to format."""
    if where == "chart":
        return ngettext(
            "⚠️ {n} stored rating isn't a 1–10 rating of a known metric, so left out of "
            "the chart: {listed}.",
            "⚠️ {n} stored ratings aren't a 1–10 rating of a known metric, so left out of "
            "the chart: {listed}.",
            n,
        )
    if where == "averages":
        return ngettext(
            "⚠️ {n} stored rating isn't a 1–10 rating of a known metric, so left out of "
            "the averages: {listed}.",
            "⚠️ {n} stored ratings aren't a 1–10 rating of a known metric, so left out of "
            "the averages: {listed}.",
            n,
        )
    if where == "metric trend":
        return ngettext(
            "⚠️ {n} stored rating isn't a 1–10 rating of a known metric, so left out of "
            "the metric trend: {listed}.",
            "⚠️ {n} stored ratings aren't a 1–10 rating of a known metric, so left out of "
            "the metric trend: {listed}.",
            n,
        )
    return ngettext(
        "⚠️ {n} stored rating isn't a 1–10 rating of a known metric, so left out of "
        "the charts and averages: {listed}.",
        "⚠️ {n} stored ratings aren't a 1–10 rating of a known metric, so left out of "
        "the charts and averages: {listed}.",
        n,
    )


def unusable_note(
    rows: Sequence[tuple[str, str, date]], where: Where = "charts and averages"
) -> str:
    """One HTML line naming the (type, value, local day) rows left out of ``where``;
    empty when there are none."""
    if not rows:
        return ""
    listed = ", ".join(
        f"{html.escape(_short(kind) or '?')} “{html.escape(_short(value))}” "
        f"({html.escape(local_day(day, 'd MMM'))})"
        for kind, value, day in rows[:SHOWN]
    )
    if len(rows) > SHOWN:
        listed = _("{listed} and {n} more").format(listed=listed, n=len(rows) - SHOWN)
    return _sentence(where, len(rows)).format(n=len(rows), listed=listed)
