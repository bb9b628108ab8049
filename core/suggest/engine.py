"""The local suggestion engine: at most one goal per entry, built for the pattern that fired
and the topic the writer named, or a warm line instead when the entry speaks of pain."""

from __future__ import annotations

import asyncio
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from core.suggest.care import distress
from core.suggest.model import model
from core.suggest.patterns import (
    NOT_A_CONTEST_RE,
    TASTE_RE,
    Signal,
    choose,
    fixed_signals,
    growth_framed,
)
from core.suggest.plans import find_plan
from core.suggest.text import (
    Sentence,
    chat_form,
    entry_plain_text,
    is_analysable,
    is_similar_text,
    quote,
    sentences,
)
from core.suggest.topics import focus, judged_activity, nearest_topic
from core.suggest.vocab import (
    CARE_LINES,
    DISMISSED_FROM_PERSON,
    FEEDBACK_FROM_CLOSE,
    FEEDBACK_FROM_PERSON,
    IDENTITY_ACTIVITY_TEMPLATE,
    PATTERN_METRICS,
    PATTERNS,
    PLAN_BOOKED_TEMPLATE,
    PLAN_FALLBACK,
    PLAN_GERUND_TEMPLATE,
    PLAN_JOINED_TEMPLATE,
    PLAN_TEMPLATE,
    PLAN_TOLD_TEMPLATE,
    TEMPLATES,
    TOPIC_RE,
    TOPICS,
    CareKind,
    MetricType,
    Pattern,
)

# One suggestion per entry: more reads as noise.
MAX_GOALS = 1
# Entries up to this long are analysed on the event loop; longer ones in a thread.
INLINE_MAX_CHARS = 200


@dataclass(frozen=True)
class SuggestedGoal:
    content: str
    related_metric_type: MetricType | None
    reason: str  # short "why" shown to the user
    pattern: Pattern | None = None


@dataclass(frozen=True)
class Reading:
    """What the engine makes of one entry: a goal, a warm line, or nothing."""

    goal: SuggestedGoal | None = None
    care: CareKind | None = None

    @property
    def care_line(self) -> str | None:
        return CARE_LINES[self.care] if self.care else None


class SuggestionEngine(Protocol):
    async def suggest(
        self,
        entry_html: str,
        *,
        open_goals: Sequence[str],
        with_sentiment: bool,
        max_goals: int = MAX_GOALS,
    ) -> list[SuggestedGoal]: ...


def care_for(entry_html: str) -> CareKind | None:
    """The kind of pain an entry speaks of ("help" for self-harm language), or None."""
    plain = entry_plain_text(entry_html)
    return _care(plain) if is_analysable(plain) else None


async def care_for_async(entry_html: str) -> CareKind | None:
    """care_for, off the event loop for a long entry (a full message takes milliseconds)."""
    if len(entry_html) <= INLINE_MAX_CHARS:
        return care_for(entry_html)
    return await asyncio.to_thread(care_for, entry_html)


def care_reply(entry_html: str) -> str | None:
    """The warm line an entry about pain gets instead of a goal (with a pointer to help
    for self-harm language); None when the entry needs none."""
    kind = care_for(entry_html)
    return CARE_LINES[kind] if kind else None


def _goal_for(signal: Signal) -> SuggestedGoal:
    topic = signal.topic
    form = topic.form if topic else "none"
    if signal.pattern == "feedback" and signal.close and signal.person:
        content = FEEDBACK_FROM_CLOSE.format(p=signal.person)
    elif signal.pattern == "feedback" and topic is None and signal.person:
        content = FEEDBACK_FROM_PERSON.format(p=signal.person)
    elif signal.pattern == "dismiss_feedback" and topic is None and signal.person:
        content = DISMISSED_FROM_PERSON.format(p=signal.person)
    elif (
        signal.pattern == "identity"
        and topic is None
        and (activity := judged_activity(signal.sentence.norm))
    ):
        content = IDENTITY_ACTIVITY_TEMPLATE.format(t=activity)
    else:
        content = TEMPLATES[signal.pattern][form].format(t=topic.text if topic else "")
    return SuggestedGoal(
        content=content,
        related_metric_type=PATTERN_METRICS[signal.pattern],
        reason=f'You wrote: "{quote(signal.sentence.text)}"',
        pattern=signal.pattern,
    )


