#!/usr/bin/env bash
# Set up (once) and run the bot: creates .venv, installs the project, migrates the
# database and runs the bot. Without DATABASE_URL an embedded PostgreSQL is started in
# ./data/postgres. Arguments go to `python -m bot` (try, migrate, --help).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e .
exec .venv/bin/python -m bot "$@"
