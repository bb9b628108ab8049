"""The sentence classifier that backs up the suggestion rules (core/suggest/model.py)."""

from __future__ import annotations

import pytest

from bench.score_suggestions import FRESH, GUARDED, SPLITS, load_gold
from core.suggest import care_for, read_entry
from core.suggest.model import model, train, training_rows
from core.suggest.patterns import choose, fixed_signals
from core.suggest.text import chat_form, sentences


def test_training_sentences_are_not_taken_from_the_gold_set() -> None:
    gold = {chat_form(g["text"]) for g in load_gold()}
    gold_sentences = {s.norm for g in load_gold() for s in sentences(g["text"])}
    for _, sentence in training_rows():
        assert chat_form(sentence) not in gold | gold_sentences


def test_training_is_deterministic() -> None:
    again = train(training_rows())
    text = "no matter what i do my knitting stays rubbish"
    assert again.classify(text) == model().classify(text)


@pytest.mark.parametrize(
    ("entry", "pattern", "topic"),
    [
        ("no matter what i do my knitting stays rubbish", "helpless", "knitting"),
        ("languages just arent something my brain can hold onto", "identity", "languages"),
        ("i'm just no good at anything involving a ball", "identity", None),
    ],
)
def test_a_phrasing_no_rule_knows_still_gets_a_goal(
    entry: str, pattern: str, topic: str | None
) -> None:
    assert choose(fixed_signals(sentences(entry))) is None, "a rule covers it: pick another"
    goal = read_entry(entry).goal
    assert goal is not None
    assert goal.pattern == pattern
    assert goal.reason == f'You wrote: "{entry}"'
    if topic:
        assert topic in goal.content


@pytest.mark.parametrize(
    "entry",
    [
        "i quit sugar in my tea",
        "wrote 500 words today, getting there",
        "we never go out on mondays, i'm not bothered",
        "I'm not really a cat person but the kitten is growing on me",
        "i used to think i'm not a people person. had two good chats tonight",
    ],
)
def test_everyday_and_growth_entries_stay_quiet(entry: str) -> None:
    reading = read_entry(entry)
    assert reading.goal is None and reading.care is None


def test_pain_the_rules_miss_gets_warmth_and_no_goal() -> None:
    entry = "my partner walked out and i cant stop shaking"
    assert care_for(entry) == "hurt"
    assert read_entry(entry).goal is None


def test_the_fresh_split_is_never_guarded_or_tuned_on() -> None:
    # blind1 was tuned on in the third round (with a reader's verdicts): now guarded.
    assert FRESH == ("holdout9", "blind2") and set(FRESH) <= set(SPLITS)
    assert not set(FRESH) & GUARDED
    assert "blind1" in SPLITS and len(load_gold("blind1")) >= 90
    assert "dev1" in SPLITS and len(load_gold("dev1")) >= 60
