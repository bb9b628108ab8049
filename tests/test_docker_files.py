"""The container files, checked by parsing them (CI has no container engine): a small build
context, dependencies only from the lock, a non-root user owning its data folder, a health
check, and a compose file that works without a .env file."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from dockerfile_parse import DockerfileParser

from bot.health import beat, check

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def dockerfile() -> list[dict[str, str]]:
    parser = DockerfileParser(path=str(ROOT / "Dockerfile"))
    return [i for i in parser.structure if i["instruction"] != "COMMENT"]


def instructions(dockerfile: list[dict[str, str]], name: str) -> list[str]:
    return [i["value"] for i in dockerfile if i["instruction"] == name]


def index_of(dockerfile: list[dict[str, str]], name: str, contains: str) -> int:
    for n, i in enumerate(dockerfile):
        if i["instruction"] == name and contains in i["value"]:
            return n
    raise AssertionError(f"no {name} with {contains!r}")


# -- .dockerignore --------------------------------------------------------------------------


def _dockerignore() -> list[tuple[bool, re.Pattern[str]]]:
    """The patterns as (negated, regex), in order (Docker's rules: the last match wins)."""
    rules = []
    for raw in (ROOT / ".dockerignore").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = line.lstrip("!").strip("/")
        regex = ""
        for part in re.split(r"(\*\*/|\*\*|\*|\?)", pattern):
            regex += {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}.get(
                part, re.escape(part)
            )
        rules.append((negated, re.compile(regex)))
    return rules


def ignored(path: str, rules: list[tuple[bool, re.Pattern[str]]]) -> bool:
    """Whether the build context leaves ``path`` out (a matched folder takes its contents)."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    result = False
    for negated, regex in rules:
        if any(regex.fullmatch(prefix) for prefix in prefixes):
            result = not negated
    return result


def context_files(rules: list[tuple[bool, re.Pattern[str]]]) -> Iterator[Path]:
    for folder, dirs, files in os.walk(ROOT):
        rel = Path(folder).relative_to(ROOT)
        dirs[:] = [d for d in dirs if not ignored((rel / d).as_posix(), rules)]
        for name in files:
            if not ignored((rel / name).as_posix(), rules):
                yield Path(folder) / name


def test_dockerignore_leaves_out_the_venv_data_git_and_caches() -> None:
    rules = _dockerignore()
    for path in (
        ".venv/bin/python",
        "data/postgres/PG_VERSION",
        "data/embedded-postgres.log",
        ".git/HEAD",
        "bot/__pycache__/app.cpython-311.pyc",
        "bot/handlers/__pycache__/goals.cpython-311.pyc",
        ".mypy_cache/3.11/bot/app.meta.json",
        ".pytest_cache/README.md",
        ".ruff_cache/CACHEDIR.TAG",
        "tryout-files/progress.png",
        ".env",
    ):
        assert ignored(path, rules), path


def test_the_build_context_has_everything_the_dockerfile_copies(
    dockerfile: list[dict[str, str]],
) -> None:
    rules = _dockerignore()
    for value in instructions(dockerfile, "COPY"):
        *sources, _ = value.split()
        for source in sources:
            assert (ROOT / source).exists(), source
            assert not ignored(source, rules), f"{source} is copied but .dockerignore drops it"
    for module in ("bot/__main__.py", "db/models.py", "migrations/env.py"):
        assert not ignored(module, rules)


def test_the_build_context_is_small() -> None:
    """It was the whole checkout, .venv and data included (hundreds of MB)."""
    total = sum(path.stat().st_size for path in context_files(_dockerignore()))
    assert total < 5_000_000, f"build context is {total / 1e6:.1f} MB"


# -- Dockerfile -----------------------------------------------------------------------------


def test_dependencies_come_only_from_the_lock(dockerfile: list[dict[str, str]]) -> None:
    copy_lock = index_of(dockerfile, "COPY", "uv.lock")
    install = index_of(dockerfile, "RUN", "--require-hashes")
    assert copy_lock < install
    run = dockerfile[install]["value"]
    assert "uv export --frozen" in run  # the lock as it is, never re-resolved
    assert "--no-emit-project" in run
    assert "pip install --require-hashes --no-deps -r" in run
    uv_version = re.search(r"^UV_VERSION=(\S+)$", (ROOT / "scripts/venv.sh").read_text(), re.M)
    assert uv_version is not None
    for value in instructions(dockerfile, "RUN"):
        for installed in re.findall(r"pip install ([^&]*)", value):
            args = installed.split()
            assert "." not in args and "-e" not in args, "the project is not pip-installed"
            if "-r" not in args:
                assert args == [f'"uv=={uv_version.group(1)}"'], args  # the same uv as scripts


def _runtime_packages() -> set[str]:
    """Every package the lock installs without extras (what `uv export --no-dev` emits)."""
    packages = {p["name"]: p for p in tomllib.loads((ROOT / "uv.lock").read_text())["package"]}
    (root,) = [p for p in packages.values() if p.get("source") == {"editable": "."}]
    seen: set[str] = set()
    todo = [d["name"] for d in root.get("dependencies", [])]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += [d["name"] for d in packages[name].get("dependencies", [])]
    return seen


def test_the_image_leaves_the_fake_bot_api_out(dockerfile: list[dict[str, str]]) -> None:
    """The fake Telegram is for tests and `try`: not copied, not in the runtime set, not in
    the product wheel; aiohttp stays because the bot's webhook intake is an aiohttp server."""
    copied = " ".join(instructions(dockerfile, "COPY"))
    assert "fake_telegram" not in copied
    assert ignored("fake_telegram/server.py", _dockerignore())
    runtime = _runtime_packages()
    assert "growth-journal-fake-telegram" not in runtime
    assert {"aiohttp", "python-telegram-bot"} <= runtime
    wheel = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert not any("fake" in pattern for pattern in wheel["packages"]["find"]["include"])


def test_runs_as_a_user_who_owns_the_data_folder(dockerfile: list[dict[str, str]]) -> None:
    users = instructions(dockerfile, "USER")
    assert users, "the image must not run as root"
    user = users[-1]
    assert user not in {"root", "0"}
    envs = " ".join(instructions(dockerfile, "ENV"))
    data_dir = re.search(r"\bDATA_DIR=(\S+)", envs)
    assert data_dir is not None
    folder = data_dir.group(1)
    prepare = index_of(dockerfile, "RUN", f"mkdir -p {folder}")
    assert f"chown {user}:{user} {folder}" in dockerfile[prepare]["value"]
    assert prepare < index_of(dockerfile, "USER", user)
    assert folder in json.loads(instructions(dockerfile, "VOLUME")[-1])


def test_health_check_and_command(dockerfile: list[dict[str, str]]) -> None:
    (health,) = instructions(dockerfile, "HEALTHCHECK")
    assert health.split("CMD", 1)[1].strip() == '["python", "-m", "bot", "health"]'
    assert instructions(dockerfile, "CMD") == ['["python", "-m", "bot"]']
    assert instructions(dockerfile, "STOPSIGNAL") in ([], ["SIGTERM"])


# -- docker-compose.yml ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def bot_service() -> dict[str, object]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    service: dict[str, object] = compose["services"]["bot"]
    return service


def test_compose_works_without_a_env_file(bot_service: dict[str, object]) -> None:
    env_files = bot_service.get("env_file", [])
    assert isinstance(env_files, list), "a plain `env_file: .env` fails when .env is missing"
    for entry in env_files:
        assert isinstance(entry, dict) and entry.get("required") is False, entry


def test_compose_takes_the_token_from_the_environment(bot_service: dict[str, object]) -> None:
    environment = bot_service["environment"]
    assert isinstance(environment, dict)
    assert re.fullmatch(r"\$\{BOT_TOKEN(:?[?-].*)?\}", environment["BOT_TOKEN"])
    assert environment["DATABASE_URL"].startswith("postgresql://")


def test_compose_health_check_and_data_volume(
    bot_service: dict[str, object], dockerfile: list[dict[str, str]]
) -> None:
    healthcheck = bot_service["healthcheck"]
    assert isinstance(healthcheck, dict)
    assert healthcheck["test"] == ["CMD", "python", "-m", "bot", "health"]
    folder = re.search(r"\bDATA_DIR=(\S+)", " ".join(instructions(dockerfile, "ENV")))
    assert folder is not None
    volumes = bot_service["volumes"]
    assert isinstance(volumes, list)
    assert any(str(v).endswith(f":{folder.group(1)}") for v in volumes)


# -- the health check the image runs --------------------------------------------------------


def test_health_check_reads_the_heartbeat(tmp_path: Path) -> None:
    path = tmp_path / "heartbeat"
    assert "not running" in (check(path) or "")
    path.write_text("x")
    assert check(path) is None
    assert "stopped responding" in (check(path, now=time.time() + 120) or "")


async def test_heartbeat_is_written_while_running_and_removed_after(tmp_path: Path) -> None:
    path = tmp_path / "data" / "heartbeat"
    task = asyncio.create_task(beat(path, every=0.05))
    for _ in range(100):
        if path.exists():
            break
        await asyncio.sleep(0.02)
    first = path.stat().st_mtime_ns
    await asyncio.sleep(0.2)
    assert path.stat().st_mtime_ns > first
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not path.exists()


def test_health_command(tmp_path: Path) -> None:
    def health() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", "health"],
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(ROOT), "DATA_DIR": str(tmp_path)},
            capture_output=True,
            text=True,
            timeout=60,
        )

    missing = health()
    assert missing.returncode == 1
    assert "not running" in missing.stderr
    (tmp_path / "heartbeat").write_text("1\n")
    assert health().returncode == 0
