"""What a fixed-mindset statement is about: the topic the writer judges themselves on, found
in the clause that judges them, else nearby; or the activity they name as a gerund phrase."""

from __future__ import annotations

import re

from core.suggest.text import Sentence
from core.suggest.vocab import AMBIGUOUS_SURFACES, TOPIC_RE, TOPICS, Topic

# A lone gerund after "at", "with", "the"... ("hopeless at spelling", "the sparring session")
# is a noun phrase by construction, so it may name a skill the vocabulary lacks.
GERUND_RE = re.compile(
    r"(?:^|[,;:]\s*|\b(?:at|with|in|the|my|of)\s+|\b(?:learn|learning|practi[cs]e|practi[cs]ing)\s+"
    r"(?:to\s+)?(?:[a-z]+\s+)?)(?P<g>[a-z]{3,}ing)\b"
    r"(?=\s*(?:[,.;:!?]|$)|\s+(?:and|but|so|because|since|is|was|are|ever|any\s*more|too|at\s+all|just"
    r"|isn't|aren't|again"
    r"|session|sessions|class|classes|lesson|lessons|practice|club|group|course|in|at|on|when)\b)"
)
# fmt: off
NOT_GERUNDS = frozenset([
    "thing", "everything", "anything", "something", "nothing", "morning", "evening", "spring",
    "string", "king", "ring", "ceiling", "building", "wedding", "pudding", "meeting", "feeling",
    "ending", "during", "being", "doing", "going", "trying", "working", "getting", "having",
    "making", "taking", "saying", "coming", "looking", "living", "sibling", "darling", "swing",
    "bring", "clothing", "shopping", "beginning", "timing", "thinking", "offspring",
    "lightning", "earring", "ending", "setting", "booking", "posting", "listing", "quitting",
    "failing", "struggling", "dropping", "giving", "missing", "losing", "winning", "nothing",
    "calling",
])
# fmt: on


def _topics_in(norm: str) -> list[tuple[int, Topic]]:
    found: list[tuple[int, Topic]] = []
    for m in TOPIC_RE.finditer(norm):
        surface = m.group(1)
        if surface in AMBIGUOUS_SURFACES and any(t.text != TOPICS[surface].text for _, t in found):
            continue
        found.append((m.start(), TOPICS[surface]))
    taken = {t.text.lower() for _, t in found}
    for m in GERUND_RE.finditer(norm):
        if m.group("g") not in NOT_GERUNDS and m.group("g") not in taken:
            found.append((m.start("g"), Topic(m.group("g"), "skill")))
    return found


# A skill the vocabulary lacks, named in the very sentence that fired: one plain noun right
# after "at" ("useless at push-ups"), or the writer's own "fix my footwork". Anything that
# may not read as a noun phrase is left alone.
_AT_NOUN_RE = re.compile(
    r"\bat\s+(?P<n>[a-z]{4,}(?:-[a-z]+)?)(?=\s*(?:[,.;:!?]|$)|\s+(?:and|but|so|because|too"
    r"|either|any\s*more|at\s+all|though)\b)"
    r"|\b(?:head|gene|talent|knack|ear|eye|brain|gift)\s+for\s+(?P<f>[a-z]{4,})\b"
    r"|\b(?:brain|mind)\s+(?:just\s+)?(?:doesn't|don't)\s+do\s+(?P<d>[a-z]{4,})\b"
    r"|\bi\s+can't\s+do\s+(?P<p>[a-z]{4,}s)\b|\bnot\s+(?P<x>[a-z]{4,})\s+material\b"
    r"|\b(?:fix|improve|work\s+on|change|correcting)\s+my\s+(?P<m>[a-z]{4,})(?=\s*(?:[,.;:!?]|$)|\s+(?:and|but"
    r"|so|because)\b)"
    r"|\b(?:said|says|thinks|pointed\s+out)\s+(?:that\s+)?my\s+(?P<s>[a-z]{3,})\s+(?:is|are|was|were|needs?)\b"
)
# fmt: off
_NOT_SKILLS = frozenset([
    "school", "work", "life", "home", "this", "that", "these", "those", "things", "stuff",
    "everything", "anything", "something", "nothing", "people", "them", "first", "times",
    "moment", "least", "best", "worst", "once", "night", "weekend", "uni", "college", "all",
    "each", "every", "other", "others", "myself", "yourself", "himself", "herself", "mine",
    "yours", "ours", "theirs", "money", "time", "friends", "family", "kids", "everyone",
    "anyone", "someone", "nobody", "faces", "most", "some", "much", "many", "more", "less",
    "well", "tbh", "lol", "today", "tonight", "anymore", "again", "still", "really", "there",
    "here", "what", "which", "whom", "whose", "when", "then", "than", "very", "just",
])
# fmt: on


# fmt: off
CHORES = frozenset([
    "packing", "ironing", "tidying", "cleaning", "folding", "wrapping", "hoovering", "dusting",
    "mornings", "decisions", "directions", "birthdays",
])
# fmt: on


