"""End-to-end harness: the real Application, polling a fake Bot API on 127.0.0.1."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from telegram.ext import Application

from bot.app import build_application
from bot.config import Settings
from bot.inbox import Inbox
from bot.runner import serving
from db.database import Database
from fake_telegram.server import ChatMessage, FakeBotAPI


@dataclass
class BotHarness:
    fake: FakeBotAPI
    app: Application  # type: ignore[type-arg]
    db: Database
    inbox: Inbox

    async def say(
        self, user_id: int, text: str, *, contains: str | None = None, wait: float = 15
    ) -> ChatMessage:
        """The user sends ``text``; returns the bot's next message (containing ``contains``)."""
        message_id = await self.fake.send_text(user_id, text)
        return await self.fake.wait_for_message(
            user_id, after=message_id, contains=contains, timeout=wait
        )

    async def press(
        self, user_id: int, button_text: str, *, contains: str | None = None
    ) -> ChatMessage:
        """Press a button on the latest message that has it; returns the next matching message."""
        mark = max((m.changed_seq for m in self.fake.history(user_id)), default=0)
        await self.fake.press_button(user_id, button_text)
        return await self.fake.wait_for_message(
            user_id, contains=contains, predicate=lambda m: m.changed_seq > mark, timeout=15
        )

    async def press_data(self, user_id: int, message_id: int, data: str) -> str:
        """Press (or forge) a button by its callback data; returns the toast text shown."""
        query = await self.fake.press(user_id, message_id, data)
        call = await self.fake.wait_for_call(
            "answerCallbackQuery", lambda c: c.params.get("callback_query_id") == query
        )
        return str(call.params.get("text") or "")

    async def register(
        self,
        user_id: int,
        email: str,
        password: str = "correct horse battery",
        *,
        first: str = "Ada",
        last: str = "Lovelace",
        zone: str = "UTC",
    ) -> None:
        """Walk the create-account dialog to a logged-in state."""
        await self.say(user_id, "/start", contains="account")
        await self.press(user_id, "Create account", contains="email")
        await self.say(user_id, email, contains="password")
        await self.say(user_id, password, contains="first name")
        await self.say(user_id, first, contains="last name")
        await self.say(user_id, last, contains="time zone")
        if zone in {"UTC", "Europe/Berlin", "Asia/Tokyo"}:
            await self.press(user_id, zone, contains="Welcome")
        else:
            await self.say(user_id, zone, contains="Welcome")
        await self.fake.settle(quiet=0.2)


async def login_as(
    db: Database,
    telegram_user_id: int,
    email: str | None = None,
    *,
    first: str = "Ada",
    last: str = "Lovelace",
    zone: str = "UTC",
) -> uuid.UUID:
    """Create a user and log this Telegram account in, straight in the database (fast
    set-up for feature tests; the account dialogs have their own tests)."""
    from db import accounts

    async with db.sessions.begin() as s:
        user = await accounts.create_user(
            s,
            email=email or f"user{telegram_user_id}@example.com",
            password_hash="$2b$04$notarealhashnotarealhashnotarealhashnotarealhashnot",
            first_name=first,
            last_name=last,
            timezone=zone,
        )
        await accounts.start_session(
            s, user_id=user.id, telegram_user_id=telegram_user_id, chat_id=telegram_user_id, days=30
        )
        return user.id


def settings_for(fake: FakeBotAPI, database_url: str, **overrides: Any) -> Settings:
    return Settings(
        bot_token=fake.token,  # type: ignore[arg-type]
        database_url=database_url,
        telegram_base_url=fake.base_url,
        telegram_base_file_url=fake.base_file_url,
        **overrides,
    )


@contextlib.asynccontextmanager
async def running_bot(
    db: Database, database_url: str, *, fake: FakeBotAPI | None = None, **overrides: Any
) -> AsyncIterator[BotHarness]:
    """The real application, receiving through the inbox exactly as ``python -m bot`` does
    (reminders are left to their own tests)."""
    own_fake = fake is None
    fake = fake or FakeBotAPI()
    if own_fake:
        await fake.start()
    settings = settings_for(fake, database_url, **overrides)
    app = build_application(settings, db)
    try:
        async with serving(app, settings, db, reminders=False) as workers:
            workers.track = True
            fake.bot_busy = workers.busy
            try:
                yield BotHarness(fake, app, db, workers)
            finally:
                fake.bot_busy = None
    finally:
        if own_fake:
            await fake.stop()
