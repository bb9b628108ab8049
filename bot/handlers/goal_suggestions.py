"""Goal suggestions after each saved entry (an ``after_save`` hook, see bot.app)."""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Mapping, Sequence
from typing import Final

from telegram import Update
from telegram.ext import ContextTypes

from bot.config import Settings
from bot.handlers.goal_views import (
    suggestion_keyboard,
    suggestion_text,
    user_id_of,
)
from bot.hooks import SavedEntry
from bot.llm_engine import LLMSuggestionEngine
from bot.messaging import send_html
from bot.services import get_services
from core import i18n
from core.suggest import (
    MAX_GOALS,
    SuggestedGoal,
    care_for_async,
    is_similar_goal,
)
from core.suggest.vocab import CARE_LINES
from core.vocab import GoalSource, VocabularyError
from db import goals
from db.accounts import Link
from db.errors import NotFound
from db.models import Goal
from db.settings import EXTERNAL_AI_CONSENT

logger = logging.getLogger(__name__)

# The local engine answers in well under a second; this only guards against a stuck thread.
LOCAL_BUDGET_SECONDS: Final = 5.0
MAX_PENDING: Final = 3  # unanswered suggestions kept; older ones are withdrawn quietly


# --- suggestions after an entry -----------------------------------------------------


def consents_to_external_ai(ai_settings: Mapping[str, object], settings: Settings) -> bool:
    """Did the user agree to send entry text to the configured LLM's host? Consent to
    another host (the operator changed LLM_BASE_URL since) does not count."""
    host = settings.llm_host
    return host is not None and ai_settings.get(EXTERNAL_AI_CONSENT) == host


def suggestion_budget(settings: Settings) -> float:
    """How long the suggestions of one entry may take in all (the LLM's own timeout, then
    its local fallback)."""
    return LOCAL_BUDGET_SECONDS + (settings.llm_timeout if settings.llm_base_url else 0.0)


async def suggest_after_save(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link: Link, saved: SavedEntry
) -> None:
    """Answer the entry just saved: at most one suggested goal, or a warm line instead of a
    goal when the entry speaks of pain (with a pointer to help for self-harm language)."""
    services = get_services(context)
    engine = services.suggestion_engine
    chat = update.effective_chat
    chat_id = chat.id if chat is not None else link.chat_id
    # Read by the statement that saved the entry: no query of its own.
    enabled = bool(saved.ai_settings.get("enableGrowthSuggestions"))
    language = i18n.current()
    # The local engine (care lines included) reads English only: in another language it
    # would answer a misread entry in English, so there only the model speaks.
    local_speaks = language == i18n.DEFAULT
    care = await care_for_async(saved.entry.content) if local_speaks else None
    if care is not None:
        # Never a task for someone in pain; the pointer to help goes out whatever the settings.
        if enabled or care == "help":
            await send_html(context.bot, chat_id, html.escape(CARE_LINES[care]))
        return
    if engine is None or not enabled:
        return
    if isinstance(engine, LLMSuggestionEngine) and not consents_to_external_ai(
        saved.ai_settings, services.settings
    ):
        engine = engine.fallback  # the local engine: nothing leaves this machine
    if not local_speaks and not isinstance(engine, LLMSuggestionEngine):
        return
    with_sentiment = bool(saved.ai_settings.get("enableSentimentAnalysis"))
    try:
        async with asyncio.timeout(suggestion_budget(services.settings)):
            suggested: Sequence[SuggestedGoal]
            if isinstance(engine, LLMSuggestionEngine):
                suggested = await engine.suggest(
                    saved.entry.content,
                    open_goals=saved.open_goals,
                    with_sentiment=with_sentiment,
                    language=language,
                )
            else:
                suggested = await engine.suggest(
                    saved.entry.content, open_goals=saved.open_goals, with_sentiment=with_sentiment
                )
    except TimeoutError:
        logger.warning("goal suggestions took too long; none sent for entry %s", saved.entry.id)
        return
    if suggested:
        await _send_suggestions(context, link, chat_id, saved, suggested)


async def _send_suggestions(
    context: ContextTypes.DEFAULT_TYPE,
    link: Link,
    chat_id: int,
    saved: SavedEntry,
    suggested: Sequence[SuggestedGoal],
) -> None:
    """Store the suggestions (skipping ones like a goal the user rejected) and send each."""
    user_id = user_id_of(link)
    services = get_services(context)
    created: list[tuple[Goal, SuggestedGoal]] = []
    async with services.db.sessions.begin() as s:
        # Only entries that earned a suggestion pay for this read.
        rejected = await goals.rejected_goal_texts(s, user_id)
        for suggestion in suggested[:MAX_GOALS]:
            if any(is_similar_goal(suggestion.content, old) for old in rejected):
                continue
            try:
                goal = await goals.create_goal(
                    s,
                    user_id,
                    suggestion.content,
                    source=GoalSource.AI_GENERATED,
                    journal_entry_id=saved.entry.id,
                    related_metric_type=suggestion.related_metric_type,
                )
            except NotFound:  # the entry was deleted meanwhile: nothing to suggest for
                return
            except VocabularyError as exc:  # e.g. too long: skip this one
                logger.info("skipped a goal suggestion: %s", exc)
                continue
            created.append((goal, suggestion))
        if created:
            await goals.expire_suggestions(s, user_id, keep=MAX_PENDING)
    for goal, suggestion in created:
        await send_html(
            context.bot,
            chat_id,
            suggestion_text(goal.content, suggestion.reason),
            suggestion_keyboard(goal.id),
        )
