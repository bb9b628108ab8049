"""Themes for the 30-day insights summary (the mood trend is in trends.py). Pure logic."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from core.suggest import html_to_plain, stem, words

# fmt: off
THEME_KEYWORDS: dict[str, tuple[str, ...]] = {
    "work": (
        "job", "office", "boss", "manager", "colleague", "coworker", "meeting", "deadline",
        "client", "career", "promotion", "workplace", "workday", "workload", "shift", "project",
        "overtime", "interview", "team",
    ),
    "study": (
        "study", "exam", "homework", "assignment", "essay", "lecture", "class", "course",
        "school", "university", "uni", "college", "teacher", "professor", "revision", "revise",
        "thesis", "dissertation", "quiz", "grade", "semester", "tutor", "textbook",
    ),
    "health": (
        "health", "healthy", "doctor", "sick", "ill", "illness", "headache", "migraine", "pain",
        "hospital", "medication", "medicine", "therapy", "therapist", "diet", "injury",
        "injured", "flu", "covid", "dentist", "symptom",
    ),
    "relationships": (
        "friend", "partner", "boyfriend", "girlfriend", "husband", "wife", "relationship",
        "dating", "breakup", "argument", "lonely", "loneliness",
    ),
    "family": (
        "family", "mum", "mom", "dad", "parent", "sister", "brother", "kid", "child",
        "children", "son", "daughter", "toddler", "baby", "grandma", "grandpa", "grandmother",
        "grandfather", "nephew", "niece", "parenting",
    ),
    "sleep": (
        "sleep", "slept", "insomnia", "tired", "exhausted", "nap", "bedtime", "nightmare",
        "awake", "rest", "oversleep", "overslept",
    ),
    "exercise": (
        "exercise", "gym", "run", "ran", "running", "jog", "workout", "yoga", "swim", "swam",
        "cycling", "bike", "hike", "walk", "football", "tennis", "basketball", "marathon",
        "training", "pilates", "lift", "weights", "climbing", "stretching",
    ),
    "creativity": (
        "draw", "drawing", "paint", "painting", "sketch", "poem", "poetry", "music", "guitar",
        "piano", "violin", "sing", "song", "compose", "design", "craft", "photography", "novel",
        "story", "writing", "creative", "art",
    ),
    "money": (
        "money", "budget", "rent", "bill", "debt", "salary", "savings", "expense", "mortgage",
        "loan", "afford", "bank", "finance", "financial", "paycheck", "invest", "tax",
    ),
    "stress": (
        "stress", "stressed", "stressful", "anxious", "anxiety", "overwhelmed", "worried",
        "worry", "panic", "burnout", "pressure", "nervous",
    ),
}
# fmt: on
# Words too ambiguous alone ("it didn't work", "I work on it") count only in these phrases.
THEME_PHRASES: dict[str, tuple[str, ...]] = {
    "work": (
        r"(?:at|to|from|after|before|for|of|my|off)\s+work\b",
        r"\bwork\s+(?:was|is|has\s+been|today|day|trip|email|emails|call|stuff|party)\b",
    ),
    "sleep": (r"\b(?:went\s+to|in|go\s+to)\s+bed\b", r"\bwoke\s+up\b"),
}

_STEMMED: dict[str, frozenset[str]] = {
    theme: frozenset(stem(w) for w in keywords) for theme, keywords in THEME_KEYWORDS.items()
}
_PHRASE_RES: dict[str, re.Pattern[str]] = {
    theme: re.compile("|".join(f"(?:{p})" for p in patterns), re.I)
    for theme, patterns in THEME_PHRASES.items()
}


def entry_themes(text: str) -> set[str]:
    """Themes one entry (Telegram HTML or plain text) touches."""
    plain = html_to_plain(text)
    stems = {stem(w) for w in words(plain.lower())}
    found = {theme for theme, lexicon in _STEMMED.items() if stems & lexicon}
    found |= {theme for theme, pattern in _PHRASE_RES.items() if pattern.search(plain)}
    return found


def dominant_themes(texts: Sequence[str], top: int = 3) -> list[tuple[str, int]]:
    """The most frequent themes with the number of entries mentioning each, largest first.

    An entry counts once per theme however often it repeats a word; ties sort by label.
    """
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(entry_themes(text))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ranked[: max(0, top)]
