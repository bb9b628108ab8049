#!/usr/bin/env bash
# Regenerate uv.lock, the one lock file (pinned versions with hashes) for every dependency in
# pyproject.toml, after changing them. `bash scripts/lock.sh --check` only says whether
# uv.lock still matches pyproject.toml. Extra arguments go to `uv lock`
# (e.g. --upgrade-package NAME).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
ensure_uv
exec .venv/bin/uv lock "$@"
