"""Goal suggestions from a journal entry, based on growth-mindset language analysis.

Pure logic: no Telegram or database imports. The local engine works offline and is
deterministic, so the same entry always gets the same suggestions.
"""

from __future__ import annotations

import asyncio
import difflib
import functools
import hashlib
import html
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, get_args

MetricType = Literal["resilience", "effort", "challenge", "feedback", "learning"]
METRIC_TYPES: tuple[MetricType, ...] = get_args(MetricType)
MAX_GOALS = 2
# Compound VADER score at or below which an entry without other signals gets a self-care goal.
NEGATIVE_SENTIMENT = -0.5
# Telegram caps a message at 4096 chars; anything far beyond that is not a journal entry.
MAX_ANALYSIS_CHARS = 8000
# Entries up to this long are analysed on the event loop: it blocks the loop for about
# 2 ms at most, and spares the thread hand-off (a wake-up and GIL hand-overs) that
# costs as much as analysing a one-liner.
INLINE_MAX_CHARS = 200
SIMILARITY_JACCARD = 0.6
SIMILARITY_RATIO = 0.85

FixedKind = Literal[
    "cant",
    "not_good_at",
    "bad_at",
    "not_a_person",
    "give_up",
    "quit",
    "failed",
    "failure_identity",
    "always_fail",
    "never",
    "too_hard",
    "stupid",
    "point",
    "not_talented",
    "not_enough",
    "bad_role",
]
TopicForm = Literal["skill", "event", "thing"]


@dataclass(frozen=True)
class Topic:
    """What an entry is about.

    A skill is practised ("public speaking"), an event is prepared for ("driving test"),
    a thing is just worked on ("tax return"); goal templates differ for each.
    """

    text: str
    form: TopicForm
    determiner: str  # "your" or "the": how a goal refers to an event or thing

    @property
    def obj(self) -> str:
        if self.form == "skill":
            return self.text
        return f"{self.determiner} {self.text}"


@dataclass(frozen=True)
class FixedPhrase:
    """A fixed-mindset statement found in an entry."""

    text: str  # as the user wrote it, e.g. "I'm not good at public speaking"
    kind: FixedKind
    metric: MetricType
    rest: str | None  # the words after the phrase head, e.g. "public speaking"
    topic: Topic | None
    start: int
    end: int
    detail: str | None = None  # the adjective of "not smart enough"


@dataclass(frozen=True)
class SuggestedGoal:
    content: str
    related_metric_type: MetricType | None
    reason: str  # short "why" shown to the user


@dataclass(frozen=True)
class EntryAnalysis:
    fixed_phrases: list[FixedPhrase]
    metrics: list[MetricType]  # strongest first
    topics: list[str]
    sentiment: float | None  # VADER compound -1..1; None when sentiment is disabled


class SuggestionEngine(Protocol):
    async def suggest(
        self,
        entry_html: str,
        *,
        open_goals: Sequence[str],
        with_sentiment: bool,
        max_goals: int = MAX_GOALS,
    ) -> list[SuggestedGoal]: ...


# --------------------------------------------------------------------------- text helpers

_SCRIPT_RE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.I | re.S)
_BREAK_RE = re.compile(r"<br\s*/?>|</?(?:p|div|li|ul|ol|blockquote|pre|h[1-6]|tr)\b[^<>]*>", re.I)
# Only real tags: "<3" or "a < b" in plain text must survive.
_TAG_RE = re.compile(r"</?[A-Za-z][^<>]*>")
_CONTROL_RE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_APOSTROPHE_RE = re.compile("[\u2018\u2019\u02bc\u2032\u00b4`]")
_COMMAND_RE = re.compile(r"^/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?\b")
_WORD_RE = re.compile(r"[^\W_]+(?:['+#-][^\W_]+)*[+#]*")


def html_to_plain(html_text: str) -> str:
    """Telegram HTML to plain text: tags removed, entities unescaped, control chars dropped."""
    text = _SCRIPT_RE.sub(" ", html_text)
    text = _BREAK_RE.sub("\n", text)
    text = _TAG_RE.sub("", text)
    text = html.unescape(text)
    text = _CONTROL_RE.sub(" ", text)
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[ \t\u00a0]+", " ", text)
    text = re.sub(r" ?\n[ \n]*", "\n", text)
    return text.strip()


def stem(word: str) -> str:
    """Crude suffix stripping, enough to match "studying"/"studied"/"study" and similar."""
    w = word.lower().replace("practis", "practic")
    if len(w) <= 3:
        return w
    if w.endswith(("ies", "ied")) and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("ing") and len(w) > 5:
        w = w[:-3]
    elif w.endswith("ed") and len(w) > 4:
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
        w = w[:-1]  # running -> run, planned -> plan
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]  # practice/practic(ed) and exercise/exercis(es) meet in the middle
    return w


def words(text: str) -> list[str]:
    return _WORD_RE.findall(text)


# fmt: off
_GOAL_STOPWORDS = frozenset([
    "a", "an", "the", "to", "for", "of", "on", "in", "at", "and", "or", "with", "my", "your",
    "this", "that", "it", "is", "be", "by", "one",
])
# fmt: on


def _goal_tokens(text: str) -> set[str]:
    return {stem(w) for w in words(text.lower()) if w not in _GOAL_STOPWORDS}


def _squash(text: str) -> str:
    return " ".join(words(text.lower()))


def is_similar_goal(a: str, b: str) -> bool:
    """Case- and punctuation-insensitive near-duplicate test between two goal texts."""
    ta, tb = _goal_tokens(a), _goal_tokens(b)
    if ta and tb and len(ta & tb) / len(ta | tb) >= SIMILARITY_JACCARD:
        return True
    sa, sb = _squash(a), _squash(b)
    if not sa or not sb:
        return sa == sb
    return difflib.SequenceMatcher(None, sa, sb).ratio() >= SIMILARITY_RATIO


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


def entry_plain_text(entry_html: str) -> str:
    """The analysable text of an entry: plain, straight apostrophes, no leading /command."""
    text = html_to_plain(entry_html)[:MAX_ANALYSIS_CHARS]
    text = _APOSTROPHE_RE.sub("'", text)
    return _COMMAND_RE.sub("", text, count=1).strip()


def is_analysable(plain: str) -> bool:
    """Too little text (or a bare command) carries no signal worth a goal."""
    tokens = words(plain)
    return len(tokens) >= 2 and sum(len(t) for t in tokens) >= 5


def _stable_int(*parts: str) -> int:
    # Python's hash() is salted per process; tests and users need stable choices.
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "replace")).digest()
    return int.from_bytes(digest[:8], "big")


def _tidy_case(text: str) -> str:
    if text.isupper():
        text = text.lower()
        text = re.sub(r"\bi\b", "I", text)
    return text


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


# --------------------------------------------------------------------------- topics

