#!/usr/bin/env bash
# `npm start`: install on first use, build when the sources changed, and run
# the daemon on the embedded default.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
if ! node scripts/dist-fresh.mjs; then
  # Dated from before the build: a source saved while tsc runs is seen as newer next time.
  stamp="$(mktemp)"
  trap 'rm -f "$stamp"' EXIT
  npm run --silent build
  mv "$stamp" dist/.build-stamp
fi
exec node bin/radassoc.js serve "$@"
