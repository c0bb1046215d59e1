#!/usr/bin/env bash
# `npm start`: install on first use, build, and run the daemon on the embedded default.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run --silent build
exec node bin/radassoc.js serve "$@"
