#!/usr/bin/env bash
# Run the test suite: the first time (and whenever uv.lock or pyproject.toml changed) creates
# .venv and installs the locked dependencies, then runs pytest. Uses TEST_DATABASE_URL when
# set, else an embedded PostgreSQL in ./data/test-postgres. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
ensure_venv
exec .venv/bin/python -m pytest "$@"