# fmt: off
_CUT_WORDS = frozenset([
    "and", "but", "because", "cos", "cause", "so", "when", "while", "since", "though",
    "although", "which", "who", "if", "or", "until", "unless", "anymore", "yet", "again",
    "today", "tonight", "tomorrow", "yesterday", "now", "like", "ever", "either",
    "anyway", "whatever", "for", "with", "during", "after", "before", "from", "by",
    "than", "as", "i", "you", "he", "she", "we", "they", "it's", "i'm", "im", "that's",
    "there's", "properly", "lol", "haha", "honestly", "tbh",
])
_CUT_PAIRS = frozenset({
    ("at", "all"), ("right", "now"), ("any", "more"), ("no", "matter"), ("so", "much"),
    ("this", "week"), ("this", "morning"), ("this", "afternoon"), ("this", "evening"),
    ("this", "time"), ("this", "year"), ("this", "month"), ("last", "night"), ("last", "week"),
    ("last", "time"), ("every", "time"), ("in", "front"), ("even", "though"), ("even", "if"),
    ("even", "when"), ("even", "after"), ("even", "with"), ("even", "so"),
})
_TRAILING_JUNK = frozenset([
    "to", "at", "of", "in", "on", "the", "a", "an", "my", "and", "with", "for", "about",
    "from", "by", "as", "than", "that", "very", "really", "is", "are", "was", "were", "be",
    "been", "just", "so", "too", "even",
])
# fmt: on
_LEADING_PREPOSITIONS = frozenset(["on", "at", "in", "with", "for", "about", "of"])
# fmt: off
_LEADING_ADVERBS = frozenset([
    "really", "even", "just", "actually", "miserably", "badly", "completely", "totally",
    "horribly", "utterly", "properly", "ever", "still", "very", "so", "quite",
])
# fmt: on
_DETERMINERS = {
    "my": "your",
    "our": "your",
    "your": "your",
    "his": "the",
    "her": "the",
    "their": "the",
    "the": "the",
    "this": "your",
    "that": "the",
    "these": "your",
    "those": "the",
    "a": "your",
    "an": "your",
    "any": "your",
    "some": "your",
    "tomorrow's": "your",
    "today's": "your",
    "next": "your",
}
# fmt: off
_VAGUE = frozenset([
    "it", "this", "that", "these", "those", "them", "him", "her", "me", "us", "one", "any",
    "some", "something", "anything", "everything", "nothing", "things", "thing", "stuff",
    "lot", "bit", "much", "more", "well", "enough", "life", "myself", "anyone", "everyone",
    "someone", "anybody", "everybody", "time", "way", "all", "out", "up",
])
_GENERIC_VERBS = frozenset([
    "do", "get", "understand", "learn", "handle", "manage", "master", "grasp", "pass",
    "finish", "ace", "solve", "figure", "cope", "deal", "make", "beat", "win", "improve",
    "remember", "follow", "keep",
])
# fmt: on
_PARTICLES = frozenset({"out", "with", "at", "in", "up"})
# fmt: off
_EVENT_NOUNS = frozenset([
    "exam", "test", "presentation", "interview", "essay", "report", "project", "assignment",
    "application", "pitch", "speech", "recital", "audition", "performance", "match", "game",
    "race", "marathon", "meeting", "review", "deadline", "thesis", "dissertation", "quiz",
    "tryout", "competition", "tournament", "concert", "gig", "proposal", "paper", "demo",
    "homework", "coursework", "midterm", "final", "finals", "talk",
])
_ACTIVITY_NOUNS = frozenset([
    "piano", "guitar", "violin", "drums", "cello", "flute", "saxophone", "trumpet", "ukulele",
    "singing", "maths", "math", "mathematics", "algebra", "calculus", "geometry", "statistics",
    "physics", "chemistry", "biology", "history", "geography", "economics", "spanish",
    "french", "german", "italian", "japanese", "chinese", "mandarin", "korean", "arabic",
    "hebrew", "english", "russian", "portuguese", "dutch", "coding", "programming", "python",
    "javascript", "typescript", "java", "rust", "sql", "recursion", "swimming", "running",
    "football", "soccer", "basketball", "tennis", "golf", "chess", "climbing", "yoga",
    "cooking", "baking", "drawing", "painting", "writing", "parenting", "networking",
    "budgeting", "meditation", "dancing", "skating", "surfing", "cycling", "boxing",
    "sprinting", "spelling", "grammar", "vocabulary", "pronunciation", "scales",
])
# fmt: on
_TOPIC_CUT = frozenset(["on", "at", "of", "about", "without", "during", "into", "over", "through"])
_TOPIC_ALIASES = {"code": "coding", "gym": "gym sessions", "people": "meeting new people"}
# fmt: off
_QUANTITIES = frozenset([
    "hour", "hours", "minute", "minutes", "min", "mins", "day", "days", "week", "weeks",
    "month", "months", "year", "years", "ages", "while", "time", "times", "lot", "bit",
])
_NUMBERS = frozenset([
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "a", "few",
])
_NOT_GERUNDS = frozenset([
    "thing", "something", "anything", "nothing", "evening", "morning", "spring", "ring", "king",
])
_PROPER_NOUNS = {w.lower(): w for w in [
    "Spanish", "French", "German", "Italian", "Japanese", "Chinese", "Mandarin", "Korean",
    "Arabic", "Hebrew", "English", "Russian", "Portuguese", "Dutch", "Python", "JavaScript",
    "TypeScript", "Java", "Rust", "SQL", "Excel",
]}
# fmt: on
# fmt: off
_MULTIWORD_TOPICS = (
    "public speaking", "driving test", "job interview", "code review", "performance review",
    "times tables", "data structures", "machine learning", "sight reading", "small talk",
    "time management", "pull-ups", "push-ups",
)
# fmt: on
_HEAD_ALTERNATION = "|".join(
    sorted(
        [re.escape(t) for t in _MULTIWORD_TOPICS]
        + [w + "s?" for w in _EVENT_NOUNS]
        + sorted(_ACTIVITY_NOUNS),
        key=len,
        reverse=True,
    )
)
_NOUN_TOPIC_RE = re.compile(
    r"\b(?:(?P<det>my|the|our|this|his|her|their|tomorrow's|today's|next)\s+"
    r"(?P<mods>(?:[^\W\d_][\w'-]*\s+){0,2}))?"
    rf"(?P<head>{_HEAD_ALTERNATION})\b",
    re.I,
)
_CLAUSE = r"[^.,;:!?\n()\"\u2026<>]"
_AFTER_VERB_TOPIC_RE = re.compile(
    r"\b(?:(?P<skill>practi[cs](?:e|ed|es|ing)|stud(?:y|ied|ies|ying)(?:\s+for)?"
    r"|learn(?:ed|t|ing|s)?|rehears(?:e|ed|ing)|train(?:ed|ing)?\s+for"
    r"|struggl(?:e|ed|ing)\s+with|(?:got|get|getting)\s+better\s+at|improv(?:e|ed|ing)\s+at)"
    r"|revis(?:e|ed|ing)\s+for|prep(?:are|ared|aring|ping|ped)?\s+for|work(?:ed|ing)?\s+on"
    r"|improv(?:e|ed|ing)\s+my|feedback\s+(?:on|about|for)|comments?\s+(?:on|about)|notes\s+on"
    r"|critici[sz](?:ed|es|ing)|criticism\s+(?:of|on|about)|reviewed"
    r"|nervous\s+(?:about|for)|anxious\s+about|scared\s+(?:of|about)|afraid\s+of"
    r"|terrified\s+of|avoid(?:ed|ing)?"
    r"|(?:putting|put)\s+off|procrastinat(?:ed|ing)\s+on)"
    rf"\s+(?P<rest>{_CLAUSE}{{1,80}})",
    re.I,
)
_LEXICON_WORDS = (
    _EVENT_NOUNS
    | _ACTIVITY_NOUNS
    | {w for t in _MULTIWORD_TOPICS for w in t.split()}
    | {n + "s" for n in _EVENT_NOUNS}
)
# fmt: off
_PEOPLE = (
    "team lead", "manager", "boss", "teacher", "coach", "mentor", "tutor", "colleague",
    "coworker", "co-worker", "teammate", "professor", "lecturer", "supervisor", "instructor",
    "trainer", "editor", "reviewer", "examiner", "client",
)
# fmt: on
_PERSON_RE = re.compile(
    r"\b(?:my|our|the)\s+(?:[\w-]+\s+)?(?P<who>"
    + "|".join(re.escape(p) for p in _PEOPLE)
    + r")s?\b",
    re.I,
)


