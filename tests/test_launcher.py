"""The launcher scripts and the lock: one lock for every dependency, installs only when it
changes, and a second start that needs neither the network nor a package tool."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
# Package indexes nobody answers on, and no proxy: any download attempt fails at once.
OFFLINE = {
    "PIP_INDEX_URL": "http://127.0.0.1:9/simple",
    "PIP_NO_INDEX": "1",
    "UV_INDEX_URL": "http://127.0.0.1:9/simple",
    "UV_DEFAULT_INDEX": "http://127.0.0.1:9/simple",
    "UV_OFFLINE": "1",
}
PROXIES = {"http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}


def _key(req: Requirement, extra: str | None) -> tuple[str, tuple[str, ...], str, str | None]:
    return (canonicalize_name(req.name), tuple(sorted(req.extras)), str(req.specifier), extra)


def _pyproject_requirements() -> set[tuple[str, tuple[str, ...], str, str | None]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_key(Requirement(line), None) for line in project["dependencies"]}
    for extra, lines in project.get("optional-dependencies", {}).items():
        wanted |= {_key(Requirement(line), extra) for line in lines}
    return wanted


def _locked_requirements() -> set[tuple[str, tuple[str, ...], str, str | None]]:
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    (root,) = [p for p in lock["package"] if p.get("source") == {"editable": "."}]
    locked = set()
    for item in root["metadata"]["requires-dist"]:
        line = item["name"] + (f"[{','.join(item['extras'])}]" if item.get("extras") else "")
        req = Requirement(line + item.get("specifier", ""))
        marker = item.get("marker", "")
        extra = marker.split("extra == '", 1)[1].split("'", 1)[0] if "extra ==" in marker else None
        locked.add(_key(req, extra))
    return locked


def test_the_lock_matches_pyproject() -> None:
    """Fails when a dependency was added, removed or changed in pyproject.toml without
    regenerating uv.lock with `bash scripts/lock.sh`."""
    wanted, locked = _pyproject_requirements(), _locked_requirements()
    assert wanted == locked, (
        "uv.lock does not match pyproject.toml; run `bash scripts/lock.sh` and commit uv.lock. "
        f"Only in pyproject.toml: {sorted(wanted - locked)}; only in uv.lock: "
        f"{sorted(locked - wanted)}"
    )


def test_every_locked_package_is_pinned_with_hashes() -> None:
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    for package in lock["package"]:
        if "editable" in package.get("source", {}):
            continue  # the project and its workspace members (fake_telegram) are the checkout
        assert package.get("version"), package["name"]
        files = package.get("wheels", []) + ([package["sdist"]] if "sdist" in package else [])
        assert files, package["name"]
        assert all(f["hash"].startswith("sha256:") for f in files), package["name"]


# -- the stamp: install only when the lock changed ----------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the launcher with stand-ins for python3, uv and the venv's python, which
    record every call: what the launcher runs is visible, nothing is installed."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "venv.sh", tmp_path / "scripts" / "venv.sh")
    (tmp_path / "uv.lock").write_text("version = 1\n")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    calls = tmp_path / "calls"
    site = tmp_path / "site"
    site.mkdir()
    version = next(
        line.split("=", 1)[1]
        for line in (ROOT / "scripts" / "venv.sh").read_text().splitlines()
        if line.startswith("UV_VERSION=")
    )
    stubs = {
        "uv": f'echo "uv $*" >>{calls}; [[ $1 == --version ]] && echo "uv {version} (stub)"',
        "python": f'echo "python $*" >>{calls}; echo {site}',
    }
    for name, body in stubs.items():
        path = bin_dir / name
        path.write_text(f"#!/usr/bin/env bash\n{body}\nexit 0\n")
        path.chmod(0o755)
    return tmp_path


def ensure_venv(project: Path) -> list[str]:
    """Run the launcher's install step; the commands it ran (besides `uv --version`)."""
    calls = project / "calls"
    calls.unlink(missing_ok=True)
    subprocess.run(
        ["bash", "-c", "source scripts/venv.sh && ensure_venv"],
        cwd=project,
        check=True,
        capture_output=True,
        env={k: v for k, v in os.environ.items() if k not in PROXIES} | OFFLINE,
    )
    ran = calls.read_text().splitlines() if calls.exists() else []
    return [line for line in ran if line != "uv --version"]


def test_installs_once_then_only_when_the_lock_or_pyproject_changes(project: Path) -> None:
    first = ensure_venv(project)
    assert any(line.startswith("uv sync") and "--locked" in line for line in first)
    assert (project / "site" / "growth_journal_bot.pth").read_text().strip() == str(project)

    assert ensure_venv(project) == []  # nothing changed: no package tool runs at all

    (project / "uv.lock").write_text("version = 1\n# a new pin\n")
    assert any(line.startswith("uv sync") for line in ensure_venv(project))
    assert ensure_venv(project) == []

    (project / "pyproject.toml").write_text("[project]\nname = 'x'\nversion = '2'\n")
    assert any(line.startswith("uv sync") for line in ensure_venv(project))


def test_a_failed_install_is_retried_next_time(project: Path) -> None:
    uv = project / ".venv" / "bin" / "uv"
    uv.write_text(uv.read_text().replace("exit 0", "[[ $1 == sync ]] && exit 1; exit 0"))
    with pytest.raises(subprocess.CalledProcessError):
        ensure_venv(project)
    assert not (project / ".venv" / ".installed").exists()


# -- the real second start ----------------------------------------------------------------


def _stamp() -> str:
    data = b"".join((ROOT / name).read_bytes() for name in ("uv.lock", "pyproject.toml"))
    return hashlib.sha256(data + (ROOT / "scripts" / "venv.sh").read_bytes()).hexdigest()


def test_second_start_of_try_needs_no_network(
    tmp_path: Path, database: object, database_url: str
) -> None:
    """With .venv installed, `bash scripts/bot.sh try` starts with every package index
    unreachable and installs nothing (the README's "No token, no network?")."""
    stamp = ROOT / ".venv" / ".installed"
    if not stamp.exists() or stamp.read_text().strip() != _stamp():
        pytest.skip(".venv was not installed by scripts/test.sh from this lock")
    env = {k: v for k, v in os.environ.items() if k not in PROXIES and k != "BOT_TOKEN"}
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "bot.sh"), "try", "--files", str(tmp_path / "files")],
        input="/quit\n",
        capture_output=True,
        text=True,
        timeout=120,
        env=env | OFFLINE | {"DATABASE_URL": database_url, "DATA_DIR": str(tmp_path / "data")},
    )
    assert result.returncode == 0, result.stderr
    assert "you> " in result.stdout
    assert "install" not in result.stderr
    assert "Traceback" not in result.stderr
