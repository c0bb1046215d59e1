#!/usr/bin/env bash
# `npm run bench`: radassoc against Debian's FreeRADIUS, in one run, on this machine.
#
# Installs what is missing (PostgreSQL, Redis, libssl-dev for radload, and
# FreeRADIUS for the anchor when the machine allows), builds radassoc and
# radload, then runs bench/run.ts, which starts its own PostgreSQL and Redis
# on free loopback ports and prints one table of ratios. See docs/performance.md.
#
# Knobs (environment): BENCH_MEMBERS (10000), BENCH_REQUESTS (40000 per run),
# BENCH_WINDOW (64), BENCH_WORKERS (2; 0 skips the --workers row),
# BENCH_ANCHOR (auto|skip), BENCH_SCALE (1; 0 skips start-up/memory/growth),
# BENCH_1M (0; 1 adds the 1,000,000-member step), BENCH_SESSIONS (50000),
# BENCH_TENANTS (1; 0 skips the federation row: 500 tenants of 200 members on
# one shared NAS against 100,000 members in one tenant, CPU per PAP and start-up;
# it runs whatever BENCH_SCALE and BENCH_COMPARE say),
# BENCH_PROFILE (0; 1 writes a CPU profile of the daemon under load, with
# BENCH_PROFILE_LOAD=all|pap|chap|mschapv2|acct), BENCH_COMPARE (1; 0 skips the table),
# BENCH_BASELINE (a built checkout of another revision, benched in the same interleaved rounds),
# BENCH_WRITE_DOCS (0; 1 rewrites the measured section of docs/performance.md),
# BENCH_API (1; 0 skips the "PAP with an API client polling" row: PAP alone and
# beside a client polling GET /api/v1/sessions and a page of 100 members, same rounds),
# BENCH_API_RATE (20 API requests/s for that client; 0: a tight loop, no pause),
# BENCH_API_PAIRS (3 pairs of PAP runs, alone and beside that client, in each round),
# BENCH_TIMEOUT (seconds for the whole run, 1500), RADLOAD_SRC (radload.c;
# default ../shared/tools/radload.c beside the repository), BENCH_TOOLS (the
# directory holding freeradius_anchor.sh; default that of RADLOAD_SRC).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else return 1; fi; }
apt_updated=0
apt_install() {
  command -v apt-get >/dev/null || return 1
  if [ $apt_updated = 0 ]; then as_root apt-get update -qq || return 1; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

RADLOAD_SRC=${RADLOAD_SRC:-$REPO/../shared/tools/radload.c}
[ -f "$RADLOAD_SRC" ] || { echo "bench: radload.c not found at $RADLOAD_SRC; set RADLOAD_SRC" >&2; exit 1; }
RADLOAD_SRC=$(cd "$(dirname "$RADLOAD_SRC")" && pwd)/$(basename "$RADLOAD_SRC")
export BENCH_TOOLS=${BENCH_TOOLS:-$(dirname "$RADLOAD_SRC")}

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v pg_ctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
command -v cc >/dev/null 2>&1 || missing+=(gcc libc6-dev)
[ -f /usr/include/openssl/evp.h ] || missing+=(libssl-dev)
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench: installing ${missing[*]}" >&2
  apt_install "${missing[@]}" || { echo "bench: could not install ${missing[*]}; install them and run again" >&2; exit 1; }
fi
if [ "${BENCH_ANCHOR:-auto}" != skip ] && ! command -v freeradius >/dev/null 2>&1; then
  echo "bench: installing FreeRADIUS for the anchor (freeradius freeradius-postgresql)" >&2
  apt_install freeradius freeradius-postgresql freeradius-utils \
    || echo "bench: FreeRADIUS could not be installed; the anchor rows will say so" >&2
fi

[ -d node_modules ] || npm ci --no-audit --no-fund
npm run --silent build
mkdir -p bench/out
if [ ! -x bench/out/radload ] || [ "$RADLOAD_SRC" -nt bench/out/radload ]; then
  cc -O2 -o bench/out/radload "$RADLOAD_SRC" -lcrypto
fi
npx tsc -p bench/tsconfig.json
exec timeout --kill-after=30 "${BENCH_TIMEOUT:-1500}" node bench/out/bench/run.js "$@"
