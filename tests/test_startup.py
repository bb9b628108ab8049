"""Start-up and shutdown of the real ``python -m bot`` process, as an operator sees them.

One line per phase on the console (database ready, schema version, serving as @name), the
embedded server's own output in a file, and Ctrl-C (SIGINT) or ``docker stop`` (SIGTERM)
ending every mode within two seconds, whichever phase it is in.
"""

from __future__ import annotations

import asyncio
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from db.database import Database
from fake_telegram import FakeBotAPI

ROOT = Path(__file__).resolve().parent.parent
STOP_WITHIN = 2.0
_STAMP = re.compile(r"^\S+ \S+ +\w+ +\S+: ")  # "date time LEVEL logger: "


def bot_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    """A clean environment: no .env (cwd is tmp_path), no settings but ``settings``."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_"))}
    return {
        **keep,
        "PYTHONPATH": str(ROOT),
        "DATA_DIR": str(tmp_path / "data"),
        "LOG_LEVEL": "INFO",
        **settings,
    }


def messages(stderr: str) -> list[str]:
    """Log lines without their timestamp, level and logger."""
    return [_STAMP.sub("", line) for line in stderr.splitlines() if line.strip()]


class Bot:
    """``python -m bot ...`` as a child process, its stderr read line by line."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.lines: list[str] = []

    async def wait_for_line(self, text: str) -> None:
        assert self.proc.stderr is not None
        async with asyncio.timeout(60):
            while not any(text in line for line in self.lines):
                raw = await self.proc.stderr.readline()
                if not raw:
                    raise AssertionError(f"exited before {text!r}: {self.lines}")
                self.lines.append(raw.decode().rstrip("\n"))

    async def stop_with(self, sig: signal.Signals) -> tuple[int, float]:
        """Send ``sig``; the exit code and the seconds it took to exit."""
        started = time.monotonic()
        self.proc.send_signal(sig)
        try:
            code = await asyncio.wait_for(self.proc.wait(), timeout=15)
        finally:
            if self.proc.returncode is None:
                self.proc.kill()
        elapsed = time.monotonic() - started
        assert self.proc.stderr is not None
        self.lines += (await self.proc.stderr.read()).decode().splitlines()
        return code, elapsed


@pytest.fixture
async def spawn(tmp_path: Path) -> AsyncIterator[object]:
    started: list[Bot] = []

    async def start(*args: str, **settings: str) -> Bot:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            *args,
            cwd=tmp_path,
            env=bot_env(tmp_path, **settings),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        started.append(Bot(proc))
        return started[-1]

    yield start
    for bot in started:
        if bot.proc.returncode is None:
            bot.proc.kill()
            await bot.proc.wait()


@pytest.fixture
async def silent_server() -> AsyncIterator[tuple[int, asyncio.Event]]:
    """A TCP server that accepts connections and never answers: a database (or anything)
    that hangs, so start-up stays in that phase until it is interrupted."""
    connected = asyncio.Event()
    writers: list[asyncio.StreamWriter] = []

    async def hold(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)
        connected.set()

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield port, connected
    for writer in writers:
        writer.close()
    server.close()


async def test_run_prints_one_line_per_phase_and_stops_on_sigint(
    spawn: object, db: Database, database_url: str
) -> None:
    async with FakeBotAPI() as fake:
        bot = await spawn(  # type: ignore[operator]
            BOT_TOKEN=fake.token,
            DATABASE_URL=database_url,
            TELEGRAM_BASE_URL=fake.base_url,
        )
        await bot.wait_for_line("serving as @")
        code, elapsed = await bot.stop_with(signal.SIGINT)

    lines = messages("\n".join(bot.lines))
    assert lines[0].startswith("database ready: postgresql")
    assert re.fullmatch(r"schema version \w+ \(up to date\)", lines[1])
    assert lines[2] == "serving as @growth_journal_bot (polling for updates); Ctrl+C stops"
    assert lines[3:] == ["stopped"]
    assert code == 0
    assert elapsed < STOP_WITHIN
    # The password in the URL never reaches the console.
    if "@" in database_url and ":" in database_url.split("@")[0].split("//")[-1]:
        assert database_url.split("@")[0].split(":")[-1] not in lines[0]


async def test_webhook_mode_says_where_it_listens(
    spawn: object, db: Database, database_url: str
) -> None:
    async with FakeBotAPI() as fake:
        bot = await spawn(  # type: ignore[operator]
            BOT_TOKEN=fake.token,
            DATABASE_URL=database_url,
            TELEGRAM_BASE_URL=fake.base_url,
            WEBHOOK_URL="https://bot.example.org/telegram",
            WEBHOOK_LISTEN="127.0.0.1",
            WEBHOOK_PORT="0",
        )
        await bot.wait_for_line("serving as @")
        code, elapsed = await bot.stop_with(signal.SIGTERM)
    serving = [line for line in messages("\n".join(bot.lines)) if "serving as" in line]
    assert serving == [
        "serving as @growth_journal_bot via webhook https://bot.example.org/telegram "
        "(listening on 127.0.0.1:0); Ctrl+C stops"
    ]
    assert code == 0
    assert elapsed < STOP_WITHIN


