#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on loopback for the tests (Debian's postgresql package, installed if
# missing) and prints its URL. Durability is switched off: it holds only test data and is faster so.
#   export DAILYPAPERS_TEST_DATABASE="$(scripts/postgres-for-tests.sh)"
# Stop it with: scripts/postgres-for-tests.sh stop
set -euo pipefail
PORT="${DAILYPAPERS_PG_PORT:-54329}"
DATA="${DAILYPAPERS_PG_DATA:-/tmp/dailypapers-pg-$PORT}"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
if [ -z "$BIN" ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null 2>&1 \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }
  BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
fi
# PostgreSQL refuses to run as root; the package's 'postgres' user owns the cluster.
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
if [ "${1:-}" = stop ]; then as_pg "$BIN/pg_ctl -D $DATA -m fast stop" >/dev/null; exit 0; fi
if [ ! -f "$DATA/PG_VERSION" ]; then
  mkdir -p "$DATA"; [ "$(id -u)" = 0 ] && chown postgres "$DATA"
  as_pg "$BIN/initdb -D $DATA -U postgres --auth=trust --no-sync -E UTF8 --locale=C.UTF-8" >/dev/null
fi
if ! as_pg "$BIN/pg_ctl -D $DATA status" >/dev/null 2>&1; then
  as_pg "$BIN/pg_ctl -D $DATA -l $DATA/server.log -w start -o \"-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=1000 -c shared_buffers=256MB\"" >/dev/null
fi
as_pg "$BIN/psql -h 127.0.0.1 -p $PORT -U postgres -tAc \"SELECT 1 FROM pg_database WHERE datname = 'dailypapers_test'\"" | grep -q 1 \
  || as_pg "$BIN/createdb -h 127.0.0.1 -p $PORT -U postgres dailypapers_test"
echo "postgres://postgres@127.0.0.1:$PORT/dailypapers_test?sslmode=disable"
