#!/usr/bin/env bash
# Benchmark: ranked search on SQLite and PostgreSQL over the same papers (every paper: search is not kept to the
# feed), in one run on the release build: p50/p99 latency of 1,000 queries (two or three consecutive words of
# random real titles, the same queries on both engines) through PaperStore.searchHits, then queries/s with 8
# clients; quality (`dailypapers-bench quality`: exact titles found first, four distinctive abstract words in the
# top ten); then the feed page's requests/s with the site on PostgreSQL against the site on SQLite.
#
#   Benchmarks/search.sh                      # the 74,728 real papers of ../shared/data/arxiv-corpus
#   SYNTH=2500000 Benchmarks/search.sh        # that many synthetic papers (dailypapers-bench synth) instead
#   ENGINES=sqlite SYNTH=2500000 Benchmarks/search.sh       # SQLite only (2.5 M papers take ~36 GB there, ~40 GB on PostgreSQL)
#   ENGINES=postgresql SYNTH=2500000 Benchmarks/search.sh   # PostgreSQL only, imported straight into it
#   COLD=1 ...                                # each search run after dropping the OS page cache (root)
# PostgreSQL: $DAILYPAPERS_BENCH_POSTGRES (a server URL), else scripts/postgres-for-tests.sh starts one on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${CORPUS:-../shared/data/arxiv-corpus/arxiv-2025-03-to-2026-07.jsonl.gz}
[ -f "$CORPUS" ] || { echo "skipped: $CORPUS is absent (the benchmark needs ../shared/data)"; exit 0; }
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
work=${WORK:-$(mktemp -d)}
pids=()
trap 'for p in "${pids[@]}"; do kill $p 2>/dev/null || true; done' EXIT
swift build -c release --product dailypapers 2>&1 | tail -1
swift build -c release --product dailypapers-bench 2>&1 | tail -1
bin="$(swift build -c release --show-bin-path)/dailypapers"
bench="$(swift build -c release --show-bin-path)/dailypapers-bench"
server="${DAILYPAPERS_BENCH_POSTGRES:-$(scripts/postgres-for-tests.sh)}"
name=bench_${SYNTH:-real}
pg="${server%%\?*}"; pg="${pg%/*}/$name?sslmode=disable&pool_size=16"
psql "${server%%\?*}" -qc "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name"

input="$CORPUS"
if [ -n "${SYNTH:-}" ]; then
  input="$work/synth.jsonl"
  /usr/bin/time -f "synth: %e s" "$bench" synth --corpus "$CORPUS" --count "$SYNTH" > "$input"
fi
db="$work/$name.sqlite"
engines="${ENGINES:-sqlite postgresql}"
targets=()
if [[ "$engines" == *sqlite* ]]; then
  rm -f "$db"*
  /usr/bin/time -f "import into SQLite: %e s" "$bin" import arxiv-jsonl --database "$db" "$input" --batch-size 5000 --cache-mib 4096 --log-level warning | tail -1
  "$bench" feature-all --database "$db"
  targets+=("$db")
fi
if [[ "$engines" == *postgresql* ]]; then
  if [[ "$engines" == *sqlite* ]]; then
    /usr/bin/time -f "copy to PostgreSQL: %e s" "$bin" copy --from "$db" --to "$pg" | tail -1
  else
    # PostgreSQL alone (2.5 M papers do not fit on the disk twice): imported straight into it, similar papers
    # built once at the end (one pass over all papers), not per batch.
    /usr/bin/time -f "import into PostgreSQL: %e s" "$bin" import arxiv-jsonl --database "$pg" "$input" --batch-size 5000 --log-level warning | tail -2
    "$bench" feature-all --database "$pg&statement_timeout=0"  # one statement over millions of papers
  fi
  psql "${pg%%\?*}" -qc "VACUUM ANALYZE"
  targets+=("$pg")
fi

echo "== search"
for target in "${targets[@]}"; do
  if [ -n "${COLD:-}" ]; then
    # Every run from cold (root only): at millions of papers the page cache decides much of the latency, and a
    # run after another with the same queries finds the pages that one read. The local server is restarted
    # too, so its shared buffers start empty.
    [ -z "${DAILYPAPERS_BENCH_POSTGRES:-}" ] && scripts/postgres-for-tests.sh stop
    sync; echo 3 > /proc/sys/vm/drop_caches
    [ -z "${DAILYPAPERS_BENCH_POSTGRES:-}" ] && scripts/postgres-for-tests.sh >/dev/null
  fi
  "$bench" search --database "$target" --slowest 10
done

echo "== quality over every paper: 1,000 exact titles (first?), 200 x four distinctive abstract words (top 10?)"
for target in "${targets[@]}"; do "$bench" quality --database "$target"; done

echo "== feed page, requests/s (wrk -t2 -c32 -d10s on /, the newest day)"
for target in "${targets[@]}"; do
  port=$((18300 + RANDOM % 500))
  "$bin" serve --database "$target" --port "$port" --digest-at off --log-level warning >"$work/serve.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 200); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  curl -fs "http://127.0.0.1:$port/" >/dev/null
  echo "$(case $target in postgres*) echo postgresql;; *) echo sqlite;; esac): $(wrk -t2 -c32 -d10s "http://127.0.0.1:$port/" | grep -E 'Requests/sec')"
  kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
done
