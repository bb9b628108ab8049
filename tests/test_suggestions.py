"""Behaviour of the local goal-suggestion engine: when it stays quiet, when it answers with
warmth instead of a goal, and what the one goal it suggests looks like."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from bench.score_suggestions import grammar_problems
from core.suggest import (
    MAX_GOALS,
    LocalSuggestionEngine,
    SuggestedGoal,
    care_reply,
    html_to_plain,
    is_similar_goal,
    read_entry,
)
from core.suggest.engine import INLINE_MAX_CHARS
from core.suggest.vocab import PLAN_FALLBACK, TEMPLATES, TOPICS

ENGINE = LocalSuggestionEngine()


def suggest(text: str, open_goals: list[str] | None = None) -> list[SuggestedGoal]:
    return ENGINE.suggest_sync(text, open_goals=open_goals or [], with_sentiment=True)


def one(text: str) -> SuggestedGoal:
    [goal] = suggest(text)
    return goal


# --- fixed mindset in the forms people type -------------------------------------------


@pytest.mark.parametrize(
    ("text", "pattern", "topic"),
    [
        ("I'm not a maths person.", "identity", "maths"),
        ("im not a maths person", "identity", "maths"),
        ("IM NOT A MATHS PERSON!!!", "identity", "maths"),
        ("i’m just not a maths person 🙃", "identity", "maths"),
        ("I have zero willpower, it's just how I'm wired", "identity", None),
        ("some people are naturals at piano and I'm not", "comparison", "piano"),
        ("no point tryin to learn spanish tbh", "helpless", "Spanish"),
        ("ill never be able to draw 😩", "helpless", "drawing"),
        ("i cant do chemistry", "helpless", "chemistry"),
        ("Everyone else in my class gets recursion so fast", "comparison", "recursion"),
        ("didnt sign up for the race because I'd look stupid", "avoidance", None),
        ("My coach said my serve is weak but she doesnt know what shes talking about",
         "dismiss_feedback", "serve"),
        ("Guitar is too hard. I give up.", "giving_up", "guitar"),
        ("thinking of quitting chess", "giving_up", "chess"),
        ("i suck at chess lol", "identity", "chess"),
        ("Hopeless at spelling, I'm useless at spelling", "identity", "spelling"),
    ],
)  # fmt: skip
def test_fixed_mindset_is_recognised_as_typed(text: str, pattern: str, topic: str | None) -> None:
    goal = one(text)
    assert goal.pattern == pattern
    if topic:
        assert topic in goal.content
    assert grammar_problems(goal.content) == []


def test_the_why_quotes_the_sentence_that_fired() -> None:
    goal = one("Long day at work. I'm just not a maths person, never have been. Pizza later.")
    assert goal.reason == 'You wrote: "I\'m just not a maths person, never have been."'


def test_a_long_triggering_sentence_is_quoted_up_to_a_word() -> None:
    sentence = "I'm not a maths person " + "and that is how it has always been " * 8
    reason = one(sentence).reason
    assert reason.endswith('…"') and len(reason) < 170
    assert reason[len('You wrote: "') : -2] in sentence


@pytest.mark.parametrize(
    "text",
    [
        "I used to think I'm not a maths person, but today it clicked.",
        "I can't do a pull-up yet, but I held the bar for 20 seconds.",
        "Gave up sugar this week and I don't miss it.",
        "I can't believe it's already November.",
        "The film was too long and the ending is not for me.",
        "Tried to fix the bike chain, gave up and took it to the shop.",
        "Quit my gym membership, I run outside now.",
        "Everyone at the party was better dressed than me lol",
    ],
)
def test_growth_framing_and_everyday_phrases_get_nothing(text: str) -> None:
    assert read_entry(text).goal is None


# --- when not to suggest --------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Finally watched Dune part two. The reviews were right.",
        "Lunch was a sad desk sandwich. Rained all afternoon.",
        "Quiet day. Did laundry, called mum, early night.",
        "Trying the new ramen place on Friday with Sam. Can't wait!",
    ],
)
def test_mundane_entries_get_nothing_at_all(text: str) -> None:
    reading = read_entry(text)
    assert reading.goal is None and reading.care is None
    assert care_reply(text) is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Had another panic attack on the train. I feel like such a failure.", "panic"),
        ("Grandad passed away last night. I'm useless today.", "grief"),
        ("I'm so burnt out, I give up on everything.", "burnout"),
        ("We broke up. I can't stop shaking. I'll never be good enough.", "hurt"),
    ],
)
def test_painful_entries_get_warmth_not_a_task(text: str, kind: str) -> None:
    reading = read_entry(text)
    assert reading.goal is None and reading.care == kind
    assert suggest(text) == []
    line = care_reply(text)
    assert line is not None and len(line) < 300
    assert "goal" not in line.lower() or "no goals" in line.lower()


@pytest.mark.parametrize(
    "text",
    [
        "I don't want to be here anymore.",
        "thinking about hurting myself again tonight",
        "everyone would be better off if i wasnt around",
        "I want to die",
    ],
)
def test_self_harm_language_gets_a_pointer_to_help(text: str) -> None:
    assert read_entry(text).care == "help"
    line = care_reply(text)
    assert line is not None
    assert "988" in line and "116 123" in line and "emergency" in line


# --- one goal that fits ---------------------------------------------------------------


def test_at_most_one_suggestion_per_entry() -> None:
    text = "I'm not a maths person. I give up on chess. Everyone else is better at piano."
    assert MAX_GOALS == 1
    assert len(suggest(text)) == 1
    assert one(text).pattern == "giving_up"  # the most specific answer wins


def test_a_setback_met_with_a_plan_gets_that_plan_encouraged() -> None:
    goal = one(
        "Didn't get the job at the museum. I'm going to email and ask what the successful"
        " candidate had."
    )
    assert goal.pattern == "plan"
    assert goal.content == (
        "Follow through on your plan to email and ask what the successful candidate had"
    )
    assert goal.reason.startswith("You already have a plan: \"I'm going to email")


def test_a_plan_is_turned_to_the_second_person() -> None:
    goal = one("Bombed the mock. Plan: redo every question I got wrong and ask my tutor.")
    assert goal.content.endswith("redo every question you got wrong and ask your tutor")


def test_a_plan_that_cannot_be_reshaped_is_still_encouraged() -> None:
    goal = one('Failed the test. I\'ll try "the method" 🙂 my way next time.')
    assert goal.pattern == "plan" and goal.content == PLAN_FALLBACK


@pytest.mark.parametrize(
    "entry",
    [
        "not gonna lie tried the cold calls again and bombed, im just not a salesy person",
        "got the essay back covered in red pen. so im not gonna bother reading the comments",
    ],
)
def test_a_refusal_or_a_figure_of_speech_is_never_encouraged_as_a_plan(entry: str) -> None:
    assert all(goal.pattern != "plan" for goal in suggest(entry))


def test_a_plan_without_a_setback_is_not_a_signal() -> None:
    assert suggest("I'm going to the cinema with Sam tomorrow.") == []


def test_feedback_received_names_who_gave_it_when_the_topic_is_unclear() -> None:
    goal = one("Annual review today. My boss says I need to be more proactive.")
    assert goal.pattern == "feedback"
    assert goal.content.startswith("Pick one point from your boss's feedback")


def test_every_template_reads_as_a_sentence_with_every_topic() -> None:
    """Grammatical by construction: each template with each vocabulary phrase."""
    for pattern, forms in TEMPLATES.items():
        for form, template in forms.items():
            fillers = [t.text for t in TOPICS.values() if t.form == form] or [""]
            if form == "named":  # plain nouns taken from the entry itself
                fillers = ["business", "push-ups", "footwork", "typing"]
            for text in fillers:
                content = template.format(t=text)
                assert grammar_problems(content) == [], (pattern, form, content)


def test_an_open_goal_is_not_suggested_again() -> None:
    text = "i suck at chess"
    natural = one(text)
    assert suggest(text, open_goals=[natural.content.lower() + "!"]) == []


def test_suggestions_are_stable_for_the_same_entry() -> None:
    text = "I'll never understand recursion"
    assert suggest(text) == suggest(text)


# --- hostile and empty input ----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["", "   ", "\n\t", "ok", "/start", "/journal@GrowthBot", "<b></b>", "&nbsp;"],
)
def test_empty_short_or_command_only_texts_give_nothing(text: str) -> None:
    assert suggest(text) == [] and care_reply(text) is None


HOSTILE = {
    "very long": "I failed my exam and I feel like giving up. " * 120,
    "one huge word": "I can't " + "x" * 5000,
    "control characters": "I failed\x00 my\x07 exam\x1b[31m today\r\n\x7f",
    "sql": "'; DROP TABLE users; --",
    "script tag": "<script>alert('I give up')</script><img src=x onerror=alert(1)>",
    "emoji": "😭😭😭 I can't do this 💔🙃👨‍👩‍👧",
    "arabic": "أنا لا أستطيع فعل ذلك. لقد فشلت في الامتحان",
    "rtl override": "I failed \u202emy exam\u202c \u200f",
    "broken html": "<b>I <i>can't</b></i> &lt;do&gt; &amp;&#x27; <a href='x'>maths",
    "many tags": "<b>" * 3000 + "I give up",
    "repeated subject": "I just really so very " * 800 + "can't",
    "lone surrogates escaped": "I failed &#xd800; my exam",
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=list(HOSTILE))
def test_hostile_input_does_not_crash(text: str) -> None:
    goals = suggest(text)
    assert len(goals) <= MAX_GOALS
    for goal in goals:
        assert grammar_problems(goal.content) == []
        assert "<script" not in goal.reason.lower()


def test_html_to_plain() -> None:
    assert html_to_plain("I <b>failed</b> my exam &amp; I give up") == (
        "I failed my exam & I give up"
    )
    assert html_to_plain("line one<br>line <i>two</i>") == "line one\nline two"
    assert html_to_plain("I &lt;3 maths") == "I <3 maths"
    assert html_to_plain("x < y and I <3 maths") == "x < y and I <3 maths"
    assert "alert" not in html_to_plain("<script>alert(1)</script>hi")


def test_similar_goal_ignores_case_and_punctuation() -> None:
    a = "Practise public speaking for 10 minutes three times this week"
    assert is_similar_goal(a, "practise public speaking, for 10 minutes three times this week!!")
    assert not is_similar_goal(a, "Ask your manager for feedback on the report")


async def test_async_suggest_matches_sync() -> None:
    text = "I'm not good at public speaking."
    got = await ENGINE.suggest(text, open_goals=[], with_sentiment=True)
    assert got == suggest(text) and len(got) == 1


async def test_long_entries_are_analysed_off_the_event_loop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    short = "I'm not good at public speaking."
    long = short + " Then I practised the talk again and again." * 20
    assert len(short) <= INLINE_MAX_CHARS < len(long)
    expected = suggest(short), suggest(long)
    threads: list[str] = []
    analyse = LocalSuggestionEngine.suggest_sync

    def spy(self: LocalSuggestionEngine, *args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread().name)
        return analyse(self, *args, **kwargs)

    monkeypatch.setattr(LocalSuggestionEngine, "suggest_sync", spy)
    got = (
        await ENGINE.suggest(short, open_goals=[], with_sentiment=True),
        await ENGINE.suggest(long, open_goals=[], with_sentiment=True),
    )
    assert got == expected
    loop_thread = threading.current_thread().name
    assert threads[0] == loop_thread  # a one-liner: cheaper than a thread hand-off
    assert threads[1] != loop_thread  # a long entry: kept off the loop


async def test_long_entries_are_checked_for_pain_off_the_event_loop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from core.suggest import engine

    threads: list[str] = []
    check = engine.care_for

    def spy(entry_html: str) -> Any:
        threads.append(threading.current_thread().name)
        return check(entry_html)

    monkeypatch.setattr(engine, "care_for", spy)
    short = "Grandad passed away last night."
    long = short + " I keep thinking about the summers at his house." * 10
    assert await engine.care_for_async(short) == "grief"
    assert await engine.care_for_async(long) == "grief"
    assert threads[0] == threading.current_thread().name
    assert threads[1] != threading.current_thread().name
