"""The command line: help, and one clear line for bad configuration."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"BOT_TOKEN", "DATABASE_URL"}}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        cwd=ROOT / "tests",  # no .env there
        env={**clean, "PYTHONPATH": str(ROOT), **(env or {})},
        timeout=60,
    )


def test_help_lists_the_commands() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("run", "migrate", "try"):
        assert command in result.stdout


def test_missing_token_is_one_clear_line() -> None:
    result = run_cli()
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "BOT_TOKEN is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_malformed_token_is_one_clear_line() -> None:
    result = run_cli(env={"BOT_TOKEN": "not a token"})
    assert result.returncode == 2
    assert "BOT_TOKEN looks malformed" in result.stderr
    assert "not a token" not in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_setting_type_is_one_clear_line() -> None:
    result = run_cli("migrate", env={"WEBHOOK_PORT": "eighty"})
    assert result.returncode == 2
    assert "WEBHOOK_PORT" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_bot_api_is_one_clear_line(tmp_path: Path) -> None:
    """getMe is the one call that must succeed; when it cannot, say so plainly."""
    result = run_cli(
        env={
            "BOT_TOKEN": "123456789:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "TELEGRAM_BASE_URL": "http://127.0.0.1:9/bot",  # discard port: refused
            "DATA_DIR": str(tmp_path),
        }
    )
    assert result.returncode == 1
    assert "cannot reach the Telegram Bot API" in result.stderr
    assert "Traceback" not in result.stderr


def test_try_without_the_fake_api_is_one_clear_line() -> None:
    """A production install (the image) has no fake_telegram; `try` says how to get it."""
    clean = {k: v for k, v in os.environ.items() if k not in {"BOT_TOKEN", "DATABASE_URL"}}
    hide_fake = "import runpy, sys; sys.modules['fake_telegram'] = None; runpy.run_module('bot')"
    result = subprocess.run(
        [sys.executable, "-c", hide_fake, "try"],
        capture_output=True,
        text=True,
        cwd=ROOT / "tests",
        env={**clean, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "growth-journal-bot[fake]" in result.stderr
    assert "bash scripts/bot.sh try" in result.stderr
    assert "Traceback" not in result.stderr
