"""The /progress caption's sentences, in the user's language (``core.charts.describe_progress``).

Whole sentences per shape, the period inside each: languages decline "the last 30 days"
differently after "in", "over" and "of".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final

from core.i18n import N_, _, ngettext
from core.trends import Basis

# The same names inside a sentence ("effort rose from 5 to 7").
METRIC_WORDS: Final[dict[str, str]] = {
    "resilience": N_("resilience"),
    "effort": N_("effort"),
    "challenge": N_("challenge"),
    "feedback": N_("feedback"),
    "learning": N_("learning"),
}


def top_mover(rose: bool, most: bool, days: int) -> str:
    """The sentence about the metric that changed most, ``{n}`` days, still to format."""
    if rose and most:
        return ngettext(
            "{metric} rose the most: from {before} to {after} on average (first vs second "
            "half of the last day).",
            "{metric} rose the most: from {before} to {after} on average (first vs second "
            "half of the last {n} days).",
            days,
        )
    if most:
        return ngettext(
            "{metric} dropped the most: from {before} to {after} on average (first vs second "
            "half of the last day).",
            "{metric} dropped the most: from {before} to {after} on average (first vs second "
            "half of the last {n} days).",
            days,
        )
    if rose:
        return ngettext(
            "{metric} rose from {before} to {after} on average (first vs second half of the "
            "last day).",
            "{metric} rose from {before} to {after} on average (first vs second half of the "
            "last {n} days).",
            days,
        )
    return ngettext(
        "{metric} dropped from {before} to {after} on average (first vs second half of the "
        "last day).",
        "{metric} dropped from {before} to {after} on average (first vs second half of the "
        "last {n} days).",
        days,
    )


def word(name: str) -> str:
    """A metric's name inside a sentence ("effort"; capitalised at a sentence's start)."""
    word = METRIC_WORDS.get(name)
    return _(word) if word else name


def bases_sentence(bases: Sequence[Basis]) -> str:
    """What the trends rest on (core.trends.bases_text, in the user's language)."""
    if len(set(bases)) == 1:
        basis = bases[0]
        over = ngettext("{n} day", "{n} days", basis.days).format(n=basis.days)
        return ngettext(
            "Based on {n} check-in over {days}.", "Based on {n} check-ins over {days}.", basis.count
        ).format(n=basis.count, days=over)
    counts = sorted(b.count for b in bases)
    days = sorted(b.days for b in bases)
    count = f"{counts[0]}–{counts[-1]}" if counts[0] != counts[-1] else str(counts[0])
    span = f"{days[0]}–{days[-1]}" if days[0] != days[-1] else str(days[0])
    return _("Based on {counts} check-ins over {days} days.").format(counts=count, days=span)


def round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


def capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return _("{items} and {last}").format(items=", ".join(items[:-1]), last=items[-1])


def steady_sentence(steady: Sequence[tuple[str, float]]) -> str:
    """Metrics that held steady, as (name, average) pairs."""
    if len(steady) == 1:
        name, average = steady[0]
        return capitalize(
            _("{metric} is steady around {value}.").format(
                metric=word(name), value=round_half_up(average)
            )
        )
    parts = [
        _("{metric} (around {value})").format(metric=word(name), value=round_half_up(average))
        for name, average in steady
    ]
    return capitalize(_("{metrics} are steady.").format(metrics=join(parts)))