async def test_sigterm_stops_the_bot_cleanly(
    spawn: object, db: Database, database_url: str
) -> None:
    """``docker stop`` sends SIGTERM: the bot stops as on Ctrl-C, no traceback."""
    async with FakeBotAPI() as fake:
        bot = await spawn(  # type: ignore[operator]
            BOT_TOKEN=fake.token, DATABASE_URL=database_url, TELEGRAM_BASE_URL=fake.base_url
        )
        await bot.wait_for_line("serving as @")
        # Polling and handling under way (a long poll is recorded only when it returns, so
        # prove it with a reply), then stop.
        sent = await fake.send_text(4242, "/start")
        await fake.wait_for_message(4242, after=sent)
        code, elapsed = await bot.stop_with(signal.SIGTERM)
    assert code == 0
    assert elapsed < STOP_WITHIN
    assert "Traceback" not in "\n".join(bot.lines)


@pytest.mark.parametrize("command", ["run", "migrate"])
async def test_ctrl_c_while_the_database_hangs(
    spawn: object, silent_server: tuple[int, asyncio.Event], command: str
) -> None:
    """Ctrl-C during start-up (here: a database that accepts but never answers) does not
    wait for the start-up to finish or time out."""
    port, connected = silent_server
    bot = await spawn(  # type: ignore[operator]
        command,
        BOT_TOKEN="123456:TEST-TOKEN",
        DATABASE_URL=f"postgresql://nobody@127.0.0.1:{port}/nothing",
    )
    await asyncio.wait_for(connected.wait(), timeout=60)
    code, elapsed = await bot.stop_with(signal.SIGINT)
    assert elapsed < STOP_WITHIN
    assert code == (130 if command == "migrate" else 0)
    assert "Traceback" not in "\n".join(bot.lines)


async def test_ctrl_c_while_waiting_for_the_bot_api(
    spawn: object, db: Database, database_url: str, silent_server: tuple[int, asyncio.Event]
) -> None:
    """getMe hanging (a Bot API that never answers) is not a reason to ignore Ctrl-C."""
    port, connected = silent_server
    bot = await spawn(  # type: ignore[operator]
        BOT_TOKEN="123456:TEST-TOKEN",
        DATABASE_URL=database_url,
        TELEGRAM_BASE_URL=f"http://127.0.0.1:{port}/bot",
    )
    await asyncio.wait_for(connected.wait(), timeout=60)
    code, elapsed = await bot.stop_with(signal.SIGINT)
    assert elapsed < STOP_WITHIN
    assert code == 0
    assert "Traceback" not in "\n".join(bot.lines)


# -- the try-out in a terminal ------------------------------------------------------------


class Terminal:
    """``python -m bot try`` on a pseudo-terminal, in its own process group, so Ctrl-C can
    be sent as a terminal sends it: SIGINT to the whole foreground group."""

    def __init__(self, tmp_path: Path, database_url: str) -> None:
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "try", "--files", str(tmp_path / "files")],
            cwd=tmp_path,
            env=bot_env(tmp_path, DATABASE_URL=database_url),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
        )
        os.close(slave)
        self.output = b""

    def read_until(self, text: bytes, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.output:
            left = deadline - time.monotonic()
            assert left > 0, f"no {text!r} in {self.output.decode(errors='replace')}"
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:  # the child closed the terminal
                    chunk = b""
                assert chunk, f"exited before {text!r}: {self.output.decode(errors='replace')}"
                self.output += chunk

    def type(self, line: str) -> None:
        os.write(self.master, line.encode() + b"\n")

    def ctrl_c(self) -> float:
        """Seconds from Ctrl-C until the process has exited."""
        started = time.monotonic()
        os.killpg(self.proc.pid, signal.SIGINT)
        try:
            self.proc.wait(timeout=15)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
        return time.monotonic() - started

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)


@pytest.fixture
def terminal(tmp_path: Path, db: Database, database_url: str) -> Iterator[Terminal]:
    term = Terminal(tmp_path, database_url)
    yield term
    term.close()


def test_ctrl_c_at_the_try_prompt_exits_at_once(terminal: Terminal) -> None:
    """It used to hang until Enter: input() in a worker thread kept the process alive."""
    terminal.read_until(b"you> ")
    elapsed = terminal.ctrl_c()
    assert elapsed < STOP_WITHIN
    assert terminal.proc.returncode == 0
    assert b"Traceback" not in terminal.output


def test_ctrl_c_in_the_middle_of_a_try_conversation(terminal: Terminal) -> None:
    terminal.read_until(b"you> ")
    terminal.type("/start")
    terminal.read_until(b"Create account")
    elapsed = terminal.ctrl_c()
    assert elapsed < STOP_WITHIN
    assert terminal.proc.returncode == 0
    assert b"Traceback" not in terminal.output


def test_quit_still_ends_the_try_out(terminal: Terminal) -> None:
    terminal.read_until(b"you> ")
    terminal.type("/quit")
    assert terminal.proc.wait(timeout=STOP_WITHIN * 5) == 0


# -- the embedded server ------------------------------------------------------------------


def test_embedded_server_output_goes_to_its_log_file(tmp_path: Path) -> None:
    """A first start on a fresh DATA_DIR runs initdb: its output (dozens of lines) goes to
    DATA_DIR/embedded-postgres.log, the console gets one line per phase. Slow: initdb."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "migrate"],
        cwd=tmp_path,
        env=bot_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr
    data = tmp_path / "data"
    lines = messages(result.stderr)
    assert lines == [
        f"database ready: embedded PostgreSQL in {data / 'postgres'} "
        f"(its own log: {data / 'embedded-postgres.log'})",
        lines[1],
    ]
    assert re.fullmatch(r"schema version \w+ \(created\)", lines[1])
    assert result.stdout == "Database is up to date.\n"
    log = (data / "embedded-postgres.log").read_text()
    assert "initdb" in log
    assert "server started" in log
