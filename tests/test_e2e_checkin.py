"""/checkin and /rate end to end: the real Application against the fake Bot API."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from core.dates import month_start
from db import dialogs, metrics
from db.database import Database
from db.models import Metric
from fake_telegram.server import ChatMessage, FakeBotAPI
from tests.harness import BotHarness, login_as, running_bot

ANA = 2001
BEN = 2002

NOTE = "Exam week, but I kept going & asked for <help>"


async def rows(db: Database, user_id: uuid.UUID) -> list[Metric]:
    async with db.sessions() as s:
        result = await s.scalars(
            select(Metric).where(Metric.user_id == user_id).order_by(Metric.created_at, Metric.type)
        )
        return list(result)


async def dialog_name(db: Database, telegram_user_id: int) -> str | None:
    async with db.sessions() as s:
        state = await dialogs.get_dialog(s, telegram_user_id)
        return state.name if state is not None else None


def by_type(metrics: list[Metric]) -> dict[str, str]:
    return {m.type: m.value for m in metrics}


async def start_checkin(bot: BotHarness, user: int) -> ChatMessage:
    message = await bot.say(user, "/checkin", contains="Resilience")
    assert "1 of 5" in message.plain_text
    assert "Ability to bounce back from setbacks" in message.plain_text
    return message


# --- /checkin ---------------------------------------------------------------------------------


async def test_full_checkin_with_a_skip_and_a_note(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ANA)
    first = await start_checkin(bot, ANA)
    cancel = first.callback_data_for("Cancel")
    # Two rows of 1-10, then Skip and Cancel.
    assert [[text for text, _ in row] for row in first.buttons] == [
        ["1", "2", "3", "4", "5"],
        ["6", "7", "8", "9", "10"],
        ["Skip", "Cancel"],
    ]
    step = await bot.press(ANA, "7", contains="Effort")
    assert step.message_id == first.message_id  # edited in place
    assert "Effort put into improvement" in step.plain_text
    assert "So far: Resilience 7" in step.plain_text
    await bot.press(ANA, "8", contains="Willingness to take on challenges")
    await bot.press(ANA, "Skip", contains="Openness to feedback")
    await bot.press(ANA, "6", contains="Commitment to learning")
    note_step = await bot.press(ANA, "10", contains="note")
    assert note_step.message_id == first.message_id
    assert "Challenge skipped" in note_step.plain_text
    assert note_step.button_texts() == ["No note", "Cancel"]
    assert await rows(bot.db, user_id) == []  # nothing saved before the end

    summary = await bot.say(ANA, NOTE, contains="saved")
    text = summary.plain_text
    assert "Resilience 7 · Effort 8 · Feedback 6 · Learning 10 saved." in text
    assert NOTE in text  # escaped on the way out, shown as written
    assert (
        "Your average this month: Resilience 7.0 · Effort 8.0 · Feedback 6.0 · Learning 10.0"
        in (text)
    )
    saved = await rows(bot.db, user_id)
    assert by_type(saved) == {"resilience": "7", "effort": "8", "feedback": "6", "learning": "10"}
    assert {m.notes for m in saved} == {NOTE}
    assert len({m.created_at for m in saved}) == 1  # one check-in
    assert await dialog_name(bot.db, ANA) is None
    # The check-in message lost its buttons; a late press on it has expired.
    assert bot.fake.message(ANA, first.message_id).buttons == []  # type: ignore[union-attr]
    late = await bot.press_data(ANA, first.message_id, cancel)
    assert late == "This button has expired."
    assert len(await rows(bot.db, user_id)) == 4


async def test_no_note_button_saves_and_averages_the_month(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ANA)
    now = datetime.now(UTC)
    async with bot.db.sessions.begin() as s:
        # Earlier this month, and last month (which must not count).
        await metrics.record_metric(s, user_id, "effort", 4, at=month_start(now, "UTC"))
        await metrics.record_metric(s, user_id, "effort", 1, at=month_start(now, "UTC", shift=-1))
    await start_checkin(bot, ANA)
    await bot.press(ANA, "Skip", contains="Effort")
    for _ in range(4):
        await bot.press(ANA, "6", contains="")
    await bot.fake.settle()
    summary = await bot.press(ANA, "No note", contains="saved")
    assert "Effort 6 · Challenge 6 · Feedback 6 · Learning 6 saved." in summary.plain_text
    assert "Effort 5.0" in summary.plain_text  # (4 + 6) / 2, last month left out
    assert "Note" not in summary.plain_text
    assert summary.buttons == []
    new = [m for m in await rows(bot.db, user_id) if m.value == "6"]
    assert len(new) == 4 and all(m.notes is None for m in new)


async def test_skipping_everything_saves_nothing(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ANA)
    await start_checkin(bot, ANA)
    for _ in range(4):
        await bot.press(ANA, "Skip", contains="of 5")
    done = await bot.press(ANA, "Skip", contains="nothing was saved")
    assert done.buttons == []
    assert await rows(bot.db, user_id) == []
    assert await dialog_name(bot.db, ANA) is None


async def test_cancel_button_mid_way_saves_nothing(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ANA)
    await start_checkin(bot, ANA)
    await bot.press(ANA, "9", contains="Effort")
    await bot.press(ANA, "3", contains="Challenge")
    done = await bot.press(ANA, "Cancel", contains="Check-in cancelled, nothing saved")
    assert done.buttons == []
    assert await rows(bot.db, user_id) == []
    assert await dialog_name(bot.db, ANA) is None


async def test_slash_cancel_discards_and_old_buttons_expire(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ANA)
    first = await start_checkin(bot, ANA)
    seven, stale = first.callback_data_for("7"), first.callback_data_for("Cancel")
    await bot.press(ANA, "7", contains="Effort")
    await bot.press(ANA, "8", contains="Challenge")
    reply = await bot.say(ANA, "/cancel", contains="Check-in cancelled, nothing saved")
    assert reply.message_id != first.message_id
    await bot.fake.settle()
    assert bot.fake.message(ANA, first.message_id).buttons == []  # type: ignore[union-attr]
    assert await bot.press_data(ANA, first.message_id, stale) == "This button has expired."
    assert await bot.press_data(ANA, first.message_id, seven) == "This button has expired."
    assert await rows(bot.db, user_id) == []
    # /cancel with nothing open still answers as before.
    assert "nothing to cancel" in (await bot.say(ANA, "/cancel")).plain_text


async def test_a_new_checkin_replaces_the_old_one(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ANA)
    old = await start_checkin(bot, ANA)
    old_seven = old.callback_data_for("7")
    new = await bot.say(ANA, "/checkin", contains="1 of 5")
    assert new.message_id != old.message_id
    await bot.fake.settle()
    assert "replaced" in bot.fake.message(ANA, old.message_id).plain_text  # type: ignore[union-attr]
    assert await bot.press_data(ANA, old.message_id, old_seven) == "This button has expired."
    # The new one works.
    toast = await bot.press_data(ANA, new.message_id, new.callback_data_for("7"))
    assert toast == ""
    await bot.fake.settle()
    assert "Effort" in bot.fake.message(ANA, new.message_id).plain_text  # type: ignore[union-attr]
    assert await rows(bot.db, user_id) == []


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (".7", ".11"),
        (".7", ".0"),
        (".7", ".-3"),
        (".7", ".seven"),
        (".7", ".7.7"),
        (".7", ""),
        ("resilience", "happiness"),
        ("resilience", "effort"),  # a metric not being asked
        ("cv:", "cn:"),  # "No note" before the note step
        ("cv:#", "cv:#9"),  # another check-in's nonce
        ("cv:#", "cv:"),  # no nonce at all
    ],
)
async def test_forged_presses_expire_and_change_nothing(
    bot: BotHarness, old: str, new: str
) -> None:
    user_id = await login_as(bot.db, ANA)
    first = await start_checkin(bot, ANA)
    good = first.callback_data_for("7")
    forged = good.replace(old, new)
    assert forged != good
    assert await bot.press_data(ANA, first.message_id, forged) == "This button has expired."
    # Skipping a metric other than the one asked is refused too.
    skip = first.callback_data_for("Skip").replace("resilience", "effort")
    assert await bot.press_data(ANA, first.message_id, skip) == "This button has expired."
    assert await rows(bot.db, user_id) == []
    still = bot.fake.message(ANA, first.message_id)
    assert still is not None and "1 of 5" in still.plain_text and not still.edited
    # The real button still works afterwards.
    await bot.press(ANA, "7", contains="Effort")


async def test_another_users_presses_expire(bot: BotHarness) -> None:
    await login_as(bot.db, ANA)
    ben_id = await login_as(bot.db, BEN)
    first = await start_checkin(bot, ANA)
    # Ben forges Ana's button: he has no check-in with that nonce.
    toast = await bot.press_data(BEN, first.message_id, first.callback_data_for("7"))
    assert toast == "This button has expired."
    assert await rows(bot.db, ben_id) == []


async def test_text_during_the_ratings_is_a_nudge_not_an_entry(bot: BotHarness) -> None:
    await login_as(bot.db, ANA)
    await start_checkin(bot, ANA)
    reply = await bot.say(ANA, "what do I do", contains="middle of a check-in")
    assert "Resilience" in reply.plain_text and "/cancel" in reply.plain_text
    assert await dialog_name(bot.db, ANA) == "checkin"


async def test_a_too_long_note_is_refused_and_can_be_retried(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ANA)
    await start_checkin(bot, ANA)
    await bot.press(ANA, "5", contains="Effort")
    for _ in range(4):
        await bot.press(ANA, "Skip", contains="")
    await bot.fake.settle()
    reply = await bot.say(ANA, "x" * 501, contains="too long")
    assert "No note" in reply.plain_text
    assert await rows(bot.db, user_id) == []
    await bot.say(ANA, "short one", contains="saved")
    saved = await rows(bot.db, user_id)
    assert [(m.type, m.value, m.notes) for m in saved] == [("resilience", "5", "short one")]


async def test_checkin_needs_login(bot: BotHarness) -> None:
    reply = await bot.say(ANA, "/checkin")
    assert "not logged in" in reply.plain_text


async def test_checkin_keeps_a_write_draft(bot: BotHarness) -> None:
    await login_as(bot.db, ANA)
    await bot.say(ANA, "/write", contains="Go ahead")
    await bot.say(ANA, "first part", contains="Got it")
    reply = await bot.say(ANA, "/checkin", contains="/write draft")
    assert "/done" in reply.plain_text
    assert await dialog_name(bot.db, ANA) == "write"


async def test_checkin_survives_a_restart(
    db: Database, database_url: str, fast_bcrypt: None
) -> None:
    user_id = await login_as(db, ANA)
    fake = FakeBotAPI()
    await fake.start()
    try:
        async with running_bot(db, database_url, fake=fake) as first_run:
            message = await start_checkin(first_run, ANA)
            await first_run.press(ANA, "4", contains="Effort")
            await first_run.press(ANA, "5", contains="Challenge")
            await fake.settle()
        # A new process on the same database: the same buttons carry on.
        async with running_bot(db, database_url, fake=fake) as second_run:
            step = await second_run.press(ANA, "6", contains="Openness to feedback")
            assert step.message_id == message.message_id
            assert "So far: Resilience 4 · Effort 5 · Challenge 6" in step.plain_text
            await second_run.press(ANA, "Skip", contains="Learning")
            await second_run.press(ANA, "7", contains="note")
            await second_run.say(ANA, "after the restart", contains="saved")
    finally:
        await fake.stop()
    saved = await rows(db, user_id)
    assert by_type(saved) == {"resilience": "4", "effort": "5", "challenge": "6", "learning": "7"}
    assert {m.notes for m in saved} == {"after the restart"}


# --- /rate ------------------------------------------------------------------------------------


async def test_rate_in_one_line(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ANA)
    reply = await bot.say(ANA, "/rate Resilience 7   bounced back after the exam", contains="saved")
    assert "Resilience 7 saved." in reply.plain_text
    assert "Note: bounced back after the exam" in reply.plain_text
    assert "Your average this month: Resilience 7.0" in reply.plain_text
    await bot.say(ANA, "/rate EFFORT 10", contains="Effort 10 saved")
    saved = await rows(bot.db, user_id)
    assert sorted((m.type, m.value, m.notes) for m in saved) == [
        ("effort", "10", None),
        ("resilience", "7", "bounced back after the exam"),
    ]


@pytest.mark.parametrize(
    ("command", "expected", "buttons"),
    [
        ("/rate happiness 7", "isn't one of the five metrics", "metrics"),
        ("/rate 7 resilience", "isn't one of the five metrics", "metrics"),
        ("/rate resilience 11", "whole number from 1 to 10", "values"),
        ("/rate resilience 0", "whole number from 1 to 10", "values"),
        ("/rate resilience seven", "whole number from 1 to 10", "values"),
        ("/rate resilience 7.5", "whole number from 1 to 10", "values"),
        ("/rate resilience -2", "whole number from 1 to 10", "values"),
        ("/rate resilience ²", "whole number from 1 to 10", "values"),
        ("/rate resilience", "Your rating, from 1", "values"),
        ("/rate", "Which metric", "metrics"),
    ],
)
async def test_rate_errors_explain_and_offer_buttons(
    bot: BotHarness, command: str, expected: str, buttons: str
) -> None:
    user_id = await login_as(bot.db, ANA)
    reply = await bot.say(ANA, command, contains=expected)
    if buttons == "metrics":
        if command != "/rate":
            assert "resilience, effort, challenge, feedback, learning" in reply.plain_text
        assert reply.button_texts() == [
            "Resilience",
            "Effort",
            "Challenge",
            "Feedback",
            "Learning",
            "Cancel",
        ]
    else:
        assert "/rate resilience 7" in reply.plain_text
        assert reply.button_texts()[:10] == [str(v) for v in range(1, 11)]
    assert await rows(bot.db, user_id) == []


async def test_rate_buttons_pick_a_metric_then_a_value(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ANA)
    menu = await bot.say(ANA, "/rate", contains="Which metric")
    values = await bot.press(ANA, "Feedback", contains="Openness to feedback")
    assert values.message_id == menu.message_id
    assert [[t for t, _ in row] for row in values.buttons] == [
        ["1", "2", "3", "4", "5"],
        ["6", "7", "8", "9", "10"],
        ["Cancel"],
    ]
    eight = values.callback_data_for("8")
    done = await bot.press(ANA, "8", contains="saved")
    assert "Feedback 8 saved." in done.plain_text and done.buttons == []
    # A second press of the same button (a double tap) records nothing more.
    assert await bot.press_data(ANA, menu.message_id, eight) == "This button has expired."
    saved = await rows(bot.db, user_id)
    assert [(m.type, m.value) for m in saved] == [("feedback", "8")]


async def test_rate_buttons_reject_forgeries_and_cancel(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ANA)
    menu = await bot.say(ANA, "/rate", contains="Which metric")
    pick = menu.callback_data_for("Effort")
    assert "expired" in await bot.press_data(ANA, menu.message_id, pick.replace("effort", "joy"))
    values = await bot.press(ANA, "Effort", contains="Effort put into improvement")
    ten = values.callback_data_for("10")
    for forged in (
        ten.replace(".10", ".11"),
        ten.replace(".10", ".0"),
        ten.replace("effort", "learning"),
    ):
        assert await bot.press_data(ANA, menu.message_id, forged) == "This button has expired."
    await bot.say(ANA, "/cancel", contains="Rating cancelled, nothing saved")
    assert await bot.press_data(ANA, menu.message_id, ten) == "This button has expired."
    assert await rows(bot.db, user_id) == []


async def test_rate_during_a_checkin_does_not_throw_it_away(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ANA)
    await start_checkin(bot, ANA)
    await bot.press(ANA, "7", contains="Effort")
    # A typo in /rate: the explanation comes without buttons, the check-in stays open.
    reply = await bot.say(ANA, "/rate happy 7", contains="isn't one of the five metrics")
    assert reply.buttons == []
    # A one-line rating is recorded at once; the check-in carries on.
    await bot.say(ANA, "/rate learning 9", contains="Learning 9 saved")
    assert await dialog_name(bot.db, ANA) == "checkin"
    await bot.press(ANA, "8", contains="Challenge")
    assert by_type(await rows(bot.db, user_id)) == {"learning": "9"}


async def test_rate_note_too_long(bot: BotHarness) -> None:
    user_id = await login_as(bot.db, ANA)
    reply = await bot.say(ANA, "/rate effort 5 " + "y" * 501, contains="too long")
    assert "500" in reply.plain_text
    assert await rows(bot.db, user_id) == []
