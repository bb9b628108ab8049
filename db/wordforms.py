"""Word forms for search: "ran" → run, runs, running, ran; "children" → child, children.

PostgreSQL's English stemmer already joins regular forms ("running" and "runs" both become
``run``) but not irregular ones ("ran", "went", "children", "better"). The stored search
vector stays PostgreSQL's own (the web app writes entries too, without Python), so the
query side widens instead: each query word becomes any form of its lemmas. Pure: no
database, no I/O beyond lemminflect's bundled tables.

lemminflect's tables take about a second and tens of megabytes to load, so they load on
the first search (``load`` off the event loop), not at start.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache, lru_cache
from typing import Any

# Parts of speech whose inflections count as the same word. Adverbs are left out: they
# would join "better" with "well" ("I slept well"), and auxiliaries are stop words anyway.
_PARTS_OF_SPEECH = ("NOUN", "VERB", "ADJ")
# Words of a query that are widened; later ones are searched as typed (stemmed).
MAX_WIDENED_WORDS = 10
_WORD = re.compile(r"[a-z]+")


@cache
def _lemminflect() -> Any:
    import lemminflect  # heavy tables: imported on first use

    # Both lookups load their tables lazily: touch them once so callers never wait.
    lemminflect.getAllLemmas("ran")
    lemminflect.getAllInflections("run")
    return lemminflect


def load() -> None:
    """Load the tables now (call it in a thread: it blocks for about a second)."""
    _lemminflect()


def loaded() -> bool:
    return _lemminflect.cache_info().currsize > 0


# Bounded: the words come from users.
@lru_cache(maxsize=4096)
def word_forms(word: str) -> frozenset[str]:
    """Every form of every lemma ``word`` may be a form of, ``word`` itself included.

    "ran" → {ran, run, runs, running}; "better" → {good, better, best, bettered, ...};
    a word lemminflect does not know is its only form.
    """
    word = word.lower()
    lib = _lemminflect()
    forms = {word}
    for pos, lemmas in lib.getAllLemmas(word).items():
        if pos not in _PARTS_OF_SPEECH or not lemmas:
            continue
        # The first lemma is the usual one ("saw" as a verb is "see", not "to saw").
        lemma = lemmas[0].lower()
        forms.add(lemma)
        for inflected in lib.getAllInflections(lemma, upos=pos).values():
            forms.update(form.lower() for form in inflected)
    return frozenset(form for form in forms if _WORD.fullmatch(form))


def _words(query: str) -> Iterator[str]:
    seen: set[str] = set()
    for word in _WORD.findall(query.lower()):
        # "or" is web-search syntax, not a word to widen.
        if word not in seen and word != "or":
            seen.add(word)
            yield word


def widened_words(query: str) -> list[tuple[str, tuple[str, ...]]]:
    """The query's words that have other forms, each with all its forms (sorted).

    Only the first ``MAX_WIDENED_WORDS`` distinct words are looked at.
    """
    found: list[tuple[str, tuple[str, ...]]] = []
    for number, word in enumerate(_words(query)):
        if number >= MAX_WIDENED_WORDS:
            break
        forms = word_forms(word)
        if len(forms) > 1:
            found.append((word, tuple(sorted(forms))))
    return found