def _plain_noun(norm: str) -> Topic | None:
    for m in _AT_NOUN_RE.finditer(norm):
        word = next(w for w in m.groups() if w)
        if word in _NOT_SKILLS or word.endswith("ly") or word in NOT_GERUNDS:
            continue
        return Topic(word, "thing" if m.group("m") or m.group("s") else "named")
    return None


def vocab_topics(norm: str) -> list[tuple[int, Topic]]:
    return [(m.start(), TOPICS[m.group(1)]) for m in TOPIC_RE.finditer(norm)]


_CLAUSE_END_RE = re.compile(r"[,;:]|\s(?:but|so|because|cos|coz|and\s+then)\s")
# The thing the belief is about, named right after it: "not able to save money", "rubbish
# with groups of kids", "no self control around sweets".
_OWN_OBJECT_RE = re.compile(
    r"[^,;:]*?\b(?:able\s+to|with|around|at|when\s+it\s+comes\s+to)\s+(?!it\b|this\b|that\b|all\b)[a-z]{3,}"
)


_JUDGED_ON_RE = re.compile(
    r"\b(?:rubbish|useless|hopeless|terrible|awful|bad|crap|pants|no\s+good|not\s+good)\s+(?:with|around)\s+[a-z]{3,}"
    r"|\bnot\s+able\s+to\s+[a-z]{3,}"
)


def _clause(norm: str, pos: int) -> tuple[int, int]:
    """The span of the clause around ``pos``: between commas, "but", "so"."""
    start = max((m.end() for m in _CLAUSE_END_RE.finditer(norm, 0, pos)), default=0)
    end_m = _CLAUSE_END_RE.search(norm, pos)
    return start, end_m.start() if end_m else len(norm)


# "Rubbish at keeping plants alive", "awful at saying no at work": what the belief is about,
# told as an activity. A gerund phrase reads as a noun phrase after "get better at".
_ACTIVITY_RE = re.compile(
    r"\b(?:rubbish|terrible|awful|bad|hopeless|useless|crap|pants|no\s+good|not\s+good|suck|struggle)"
    r"\s+(?:at|with)\s+(?P<g>[a-z]{3,}ing(?:\s+(?!(?:and|but|so|because|cos|lol|tbh|haha|anyway)\b)"
    r"[a-z']+){0,4})"
)
_TRAILING_RE = re.compile(r"(?:\s+(?:for|the|with|to|of|a|an|at|in|on|my|your|and|or|from|by))+$")
_OWN_WORDS = {"my": "your", "myself": "yourself", "me": "you", "mine": "yours"}


def judged_activity(norm: str) -> str | None:
    """The activity a belief judges, when the writer names one as a gerund phrase."""
    m = _ACTIVITY_RE.search(norm)
    if m is None or m.group("g").split()[0] in NOT_GERUNDS:
        return None
    words = [_OWN_WORDS.get(w, w) for w in _TRAILING_RE.sub("", m.group("g")).split()]
    if any(w in ("i", "i'm", "i'd", "i'll", "i've") for w in words):
        return None
    return " ".join(words)


def focus(norm: str, cue: re.Pattern[str]) -> int:
    """Where a sentence judges the writer: the first cue whose clause names what about
    ("i said no, im rubbish with groups of kids": the second clause), else the first cue."""
    first = -1
    for m in cue.finditer(norm):
        first = m.start() if first < 0 else first
        if _OWN_OBJECT_RE.match(norm, m.start(), _clause(norm, m.start())[1]):
            return m.start()
    return max(first, 0)


def nearest_topic(sentences: list[Sentence], here: Sentence, pos: int) -> Topic | None:
    """The topic named nearest to the signal: in its sentence, else one or two sentences away."""
    found = _topics_in(here.norm)
    own = [(abs(p - pos), t) for p, t in found]
    if any(t.form != "habit" for _, t in own):  # "the discipline for running": running
        own = [(d, t) for d, t in own if t.form != "habit"]
    start, end = _clause(here.norm, pos)
    if (
        own
        and not any(start <= p < end for p, _ in found)
        and _OWN_OBJECT_RE.match(here.norm, pos, end)
    ):
        return None  # "excel ... but i am not able to save money": judged on saving, not excel
    if own:
        return min(own, key=lambda x: x[0])[1]
    plain = _plain_noun(here.norm)
    if plain is not None:
        return plain
    if _OWN_OBJECT_RE.match(here.norm, pos, end) or _JUDGED_ON_RE.search(here.norm):
        return None  # "rubbish with groups of kids": not the reading club next door
    for distance in (1, 2):
        for index in (here.index - distance, here.index + distance):
            if 0 <= index < len(sentences):
                near = [t for _, t in _topics_in(sentences[index].norm) if t.form != "habit"]
                if near:
                    return near[-1] if index < here.index else near[0]
    return None
