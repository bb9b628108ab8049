#!/usr/bin/env bash
# Set up (once) and run the test suite: creates .venv, installs the project with its
# dev extra, then runs pytest. Uses TEST_DATABASE_URL when set, else an embedded
# PostgreSQL in ./data/test-postgres. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]'
exec .venv/bin/python -m pytest "$@"
