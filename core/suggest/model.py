"""A small sentence classifier that backs up the rules on phrasings they were not written for.

Naive Bayes over words and word pairs, trained when first used on the
synthetic sentences in core/suggest/training.py (a few hundred lines: milliseconds, no
dependency, deterministic). It only speaks when the rules found nothing, and only when sure.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass

from core.suggest.text import chat_form
from core.suggest.training import TRAINING

_TOKEN_RE = re.compile(r"[a-z0-9]+")
# fmt: off
_COMMON = frozenset([
    "i", "im", "me", "my", "a", "an", "the", "to", "and", "of", "in", "on", "at", "it", "is",
    "was", "be", "for", "so", "but", "that", "this", "with", "about", "just", "all", "up",
    "do", "did", "get", "got", "have", "had", "you", "they", "she", "he", "we", "what",
])
# fmt: on
_SMOOTHING = 0.3
NONE_HEAD_START = 2.0


def features(norm: str) -> set[str]:
    """Words and word pairs of text already in chat_form. Pieces of words were tried: they
    count one word's evidence several times over and made the model sure of wrong answers."""
    tokens = _TOKEN_RE.findall(norm.replace("'", ""))
    out = set(tokens)
    out.update(f"{a}_{b}" for a, b in itertools.pairwise(tokens))
    return out


@dataclass(frozen=True)
class Model:
    labels: tuple[str, ...]
    priors: list[float]
    # feature -> log P(feature | label) - log P(unseen feature | label), one per label: a
    # sentence's score is the priors plus its known features' rows, added label by label.
    rows: dict[str, tuple[float, ...]]
    unseen: list[float]  # log P(unseen feature | label)

    def posteriors_norm(self, norm: str) -> dict[str, float]:
        known = [self.rows[f] for f in features(norm) if f in self.rows]
        scores = [
            prior + unseen * len(known) + sum(row[i] for row in known)
            for i, (prior, unseen) in enumerate(zip(self.priors, self.unseen, strict=True))
        ]
        top = max(scores)
        exp = [math.exp(s - top) for s in scores]
        total = sum(exp)
        return {label: v / total for label, v in zip(self.labels, exp, strict=True)}

    def classify_norm(self, norm: str) -> tuple[str, float]:
        post = self.posteriors_norm(norm)
        label = max(post, key=lambda k: post[k])
        return label, post[label]

    def evidence(self, norm: str, label: str) -> int:
        """How many of the sentence's words and pairs point to ``label`` more than to any
        other class: a sure answer from one or two common words ("lots to think about")
        is a guess, not a reading."""
        i = self.labels.index(label)
        return sum(
            1
            for f in features(norm)
            if f not in _COMMON and (row := self.rows.get(f)) and row[i] > 0 and row[i] == max(row)
        )

    def classify(self, text: str) -> tuple[str, float]:
        return self.classify_norm(chat_form(text))


def train(rows: list[tuple[str, str]]) -> Model:
    counts: dict[str, Counter[str]] = {}
    docs: Counter[str] = Counter()
    for label, sentence in rows:
        docs[label] += 1
        counts.setdefault(label, Counter()).update(features(sentence))
    vocabulary = frozenset(f for c in counts.values() for f in c)
    labels = tuple(sorted(counts))
    totals = [sum(counts[label].values()) + _SMOOTHING * len(vocabulary) for label in labels]
    unseen = [math.log(_SMOOTHING / total) for total in totals]
    # log((n + s) / total) - log(s / total) = log(1 + n / s): zero where a label never saw f.
    table: dict[str, list[float]] = {f: [0.0] * len(labels) for f in vocabulary}
    for i, label in enumerate(labels):
        for f, n in counts[label].items():
            table[f][i] = math.log1p(n / _SMOOTHING)
    # Most of a real journal is none of these: "none" starts far ahead (a log-odds head
    # start), so the classifier answers only when a sentence clearly says otherwise.
    priors = [NONE_HEAD_START if label == "none" else 0.0 for label in labels]
    return Model(labels, priors, {f: tuple(r) for f, r in table.items()}, unseen)


def training_rows() -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for line in TRAINING.splitlines():
        label, _, sentence = line.partition("\t")
        if sentence:
            rows.append((label, sentence))
    return rows


@functools.cache
def model() -> Model:
    return train(training_rows())
