"""Goal suggestions from a journal entry. Pure logic: no Telegram or database imports."""

from core.suggest.engine import (
    MAX_GOALS,
    LocalSuggestionEngine,
    Reading,
    SuggestedGoal,
    SuggestionEngine,
    care_for,
    care_for_async,
    care_reply,
    dedupe_goals,
    is_similar_goal,
    read_entry,
)
from core.suggest.text import (
    entry_plain_text,
    html_to_plain,
    is_analysable,
    sentiment_score,
    stem,
    words,
)
from core.suggest.vocab import METRIC_TYPES, PATTERNS, MetricType, Pattern

__all__ = [
    "MAX_GOALS",
    "METRIC_TYPES",
    "PATTERNS",
    "LocalSuggestionEngine",
    "MetricType",
    "Pattern",
    "Reading",
    "SuggestedGoal",
    "SuggestionEngine",
    "care_for",
    "care_for_async",
    "care_reply",
    "dedupe_goals",
    "entry_plain_text",
    "html_to_plain",
    "is_analysable",
    "is_similar_goal",
    "read_entry",
    "sentiment_score",
    "stem",
    "words",
]
