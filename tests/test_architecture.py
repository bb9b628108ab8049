"""The layering docs/architecture.md promises, checked on the code's own imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "db", "bot", "fake_telegram")
# What each package may import of the others (and of Telegram's library).
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "db": {"core"},
    "bot": {"core", "db", "telegram", "fake_telegram"},
    "fake_telegram": set(),
}
MAX_LINES = 600
# Data, not logic: word lists and training sentences read in one sitting anyway.
DATA_FILES = {"core/suggest/training.py"}


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _imported(path: Path) -> set[str]:
    """Top-level names of every module ``path`` imports, at any depth (lazy imports too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", PACKAGES)
def test_each_package_imports_only_what_its_layer_allows(package: str) -> None:
    watched = {*PACKAGES, "telegram"} - {package}
    broken = {
        str(path.relative_to(ROOT)): sorted((_imported(path) & watched) - ALLOWED[package])
        for path in _modules(package)
    }
    assert {path: names for path, names in broken.items() if names} == {}


def test_the_bot_reaches_the_fake_only_for_the_try_out() -> None:
    users = {
        str(path.relative_to(ROOT))
        for path in _modules("bot")
        if "fake_telegram" in _imported(path)
    }
    assert users <= {"bot/tryout.py", "bot/cli.py"}


@pytest.mark.parametrize("package", ("core", "db", "bot"))
def test_no_room_is_over_six_hundred_lines(package: str) -> None:
    long = {
        rel: n
        for path in _modules(package)
        if (rel := str(path.relative_to(ROOT))) not in DATA_FILES
        and (n := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}
