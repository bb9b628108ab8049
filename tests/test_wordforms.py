"""Word forms for search (pure): irregular forms join their lemma, nothing else does."""

from __future__ import annotations

from db.wordforms import MAX_WIDENED_WORDS, widened_words, word_forms


def test_irregular_forms_share_their_lemma_both_ways() -> None:
    assert {"run", "ran", "running", "runs"} <= word_forms("ran")
    assert "ran" in word_forms("run") and "ran" in word_forms("Running")
    assert {"go", "went", "gone"} <= word_forms("went")
    assert "went" in word_forms("go")
    assert word_forms("children") >= {"child", "children"}
    assert "children" in word_forms("child")
    assert {"good", "better", "best"} <= word_forms("better")
    assert "better" in word_forms("good")


def test_no_unrelated_words() -> None:
    assert "rain" not in word_forms("ran")
    assert "childish" not in word_forms("child")
    # Adverbs stay out: "better" must not find "I slept well".
    assert "well" not in word_forms("better")


def test_unknown_word_is_its_only_form() -> None:
    assert word_forms("xyzzyq") == frozenset({"xyzzyq"})


def test_widened_words_skips_operators_repeats_and_words_without_other_forms() -> None:
    widened = dict(widened_words('"Ran home" or ran -xyzzyq'))
    assert list(widened) == ["ran", "home"]
    assert "run" in widened["ran"] and "homes" in widened["home"]


def test_only_the_first_words_are_widened() -> None:
    query = " ".join(["ran"] + [f"zq{'x' * n}" for n in range(MAX_WIDENED_WORDS)] + ["went"])
    assert [word for word, _ in widened_words(query)] == ["ran"]
