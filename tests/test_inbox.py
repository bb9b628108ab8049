"""The durable inbox with real bot processes on a real database: kill -9 and SIGTERM in
the middle of a burst, two instances sharing the work, re-deliveries, poison updates
and forged webhook requests."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from db import inbox
from db.database import Database
from db.models import BotUpdate, Entry, Journal, User
from db.prepared import driver_connection
from fake_telegram.server import FakeBotAPI
from tests.harness import login_as, running_bot

ROOT = Path(__file__).resolve().parent.parent
SECRET = "test-webhook-secret"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class BotProcess:
    """``python -m bot run`` in its own process, against the fake Bot API."""

    def __init__(self, fake: FakeBotAPI, database_url: str, tmp: Path, **env: str) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self.env = {
            **os.environ,
            "BOT_TOKEN": fake.token,
            "DATABASE_URL": database_url,
            "TELEGRAM_BASE_URL": fake.base_url,
            "TELEGRAM_BASE_FILE_URL": fake.base_file_url,
            "TELEGRAM_MESSAGES_PER_SECOND": "5000",
            "WEBHOOK_URL": self.url,
            "WEBHOOK_LISTEN": "127.0.0.1",
            "WEBHOOK_PORT": str(self.port),
            "WEBHOOK_PATH": "hook",
            "WEBHOOK_SECRET": SECRET,
            "DATA_DIR": str(tmp),
            "LOG_LEVEL": "WARNING",
            "SHUTDOWN_GRACE_SECONDS": "10",
            **env,
        }
        self.log = tmp / f"bot-{self.port}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    async def ready(self, seconds: float = 30) -> None:
        """Until the webhook server answers (a 403: the probe has no secret)."""
        deadline = time.monotonic() + seconds
        async with aiohttp.ClientSession() as http:
            while time.monotonic() < deadline:
                assert self.proc is not None and self.proc.poll() is None, self.log.read_text()
                try:
                    async with http.post(self.url, json={}) as resp:
                        if resp.status == 403:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
        raise AssertionError("the bot did not start: " + self.log.read_text())

    def signal(self, sig: int) -> None:
        assert self.proc is not None
        self.proc.send_signal(sig)

    async def exit_code(self, seconds: float = 30) -> int:
        assert self.proc is not None
        deadline = time.monotonic() + seconds
        while self.proc.poll() is None:
            assert time.monotonic() < deadline, "the bot did not exit"
            await asyncio.sleep(0.05)
        return int(self.proc.returncode)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
async def processes() -> AsyncIterator[list[BotProcess]]:
    started: list[BotProcess] = []
    yield started
    for proc in started:
        proc.kill()


async def _entries_by_user(db: Database) -> dict[int, list[str]]:
    """Each Telegram user's entry texts, oldest first (users are named after their id)."""
    async with db.sessions() as s:
        rows = (
            await s.execute(
                select(User.email, Entry.content)
                .join(Journal, Journal.user_id == User.id)
                .join(Entry, Entry.journal_id == Journal.id)
                .order_by(Entry.created_at)
            )
        ).all()
    result: dict[int, list[str]] = defaultdict(list)
    for email, content in rows:
        result[int(email.removeprefix("user").split("@")[0])].append(content)
    return result


async def _wait_for_entries(db: Database, expected: int, seconds: float) -> int:
    deadline = time.monotonic() + seconds
    count = 0
    while time.monotonic() < deadline:
        async with db.sessions() as s:
            count = int(await s.scalar(select(func.count()).select_from(Entry)) or 0)
        if count >= expected:
            return count
        await asyncio.sleep(0.2)
    return count


def _assert_each_once_in_order(got: dict[int, list[str]], sent: dict[int, list[str]]) -> None:
    for user, texts in sent.items():
        assert got.get(user, []) == texts, f"chat {user}: lost, doubled or out of order"


async def _burst_then(
    db: Database,
    database_url: str,
    tmp_path: Path,
    processes: list[BotProcess],
    stop: int,
) -> None:
    """20 chats x 50 messages through the webhook; once some were acknowledged the bot
    gets ``stop``; a new process finishes the work."""
    users = [7100 + i for i in range(20)]
    for user in users:
        await login_as(db, user)
    async with FakeBotAPI() as fake:
        first = BotProcess(fake, database_url, tmp_path)
        processes.append(first)
        first.start()
        await first.ready()
        await fake.wait_for_call("setWebhook")
        sent: dict[int, list[str]] = defaultdict(list)
        for i in range(50):
            for user in users:
                text = f"burst {user}-{i:02d}"
                sent[user].append(text)
                await fake.send_text(user, text)
        total = 1000
        deadline = time.monotonic() + 60
        while total - fake.undelivered < 300:  # acknowledged by the bot
            assert time.monotonic() < deadline
            await asyncio.sleep(0.01)
        first.signal(stop)
        code = await first.exit_code()
        if stop == signal.SIGTERM:
            assert code == 0, first.log.read_text()
        acknowledged = total - fake.undelivered
        assert acknowledged >= 300

        second = BotProcess(fake, database_url, tmp_path)
        processes.append(second)
        second.start()
        assert await _wait_for_entries(db, total, seconds=180) == total
        await fake.settle(quiet=0.5, timeout=30)
    got = await _entries_by_user(db)
    _assert_each_once_in_order(got, sent)
    async with db.sessions() as s:
        left = await s.scalar(
            select(func.count()).select_from(BotUpdate).where(BotUpdate.state != inbox.DONE)
        )
    assert left == 0


