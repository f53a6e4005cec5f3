#!/usr/bin/env bash
# Benchmark (issue 26, item 3): the search index as a file every process maps (`serve --search-index-file`) against
# the index each process loads into memory, on one database, in one run, release build:
#   1. `dailypapers reindex --search-file` writes the file (time, peak memory);
#   2. ranked search from the file and from memory, warm (100 warm-up queries) and cold (the OS page cache dropped,
#      no warm-up: every list and row a query reads comes from disk the first time): p50/p99 of 1,000 queries drawn
#      from real titles, queries/s with 8 clients, time from start to the first ranked search, memory of the process
#      (resident, and the part that is its own: mapped file pages are shared by every process on the machine).
#
#   Benchmarks/search-index-file.sh DATABASE     # a SQLite path or postgres:// URL holding imported papers
# Cold runs drop the page cache (root; skipped otherwise). BIN= and BENCH= take other builds.
set -euo pipefail
cd "$(dirname "$0")/.."
database=${1:?give the database (a SQLite path or postgres:// URL)}
if [ -z "${BIN:-}" ] || [ -z "${BENCH:-}" ]; then
  swift build -c release --product dailypapers 2>&1 | tail -1
  swift build -c release --product dailypapers-bench 2>&1 | tail -1
  BIN="$(swift build -c release --show-bin-path)/dailypapers"
  BENCH="$(swift build -c release --show-bin-path)/dailypapers-bench"
fi
file=${FILE:-$(mktemp -d)/search.index}
/usr/bin/time -f "index file written in %e s, peak %M KiB" "$BIN" reindex --database "$database" --search-file "$file" --log-level warning
ls -l "$file"

cold() {
  if [ "$(id -u)" = 0 ]; then sync; echo 3 > /proc/sys/vm/drop_caches; return 0; fi
  echo "(not root: cold runs skipped)"; return 1
}
for source in file memory; do
  args=()
  [ "$source" = file ] && args=(--search-index-file "$file")
  echo "== from the $source, warm"
  "$BENCH" search --database "$database" "${args[@]}"
  if cold; then
    echo "== from the $source, cold"
    "$BENCH" search --database "$database" "${args[@]}" --no-warmup
  fi
done
