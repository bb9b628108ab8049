#!/usr/bin/env bash
# Run the bot: the first time (and whenever uv.lock or pyproject.toml changed) creates .venv
# and installs the locked dependencies; later starts go straight to the bot, offline. Without
# DATABASE_URL an embedded PostgreSQL is started in ./data/postgres. Arguments go to
# `python -m bot` (try, migrate, --help).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
ensure_venv
exec .venv/bin/python -m bot "$@"