async def test_kill_9_mid_burst_loses_and_doubles_nothing(
    db: Database, database_url: str, tmp_path: Path, processes: list[BotProcess]
) -> None:
    await _burst_then(db, database_url, tmp_path, processes, signal.SIGKILL)


async def test_sigterm_mid_burst_exits_0_and_loses_nothing(
    db: Database, database_url: str, tmp_path: Path, processes: list[BotProcess]
) -> None:
    await _burst_then(db, database_url, tmp_path, processes, signal.SIGTERM)


def _update(update_id: int, chat: int, message_id: int, text: str) -> dict[str, Any]:
    person = {"id": chat, "is_bot": False, "first_name": "Test"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat, "type": "private", "first_name": "Test"},
            "from": person,
            "text": text,
        },
    }


async def _post(http: aiohttp.ClientSession, url: str, update: dict[str, Any]) -> int:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with http.post(url, json=update, headers=headers) as resp:
        return resp.status


async def test_two_instances_share_one_database_in_order_and_redeliveries_change_nothing(
    db: Database, database_url: str, tmp_path: Path, processes: list[BotProcess]
) -> None:
    """Two processes behind one 'load balancer' (round robin): 50 chats x 40 messages,
    each chat's next message sent once the previous one was acknowledged."""
    chats = [7300 + i for i in range(50)]
    for chat in chats:
        await login_as(db, chat)
    async with FakeBotAPI() as fake:
        bots = [BotProcess(fake, database_url, tmp_path) for _ in range(2)]
        processes.extend(bots)
        for proc in bots:
            proc.start()
        for proc in bots:
            await proc.ready()
        sent: dict[int, list[str]] = defaultdict(list)
        updates: list[tuple[dict[str, Any], str]] = []
        turn = 0

        async def chat_sends(index: int, chat: int, http: aiohttp.ClientSession) -> None:
            nonlocal turn
            for i in range(40):
                text = f"shared {chat}-{i:02d}"
                update = _update(100_000 + i * 100 + index, chat, i + 1, text)
                url = bots[turn % 2].url
                turn += 1
                assert await _post(http, url, update) == 200
                sent[chat].append(text)
                updates.append((update, url))

        async with aiohttp.ClientSession() as http:
            await asyncio.gather(*(chat_sends(n, c, http) for n, c in enumerate(chats)))
            assert await _wait_for_entries(db, 2000, seconds=180) == 2000
            await fake.settle(quiet=0.5, timeout=30)
            replies = len([c for c in fake.calls if c.method == "sendMessage"])
            # Telegram re-sends some (e.g. the acknowledgement was lost): to either instance.
            for update, url in updates[::25]:
                other = bots[1].url if url == bots[0].url else bots[0].url
                assert await _post(http, other, update) == 200
            await asyncio.sleep(1.0)
            await fake.settle(quiet=0.5, timeout=30)
        assert len([c for c in fake.calls if c.method == "sendMessage"]) == replies
    got = await _entries_by_user(db)
    _assert_each_once_in_order(got, sent)
    assert sum(len(v) for v in got.values()) == 2000


async def test_a_poison_update_is_set_aside_told_once_and_its_chat_goes_on(
    db: Database, database_url: str, fast_bcrypt: None
) -> None:
    await login_as(db, 7501)
    async with running_bot(db, database_url, inbox_max_attempts=3, inbox_retry_seconds=0.05) as bot:
        # A message python-telegram-bot cannot read (no message_id, no date).
        bot.fake._enqueue(
            "message",
            {
                "chat": {"id": 7501, "type": "private"},
                "from": {"id": 7501, "is_bot": False, "first_name": "T"},
                "text": "broken one",
            },
        )
        await bot.say(7501, "the next message", contains="Saved")
        await bot.fake.settle()
        notices = [
            m for m in bot.fake.history(7501) if "couldn't handle one of your messages" in m.text
        ]
        assert len(notices) == 1
        assert "broken one" in notices[0].plain_text
        async with driver_connection(db.engine) as driver:
            status = await inbox.status(driver)
        assert status.failed == 1 and status.pending == 0
        aside = status.set_aside[0]
        # Not a database or Bot API error: a bug fails alike every time, so one retry.
        assert aside.chat_id == 7501 and aside.attempts == 2
        assert aside.last_error and "broken" not in aside.last_error  # a class, not the text
        async with db.sessions() as s:
            contents = list((await s.execute(select(Entry.content))).scalars())
        assert contents == ["the next message"]


