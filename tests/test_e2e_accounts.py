"""Accounts end to end: the real Application against the fake Bot API."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from core.clock import utc_now
from db.models import LoginAttempt, Session, TelegramAccount, User, UserInfo, UserSettings
from tests.harness import BotHarness, running_bot

ALICE = 1001
BOB = 1002


async def test_start_offers_to_create_an_account_or_log_in(bot: BotHarness) -> None:
    reply = await bot.say(ALICE, "/start")
    assert "account" in reply.plain_text
    assert reply.button_texts() == ["Create account", "Log in"]


async def test_register_creates_user_profile_settings_and_journal(bot: BotHarness) -> None:
    await bot.say(ALICE, "/start")
    await bot.press(ALICE, "Create account", contains="email")
    assert "doesn't look like an email" in (await bot.say(ALICE, "not-an-email")).plain_text
    await bot.say(ALICE, "Alice@Example.com", contains="password")
    pw_id = await bot.fake.send_text(ALICE, "short")
    reply = await bot.fake.wait_for_message(ALICE, after=pw_id, contains="too short")
    assert bot.fake.user_message(ALICE, pw_id).deleted  # type: ignore[union-attr]
    pw_id = await bot.fake.send_text(ALICE, "a very good password")
    reply = await bot.fake.wait_for_message(ALICE, after=pw_id, contains="first name")
    assert bot.fake.user_message(ALICE, pw_id).deleted  # type: ignore[union-attr]
    await bot.say(ALICE, "Alice", contains="last name")
    reply = await bot.say(ALICE, "Liddell", contains="time zone")
    assert "UTC" in reply.button_texts()
    assert "don't know a place or time zone" in (await bot.say(ALICE, "Mars/Olympus")).plain_text
    welcome = await bot.say(ALICE, "Europe/Paris", contains="Welcome")
    assert "My Journal" in welcome.plain_text

    async with bot.db.sessions() as s:
        # Stored as typed, as the web app stores it.
        user = (await s.execute(select(User).where(User.email == "Alice@Example.com"))).scalar_one()
        assert user.password_hash.startswith("$2b$")
        assert "a very good password" not in user.password_hash
        info = (await s.execute(select(UserInfo).where(UserInfo.user_id == user.id))).scalar_one()
        assert (info.first_name, info.last_name, info.timezone) == (
            "Alice",
            "Liddell",
            "Europe/Paris",
        )
        assert await s.scalar(select(func.count()).where(UserSettings.user_id == user.id)) == 1
        account = await s.get(TelegramAccount, ALICE)
        assert account is not None and account.user_id == user.id
        assert account.active_journal_id is not None
        session = await s.get(Session, account.session_id)
        assert session is not None and len(session.token) >= 40
    # The password never reached a message or the dialog table.
    for call in bot.fake.calls:
        assert "a very good password" not in str(call.params)


async def test_register_with_a_taken_email_does_not_say_so_up_front(bot: BotHarness) -> None:
    await bot.register(ALICE, "taken@example.com")
    for email in ("free@example.com", "Taken@Example.com"):
        await bot.say(BOB, "/start")
        await bot.press(BOB, "Create account", contains="email")
        # The same answer whether the address is free or taken.
        reply = await bot.say(BOB, email)
        assert reply.plain_text.startswith("Thanks! Now choose a password")
        await bot.say(BOB, "/cancel", contains="Cancelled")
    await bot.say(BOB, "/start")
    await bot.press(BOB, "Create account", contains="email")
    await bot.say(BOB, "TAKEN@example.com", contains="password")
    refused = await bot.say(BOB, "not alices password", contains="couldn't create")
    assert "Log in" in refused.button_texts()
    assert "already an account" not in refused.plain_text
    async with bot.db.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(User)) == 1
        account = await s.get(TelegramAccount, BOB)
        assert account is not None and account.user_id is None
        # The refusal cost a failed login against the address.
        rows = select(LoginAttempt.kind, LoginAttempt.email).where(
            LoginAttempt.telegram_user_id == BOB
        )
        assert sorted((await s.execute(rows)).all()) == [
            ("login", "taken@example.com"),
            ("register", "free@example.com"),
            ("register", "taken@example.com"),
            ("register", "taken@example.com"),
        ]


async def test_register_with_own_address_and_password_logs_in(bot: BotHarness) -> None:
    await bot.register(ALICE, "mine@example.com", "correct horse battery")
    await bot.say(ALICE, "/logout", contains="logged out")
    await bot.say(ALICE, "/start")
    await bot.press(ALICE, "Create account", contains="email")
    await bot.say(ALICE, "Mine@Example.com", contains="password")
    await bot.say(ALICE, "correct horse battery", contains="you're logged in")
    async with bot.db.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(User)) == 1
        account = await s.get(TelegramAccount, ALICE)
        assert account is not None and account.user_id is not None


async def test_login_logout_and_wrong_password(bot: BotHarness) -> None:
    await bot.register(ALICE, "ada@example.com", "correct horse battery")
    await bot.say(ALICE, "/logout", contains="logged out")

    # Another Telegram account of the same person logs in to the same user.
    for telegram_user in (ALICE, BOB):
        await bot.say(telegram_user, "/start")
        await bot.press(telegram_user, "Log in", contains="email")
        await bot.say(telegram_user, "ada@example.com", contains="password")
        wrong = await bot.say(telegram_user, "wrong password!", contains="don't match")
        assert "again" in wrong.plain_text
        await bot.say(telegram_user, "correct horse battery", contains="logged in")

    async with bot.db.sessions() as s:
        a, b = await s.get(TelegramAccount, ALICE), await s.get(TelegramAccount, BOB)
        assert a is not None and b is not None and a.user_id == b.user_id is not None
        assert a.session_id != b.session_id

    await bot.say(BOB, "/logout", contains="logged out")
    async with bot.db.sessions() as s:
        b = await s.get(TelegramAccount, BOB)
        assert b is not None and b.user_id is None and b.session_id is None
        assert await s.scalar(select(func.count()).select_from(Session)) == 1
    assert "weren't logged in" in (await bot.say(BOB, "/logout")).plain_text


async def test_failures_bring_growing_delays_not_a_lock(bot: BotHarness) -> None:
    await bot.register(ALICE, "lock@example.com", "correct horse battery")
    await bot.say(ALICE, "/logout")
    await bot.say(BOB, "/start")
    await bot.press(BOB, "Log in", contains="email")
    await bot.say(BOB, "lock@example.com", contains="password")
    for _ in range(4):
        await bot.say(BOB, "guess guess guess", contains="don't match")
    delayed = await bot.say(BOB, "guess guess guess", contains="Too many")
    assert "wait 1 minute " in delayed.plain_text

    # Even the right password waits now, from this account...
    await bot.press(BOB, "Log in", contains="Too many")
    # ...and for this email from another account that never logged in to it.
    carol = 1003
    await bot.say(carol, "/start")
    await bot.press(carol, "Log in", contains="email")
    assert "Too many" in (await bot.say(carol, "lock@example.com")).plain_text

    # A minute later one more try is allowed; failing it doubles the wait.
    await _age_attempts(bot, timedelta(minutes=1, seconds=1))
    await bot.press(BOB, "Log in", contains="email")
    await bot.say(BOB, "lock@example.com", contains="password")
    assert "wait 2 minutes" in (await bot.say(BOB, "guess again!", contains="Too many")).plain_text
    await _age_attempts(bot, timedelta(minutes=2, seconds=1))
    await bot.press(BOB, "Log in", contains="email")
    await bot.say(BOB, "lock@example.com", contains="password")
    await bot.say(BOB, "correct horse battery", contains="logged in")


async def _age_attempts(bot: BotHarness, by: timedelta) -> None:
    async with bot.db.sessions.begin() as s:
        await s.execute(update(LoginAttempt).values(created_at=LoginAttempt.created_at - by))


async def test_expired_session_keeps_what_was_written(bot: BotHarness) -> None:
    await bot.register(ALICE, "exp@example.com", "correct horse battery")
    async with bot.db.sessions.begin() as s:
        await s.execute(update(Session).values(expires_at=utc_now() - timedelta(minutes=1)))
    reply = await bot.say(ALICE, "Today I finally <finished> the draft", contains="expired")
    assert "kept your message" in reply.plain_text
    async with bot.db.sessions() as s:
        from db.models import PendingMessage

        pending = (await s.execute(select(PendingMessage))).scalars().all()
        assert [p.content for p in pending] == ["Today I finally &lt;finished&gt; the draft"]


async def test_cancel_leaves_any_dialog(bot: BotHarness) -> None:
    await bot.say(ALICE, "/start")
    await bot.press(ALICE, "Create account", contains="email")
    assert "Cancelled" in (await bot.say(ALICE, "/cancel")).plain_text
    assert "nothing to cancel" in (await bot.say(ALICE, "/cancel")).plain_text
    # The next text is not taken as an email.
    reply = await bot.say(ALICE, "alice@example.com")
    assert "not logged in" in reply.plain_text


async def test_unknown_command_and_forged_button(bot: BotHarness) -> None:
    assert "/help" in (await bot.say(ALICE, "/frobnicate")).plain_text
    assert "expired" in await bot.press_data(ALICE, 999, "zz:AAAAAAAAAAAAAAAAAAAAAA:")
    assert "expired" in await bot.press_data(ALICE, 999, "acc::bogus")


async def test_help_lists_commands_grouped(bot: BotHarness) -> None:
    text = (await bot.say(ALICE, "/help")).plain_text
    assert "Getting started" in text and "/cancel" in text and "/logout" in text


async def test_command_menu_is_best_effort(
    db: object, database_url: str, fast_bcrypt: None
) -> None:
    from fake_telegram.server import FakeBotAPI

    fake = FakeBotAPI()
    fake.unsupported.add("setMyCommands")
    await fake.start()
    try:
        async with running_bot(db, database_url, fake=fake) as harness:  # type: ignore[arg-type]
            assert "account" in (await harness.say(ALICE, "/start")).plain_text
    finally:
        await fake.stop()


async def test_menu_is_published(bot: BotHarness) -> None:
    call = await bot.fake.wait_for_call("setMyCommands")
    names = [c["command"] for c in call.params["commands"]]
    assert {"start", "help", "cancel", "logout"} <= set(names)


async def test_sign_up_attempts_are_rate_limited(bot: BotHarness) -> None:
    """Probing addresses through the sign-up dialog slows down like guessing passwords."""
    for i in range(5):
        await bot.say(BOB, "/start")
        await bot.press(BOB, "Create account", contains="email")
        await bot.say(BOB, f"probe{i}@example.com", contains="choose a password")
    await bot.say(BOB, "/cancel")
    await bot.say(BOB, "/start")
    assert "wait 1 minute " in (await bot.press(BOB, "Create account")).plain_text
    await _age_attempts(bot, timedelta(minutes=1, seconds=1))
    await bot.press(BOB, "Create account", contains="email")
    await bot.say(BOB, "probe5@example.com", contains="choose a password")
    # Each further address doubles the wait.
    assert "wait 2 minutes" in (await bot.press(BOB, "Create account")).plain_text
