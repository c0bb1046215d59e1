#!/usr/bin/env bash
# `npm test`: installs what the suites need (Redis from Debian's packages,
# PostgreSQL server binaries if absent, Debian's radtest/radclient and
# python3-pyrad as independent clients, FreeRADIUS with its PostgreSQL and
# MySQL drivers and MariaDB for the import's differential tests, chromium for
# the console's browser tests, the npm dependencies), builds, and runs every
# suite against real PostgreSQL and Redis servers it starts on free loopback
# ports.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  as_root apt-get update -qq
  # The tests start their own servers on free ports: keep the packages' system services
  # (FreeRADIUS on 1812/1813, MariaDB, Redis) from starting, so that `npm start` still finds its ports.
  local policy=/usr/sbin/policy-rc.d created=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null && as_root chmod 755 "$policy" && created=1
  fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null || { [ $created = 1 ] && as_root rm -f "$policy"; return 1; }
  if [ $created = 1 ]; then as_root rm -f "$policy"; fi
}

have_pg() { command -v pg_ctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; }
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
have_pg || missing+=(postgresql)
command -v radclient >/dev/null 2>&1 || missing+=(freeradius-utils)
/usr/bin/python3 -c 'import pyrad' >/dev/null 2>&1 || missing+=(python3-pyrad)
# The FreeRADIUS import is tested against Debian's FreeRADIUS itself, on PostgreSQL and on MariaDB.
[ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server)
[ -x /usr/sbin/freeradius ] || missing+=(freeradius)
[ -e /usr/lib/freeradius/rlm_sql_postgresql.so ] || missing+=(freeradius-postgresql)
[ -e /usr/lib/freeradius/rlm_sql_mysql.so ] || missing+=(freeradius-mysql)
# The console's browser tests drive Debian's chromium (puppeteer-core downloads no browser).
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} from Debian's packages"
  apt_install "${missing[@]}"
fi

[ -d node_modules ] || npm ci --no-audit --no-fund
npm run --silent build
# The tests themselves are typed too: a fixture that drifts from the types fails here, not at run time.
npm run --silent typecheck
exec npx vitest run "$@"