# How sure the classifier must be before it speaks where no rule fired.
GOAL_CONFIDENCE = 0.99
HELP_CONFIDENCE = 0.9
PAIN_CONFIDENCE = 0.99
MIN_EVIDENCE = 2


# The classifier speaks only about a sentence with a fixed-mindset cue in it: a denial, an
# absolute, a comparison or a way out. Without one, it was guessing from the topic words.
_CUE_RE = re.compile(
    r"\b(?:not|no|never|nothing|nobody|can't|cannot|couldn't|don't|doesn't|didn't|isn't|aren't"
    r"|wasn't|won't|wouldn't|zero|pointless|point|hopeless|useless|rubbish|terrible|awful|bad"
    r"|worst|everyone|everybody|others|all|always|quit|quitting|give|gave|giving|done|drop"
    r"|dropping|stopped|skip|skipped|avoid|avoided|backed|bailed|scared|afraid|whatever|wrong"
    r"|idea|born|wired|made|built|natural|naturals|genius|hates?|bother|rather|safer|refund|deleted"
    r"|sell|selling|uninstalled|dinosaur|ahead|better)\b"
)


# Signs the writer is already on the growth side; the classifier reads sentences one by one
# and would miss that "it'll click" answers the sentence before.
_PROGRESS_RE = re.compile(
    r"\b(?:better\s+than\s+(?:yesterday|before|last)|getting\s+(?:there|better|easier)|progress"
    r"|click(?:ed|ing|s)?|proud|managed\s+to|for\s+the\s+first\s+time|actually\s+(?:had|did|enjoy\w*"
    r"|managed|liked|loved)|yet)\b"
)


# care_for and read_entry look at the same sentences of the same entry.
@functools.lru_cache(maxsize=256)
def _classify(norm: str) -> tuple[str, float]:
    label, p = model().classify_norm(norm)
    if label != "none" and model().evidence(norm, label) < MIN_EVIDENCE:
        return "none", 0.0
    return label, p


_FIXED_LABELS: dict[str, Pattern] = {p: p for p in PATTERNS if p not in ("feedback", "plan")}


def _model_signal(parts: list[Sentence], vetoed: set[int]) -> Signal | None:
    if any(_PROGRESS_RE.search(s.norm) for s in parts):
        return None
    best: tuple[float, Sentence, Pattern] | None = None
    for s in parts:
        if s.index in vetoed or not _CUE_RE.search(s.norm) or TASTE_RE.search(s.norm):
            continue
        if growth_framed(s.norm.rstrip(".!?\u2026 "), len(s.norm)):
            continue
        label, p = _classify(s.norm)
        pattern = _FIXED_LABELS.get(label)
        if pattern == "comparison" and NOT_A_CONTEST_RE.search(s.norm):
            continue
        if pattern is not None and p >= GOAL_CONFIDENCE and (best is None or p > best[0]):
            best = (p, s, pattern)
    if best is None:
        return None
    _, s, pattern = best
    return Signal(pattern, s, nearest_topic(parts, s, focus(s.norm, _CUE_RE)))


# The classifier's reading of pain counts only in a sentence that speaks of it at all.
_HELP_CUE_RE = re.compile(
    r"\b(?:die|died|dying|dead|death|alive|exist\w*|living|life|end|ending|ended|gone|kill\w*|hurt\w*"
    r"|myself|suicid\w*|pills|meds|bleed\w*|bled|cut\w*|disappear\w*|wake|without\s+me|better\s+off"
    r"|any\s*more|goodbye|jump\w*|bridge|point|reason|stop)\b"
)
_PAIN_CUE_RE = re.compile(
    r"\b(?:sad|cry\w*|cried|tears|scared|afraid|terrified|anxious|anxiety|panic\w*|grie\w+|lonely|alone"
    r"|empty|numb|hurts?|pain|broken|breaking|lost|died|dying|dead|death|funeral|hospital|sick|ill"
    r"|exhausted|drained|shaking|awful|horrible|worst|hopeless|drowning|heavy|stress\w*|overwhelm\w*"
    r"|diagnos\w+|cancer|left\s+me|(?:it's|is)\s+over|goodbye|miss\w*|can't\s+(?:cope|sleep|eat|breathe|stop))\b"
)


