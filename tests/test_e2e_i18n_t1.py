"""Accounts in the user's language, end to end: the German sign-up from /start to the
welcome, a Russian login that fails, and the group note in the sender's language."""

from __future__ import annotations

from sqlalchemy import select

from core.callback_data import encode
from db.models import TelegramAccount, User, UserInfo
from fake_telegram.server import ChatMessage
from tests.harness import BotHarness

TG = 8900  # Telegram ids of this module: 8900, 8901, ...
GROUP = -8900


async def say_in(
    bot: BotHarness, user: int, text: str, language: str, contains: str | None = None
) -> ChatMessage:
    sent = await bot.fake.send_text(user, text, language_code=language, first_name="Erika")
    return await bot.fake.wait_for_message(user, after=sent, contains=contains, timeout=15)


async def test_sign_up_in_german_from_start_to_welcome(bot: BotHarness) -> None:
    hello = await say_in(bot, TG, "/start", "de", contains="Hast du schon ein Konto?")
    assert hello.plain_text.startswith("Hallo Erika! Ich bin dein Growth-Mindset-Tagebuch.")
    assert hello.button_texts() == ["Konto erstellen", "Anmelden"]

    await bot.press(TG, "Konto erstellen", contains="Lass uns dein Konto erstellen")
    wrong = await say_in(bot, TG, "keine-adresse", "de")
    assert "Das sieht nicht nach einer E-Mail-Adresse aus" in wrong.plain_text
    asked = await say_in(bot, TG, "erika@example.com", "de", contains="Passwort")
    assert "mindestens 8 Zeichen" in asked.plain_text
    short = await say_in(bot, TG, "kurz", "de")
    assert short.plain_text.startswith("Das Passwort ist zu kurz")
    await say_in(bot, TG, "ein sehr gutes Passwort", "de", contains="Wie ist dein Vorname?")
    await say_in(bot, TG, "Erika", "de", contains="Und dein Nachname?")
    zone = await say_in(bot, TG, "Mustermann", "de", contains="Letzter Schritt: deine Zeitzone")
    assert "UTC" in zone.button_texts() and "(📎 → Standort)" in zone.plain_text

    unknown = await say_in(bot, TG, "Mars/Olympus", "de")
    assert "Einen Ort oder eine Zeitzone namens „Mars/Olympus“ kenne ich nicht" in (
        unknown.plain_text
    )
    # A country with two zones: its choices carry the country's German name.
    choices = await say_in(bot, TG, "Germany", "de", contains="Welcher ist deiner?")
    assert any(b.startswith("Deutschland (Berlin) · ") for b in choices.button_texts())
    welcome = await bot.press(TG, "Deutschland (Berlin)", contains="Willkommen")
    assert welcome.plain_text.startswith("Willkommen, Erika! Dein Konto ist bereit")
    assert "🌍 Zeitzone auf Europe/Berlin gesetzt — dort ist es jetzt" in welcome.plain_text
    assert "Du kannst sie jederzeit unter /profile ändern." in welcome.plain_text

    async with bot.db.sessions() as s:
        user = (await s.execute(select(User).where(User.email == "erika@example.com"))).scalar_one()
        info = (await s.execute(select(UserInfo).where(UserInfo.user_id == user.id))).scalar_one()
        assert (info.first_name, info.last_name, info.timezone) == (
            "Erika",
            "Mustermann",
            "Europe/Berlin",
        )
        account = await s.get(TelegramAccount, TG)
        assert account is not None and account.user_id == user.id

    # Logged in: a second sign-up press is refused, a forged one has expired, in German.
    again = await say_in(bot, TG, "/start", "de", contains="Willkommen zurück, Erika!")
    assert "Schreib mir einfach" in again.plain_text
    toast = await bot.press_data(TG, hello.message_id, encode("acc", arg="new"))
    assert toast == "Du bist schon angemeldet. Sende zuerst /logout, um das Konto zu wechseln."
    forged = await bot.press_data(TG, hello.message_id, encode("acc", arg="other"))
    assert forged == "Dieser Button ist abgelaufen."
    bye = await say_in(bot, TG, "/logout", "de", contains="Du bist abgemeldet")
    assert bye.button_texts() == ["Konto erstellen", "Anmelden"]


async def test_a_failed_login_is_explained_in_russian(bot: BotHarness) -> None:
    hello = await say_in(bot, TG + 1, "/start", "ru", contains="У тебя уже есть аккаунт?")
    assert hello.plain_text.startswith("Привет, Erika!")
    assert hello.button_texts() == ["Создать аккаунт", "Войти"]
    await bot.press(TG + 1, "Войти", contains="Войди с почтой и паролем")
    await say_in(bot, TG + 1, "olga@example.com", "ru", contains="А пароль?")
    refused = await say_in(bot, TG + 1, "не тот пароль", "ru", contains="не совпадают")
    assert refused.plain_text.startswith("Почта и пароль не совпадают.")
    assert refused.button_texts() == ["✉️ Другая почта", "🆕 Создать аккаунт"]
    async with bot.db.sessions() as s:
        account = await s.get(TelegramAccount, TG + 1)
        assert account is not None and account.user_id is None
    unknown = await say_in(bot, TG + 1, "/nonsense", "ru", contains="/nonsense")
    assert (
        unknown.plain_text
        == "Не знаю команду /nonsense. Отправь /help, чтобы посмотреть, что я умею."
    )


async def test_the_group_note_speaks_the_senders_language(bot: BotHarness) -> None:
    bot.fake.add_group(GROUP)
    await bot.fake.send_text(TG + 2, "/start", chat_id=GROUP, language_code="de")
    await bot.fake.settle(quiet=0.5)
    [note] = bot.fake.messages(GROUP)
    assert note.plain_text.startswith("Ich bin ein privates Tagebuch")
    assert note.button_texts() == ["Privaten Chat öffnen"]
