"""A small sentence classifier that backs up the rules on phrasings they were not written for.

Naive Bayes over word, word-pair and character features, trained when first used on the
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
_SMOOTHING = 0.3
NONE_HEAD_START = 10.0


def features(text: str) -> set[str]:
    """Words, word pairs and the 4-letter pieces of longer words ("speakin" ~ "speaking")."""
    tokens = _TOKEN_RE.findall(chat_form(text).replace("'", ""))
    out = set(tokens)
    out.update(f"{a}_{b}" for a, b in itertools.pairwise(tokens))
    for token in tokens:
        padded = f"<{token}>"
        if len(padded) > 5:
            out.update(f"#{padded[i : i + 4]}" for i in range(len(padded) - 3))
    return out


@dataclass(frozen=True)
class Model:
    labels: tuple[str, ...]
    priors: dict[str, float]
    weights: dict[str, dict[str, float]]  # label -> feature -> log P(feature | label)
    unseen: dict[str, float]  # label -> log P(unseen feature | label)
    vocabulary: frozenset[str]

    def posteriors(self, text: str) -> dict[str, float]:
        feats = features(text) & self.vocabulary
        scores = {
            label: self.priors[label]
            + sum(self.weights[label].get(f, self.unseen[label]) for f in feats)
            for label in self.labels
        }
        top = max(scores.values())
        exp = {label: math.exp(s - top) for label, s in scores.items()}
        total = sum(exp.values())
        return {label: v / total for label, v in exp.items()}

    def classify(self, text: str) -> tuple[str, float]:
        post = self.posteriors(text)
        label = max(post, key=lambda k: post[k])
        return label, post[label]


def train(rows: list[tuple[str, str]]) -> Model:
    counts: dict[str, Counter[str]] = {}
    docs: Counter[str] = Counter()
    for label, sentence in rows:
        docs[label] += 1
        counts.setdefault(label, Counter()).update(features(sentence))
    vocabulary = frozenset(f for c in counts.values() for f in c)
    labels = tuple(sorted(counts))
    weights: dict[str, dict[str, float]] = {}
    unseen: dict[str, float] = {}
    for label in labels:
        total = sum(counts[label].values()) + _SMOOTHING * len(vocabulary)
        weights[label] = {f: math.log((n + _SMOOTHING) / total) for f, n in counts[label].items()}
        unseen[label] = math.log(_SMOOTHING / total)
    # Most of a real journal is none of these: "none" starts far ahead (a log-odds head
    # start), so the classifier answers only when a sentence clearly says otherwise.
    priors = {label: NONE_HEAD_START if label == "none" else 0.0 for label in labels}
    return Model(labels, priors, weights, unseen, vocabulary)


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