def _model_care(parts: list[Sentence]) -> CareKind | None:
    found: CareKind | None = None
    for s in parts:
        help_cue, pain_cue = _HELP_CUE_RE.search(s.norm), _PAIN_CUE_RE.search(s.norm)
        if not (help_cue or pain_cue):
            continue  # most sentences: no need to ask the classifier at all
        label, p = _classify(s.norm)
        if label == "selfharm" and p >= HELP_CONFIDENCE and help_cue:
            return "help"
        if label == "pain" and p >= PAIN_CONFIDENCE and pain_cue:
            found = "hurt"
    return found


# The handler asks before the engine does, about the same entry: answer twice from one look.
@functools.lru_cache(maxsize=64)
def _care(plain: str) -> CareKind | None:
    """The rules' reading of pain first; the classifier's for phrasings they lack."""
    return distress(plain) or _model_care(sentences(plain))


def read_entry(entry_html: str) -> Reading:
    """The one response an entry deserves, before any check against open goals."""
    plain = entry_plain_text(entry_html)
    if not is_analysable(plain):
        return Reading()
    care = _care(plain)
    if care is not None:
        return Reading(care=care)
    parts = sentences(plain)
    vetoed: set[int] = set()
    signals = fixed_signals(parts, vetoed)
    signal = choose(signals)
    first = min((s.sentence.index for s in signals), default=0)
    plan = find_plan(parts, first, doubt=signal is not None)
    if plan is not None and (signal is None or plan.sentence.index >= signal.sentence.index):
        template = PLAN_GERUND_TEMPLATE if plan.gerund else PLAN_TEMPLATE
        template = PLAN_TOLD_TEMPLATE if plan.told else template
        template = PLAN_JOINED_TEMPLATE if plan.joined else template
        template = PLAN_BOOKED_TEMPLATE if plan.booked else template
        content = template.format(plan=plan.action) if plan.action else PLAN_FALLBACK
        reason = f'You already have a plan: "{quote(plan.sentence.text)}"'
        return Reading(goal=SuggestedGoal(content, PATTERN_METRICS["plan"], reason, "plan"))
    if signal is None:
        signal = _model_signal(parts, vetoed)
    if signal is None:
        return Reading()
    return Reading(goal=_goal_for(signal))


def _topics_named(text: str) -> set[str]:
    return {TOPICS[m.group(1)].text for m in TOPIC_RE.finditer(chat_form(text))}


def is_similar_goal(a: str, b: str) -> bool:
    """Near-duplicate goals: the same wording give or take case, punctuation and small
    changes, about the same thing. "Practise chess..." and "Practise piano..." share a
    template but not a topic, so both may stand."""
    named_a, named_b = _topics_named(a), _topics_named(b)
    if named_a and named_b and not named_a & named_b:
        return False
    return is_similar_text(a, b)


def dedupe_goals(
    goals: Iterable[SuggestedGoal], open_goals: Sequence[str], max_goals: int
) -> list[SuggestedGoal]:
    """Drop goals similar to an open goal or to an earlier suggestion; cap the count."""
    limit = max(0, min(max_goals, MAX_GOALS))
    kept: list[SuggestedGoal] = []
    for goal in goals:
        if len(kept) >= limit:
            break
        taken = [*open_goals, *(g.content for g in kept)]
        if any(is_similar_goal(goal.content, other) for other in taken):
            continue
        kept.append(goal)
    return kept


class LocalSuggestionEngine:
    """Rule-based suggestions: offline, deterministic, at most one goal per entry."""

    def read(self, entry_html: str) -> Reading:
        return read_entry(entry_html)

    def suggest_sync(
        self,
        entry_html: str,
        *,
        open_goals: Sequence[str],
        with_sentiment: bool = False,
        max_goals: int = MAX_GOALS,
    ) -> list[SuggestedGoal]:
        # Sentiment is not a reason for a goal: a sad entry gets warmth, not a task.
        del with_sentiment
        reading = read_entry(entry_html)
        if reading.goal is None:
            return []
        return dedupe_goals([reading.goal], open_goals, max_goals)

    async def suggest(
        self,
        entry_html: str,
        *,
        open_goals: Sequence[str],
        with_sentiment: bool,
        max_goals: int = MAX_GOALS,
    ) -> list[SuggestedGoal]:
        run = functools.partial(
            self.suggest_sync,
            entry_html,
            open_goals=list(open_goals),
            with_sentiment=with_sentiment,
            max_goals=max_goals,
        )
        if len(entry_html) <= INLINE_MAX_CHARS:
            return run()
        # A full-length message takes milliseconds: keep it off the event loop.
        return await asyncio.to_thread(run)
