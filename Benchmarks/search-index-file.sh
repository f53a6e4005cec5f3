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

# A server as deployed: `serve --search-index-file`, from its start to its first ranked answer over HTTP, and its
# memory after 500 searches (resident, and its own: the rest is the file's pages, shared by every process).
port=$((20000 + RANDOM % 20000))
started=$(date +%s.%N)
"$BIN" serve --database "$database" --port "$port" --search-index-file "$file" --arxiv-api off --log-level warning &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
until curl -sf "http://127.0.0.1:$port/api/papers/search?q=learning&limit=5" -o /dev/null; do sleep 0.05; done
echo "server: first ranked answer $(echo "$(date +%s.%N) - $started" | bc) s after start"
queries=("language models" "diffusion" "graph neural networks" "reinforcement learning" "video generation" "image segmentation"
         "reasoning" "retrieval augmented" "vision transformer" "speech recognition" "robot manipulation" "point cloud"
         "federated learning" "knowledge distillation" "object detection" "time series" "protein structure" "code generation"
         "multimodal large language" "medical image")
for i in $(seq 0 499); do
  q=${queries[$((i % ${#queries[@]}))]}
  curl -sf "http://127.0.0.1:$port/api/papers/search?q=${q// /+}&limit=20&p=$((i / ${#queries[@]} % 5))" -o /dev/null || true
done
grep -E "VmRSS|RssAnon|RssFile" /proc/$server/status | tr -s ' \t' ' ' | tr '\n' ' '; echo
kill $server
