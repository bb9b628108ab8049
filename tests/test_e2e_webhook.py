"""The same handlers in webhook mode: the fake Bot API POSTs updates to the bot."""

from __future__ import annotations

import socket

from db.database import Database
from fake_telegram.server import FakeBotAPI
from tests.harness import running_bot


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_register_and_journal_in_webhook_mode(
    db: Database, database_url: str, fast_bcrypt: None
) -> None:
    port = _free_port()
    fake = FakeBotAPI()
    await fake.start()
    try:
        async with running_bot(
            db,
            database_url,
            fake=fake,
            webhook_url=f"http://127.0.0.1:{port}/hook",
            webhook_listen="127.0.0.1",
            webhook_port=port,
            webhook_path="hook",
            webhook_secret="s3cret-token_value",
        ) as bot:
            hook = await fake.wait_for_call("setWebhook")
            assert hook.params["url"] == f"http://127.0.0.1:{port}/hook"
            assert hook.params["secret_token"] == "s3cret-token_value"
            await bot.register(4001, "hook@example.com")
            reply = await bot.say(4001, "Written through a webhook", contains="Saved")
            assert "My Journal" in reply.plain_text
            assert not any(c.method == "getUpdates" for c in fake.calls)
    finally:
        await fake.stop()
