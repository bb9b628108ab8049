"""Third round of the suggestion engine (issue 20): what a coach would do with the failure
kinds an independent reader found on the blind split. Every entry here is new text, not
taken from the gold or blind sets, so each test checks a general behaviour."""

from __future__ import annotations

import pytest

from core.suggest import care_for, read_entry


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        (
            "the cake sank in the middle again. watching a video on oven temps and trying a"
            " lower shelf on sunday",
            "lower shelf on sunday",
        ),
        (
            "overslept and missed the bus twice this week, gutted. from monday the alarm goes"
            " on the other side of the room",
            "the alarm goes on the other side of the room",
        ),
        (
            "bombed the quiz night, knew nothing. next month im going again, reading the news"
            " every morning till then",
            "reading the news every morning",
        ),
        ("lost the chess final, gutted. next tournament im opening with e4", "opening with e4"),
    ],
)
def test_a_setback_met_with_a_dated_plan_gets_that_plan_encouraged(entry: str, words: str) -> None:
    goal = read_entry(entry).goal
    assert goal is not None and goal.pattern == "plan"
    assert words in goal.content
    assert goal.reason.startswith("You already have a plan")


def test_a_step_already_taken_answers_the_doubt_before_it() -> None:
    goal = read_entry("im hopeless at small talk lol. anyway signed up for an improv class").goal
    assert goal is not None and goal.pattern == "plan"
    assert goal.content.startswith("Stick with the improv class")


@pytest.mark.parametrize(
    "entry",
    [
        "im just a lazy person, always will be",
        "i have zero patience with my kids, its just how i am",
        "im a messy person by nature, always have been",
    ],
)
def test_a_trait_or_habit_gets_a_goal_that_needs_no_topic(entry: str) -> None:
    goal = read_entry(entry).goal
    assert goal is not None
    assert "practise" not in goal.content.lower()


def test_the_topic_is_what_the_writer_judges_themselves_on() -> None:
    goal = read_entry(
        "the chess club needs helpers on saturdays. i said no, im awful with crowds of people"
    ).goal
    assert goal is not None
    assert "chess" not in goal.content.lower()


@pytest.mark.parametrize(
    "entry",
    [
        "not saying im rubbish at piano, just had a long day",
        "watched a video about how some people are just born good at languages",
        "a coach told me years ago i had no talent for tennis. just won my first club match",
    ],
)
def test_a_denied_reported_or_outgrown_belief_gets_no_goal(entry: str) -> None:
    assert read_entry(entry).goal is None


def test_an_invitation_is_not_feedback() -> None:
    goal = read_entry(
        "my boss wants me to present at the all hands. id rather stay in my lane"
    ).goal
    assert goal is None or goal.pattern != "feedback"


def test_a_remark_from_family_about_a_habit_names_who_made_it() -> None:
    goal = read_entry("my son told me i never listen properly when he talks").goal
    assert goal is not None and goal.pattern == "feedback"
    assert "your son said" in goal.content


@pytest.mark.parametrize(
    ("entry", "kind"),
    [
        ("we lost the baby last week", "grief"),
        ("my flatmate stopped speaking to me and i have no idea why", "hurt"),
        ("my mum yelled at me all evening. im worthless", "hurt"),
        ("six months in this city and i havent made a single friend", "hurt"),
    ],
)
def test_pain_the_blind_split_showed_gets_warmth(entry: str, kind: str) -> None:
    assert care_for(entry) == kind
    assert read_entry(entry).goal is None


@pytest.mark.parametrize(
    ("entry", "topic"),
    [
        ("some people just have the coder brain and i dont", "coding"),
        ("im not a salesy person and never will be", "sales"),
        ("coach says im not a natural sprinter", "sprinting"),
    ],
)
def test_a_skill_named_by_the_person_who_does_it_is_the_topic(entry: str, topic: str) -> None:
    goal = read_entry(entry).goal
    assert goal is not None
    assert topic in goal.content


@pytest.mark.parametrize(
    ("entry", "activity"),
    [
        ("im hopeless at keeping my desk tidy, always have been", "keeping your desk tidy"),
        ("honestly i suck at remembering birthdays, its just how i am", "remembering birthdays"),
    ],
)
def test_a_belief_about_an_activity_names_that_activity(entry: str, activity: str) -> None:
    goal = read_entry(entry).goal
    assert goal is not None and goal.pattern == "identity"
    assert f"get better at {activity}," in goal.content


def test_the_new_goal_wordings_pass_the_judges_reading_checks() -> None:
    from bench.score_suggestions import grammar_problems

    entries = [
        "im just a lazy person, always will be",
        "im hopeless at keeping my desk tidy, always have been",
        "my son told me i never listen properly when he talks",
        "im hopeless at small talk lol. anyway signed up for an improv class",
        "failed the mock, gutted. booked a session with my tutor for friday",
        "overslept and missed the bus twice this week, gutted. from monday the alarm goes on"
        " the other side of the room",
    ]
    for entry in entries:
        goal = read_entry(entry).goal
        assert goal is not None, entry
        assert grammar_problems(goal.content) == [], goal.content
