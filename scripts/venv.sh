# Sourced by bot.sh, test.sh and lock.sh: makes .venv match uv.lock, installing only when
# uv.lock or pyproject.toml changed since the last install (a stamp in .venv), so a start
# with a ready .venv needs no network and no package tool at all.
UV_VERSION=0.13.8

_venv_stamp() {
  local sum=sha256sum
  command -v sha256sum >/dev/null || sum="shasum -a 256" # macOS
  cat uv.lock pyproject.toml scripts/venv.sh | $sum | cut -d' ' -f1
}

ensure_uv() {
  [[ -x .venv/bin/python ]] || python3 -m venv .venv || return 1
  if [[ "$(.venv/bin/uv --version 2>/dev/null)" != "uv $UV_VERSION "* ]]; then
    echo "installing uv $UV_VERSION into .venv ..." >&2
    .venv/bin/python -m pip install -q --disable-pip-version-check "uv==$UV_VERSION" || return 1
  fi
}

ensure_venv() {
  local stamp
  stamp=$(_venv_stamp)
  if [[ -x .venv/bin/python && -f .venv/.installed && "$(cat .venv/.installed)" == "$stamp" ]]; then
    return 0
  fi
  ensure_uv || return 1
  echo "installing the locked dependencies into .venv ..." >&2
  # --locked: stop with a clear message when pyproject.toml changed without `bash scripts/lock.sh`.
  # --inexact: keep pip and uv themselves in .venv. The project and the workspace's fake
  # Bot API (fake_telegram, the fake extra) are not built or installed: a .pth file puts the
  # checkout on sys.path, which is all an editable install would do; --all-extras still
  # installs what they need.
  # --compile-bytecode: starts must not spend seconds compiling the libraries (and cannot
  # cache the result when PYTHONDONTWRITEBYTECODE is set).
  if ! .venv/bin/uv sync -q --locked --inexact --compile-bytecode --no-install-workspace \
    --all-extras --python .venv/bin/python; then
    echo "error: installing from uv.lock failed (if pyproject.toml changed: bash scripts/lock.sh)" >&2
    return 1
  fi
  local site
  site=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])') || return 1
  pwd >"$site/growth_journal_bot.pth" || return 1
  echo "$stamp" >.venv/.installed
}
