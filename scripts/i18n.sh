#!/usr/bin/env bash
# The translation catalogs (core/locales), with Babel:
#   bash scripts/i18n.sh           extract messages, update every language's .po, compile .mo
#   bash scripts/i18n.sh add xx    start a new language xx (then add it to core/i18n.py LANGUAGES)
#   bash scripts/i18n.sh check     fail when a catalog is stale, incomplete or invalid (CI)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
ensure_venv
pybabel=.venv/bin/pybabel
pot=core/locales/messages.pot
extract() {
  "$pybabel" -q extract -F babel.cfg -k Command:2 -k N_plural:1,2 --no-location --sort-output \
    --project=growth-journal-bot -o "$pot" bot core db
  # A fixed creation time: otherwise every run (and every compile of the .mo, which carries
  # the header) would change an unchanged catalog.
  sed -i 's/^"POT-Creation-Date: .*/"POT-Creation-Date: 2026-11-30 00:00+0000\\n"/' "$pot"
}
case "${1:-}" in
  add)
    extract
    "$pybabel" -q init -i "$pot" -d core/locales -D messages -l "$2"
    ;;
  check)
    exec .venv/bin/python -m pytest -q -p no:cacheprovider tests/test_i18n_catalogs.py
    ;;
  *)
    extract
    "$pybabel" -q update -i "$pot" -d core/locales -D messages --no-fuzzy-matching --ignore-obsolete
    sed -i 's/^"POT-Creation-Date: .*/"POT-Creation-Date: 2026-11-30 00:00+0000\\n"/' \
      core/locales/*/LC_MESSAGES/messages.po
    "$pybabel" -q compile -d core/locales -D messages --use-fuzzy
    ;;
esac