def _gerund(verb: str) -> str:
    v = verb.lower()
    if v.endswith("ing") or not v.isalpha():
        return verb
    if v.endswith("ie"):
        return v[:-2] + "ying"
    if v.endswith("e") and not v.endswith(("ee", "ye", "oe")) and len(v) > 2:
        return v[:-1] + "ing"
    vowels = "aeiou"
    if (
        len(v) <= 4
        and len(v) >= 3
        and v[-1] not in vowels + "wxy"
        and v[-2] in vowels
        and v[-3] not in vowels
    ):
        return v + v[-1] + "ing"
    return v + "ing"


def _trim_clause(rest: str, max_words: int = 6) -> list[str]:
    """The leading words of a clause up to a conjunction, time word or filler."""
    raw = rest.split()
    kept: list[str] = []
    for i, word in enumerate(raw):
        low = word.lower().strip("'\"*_")
        nxt = raw[i + 1].lower().strip("'\"*_") if i + 1 < len(raw) else ""
        if low in _CUT_WORDS or (low, nxt) in _CUT_PAIRS or not words(low) or len(low) > 30:
            break
        kept.append(word.strip('"*_'))
        if len(kept) >= max_words:
            break
    while kept and kept[-1].lower() in _TRAILING_JUNK:
        kept.pop()
    return kept


def _topic_from_words(
    tokens: list[str],
    *,
    starts_with_verb: bool,
    drop_leading_verb: bool = False,
    skill: bool = False,
) -> Topic | None:
    """A topic from the words after a phrase, e.g. "do my maths homework" -> "maths homework".

    starts_with_verb: the words are a bare verb phrase (after "can't", "never"), so a
    generic verb such as "do" or "understand" is dropped and any other becomes a gerund.
    """
    toks = [t for t in tokens if t]
    while toks and toks[0].lower() in _LEADING_PREPOSITIONS | _LEADING_ADVERBS:
        toks = toks[1:]
    verb_phrase = starts_with_verb
    if toks and toks[0].lower() == "how" and len(toks) > 1 and toks[1].lower() == "to":
        toks, verb_phrase = toks[2:], True
    if toks and toks[0].lower() == "to":
        toks, verb_phrase = toks[1:], True
    if toks and verb_phrase:
        low = [t.lower() for t in toks]
        if low[:3] == ["be", "able", "to"]:
            toks, low = toks[3:], low[3:]
        if low[:1] == ["be"]:
            toks, low = toks[1:], low[1:]
            if low[:1] and low[0] in {"good", "great", "any", "better"}:
                toks = toks[1:]
                while toks and toks[0].lower() in {"good", "at", "with"}:
                    toks = toks[1:]
            verb_phrase = False
        elif low and ((starts_with_verb and low[0] in _GENERIC_VERBS) or drop_leading_verb):
            toks = toks[1:]
            if toks and toks[0].lower() in _PARTICLES:
                toks = toks[1:]
            verb_phrase = False
    determiner = ""
    if toks and toks[0].lower() in _DETERMINERS:
        determiner = _DETERMINERS[toks[0].lower()]
        toks = toks[1:]
        verb_phrase = False
    if toks and toks[0].lower() == "doing":
        toks = toks[1:]
    if verb_phrase and toks:
        if len(toks) >= 3 and toks[1].lower() in _DETERMINERS and _is_event_noun(toks[-1]):
            # "run a marathon": the marathon is what to prepare for.
            determiner = _DETERMINERS[toks[1].lower()]
            toks = toks[2:]
        else:
            toks = [_gerund(toks[0]), *toks[1:]]
    # "Spanish on Duolingo", "code to work": the topic is the part before the preposition,
    # but "talking to people" keeps its "to".
    for i, tok in enumerate(toks[1:], start=1):
        low_tok = tok.lower()
        if low_tok in _TOPIC_CUT or (low_tok == "to" and not toks[0].lower().endswith("ing")):
            toks = toks[:i]
            break
    toks = toks[:4]
    while toks and toks[-1].lower() in _TRAILING_JUNK:
        toks.pop()
    if not toks or all(t.lower() in _VAGUE for t in toks):
        return None
    if toks[-1].lower() in _QUANTITIES:
        return None  # "for four hours" says how long, not what
    while toks and (toks[0].lower() in _NUMBERS or toks[0][:1].isdigit()):
        toks = toks[1:]  # "one push-up" -> "push-up"
    if not toks:
        return None
    toks = [_canonical_case(t) for t in toks]
    text = re.sub(r"[^\w\s'+#-]", "", " ".join(toks)).strip()[:40].strip()
    text = _TOPIC_ALIASES.get(text.lower(), text)
    if not text or text.lower() in _VAGUE:
        return None
    return Topic(text=text, form=_topic_form(text, skill), determiner=determiner or "your")


def _is_event_noun(word: str) -> bool:
    w = word.lower()
    return (w[:-1] if w.endswith("s") and not w.endswith("ss") else w) in _EVENT_NOUNS


def _topic_form(text: str, skill: bool) -> TopicForm:
    parts = text.lower().split()
    if parts[0].endswith("ing") and parts[0] not in _NOT_GERUNDS:
        return "skill"
    if _is_event_noun(parts[-1]):
        return "event"
    if skill or any(p in _ACTIVITY_NOUNS or p in _PROPER_NOUNS for p in parts):
        return "skill"
    if " ".join(parts) in _MULTIWORD_TOPICS:
        return "skill"
    return "thing"


def _canonical_case(token: str) -> str:
    low = token.lower()
    if low in _PROPER_NOUNS:
        return _PROPER_NOUNS[low]
    if (token.isupper() and len(token) > 1) or low in _LEXICON_WORDS:
        return low
    return token


def _find_topics(text: str) -> list[tuple[int, Topic]]:
    found: list[tuple[int, Topic]] = []
    for m in _AFTER_VERB_TOPIC_RE.finditer(text):
        topic = _topic_from_words(
            _trim_clause(m.group("rest")), starts_with_verb=False, skill=bool(m.group("skill"))
        )
        if topic is not None:
            found.append((m.start("rest"), topic))
    for m in _NOUN_TOPIC_RE.finditer(text):
        det = (m.group("det") or "").lower()
        mods = (m.group("mods") or "").split()
        if any(w.lower() in _CUT_WORDS or w.lower() in _DETERMINERS for w in mods):
            mods = []
        topic = _topic_from_words([*mods, *m.group("head").split()], starts_with_verb=False)
        if topic is not None:
            topic = Topic(topic.text, topic.form, _DETERMINERS.get(det, "your"))
            found.append((m.start("head"), topic))
    return found


def _find_person(text: str) -> str | None:
    m = _PERSON_RE.search(text)
    return f"your {m.group('who').lower()}" if m else None


# --------------------------------------------------------------------------- fixed phrases

_ADV = (
    r"(?:\s+(?:just|really|so|very|simply|totally|completely|honestly|literally|actually"
    r"|truly|clearly|obviously|naturally|always|still|definitely|probably|such|kinda"
    r"|pretty|quite|even)){0,3}"
)
_IM = r"\bI(?:'m|\s+am|m)"
_TAIL = rf"(?:\s+(?P<rest>{_CLAUSE}{{1,80}}))?"
_ADJ_ENOUGH = (
    r"(?P<adj>smart|clever|good|talented|strong|fast|creative|brave|confident|qualified"
    r"|experienced|fit|capable)"
)

