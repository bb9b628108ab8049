"""Data lifecycle: /deleteaccount leaves nothing that names the user; what the bot keeps
about people only for a while (dialogs, kept messages, failed logins) is bounded and
swept by the one clean-up job."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, text, update

from bot import housekeeping
from core.clock import utc_now
from core.vocab import GoalSource
from db import accounts, dialogs, goals, metrics, reminders
from db.cleanup import sweep
from db.database import Database
from db.models import DialogState, LoginAttempt, PendingMessage, Session
from db.settings import update_setting
from tests.harness import BotHarness, login_as

ALICE, ALICE_PHONE, ALICE_TABLET, STRANGER, BOB = 9101, 9102, 9103, 9104, 9105
EMAIL = "alice.lifecycle@example.com"
ENTRY = "entry-marker-4f1c: the interview went badly"
DRAFT = "draft-marker-9a2e: half a thought"
KEPT = "kept-marker-77d0: written while the session had expired"


async def _tables(db: Database) -> list[str]:
    """Every table in the database (not only the models): a future table is walked too."""
    async with db.sessions() as s:
        rows = await s.execute(
            text(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' "
                "AND table_name <> 'alembic_version'"
            )
        )
        return sorted(rows.scalars())


async def _mentions(db: Database, needles: list[str]) -> dict[str, int]:
    """Rows per table whose text (every column, JSONB included) holds any needle."""
    found: dict[str, int] = {}
    async with db.sessions() as s:
        for table in await _tables(db):
            count = await s.scalar(
                text(
                    f'SELECT count(*) FROM "{table}" AS t WHERE lower(t::text) LIKE ANY (:patterns)'
                ),
                {"patterns": [f"%{n.lower()}%" for n in needles]},
            )
            if count:
                found[table] = int(count)
    return found


async def test_deleting_the_account_leaves_nothing_that_names_the_user(
    bot: BotHarness,
) -> None:
    alice = await login_as(bot.db, ALICE, EMAIL)
    await login_as(bot.db, BOB)
    await bot.say(ALICE, ENTRY, contains="Saved")
    async with bot.db.sessions.begin() as s:
        await goals.create_goal(s, alice, "Practise answers", source=GoalSource.USER_CREATED)
        await metrics.record_metric(s, alice, "resilience", 6, "rough day")
        await update_setting(s, alice, "notification_preferences", "pushNotifications", True)
        await reminders.reschedule(s, alice, now=utc_now())
        # Two more Telegram accounts logged in to Alice: one mid-draft, one expired.
        for other in (ALICE_PHONE, ALICE_TABLET):
            await accounts.start_session(
                s, user_id=alice, telegram_user_id=other, chat_id=other, days=30
            )
    await bot.say(ALICE_PHONE, "/write", contains="Go ahead")
    await bot.say(ALICE_PHONE, DRAFT, contains="Got it")
    async with bot.db.sessions.begin() as s:
        tablet = await accounts.get_link(s, ALICE_TABLET)
        assert tablet is not None and tablet.session_id is not None
        await s.execute(
            update(Session)
            .where(Session.id == tablet.session_id)
            .values(expires_at=utc_now() - timedelta(minutes=1))
        )
    await bot.say(ALICE_TABLET, KEPT, contains="kept your message")
    # A stranger guessing Alice's password, left at the password step.
    await bot.say(STRANGER, "/start", contains="account")
    await bot.press(STRANGER, "Log in", contains="email")
    await bot.say(STRANGER, EMAIL, contains="password")
    await bot.say(STRANGER, "not her password", contains="don't match")

    needles = [str(alice), EMAIL, ENTRY, DRAFT, KEPT]
    before = await _mentions(bot.db, needles)
    # The walk does see the user everywhere the bot keeps something of hers.
    assert {
        "users",
        "journals",
        "entries",
        "goals",
        "metrics",
        "user_settings",
        "user_info",
        "sessions",
        "reminder_schedules",
        "telegram_accounts",
        "dialog_states",
        "pending_messages",
        "login_attempts",
    } <= set(before)

    await bot.say(ALICE, "/deleteaccount", contains="Delete your account?")
    await bot.press(ALICE, "Delete everything", contains="have been deleted")

    assert await _mentions(bot.db, needles) == {}
    # Bob is untouched, and the stranger's next message is not taken as a password.
    await bot.say(BOB, "Bob is fine", contains="Saved")
    reply = await bot.say(STRANGER, "hello")
    assert "password" not in reply.plain_text


async def test_kept_messages_are_capped_and_the_user_is_told(bot: BotHarness) -> None:
    for i in range(dialogs.MAX_PENDING_MESSAGES):
        await bot.say(STRANGER, f"note {i}", contains="kept your")
    refused = await bot.say(STRANGER, "one too many", contains="did not keep")
    assert f"at most {dialogs.MAX_PENDING_MESSAGES} messages" in refused.plain_text
    async with bot.db.sessions() as s:
        count = await s.scalar(select(func.count()).select_from(PendingMessage))
    assert count == dialogs.MAX_PENDING_MESSAGES

    # Characters too: a few long messages fill the allowance before the count does.
    long_text = "x" * 4000
    sent = 0
    while True:
        reply = await bot.say(BOB, long_text)
        if "did not keep" in reply.plain_text:
            break
        sent += 1
    assert sent == dialogs.MAX_PENDING_CHARS // 4000
    async with bot.db.sessions() as s:
        chars = await s.scalar(
            select(func.sum(func.length(PendingMessage.content))).where(
                PendingMessage.telegram_user_id == BOB
            )
        )
    assert chars is not None and chars <= dialogs.MAX_PENDING_CHARS


async def test_expired_kept_messages_are_not_saved_at_login(bot: BotHarness) -> None:
    await bot.say(STRANGER, "an old note", contains="kept your")
    await bot.say(STRANGER, "a fresh note", contains="kept your")
    async with bot.db.sessions.begin() as s:
        await s.execute(
            update(PendingMessage)
            .where(PendingMessage.content == "an old note")
            .values(created_at=utc_now() - dialogs.PENDING_TTL - timedelta(minutes=1))
        )
    async with bot.db.sessions.begin() as s:
        kept = await dialogs.take_pending(s, STRANGER)
    assert [p.content for p in kept] == ["a fresh note"]


async def test_one_clean_up_job_sweeps_dialogs_kept_messages_and_failed_logins(
    db: Database,
) -> None:
    old = utc_now() - timedelta(days=30)
    async with db.sessions.begin() as s:
        await dialogs.set_dialog(
            s, 1, "register", "first_name", {"email": "a@example.com", "password_hash": "$2b$x"}
        )
        await dialogs.set_dialog(s, 2, "register", "email")
        await dialogs.keep_pending(s, 1, "stale")
        await dialogs.keep_pending(s, 2, "fresh")
        s.add(LoginAttempt(telegram_user_id=1, email="a@example.com", created_at=old))
        s.add(LoginAttempt(telegram_user_id=2, email="b@example.com"))
        await s.flush()
        await s.execute(
            update(DialogState).where(DialogState.telegram_user_id == 1).values(updated_at=old)
        )
        await s.execute(
            update(PendingMessage)
            .where(PendingMessage.telegram_user_id == 1)
            .values(created_at=old)
        )
    async with db.sessions.begin() as s:
        swept = await sweep(s)
    assert swept is not None
    assert (swept.dialogs, swept.pending_messages, swept.login_attempts) == (1, 1, 1)
    async with db.sessions() as s:
        assert [d.telegram_user_id for d in (await s.execute(select(DialogState))).scalars()] == [2]
        assert list((await s.execute(select(PendingMessage.content))).scalars()) == ["fresh"]
        emails = list((await s.execute(select(LoginAttempt.email))).scalars())
        assert emails == ["b@example.com"]
        # The abandoned registration's hash went with its dialog.
        assert "$2b$x" not in str(
            (await s.execute(text("SELECT d::text FROM dialog_states d"))).all()
        )


async def test_the_running_bot_schedules_the_clean_up_once(bot: BotHarness) -> None:
    assert bot.app.job_queue is not None
    jobs = [j for j in bot.app.job_queue.jobs() if j.callback is housekeeping.clean_up]
    assert len(jobs) == 1
    # Run it now, as the scheduler would.
    async with bot.db.sessions.begin() as s:
        await dialogs.set_dialog(s, STRANGER, "register", "password", {"email": "x@example.com"})
        await s.execute(update(DialogState).values(updated_at=utc_now() - timedelta(days=2)))
    await jobs[0].run(bot.app)
    async with bot.db.sessions() as s:
        assert await s.get(DialogState, STRANGER) is None
