"""Names, zones and wording a new user meets, end to end: the account's first name in
greetings, places as time zones at sign-up, what /logout leads to, and a way out of a
mistyped email at login."""

from __future__ import annotations

from sqlalchemy import select

from db.models import User, UserInfo
from tests.harness import BotHarness

ALEX = 3201
PASSWORD = "correct horse battery"


async def _zone_of(bot: BotHarness, email: str) -> str:
    async with bot.db.sessions() as s:
        zone = await s.scalar(
            select(UserInfo.timezone)
            .join(User, User.id == UserInfo.user_id)
            .where(User.email == email)
        )
    assert zone is not None
    return zone


async def _sign_up_until_zone(bot: BotHarness, email: str, first: str) -> None:
    await bot.say(ALEX, "/start", contains="account")
    await bot.press(ALEX, "Create account", contains="email")
    await bot.say(ALEX, email, contains="password")
    await bot.say(ALEX, PASSWORD, contains="first name")
    await bot.say(ALEX, first, contains="last name")
    prompt = await bot.say(ALEX, "Smith", contains="time zone")
    assert "Paris" in prompt.plain_text  # says that places work


async def test_greetings_use_the_accounts_first_name_not_telegrams(bot: BotHarness) -> None:
    await _sign_up_until_zone(bot, "alex@example.com", "Alex")
    welcome = await bot.say(ALEX, "paris", contains="Welcome")
    assert "Welcome, Alex!" in welcome.plain_text
    assert "Europe/Paris" in welcome.plain_text and "there now" in welcome.plain_text
    assert await _zone_of(bot, "alex@example.com") == "Europe/Paris"

    again = await bot.say(ALEX, "/start", contains="Welcome back")
    assert "Welcome back, Alex!" in again.plain_text  # the fake Telegram name is "Test"
    assert "Test" not in again.plain_text

    await bot.say(ALEX, "/logout", contains="logged out")
    await bot.press(ALEX, "Log in", contains="email")
    await bot.say(ALEX, "alex@example.com", contains="password")
    back = await bot.say(ALEX, PASSWORD, contains="logged in")
    assert back.plain_text.startswith("Welcome back, Alex!")


async def test_sign_up_offers_buttons_for_an_ambiguous_place(bot: BotHarness) -> None:
    await _sign_up_until_zone(bot, "alex@example.com", "Alex")
    unknown = await bot.say(ALEX, "Qwertyville", contains="don't know")
    assert "Qwertyville" in unknown.plain_text
    choice = await bot.say(ALEX, "Portland", contains="several places")
    oregon = next(label for label in choice.button_texts() if ", OR," in label)
    welcome = await bot.press(ALEX, oregon, contains="Welcome")
    assert "America/Los_Angeles" in welcome.plain_text
    assert await _zone_of(bot, "alex@example.com") == "America/Los_Angeles"


async def test_writing_after_logout_says_logged_out_and_how_to_come_back(
    bot: BotHarness,
) -> None:
    await bot.register(ALEX, "alex@example.com", PASSWORD, first="Alex")
    await bot.say(ALEX, "/logout", contains="logged out")
    reply = await bot.say(ALEX, "Hello again", contains="kept")
    assert "You're logged out" in reply.plain_text
    assert "not logged in yet" not in reply.plain_text
    assert reply.button_texts() == ["Create account", "Log in"]


async def test_a_mistyped_email_at_login_can_be_changed_with_a_button(bot: BotHarness) -> None:
    await bot.register(ALEX, "alex@example.com", PASSWORD, first="Alex")
    await bot.say(ALEX, "/logout", contains="logged out")
    await bot.press(ALEX, "Log in", contains="email")
    await bot.say(ALEX, "alx@example.com", contains="password")
    wrong = await bot.say(ALEX, PASSWORD, contains="don't match")
    assert wrong.button_texts() == ["✉️ Use another email", "🆕 Create an account"]
    await bot.press(ALEX, "✉️ Use another email", contains="email")
    await bot.say(ALEX, "alex@example.com", contains="password")
    await bot.say(ALEX, PASSWORD, contains="Welcome back, Alex!")


async def test_sign_up_takes_the_time_zone_from_a_shared_location(bot: BotHarness) -> None:
    await _sign_up_until_zone(bot, "alex@example.com", "Alex")
    sent = await bot.fake.send_location(ALEX, 40.4168, -3.7038)  # Madrid
    welcome = await bot.fake.wait_for_message(ALEX, after=sent, contains="Welcome")
    assert "Europe/Madrid" in welcome.plain_text and "there now" in welcome.plain_text
    assert await _zone_of(bot, "alex@example.com") == "Europe/Madrid"


async def test_a_location_from_someone_logged_out_asks_to_log_in(bot: BotHarness) -> None:
    sent = await bot.fake.send_location(ALEX, 40.4168, -3.7038)
    reply = await bot.fake.wait_for_message(ALEX, after=sent, contains="logged in")
    assert reply.button_texts() == ["Create account", "Log in"]