_FIXED_SOURCES: list[tuple[FixedKind, str]] = [
    ("not_enough", rf"{_IM}{_ADV}\s+not{_ADV}\s+{_ADJ_ENOUGH}\s+enough\b{_TAIL}"),
    ("not_enough", rf"\bI(?:'ll|\s+will)\s+never\s+be{_ADV}\s+{_ADJ_ENOUGH}\s+enough\b{_TAIL}"),
    (
        "not_good_at",
        rf"{_IM}{_ADV}\s+(?:not|never){_ADV}\s+(?:that\s+|any\s+)?good\s+(?:at|with)\b{_TAIL}",
    ),
    (
        "not_good_at",
        rf"\bI(?:'ve|\s+have){_ADV}\s+never\s+been{_ADV}\s+(?:any\s+)?good\s+(?:at|with)\b" + _TAIL,
    ),
    ("not_good_at", rf"{_IM}\s+no\s+good\s+(?:at|with)\b{_TAIL}"),
    ("not_good_at", rf"{_IM}{_ADV}\s+not\s+cut\s+out\s+for\b{_TAIL}"),
    (
        "bad_at",
        rf"{_IM}{_ADV}\s+(?:bad|terrible|awful|hopeless|useless|rubbish|horrible|crap"
        rf"|crappy|lousy|the\s+worst)\s+(?:at|with)\b{_TAIL}",
    ),
    ("bad_at", rf"\bI{_ADV}\s+suck\s+at\b{_TAIL}"),
    (
        "bad_role",
        rf"{_IM}{_ADV}\s+an?(?:\s+(?:really|very|so|pretty))?\s+(?:bad|terrible|awful|horrible"
        r"|useless|rubbish|lousy|crap|hopeless|poor)\s+(?P<rest>[^\W\d_]+)\b(?!\s+(?:at|with)\b)",
    ),
    (
        "not_a_person",
        rf"(?:{_IM}{_ADV}\s+not|\bI(?:'ve|\s+have)\s+never\s+been)\s+an?\s+"
        r"(?P<rest>[\w'+#-]+(?:\s+[\w'+#-]+)?)\s+(?:person|guy|girl|type)\b",
    ),
    (
        "not_talented",
        rf"{_IM}{_ADV}\s+not{_ADV}\s+(?:talented|gifted|a\s+natural|smart|clever|creative"
        r"|sporty|athletic|musical|artistic|academic|a\s+genius)\b(?!\s+enough)"
        rf"(?:\s+(?:at|in|with)\s+(?P<rest>{_CLAUSE}{{1,80}}))?",
    ),
    (
        "not_talented",
        r"\bI\s+(?:don't|dont|do\s+not)\s+have\s+(?:the\s+|a\s+|any\s+|enough\s+)?"
        r"(?:natural\s+)?(?:talent|brain|gift|head|knack|genes?|aptitude)\s+for\b" + _TAIL,
    ),
    (
        "not_talented",
        r"\bI(?:\s+wasn't|\s+was\s+not|'m\s+not|\s+am\s+not)\s+born\s+(?:with|to|for)\b" + _TAIL,
    ),
    (
        "cant",
        rf"\bI{_ADV}\s+(?:can't|cant|cannot|can\s+not|could\s+never){_TAIL}",
    ),
    ("cant", rf"{_IM}{_ADV}\s+unable\s+to{_TAIL}"),
    (
        "cant",
        r"\bI\s+(?:don't|dont|do\s+not)\s+think\s+I\s+(?:can|could)\b(?!'t|not|n't)" + _TAIL,
    ),
    (
        "give_up",
        rf"\bI(?:'ll|'m|\s+am|m|\s+will)?{_ADV}\s+(?:give|gave|giving|going\s+to\s+give"
        r"|gonna\s+give|want\s+to\s+give|wanna\s+give|feel\s+like\s+giving|ready\s+to\s+give"
        r"|about\s+to\s+give|thinking\s+(?:of|about)\s+giving|might\s+as\s+well\s+give"
        rf"|should\s+just\s+give)\s+up\b{_TAIL}",
    ),
    (
        "quit",
        rf"\bI(?:'ll|'m|\s+am|m|\s+will)?{_ADV}\s+(?:quit|quitting|want\s+to\s+quit"
        r"|wanna\s+quit|going\s+to\s+quit|gonna\s+quit|feel\s+like\s+quitting"
        rf"|should\s+just\s+quit)\b{_TAIL}",
    ),
    (
        "failure_identity",
        rf"\bI(?:'m|\s+am|m|\s+feel\s+like|\s+felt\s+like){_ADV}\s+an?(?:\s+(?:total|complete|absolute"
        r"|massive|huge|big|real|utter))?\s+(?:failure|loser|disappointment|fraud)\b",
    ),
    (
        "always_fail",
        rf"\bI{_ADV}\s+(?:always|keep|constantly)\s+(?:fail(?:ing)?|mess(?:ing)?\s+up"
        r"|screw(?:ing)?\s+up|get(?:ting)?\s+(?:it|things|everything)\s+wrong"
        r"|mak(?:e|ing)\s+(?:the\s+same\s+)?mistakes|ruin(?:ing)?\s+(?:it|everything))\b",
    ),
    (
        "always_fail",
        rf"\bI{_ADV}\s+(?:mess|screw)\s+(?:everything|it\s+all|things)\s+up\b",
    ),
    (
        "failed",
        rf"\bI(?:'ve|\s+have|\s+had)?{_ADV}\s+(?:failed|flunked|bombed)\b{_TAIL}",
    ),
    (
        "never",
        r"\bI(?:'ll|\s+will|'m\s+going\s+to|\s+am\s+going\s+to|'m\s+gonna|m\s+gonna)"
        rf"{_ADV}\s+never\s+(?P<rest>{_CLAUSE}{{1,80}})",
    ),
    (
        "never",
        rf"{_IM}\s+never\s+(?:going\s+to|gonna)\s+(?P<rest>{_CLAUSE}{{1,80}})",
    ),
    ("never", rf"\bI\s+(?:won't|wont|will\s+not)\s+ever\s+(?P<rest>{_CLAUSE}{{1,80}})"),
    (
        "too_hard",
        r"\b(?P<subj>(?:(?:the|my|this|these)\s+)?[\w'-]+)(?:'s|\s+is|\s+are|\s+was"
        rf"|\s+were|\s+feels?|\s+seems?){_ADV}\s+(?:way\s+|far\s+|much\s+)?too\s+"
        r"(?:hard|difficult|tough|complicated|complex)\b(?:\s+for\s+me)?",
    ),
    (
        "too_hard",
        r"(?<!not\s)(?<!n't\s)(?<!never\s)\btoo\s+(?:hard|difficult|tough)\s+for\s+me\b",
    ),
    (
        "stupid",
        rf"\bI(?:'m|\s+am|m|\s+feel|\s+felt|\s+was|\s+must\s+be){_ADV}\s+(?:stupid|dumb"
        r"|an\s+idiot|useless|hopeless|worthless|incompetent|pathetic|thick)\b"
        r"(?!\s+(?:at|with)\b)",
    ),
    (
        "point",
        r"\b(?:what's|whats|what\s+is)\s+(?:even\s+)?the\s+point\b"
        rf"(?:\s+(?:of|in)\s+(?P<rest>{_CLAUSE}{{1,80}}))?",
    ),
    (
        "point",
        r"\b(?:there's|there\s+is)\s+no\s+point\b"
        rf"(?:\s+(?:in|of)\s+(?P<rest>{_CLAUSE}{{1,80}}))?",
    ),
    (
        "point",
        r"\bwhy\s+(?:do\s+I\s+|should\s+I\s+)?(?:even\s+)?(?:bother|try)\b(?!\s+to\b)"
        rf"(?:\s+(?P<rest>{_CLAUSE}{{1,80}}))?",
    ),
]
_FIXED_PATTERNS = [(kind, re.compile(pattern, re.I)) for kind, pattern in _FIXED_SOURCES]

