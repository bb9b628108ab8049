"""Text helpers for the suggestion engine: plain text from Telegram HTML, the chat forms
people type (no apostrophes, typos, emoji) brought to one spelling, sentences, and
near-duplicate tests between goal texts."""

from __future__ import annotations

import difflib
import hashlib
import html
import re
import threading
import unicodedata
from dataclasses import dataclass
from typing import Any

# Telegram caps a message at 4096 chars; anything far beyond that is not a journal entry.
MAX_ANALYSIS_CHARS = 8000
SIMILARITY_JACCARD = 0.6
SIMILARITY_RATIO = 0.85

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


def entry_plain_text(entry_html: str) -> str:
    """The analysable text of an entry: plain, straight apostrophes, no leading /command."""
    text = html_to_plain(entry_html)[:MAX_ANALYSIS_CHARS]
    text = _APOSTROPHE_RE.sub("'", text)
    return _COMMAND_RE.sub("", text, count=1).strip()


def is_analysable(plain: str) -> bool:
    """Too little text (or a bare command) carries no signal worth a goal."""
    tokens = words(plain)
    return len(tokens) >= 2 and sum(len(t) for t in tokens) >= 5


def stable_int(*parts: str) -> int:
    # Python's hash() is salted per process; tests and users need stable choices.
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "replace")).digest()
    return int.from_bytes(digest[:8], "big")


# --------------------------------------------------------------------------- chat forms

# Contractions typed without the apostrophe, and common slips, spelled one way so the
# patterns need to know only one form.
# fmt: off
_CHAT_WORDS = {
    "im": "i'm", "ive": "i've", "id": "i'd", "cant": "can't", "dont": "don't",
    "doesnt": "doesn't", "didnt": "didn't", "wont": "won't", "isnt": "isn't",
    "wasnt": "wasn't", "couldnt": "couldn't", "shouldnt": "shouldn't", "wouldnt": "wouldn't",
    "arent": "aren't", "havent": "haven't", "hasnt": "hasn't", "whats": "what's",
    "thats": "that's", "theres": "there's", "its": "it's", "shes": "she's",
    "theyre": "they're", "youre": "you're", "cannot": "can't", "u": "you", "ur": "your",
    "cuz": "because", "coz": "because", "cos": "because", "bc": "because", "becuase": "because",
    "becasue": "because", "beacuse": "because", "nevr": "never", "neva": "never",
    "alwyas": "always", "allways": "always", "realy": "really", "tryin": "trying",
    "givin": "giving", "persn": "person", "preson": "person", "peson": "person",
    "naturaly": "naturally", "natrually": "naturally", "natual": "natural", "tho": "though",
    "anymor": "anymore", "pointless": "pointless", "definately": "definitely", "teh": "the",
    "wanna": "want to", "gonna": "going to", "gotta": "have to", "kinda": "kind of",
    "idk": "i don't know", "tbh": "", "lol": "", "lmao": "", "ngl": "", "ugh": "",
    "honestly": "", "literally": "", "tryna": "trying to", "abt": "about",
    "lowkey": "", "highkey": "", "no cap": "",
    "ppl": "people", "elses": "else's", "theyd": "they'd", "youd": "you'd", "theyll": "they'll",
    "hes": "he's", "ill be": "i'll be", "speakin": "speaking",
    "learnin": "learning", "runnin": "running", "singin": "singing", "drawin": "drawing",
    "codin": "coding", "writin": "writing", "cookin": "cooking", "playin": "playing",
    "doin": "doing", "goin": "going", "nothin": "nothing", "somethin": "something",
}
# fmt: on
_CHAT_WORD_RE = re.compile(r"\b(" + "|".join(map(re.escape, _CHAT_WORDS)) + r")\b")
# "ill" is a word of its own ("I felt ill"); only before a verb is it "I'll".
_ILL_RE = re.compile(r"\bill\s+(?=(?:never|just|always|probably|be|try|ask|email|get|do)\b)")
_STRETCH_RE = re.compile(r"([a-z])\1{2,}")
_SYMBOL_RE = re.compile(r"[^\w\s'.,;:!?&%/()+#-]")


def chat_form(text: str) -> str:
    """Lower case, one apostrophe, contractions and common slips spelled out, emoji dropped."""
    low = _APOSTROPHE_RE.sub("'", text.lower())
    low = _SYMBOL_RE.sub(" ", low)
    low = _STRETCH_RE.sub(r"\1", low)  # "soooo" -> "so", "noooo" -> "no"
    low = _ILL_RE.sub("i'll ", low)
    low = _CHAT_WORD_RE.sub(lambda m: _CHAT_WORDS[m.group(1)], low)
    return " ".join(low.split())


@dataclass(frozen=True)
class Sentence:
    text: str  # as written, for quoting
    norm: str  # chat_form(text), for matching
    index: int


_SENTENCE_RE = re.compile(r"[^.!?\u2026\n]+(?:[.!?\u2026]+|$)")


def sentences(plain: str) -> list[Sentence]:
    out: list[Sentence] = []
    for m in _SENTENCE_RE.finditer(plain):
        raw = " ".join(m.group(0).split())
        if words(raw):
            out.append(Sentence(raw, chat_form(raw), len(out)))
    return out


def quote(text: str, limit: int = 140) -> str:
    """The sentence as the user wrote it, shortened at a word boundary when long."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


# --------------------------------------------------------------------------- similarity

# fmt: off
_GOAL_STOPWORDS = frozenset([
    "a", "an", "the", "to", "for", "of", "on", "in", "at", "and", "or", "with", "my", "your",
    "this", "that", "it", "is", "be", "by", "one",
])
# fmt: on


def _goal_tokens(text: str) -> set[str]:
    return {stem(w) for w in words(text.lower()) if w not in _GOAL_STOPWORDS}


def squash(text: str) -> str:
    return " ".join(words(text.lower()))


def is_similar_text(a: str, b: str) -> bool:
    """Case- and punctuation-insensitive near-duplicate test between two goal texts."""
    ta, tb = _goal_tokens(a), _goal_tokens(b)
    if ta and tb and len(ta & tb) / len(ta | tb) >= SIMILARITY_JACCARD:
        return True
    sa, sb = squash(a), squash(b)
    if not sa or not sb:
        return sa == sb
    return difflib.SequenceMatcher(None, sa, sb).ratio() >= SIMILARITY_RATIO


# --------------------------------------------------------------------------- sentiment

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
