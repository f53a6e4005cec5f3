#!/usr/bin/env bash
# Benchmark (issue 26, item 3): several web processes searching one database from one index file at once, as
# behind a load balancer. Release build; the index file from `dailypapers reindex --search-file`.
#   Benchmarks/search-processes.sh DATABASE INDEX_FILE       # PROCESSES=2 by default; QUERIES=FILE: these queries
#                                                             (one a line) instead of drawing them
# 1. one process, warm, draws 1,000 queries from the titles (written to a file, so every run answers the same);
# 2. PROCESSES processes at once, warm (100 warm-up queries each);
# 3. the same cold: the OS page cache dropped (and the loopback PostgreSQL of scripts/postgres-for-tests.sh
#    restarted, for a postgres:// database on port 54329) right before they start, no warm-up, no title read.
# Each process prints its p50/p99 (its sequential 1,000, both processes' overlapping) and its 8 clients' q/s.
set -euo pipefail
cd "$(dirname "$0")/.."
database=${1:?give the database (a SQLite path or postgres:// URL)}
file=${2:?give the search index file}
processes=${PROCESSES:-2}
if [ -z "${BENCH:-}" ]; then
  swift build -c release --product dailypapers-bench 2>&1 | tail -1
  BENCH="$(swift build -c release --show-bin-path)/dailypapers-bench"
fi
queries=$(mktemp)
trap 'rm -f "$queries"' EXIT
if [ -n "${QUERIES:-}" ]; then
  cp "$QUERIES" "$queries"
else
  echo "== one process, warm (drawing the queries)"
  "$BENCH" search --database "$database" --search-index-file "$file" --write-queries "$queries" | head -2
fi

together() {
  local pids=() outs=()
  for i in $(seq 1 "$processes"); do
    out=$(mktemp); outs+=("$out")
    "$BENCH" search --database "$database" --search-index-file "$file" --queries-file "$queries" "$@" > "$out" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
  for i in "${!outs[@]}"; do echo "process $((i + 1)): $(head -1 "${outs[$i]}")"; sed -n 2p "${outs[$i]}"; rm -f "${outs[$i]}"; done
}
echo "== $processes processes at once, warm"
together
if [ "$(id -u)" = 0 ]; then
  case "$database" in
    postgres*:54329/*) scripts/postgres-for-tests.sh stop; sync; echo 3 > /proc/sys/vm/drop_caches; scripts/postgres-for-tests.sh > /dev/null ;;
    *) sync; echo 3 > /proc/sys/vm/drop_caches ;;
  esac
  echo "== $processes processes at once, cold (page cache dropped, no warm-up)"
  together --no-warmup
else
  echo "(not root: the cold run is skipped)"
fi