# (primary, secondary) metric per kind: the secondary offers a different angle.
_KIND_METRICS: dict[FixedKind, tuple[MetricType, MetricType]] = {
    "cant": ("challenge", "effort"),
    "not_good_at": ("effort", "learning"),
    "bad_at": ("effort", "learning"),
    "not_a_person": ("effort", "learning"),
    "give_up": ("resilience", "effort"),
    "quit": ("resilience", "challenge"),
    "failed": ("resilience", "learning"),
    "failure_identity": ("resilience", "learning"),
    "always_fail": ("resilience", "learning"),
    "never": ("effort", "learning"),
    "too_hard": ("challenge", "effort"),
    "stupid": ("resilience", "learning"),
    "point": ("resilience", "learning"),
    "not_talented": ("effort", "learning"),
    "not_enough": ("learning", "effort"),
    "bad_role": ("learning", "resilience"),
}
_ROLE_ACTIVITIES = {
    "parent": "parenting",
    "mum": "parenting",
    "mom": "parenting",
    "dad": "parenting",
    "mother": "parenting",
    "father": "parenting",
    "cook": "cooking",
    "writer": "writing",
    "singer": "singing",
    "dancer": "dancing",
    "driver": "driving",
    "runner": "running",
    "swimmer": "swimming",
    "coder": "coding",
    "programmer": "coding",
    "developer": "coding",
    "student": "studying",
    "speaker": "public speaking",
    "teacher": "teaching",
    "leader": "leadership",
    "manager": "managing people",
    "artist": "drawing",
}
_KINDS_WITH_VERB_REST = frozenset({"cant", "never"})
# Kinds whose object need not be a skill: "I failed my tax return", "too hard".
_KINDS_WITHOUT_SKILL = frozenset({"failed", "too_hard", "point", "not_enough", "give_up", "quit"})
# fmt: off
_CANT_HARMLESS = frozenset([
    "believe", "wait", "stop", "thank", "help", "complain", "remember", "decide", "tell",
    "imagine", "say", "sleep", "afford", "stand", "recall", "express", "describe", "emphasise",
    "emphasize", "deny",
])
# fmt: on
_NEVER_HARMLESS = frozenset(["forget", "regret", "stop", "give", "quit", "doubt", "let"])
# fmt: off
_HABITS = frozenset([
    "smoking", "drinking", "vaping", "alcohol", "sugar", "caffeine", "coffee", "meat",
    "cigarettes", "gambling", "snacking", "social", "twitter", "instagram", "tiktok",
    "facebook", "porn", "junk", "soda", "booze", "job", "work",
])
_ODD_PERSON_TOPICS = frozenset([
    "morning", "night", "early", "cat", "dog", "coffee", "tea", "beach", "party", "winter",
    "summer", "city", "big",
])
# fmt: on
# Words before a fixed phrase that distance the writer from it ("I used to think I can't").
_DISTANCING_RE = re.compile(
    r"(?:used\s+to\s+(?:think|say|believe|tell\s+myself)|no\s+longer|stopped\s+(?:thinking"
    r"|saying)|instead\s+of\s+(?:saying|thinking)|rather\s+than|stop\s+saying|won't\s+say"
    r"|didn't\s+say|not\s+(?:saying|thinking)|never\s+say|quit\s+saying)\s+(?:that\s+)?\S*"
    r"\s*$",
    re.I,
)
_YET_RE = re.compile(r"\byet\b", re.I)
_CLAUSE_END_RE = re.compile(r"[,.;:!?\n]|\b(?:but|and|so|because|though)\b", re.I)


def _is_growth_framed(text: str, start: int, end: int) -> bool:
    sentence_start = max(text.rfind(c, 0, start) for c in ".!?\n") + 1
    before = text[max(sentence_start, start - 50) : start]
    if _DISTANCING_RE.search(before):
        return True
    clause_end = _CLAUSE_END_RE.search(text, end, end + 60)
    after = text[end : clause_end.start() if clause_end else end + 60]
    # "I can't do a pull-up yet" already is the growth reframe.
    return bool(_YET_RE.search(text[start:end] + after))


def _find_fixed_phrases(text: str) -> list[FixedPhrase]:
    raw: list[tuple[int, int, int, FixedKind, re.Match[str]]] = []
    for priority, (kind, pattern) in enumerate(_FIXED_PATTERNS):
        for m in pattern.finditer(text):
            raw.append((m.start(), priority, -m.end(), kind, m))
    raw.sort(key=lambda r: (r[0], r[1], r[2]))
    phrases: list[FixedPhrase] = []
    taken_until = -1
    for start, _prio, _neg_end, kind, m in raw:
        if start < taken_until:
            continue
        phrase = _build_phrase(text, kind, m)
        if phrase is None:
            continue
        phrases.append(phrase)
        # Only the kept words count: "I failed my exam & I give up" holds two phrases.
        taken_until = phrase.end
    return phrases


def _build_phrase(text: str, kind: FixedKind, m: re.Match[str]) -> FixedPhrase | None:
    groups = m.groupdict()
    rest_raw: str = groups.get("rest") or ""
    rest_start = m.start("rest") if groups.get("rest") else m.end()
    tokens = list(re.finditer(r"\S+", rest_raw))
    skip = 0
    if kind not in _KINDS_WITH_VERB_REST:
        while skip < len(tokens) and tokens[skip].group().lower() in _LEADING_PREPOSITIONS:
            skip += 1
    kept = _trim_clause(" ".join(t.group() for t in tokens[skip:]))
    first = kept[0].lower() if kept else ""
    # The first meaningful word: "I can't even believe it", "I quit my job".
    lead = next((w.lower() for w in kept if w.lower() not in _LEADING_ADVERBS), "")
    noun = next((w.lower() for w in kept if w.lower() not in _DETERMINERS), "")
    if kind == "cant" and lead in _CANT_HARMLESS:
        return None
    if kind == "never" and (not kept or first in _NEVER_HARMLESS or "again" in rest_raw.lower()):
        return None
    if kind in {"give_up", "quit"} and noun in _HABITS:
        return None
    if kind == "not_a_person" and first in _ODD_PERSON_TOPICS:
        return None
    if kept:
        end = rest_start + tokens[skip + len(kept) - 1].end()
    else:
        end = m.start() + len(text[m.start() : rest_start].rstrip())
    if kind in {"too_hard", "not_a_person", "bad_role"}:
        end = m.end()
    if _is_growth_framed(text, m.start(), end):
        return None

    detail: str | None = None
    skill = kind not in _KINDS_WITHOUT_SKILL
    if kind == "too_hard":
        kept = (groups.get("subj") or "").split()
        topic = _topic_from_words(kept, starts_with_verb=False)
    elif kind == "not_a_person":
        topic = _topic_from_words(kept, starts_with_verb=False, skill=True)
    elif kind == "bad_role":
        role = _ROLE_ACTIVITIES.get(first)
        topic = (
            _topic_from_words(role.split(), starts_with_verb=False, skill=True) if role else None
        )
    else:
        topic = _topic_from_words(
            kept,
            starts_with_verb=kind in _KINDS_WITH_VERB_REST,
            drop_leading_verb=kind == "failed" and first == "to",
            skill=skill,
        )
        if kind == "not_enough":
            detail = (groups.get("adj") or "").lower() or None
    rest = " ".join(kept) or None
    return FixedPhrase(
        text=_tidy_case(" ".join(text[m.start() : end].split())),
        kind=kind,
        metric=_KIND_METRICS[kind][0],
        rest=_tidy_case(rest) if rest else None,
        topic=topic,
        start=m.start(),
        end=end,
        detail=detail,
    )


