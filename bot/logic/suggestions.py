"""Compatibility names: the suggestion engine lives in bot.logic.suggest."""

from bot.logic.suggest import (
    MAX_GOALS,
    METRIC_TYPES,
    LocalSuggestionEngine,
    MetricType,
    SuggestedGoal,
    SuggestionEngine,
    care_reply,
    dedupe_goals,
    entry_plain_text,
    html_to_plain,
    is_analysable,
    is_similar_goal,
    sentiment_score,
    stem,
    words,
)

__all__ = [
    "MAX_GOALS",
    "METRIC_TYPES",
    "LocalSuggestionEngine",
    "MetricType",
    "SuggestedGoal",
    "SuggestionEngine",
    "care_reply",
    "dedupe_goals",
    "entry_plain_text",
    "html_to_plain",
    "is_analysable",
    "is_similar_goal",
    "sentiment_score",
    "stem",
    "words",
]
