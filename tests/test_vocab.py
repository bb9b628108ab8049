import pytest

from core.vocab import (
    FontSize,
    GoalSource,
    JournalVisibility,
    MetricType,
    ReminderFrequency,
    VocabularyError,
    parse_font_size,
    parse_goal_source,
    parse_journal_visibility,
    parse_metric_type,
    parse_metric_value,
    parse_reminder_frequency,
)


def test_the_five_metric_types_are_exactly_the_documented_ones() -> None:
    assert [m.value for m in MetricType] == [
        "resilience",
        "effort",
        "challenge",
        "feedback",
        "learning",
    ]


@pytest.mark.parametrize("text", ["Resilience", " effort ", "LEARNING"])
def test_metric_types_are_read_case_insensitively(text: str) -> None:
    assert parse_metric_type(text).value == text.strip().lower()


@pytest.mark.parametrize("bad", ["happiness", "", "resilience; drop table", None, 3, "réšilience"])
def test_unknown_metric_types_list_the_valid_choices(bad: object) -> None:
    with pytest.raises(VocabularyError) as err:
        parse_metric_type(bad)
    assert "resilience, effort, challenge, feedback, learning" in str(err.value)


@pytest.mark.parametrize(("raw", "value"), [(1, 1), (10, 10), ("7", 7), (" 3 ", 3)])
def test_metric_values_from_1_to_10(raw: object, value: int) -> None:
    assert parse_metric_value(raw) == value


@pytest.mark.parametrize("bad", [0, 11, -1, "11", "7.5", "seven", "", None, True, 1e3, "0010"])
def test_metric_values_outside_the_scale_are_rejected(bad: object) -> None:
    with pytest.raises(VocabularyError, match="from 1 to 10"):
        parse_metric_value(bad)


def test_other_vocabularies() -> None:
    assert parse_goal_source("ai_generated") is GoalSource.AI_GENERATED
    assert parse_reminder_frequency("Weekly") is ReminderFrequency.WEEKLY
    assert parse_font_size("large") is FontSize.LARGE
    assert parse_journal_visibility("shared") is JournalVisibility.SHARED
    for parse, bad, label in [
        (parse_goal_source, "robot", "goal source"),
        (parse_reminder_frequency, "hourly", "reminder frequency"),
        (parse_font_size, "huge", "font size"),
        (parse_journal_visibility, "public", "journal visibility"),
    ]:
        with pytest.raises(VocabularyError, match=label):
            parse(bad)