_PAST_PARTICIPLES = {
    "pass": "passed",
    "finish": "finished",
    "win": "won",
    "master": "mastered",
    "learn": "learned",
    "reach": "reached",
    "solve": "solved",
    "find": "found",
    "make": "made",
    "beat": "beaten",
    "ace": "aced",
    "complete": "completed",
}


def _growth_never(rest: str) -> str:
    parts = rest.split()
    low = [p.lower() for p in parts]
    if low[:3] == ["be", "able", "to"] and len(parts) > 3:
        return f"I can't {' '.join(parts[3:])} yet"
    if low[:1] == ["be"] and len(parts) > 1:
        return f"I'm not {' '.join(parts[1:])} yet"
    if low[0] in _PAST_PARTICIPLES:
        return f"I haven't {' '.join([_PAST_PARTICIPLES[low[0]], *parts[1:]])} yet"
    return f"I don't {rest} yet"


def _subject_of(rest: str | None) -> str | None:
    if not rest:
        return None
    parts = rest.split()
    while parts and parts[0].lower() in _LEADING_PREPOSITIONS | _LEADING_ADVERBS:
        parts = parts[1:]
    if not parts or all(p.lower() in _VAGUE for p in parts):
        return None
    return " ".join(parts)


def reframe(phrase: FixedPhrase | str) -> str:
    """The growth-mindset reframe of a fixed-mindset phrase, in the writer's own voice.

    A string is analysed first; text without a fixed-mindset phrase comes back unchanged.
    """
    if isinstance(phrase, str):
        found = _find_fixed_phrases(entry_plain_text(phrase))
        if not found:
            return phrase.strip()
        phrase = found[0]
    rest, topic, kind = phrase.rest, phrase.topic, phrase.kind
    thing = topic.text if topic else None
    if kind == "cant":
        return f"I can't {rest} yet" if rest else "I can't do this yet"
    if kind == "not_good_at":
        return f"I'm not good at {rest} yet" if rest else "I'm not good at this yet"
    if kind == "bad_at":
        return (
            f"I'm getting better at {rest} with practice"
            if rest
            else ("I'm getting better at this with practice")
        )
    if kind in {"not_a_person", "not_talented"}:
        if thing:
            return f"I can get better at {thing} with practice"
        return "Talent is a starting point; practice takes me further"
    if kind in {"give_up", "quit"}:
        if thing and rest:
            return f"I'll take a break, then try a new strategy for {rest}"
        return "I'll take a break, then try a different strategy"
    if kind == "failed":
        if rest and rest.lower().startswith("to "):
            return f"I didn't manage {rest} this time, and I can learn from it"
        subject = _subject_of(rest)
        if subject:
            return (
                f"{_capitalise(subject)} didn't go well this time, and now I know what to work on"
            )
        return "That didn't work out this time, and I can learn from it"
    if kind == "failure_identity":
        return "I had a setback, and a setback doesn't define me"
    if kind == "always_fail":
        return "I don't always get it right yet, and each mistake teaches me something"
    if kind == "never" and rest:
        return _growth_never(rest)
    if kind == "too_hard":
        if thing:
            return f"This is hard right now, and I can get better at {thing} step by step"
        return "This is hard right now, and hard is how I grow"
    if kind == "stupid":
        return "I'm still learning, and mistakes help my brain grow"
    if kind == "bad_role" and rest:
        return f"I'm learning to be a better {rest} every day"
    if kind == "point":
        return "What can I learn from this?"
    if kind == "not_enough":
        adj = phrase.detail or "good"
        return f"I'm not {adj} enough yet, and I can grow with effort and good strategies"
    return "I can't do this yet"


# --------------------------------------------------------------------------- metrics


@dataclass(frozen=True)
class _MetricHit:
    metric: MetricType
    weight: float
    start: int
    end: int


_STRONG = 1.0
_WEAK = 0.5
# "I gave up smoking" is progress, not a setback.
_NOT_A_HABIT = (
    r"(?!\s+(?:on\s+)?(?:my\s+)?(?:"
    + "|".join(sorted(h for h in _HABITS if " " not in h))
    + r")\b)"
)
_METRIC_LEXICON: dict[MetricType, dict[float, str]] = {
    "resilience": {
        _STRONG: (
            r"fail(?:ed|ing|s|ure|ures)?|flunk(?:ed)?|setbacks?|reject(?:ed|ion)"
            r"|mistakes?|messed\s+up|screwed\s+up|blew\s+it|(?:g[ai]ve|giving)\s+up"
            + _NOT_A_HABIT
            + r"|disappoint(?:ed|ing|ment)|bombed|didn't\s+(?:pass|get\s+the|make\s+the)"
            r"|fell\s+(?:short|behind)|lost\s+(?:the|my|our)\s+(?:match|game|race|job|final)"
            r"|quit(?:ting)?"
            + _NOT_A_HABIT
            + r"|relapsed?|bounced?\s+back|try\s+again|start(?:ed)?\s+over"
        ),
        _WEAK: r"struggl(?:e|ed|es|ing)|frustrat(?:ed|ing|ion)|embarrass(?:ed|ing)"
        r"|humiliat(?:ed|ing)|upset|gutted|devastated",
    },
    "effort": {
        _STRONG: r"practi[cs](?:e|ed|es|ing)|hard\s+work|work(?:ed|ing)?\s+(?:really\s+|so\s+"
        r"|very\s+)?hard|tried\s+(?:again|hard|harder|my\s+best)|kept\s+(?:going|trying"
        r"|at\s+it|practi[cs]ing)|effort|train(?:ed|ing)|rehears(?:e|ed|al|ing)"
        r"|drill(?:ed|s)|persever(?:e|ed|ing|ance)|pushed\s+(?:through|myself)"
        r"|put\s+in\s+(?:the\s+)?(?:time|hours|work)|hours?\s+of|showed\s+up",
        _WEAK: r"tried|trying|work(?:ed|ing)\s+on|repetitions?|reps",
    },
    "challenge": {
        _STRONG: r"avoid(?:ed|ing|s)?|scared|afraid|terrified|nervous|anxious|fear(?:ful)?"
        r"|difficult|challeng(?:e|es|ed|ing)|comfort\s+zone|first\s+time"
        r"|out\s+of\s+my\s+depth|intimidat(?:ed|ing)|daunting|too\s+hard|so\s+hard"
        r"|really\s+hard|procrastinat(?:e|ed|ing|ion)|put(?:ting)?\s+(?:it\s+)?off"
        r"|stretch(?:ed|ing)?\s+myself|overwhelm(?:ed|ing)",
        _WEAK: r"new|hard|tough|struggl(?:e|ed|es|ing)|stuck",
    },
    "feedback": {
        _STRONG: r"feedback|critici[sz](?:e|ed|es|ing|sm)|critique[sd]?|review(?:ed|s|er)?"
        r"|comments?|commented|corrected|corrections|pointed\s+out"
        r"|told\s+me\s+(?:that\s+)?(?:I|my)|red\s+pen|called\s+me\s+out"
        r"|notes\s+(?:on|from)|marked\s+(?:down|me)|graded"
        r"|(?:said|says|told\s+me)\s+(?:that\s+)?(?:my\s+[\w'-]+(?:\s+[\w'-]+)?\s+"
        r"(?:was|were|is|are|needs?)|I\s+(?:should|need\s+to|must|have\s+to|could\s+improve))",
        _WEAK: r"grades?|suggest(?:ed|ion|ions)|advice",
    },
    "learning": {
        _STRONG: r"learn(?:ed|t|ing|s)?|stud(?:y|ied|ies|ying)|course|class(?:es)?|lessons?"
        r"|skills?|tutorials?|lectures?|revis(?:e|ed|ing|ion)|homework|research(?:ed|ing)?"
        r"|figur(?:e|ed|ing)\s+out|curious|curiosity|textbook",
        _WEAK: r"understand(?:ing)?|read(?:ing)?|books?|teach(?:er|ing)?|explain(?:ed)?"
        r"|chapter",
    },
}
_METRIC_RES: list[tuple[MetricType, float, re.Pattern[str]]] = [
    (metric, weight, re.compile(rf"\b(?:{pattern})\b", re.I))
    for metric, by_weight in _METRIC_LEXICON.items()
    for weight, pattern in by_weight.items()
]
_FIXED_PHRASE_WEIGHT = 2.0