async def _forge(url: str, headers: dict[str, str], update: dict[str, Any]) -> int:
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, json=update, headers=headers) as resp,
    ):
        return resp.status


@pytest.mark.parametrize("configured", [None, "a-configured-secret"])
async def test_forged_webhook_requests_get_403_and_do_nothing(
    db: Database, database_url: str, fast_bcrypt: None, configured: str | None
) -> None:
    victim, attacker = 7601, 7602
    await login_as(db, victim)
    port = _free_port()
    url = f"http://127.0.0.1:{port}/hook"
    async with running_bot(
        db,
        database_url,
        webhook_url=url,
        webhook_listen="127.0.0.1",
        webhook_port=port,
        webhook_path="hook",
        webhook_secret=configured,
    ) as bot:
        hook = await bot.fake.wait_for_call("setWebhook")
        secret = str(hook.params["secret_token"])
        if configured:
            assert secret == configured
        else:  # derived from the token: long, and in Telegram's allowed characters
            assert len(secret) >= 32 and secret.isalnum()
        before = len(bot.fake.calls)
        forged = _update(990_001, attacker, 1, "/entries")
        forged["message"]["from"]["id"] = victim  # pretending to be the victim
        wrong: Sequence[dict[str, str]] = [
            {},
            {"X-Telegram-Bot-Api-Secret-Token": "guess"},
            {"X-Telegram-Bot-Api-Secret-Token": secret[:-1]},
        ]
        for headers in wrong:
            assert await _forge(url, headers, forged) == 403
        await asyncio.sleep(0.5)
        assert bot.fake.calls[before:] == []
        async with db.sessions() as s:
            assert await s.scalar(select(func.count()).select_from(BotUpdate)) == 0
        # Telegram's own delivery (with the secret) still works.
        await bot.say(victim, "a real message", contains="Saved")


async def test_status_and_replay_from_the_command_line(db: Database, database_url: str) -> None:
    async with driver_connection(db.engine) as driver:
        await inbox.store(
            driver,
            42,
            [
                inbox.NewUpdate(880_001, 42, _update(880_001, 42, 1, "kept")),
                inbox.NewUpdate(880_002, 42, _update(880_002, 42, 2, "poison")),
            ],
        )
        await inbox.set_aside(driver, 42, 880_002, error="KeyError")

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
        env.pop("BOT_TOKEN", None)
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            capture_output=True,
            text=True,
            cwd=ROOT / "tests",
            env=env,
            timeout=60,
        )

    shown = cli("status")
    assert shown.returncode == 0, shown.stderr
    assert "backlog:         1 pending" in shown.stdout
    assert "set aside:       1" in shown.stdout
    assert "880002  chat 42  1 attempts  KeyError" in shown.stdout
    assert "poison" not in shown.stdout  # no user text
    replayed = cli("replay", "880002")
    assert replayed.returncode == 0 and "queued again" in replayed.stdout
    assert "backlog:         2 pending" in cli("status").stdout
    assert cli("replay", "880002").returncode == 1  # no longer set aside


async def test_of_two_polling_instances_one_receives_both_handle(
    db: Database, database_url: str
) -> None:
    users = [7700 + i for i in range(4)]
    for user in users:
        await login_as(db, user)
    async with (
        FakeBotAPI() as fake,
        running_bot(db, database_url, fake=fake) as first,
        running_bot(db, database_url, fake=fake) as second,
    ):
        sent: dict[int, list[str]] = defaultdict(list)
        for i in range(10):
            for user in users:
                sent[user].append(f"polled {user}-{i}")
                await fake.send_text(user, f"polled {user}-{i}")
        assert await _wait_for_entries(db, 40, seconds=30) == 40
        await fake.settle(quiet=0.5)
        polls = [c for c in fake.calls if c.method == "getUpdates"]
        # Only the receiver polls: no "terminated by other getUpdates request".
        assert polls and all(c.ok for c in polls)
        assert first.inbox is not second.inbox
    _assert_each_once_in_order(await _entries_by_user(db), sent)


async def test_a_chat_turn_is_held_by_one_session_and_freed_when_it_ends(
    db: Database,
) -> None:
    async with driver_connection(db.engine) as driver:
        await inbox.store(
            driver,
            9,
            [inbox.NewUpdate(i, c, _update(i, c, 1, "x")) for i, c in [(1, 11), (2, 12)]],
        )
    first = await db.engine.connect()
    second = await db.engine.connect()
    try:
        a = (await first.get_raw_connection()).driver_connection
        b = (await second.get_raw_connection()).driver_connection
        assert await inbox.claim_chats(a, 9, [], 1) == [11]  # oldest first
        assert await inbox.claim_chats(b, 9, [], 2) == [12]  # 11 is held elsewhere
        assert await inbox.claim_chats(a, 9, [11], 2) == []  # 12 is held by b
        await second.invalidate()  # the holder's session ends (a crash)
        assert await inbox.claim_chats(a, 9, [11], 2) == [12]
    finally:
        await first.invalidate()
        await first.close()
        await second.close()