def _metric_hits(text: str) -> list[_MetricHit]:
    hits = [
        _MetricHit(metric, weight, m.start(), m.end())
        for metric, weight, pattern in _METRIC_RES
        for m in pattern.finditer(text)
    ]
    # "worked so hard" is effort; its "so hard" must not also count as a challenge.
    return [
        h
        for h in hits
        if not any(
            o.start <= h.start and h.end <= o.end and (o.end - o.start) > (h.end - h.start)
            for o in hits
        )
    ]


def _rank_metrics(
    phrases: Sequence[FixedPhrase], hits: Sequence[_MetricHit]
) -> list[tuple[MetricType, _MetricHit | None]]:
    scores: dict[MetricType, float] = {}
    first_hit: dict[MetricType, _MetricHit] = {}
    for p in phrases:
        scores[p.metric] = scores.get(p.metric, 0.0) + _FIXED_PHRASE_WEIGHT
    for h in sorted(hits, key=lambda h: (-h.weight, h.start)):
        scores[h.metric] = scores.get(h.metric, 0.0) + h.weight
        first_hit.setdefault(h.metric, h)
    ranked = sorted(
        (m for m, s in scores.items() if s >= _STRONG),
        key=lambda m: (-scores[m], first_hit[m].start if m in first_hit else -1),
    )
    return [(m, first_hit.get(m)) for m in ranked]


# --------------------------------------------------------------------------- templates

_Form = Literal["skill", "event", "thing", "none"]
# {topic} is the bare topic, {obj} adds "your"/"the" where English needs it.
_TEMPLATES: dict[MetricType, dict[_Form, tuple[str, ...]]] = {
    "effort": {
        "skill": (
            "Practise {topic} for 10 minutes three times this week",
            "Block two 20-minute sessions for {topic} this week and note one thing that improved",
            "Pick one small part of {topic} and practise just that for 15 minutes a day",
        ),
        "event": (
            "Prepare for your next {topic} with three 20-minute practice sessions this week",
            "List three weak spots for your next {topic} and spend 20 minutes on one each day",
            "Do one timed practice run for your next {topic} this week and note what to improve",
        ),
        "thing": (
            "Block two 20-minute sessions for {obj} this week and note what moved forward",
            "Spend 15 focused minutes a day on {obj} for the next five days",
            "Break {obj} into three small tasks and finish the first one by tomorrow",
        ),
        "none": (
            "Pick one skill you're building and practise it for 10 minutes three times this week",
            "Schedule two focused 20-minute practice sessions this week and note what improved",
        ),
    },
    "resilience": {
        "skill": (
            "Before giving up on {topic}, try one new strategy for 20 minutes and note the result",
            "Write down what went wrong with {topic} and one change you'll try next time",
            "Ask someone who got good at {topic} how they handled their setbacks",
        ),
        "event": (
            "Write down what went wrong in {obj} and set a date for your next attempt",
            "List three things {obj} taught you and one thing you'll do differently next time",
            "Ask someone who did well in their {topic} what helped them, then plan one change",
        ),
        "thing": (
            "Write down what went wrong with {obj} and one change you'll try next time",
            "Before giving up on {obj}, try one new approach for 20 minutes and note the result",
            "Ask someone you trust how they would tackle {obj}, then try one of their ideas",
        ),
        "none": (
            "Write down one setback from this week, what it taught you, and one small next step",
            "Next time you want to give up, take a 5-minute break, then try one different approach",
            "Write yourself the note you'd send a friend after this setback, with one next step",
        ),
    },
    "challenge": {
        "skill": (
            "Take one small step outside your comfort zone with {topic} this week",
            "Pick the part of {topic} you've been avoiding and spend 10 minutes on it this week",
            "Try one slightly harder {topic} task this week and note how it felt",
        ),
        "event": (
            "Break your next {topic} into three small steps and do the first one tomorrow",
            "Write down what worries you about {obj} and one small action to prepare for it",
            "Do a low-stakes trial run of your {topic} with a friend this week",
        ),
        "thing": (
            "Spend 10 minutes on the hardest part of {obj} this week, then note how it went",
            "Break {obj} into three small steps and do the first one tomorrow",
            "Write down what feels daunting about {obj} and one small action to start",
        ),
        "none": (
            "Choose one thing you've been avoiding and do the first 5 minutes of it this week",
            "Try one new thing this week that feels slightly outside your comfort zone",
        ),
    },
    "feedback": {
        "skill": (
            "Ask {person} for one concrete piece of feedback on your {topic}",
            "Write down the feedback on your {topic}, pick one point, and act on it this week",
            "Turn one comment about your {topic} into a specific change and show {person}",
        ),
        "event": (
            "Ask {person} for one concrete piece of feedback on {obj}",
            "Write down the feedback on {obj}, pick one point, and act on it this week",
            "Turn one comment about {obj} into a specific change and show {person}",
        ),
        "thing": (
            "Ask {person} for one concrete piece of feedback on {obj}",
            "Write down the feedback on {obj}, pick one point, and act on it this week",
            "Turn one comment about {obj} into a specific change and show {person}",
        ),
        "none": (
            "Ask {person} for one specific thing you could improve, and try it this week",
            "Write down the last piece of criticism you got and one way it could help you grow",
        ),
    },
    "learning": {
        "skill": (
            "Spend 20 minutes learning one new thing about {topic} and explain it to someone",
            "Find one tutorial or chapter on {topic} and write down three takeaways",
            "Teach one idea from {topic} to a friend this week to check what you've learned",
        ),
        "event": (
            "Review one weak area for your next {topic} and test yourself on it this week",
            "Find one resource on a weak spot for your next {topic} and note three takeaways",
            "Write down three questions about your next {topic} and answer one of them this week",
        ),
        "thing": (
            "Find one guide or video about {obj} and write down three takeaways",
            "Write down one question about {obj} and spend 15 minutes finding the answer",
            "Ask someone experienced for one tip about {obj} and try it this week",
        ),
        "none": (
            "Learn one new thing this week and explain it to someone in your own words",
            "Write down one question from today and spend 15 minutes finding the answer",
        ),
    },
}
_REFRAME_TEMPLATES = (
    'When you catch yourself thinking "{quote}", rewrite it as "{reframe}" and note one next step',
    'Write "{reframe}" on a sticky note and take one small step towards it this week',
)
_SELF_CARE_TEMPLATES = (
    "Write down one thing you handled today, however small, and one kind thing you'd tell a friend"
    " in your place",
    "Take a 10-minute walk tomorrow and note one thing that went okay",
    "Tonight, list three things you got through this week and one person you could talk to",
)
_DEFAULT_PERSON = "someone you trust"
# How far (in characters) a phrase may borrow a topic mentioned elsewhere in the entry.
_TOPIC_REACH = 250


@dataclass(frozen=True)
class _Candidate:
    metric: MetricType
    topic: Topic | None
    reason: str
    templates: tuple[str, ...]
    values: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class _Details:
    text: str
    phrases: list[FixedPhrase]
    ranked: list[tuple[MetricType, _MetricHit | None]]
    topics: list[tuple[int, Topic]]
    person: str | None
    sentiment: float | None


_sentiment_analyzer: Any = None
_sentiment_lock = threading.Lock()


def sentiment_score(text: str) -> float:
    """VADER compound score of plain text, -1 (very negative) to 1 (very positive)."""
    global _sentiment_analyzer
    if _sentiment_analyzer is None:
        with _sentiment_lock:
            if _sentiment_analyzer is None:
                # Imported lazily: loading the lexicon is wasted work when sentiment is off.
                from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

                _sentiment_analyzer = SentimentIntensityAnalyzer()
    return float(_sentiment_analyzer.polarity_scores(text)["compound"])


def _nearest_topic(topics: Sequence[tuple[int, Topic]], pos: int) -> Topic | None:
    near = [(abs(p - pos), p, t) for p, t in topics if abs(p - pos) <= _TOPIC_REACH]
    return min(near, key=lambda x: (x[0], x[1]))[2] if near else None


def _quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _snippet(text: str, hit: _MetricHit) -> str:
    """The keyword with a little of its clause around it, e.g. "My manager criticised my report"."""
    head = re.search(r"(?:[^\W_][\w'-]*\s+){0,2}$", text[max(0, hit.start - 40) : hit.start])
    before = head.group(0) if head else ""
    tail = re.match(rf"{_CLAUSE}{{0,80}}", text[hit.end :])
    after = _trim_clause(tail.group(0) if tail else "", max_words=5)
    snippet = " ".join([before.strip(), text[hit.start : hit.end], *after]).strip()
    return _quote(_tidy_case(snippet), 60)


def _dedupe_topics(found: Sequence[tuple[int, Topic]]) -> list[tuple[int, Topic]]:
    out: list[tuple[int, Topic]] = []
    for pos, topic in sorted(found, key=lambda x: x[0]):
        low = topic.text.lower()
        if any(low == t.text.lower() for _, t in out):
            continue
        # "test" found at the same spot as "driving test" adds nothing.
        if any(low in t.text.lower().split() and abs(p - pos) < 40 for p, t in out):
            continue
        out = [(p, t) for p, t in out if not (t.text.lower() in low.split() and abs(p - pos) < 40)]
        out.append((pos, topic))
    return out


class LocalSuggestionEngine:
    """Rule-based suggestions: fixed-mindset phrases, metric keywords, topics and sentiment."""

    def analyse(self, text: str, with_sentiment: bool) -> EntryAnalysis:
        """Analyse an entry (Telegram HTML or plain text)."""
        details = self._details(entry_plain_text(text), with_sentiment)
        return EntryAnalysis(
            fixed_phrases=list(details.phrases),
            metrics=[m for m, _ in details.ranked],
            topics=[t.text for _, t in details.topics],
            sentiment=details.sentiment,
        )

    def suggest_sync(
        self,
        entry_html: str,
        *,
        open_goals: Sequence[str],
        with_sentiment: bool,
        max_goals: int = MAX_GOALS,
    ) -> list[SuggestedGoal]:
        limit = max(0, min(max_goals, MAX_GOALS))
        text = entry_plain_text(entry_html)
        if limit == 0 or not is_analysable(text):
            return []
        details = self._details(text, with_sentiment)
        candidates = self._candidates(details)
        return self._choose(details.text, candidates, open_goals, limit)

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
        # A full-length message takes tens of milliseconds: keep it off the event loop.
        return await asyncio.to_thread(run)

    def _details(self, text: str, with_sentiment: bool) -> _Details:
        if not is_analysable(text):
            return _Details(
                text, [], [], [], None, sentiment_score(text) if with_sentiment else None
            )
        phrases = _find_fixed_phrases(text)
        found = [(p.start, p.topic) for p in phrases if p.topic is not None]
        topics = _dedupe_topics([*found, *_find_topics(text)])
        return _Details(
            text=text,
            phrases=phrases,
            ranked=_rank_metrics(phrases, _metric_hits(text)),
            topics=topics,
            person=_find_person(text),
            sentiment=sentiment_score(text) if with_sentiment else None,
        )

    def _candidates(self, d: _Details) -> list[_Candidate]:
        person = d.person or _DEFAULT_PERSON
        primary: list[_Candidate] = []
        secondary: list[_Candidate] = []
        for p in d.phrases:
            topic = p.topic or _nearest_topic(d.topics, p.start)
            reason = f'You wrote "{_quote(p.text)}"'
            values = self._values(topic, person, quote=_quote(p.text), reframe=reframe(p))
            form: _Form = topic.form if topic else "none"
            primary.append(
                _Candidate(
                    p.metric, topic, reason, _REFRAME_TEMPLATES + _TEMPLATES[p.metric][form], values
                )
            )
            second = _KIND_METRICS[p.kind][1]
            secondary.append(_Candidate(second, topic, reason, _TEMPLATES[second][form], values))
        for metric, hit in d.ranked:
            if hit is None:
                continue  # only backed by fixed phrases, which are covered above
            topic = _nearest_topic(d.topics, hit.start)
            reason = f'You mentioned "{_snippet(d.text, hit)}"'
            form = topic.form if topic else "none"
            primary.append(
                _Candidate(
                    metric, topic, reason, _TEMPLATES[metric][form], self._values(topic, person)
                )
            )
        candidates = primary + secondary
        if not candidates and d.sentiment is not None and d.sentiment <= NEGATIVE_SENTIMENT:
            candidates.append(
                _Candidate(
                    "resilience",
                    None,
                    "Your entry sounds like a heavy day",
                    _SELF_CARE_TEMPLATES,
                    (),
                )
            )
        return candidates

    @staticmethod
    def _values(
        topic: Topic | None, person: str, *, quote: str = "", reframe: str = ""
    ) -> tuple[tuple[str, str], ...]:
        return (
            ("topic", topic.text if topic else ""),
            ("obj", topic.obj if topic else ""),
            ("person", person),
            ("quote", quote),
            ("reframe", reframe),
        )

    @staticmethod
    def _choose(
        text: str, candidates: Sequence[_Candidate], open_goals: Sequence[str], limit: int
    ) -> list[SuggestedGoal]:
        chosen: list[SuggestedGoal] = []
        used: set[tuple[MetricType, str]] = set()
        seed_text = _squash(text)
        # First pass prefers variety of metrics, the second fills remaining slots.
        for distinct_metrics in (True, False):
            for c in candidates:
                if len(chosen) >= limit:
                    return chosen
                key = (c.metric, c.topic.text.lower() if c.topic else "")
                if key in used:
                    continue
                if distinct_metrics and any(g.related_metric_type == c.metric for g in chosen):
                    continue
                content = LocalSuggestionEngine._render(
                    seed_text, c, [*open_goals, *(g.content for g in chosen)]
                )
                if content is None:
                    continue
                used.add(key)
                chosen.append(SuggestedGoal(content, c.metric, c.reason))
        return chosen

    @staticmethod
    def _render(seed_text: str, c: _Candidate, taken: Sequence[str]) -> str | None:
        values = dict(c.values)
        start = _stable_int(seed_text, c.metric, values.get("topic", "")) % len(c.templates)
        for i in range(len(c.templates)):
            template = c.templates[(start + i) % len(c.templates)]
            content = _capitalise(template.format(**values))
            if not any(is_similar_goal(content, other) for other in taken):
                return content
        return None
