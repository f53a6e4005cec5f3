#!/usr/bin/env bash
# Benchmark (issue 27): `dailypapers import arxiv-jsonl` against a short Python script (Benchmarks/import_baseline.py:
# gzip + json + sqlite3 executemany into papers, authors and categories, then an FTS5 index) on the same file in
# the same run, release build. Prints wall time, papers/s and peak resident memory of each, the ratio, and what
# ours left ready (rows of every table the site reads: papers, authors, categories, search index,
# keywords, term counts).
#
#   Benchmarks/import.sh                         # the 74,728 real papers of ../shared/data/arxiv-corpus
#   SYNTH=2500000 Benchmarks/import.sh           # that many synthetic papers in Kaggle's snapshot shape
#   ENGINE=postgresql Benchmarks/import.sh       # ours into PostgreSQL (the baseline stays SQLite)
#   RUNS=3 Benchmarks/import.sh                  # each side three times, interleaved (baseline, ours, ...)
#   BIN=/path/to/dailypapers Benchmarks/import.sh  # another build of ours (A/B against a release)
#   BENCH=/path/to/dailypapers-bench                # (with SYNTH) the synthetic corpus tool, not built here
# PostgreSQL: $DAILYPAPERS_BENCH_POSTGRES (a server URL), else scripts/postgres-for-tests.sh starts one on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${CORPUS:-../shared/data/arxiv-corpus/arxiv-2025-03-to-2026-07.jsonl.gz}
[ -f "$CORPUS" ] || { echo "skipped: $CORPUS is absent (the benchmark needs ../shared/data)"; exit 0; }
work=${WORK:-$(mktemp -d)}
mkdir -p "$work"
if [ -z "${BIN:-}" ]; then
  swift build -c release --product dailypapers 2>&1 | tail -1
  BIN="$(swift build -c release --show-bin-path)/dailypapers"
fi
input="$CORPUS"
if [ -n "${SYNTH:-}" ]; then
  if [ -z "${BENCH:-}" ]; then
    swift build -c release --product dailypapers-bench 2>&1 | tail -1
    BENCH="$(swift build -c release --show-bin-path)/dailypapers-bench"
  fi
  input="$work/synth.jsonl"
  [ -f "$input" ] || /usr/bin/time -f "synth: %e s" "$BENCH" synth --corpus "$CORPUS" --count "$SYNTH" > "$input"
fi
engine=${ENGINE:-sqlite}
if [ "$engine" = postgresql ]; then
  server="${DAILYPAPERS_BENCH_POSTGRES:-$(scripts/postgres-for-tests.sh)}"
  base="${server%%\?*}"; base="${base%/*}"
fi

# Runs a command, printing "<seconds> <peak KiB>" on the last line of $work/time.
timed() { /usr/bin/time -f "%e %M" -o "$work/time" "$@"; }

for run in $(seq 1 "${RUNS:-1}"); do
  rm -f "$work"/baseline.sqlite*
  timed python3 Benchmarks/import_baseline.py "$input" "$work/baseline.sqlite" > "$work/baseline.out"
  read -r py_s py_kib < "$work/time"
  papers=$(sed -n 's/.*papers=\([0-9]*\).*/\1/p' "$work/baseline.out")

  if [ "$engine" = postgresql ]; then
    target="$base/bench_import?sslmode=disable"
    psql "$base/postgres" -qc "DROP DATABASE IF EXISTS bench_import" -c "CREATE DATABASE bench_import"
  else
    rm -f "$work"/ours.sqlite*
    target="$work/ours.sqlite"
  fi
  timed "$BIN" import arxiv-jsonl --database "$target" "$input" --log-level warning > "$work/ours.out" 2>&1
  read -r ours_s ours_kib < "$work/time"
  tail -1 "$work/ours.out"

  awk -v n="$papers" -v ps="$py_s" -v pk="$py_kib" -v os="$ours_s" -v ok="$ours_kib" -v e="$engine" 'BEGIN {
    printf "run: python baseline (SQLite) %d papers in %.2f s = %.0f papers/s, peak %.0f MB | ours (%s) %.2f s = %.0f papers/s, peak %.0f MB | ours/baseline = %.2fx\n",
      n, ps, n / ps, pk / 1024, e, os, n / os, ok / 1024, ps / os }'
done

echo "== what ours left ready"
count() {
  if [ "$engine" = postgresql ]; then psql "${target%%\?*}" -tAc "SELECT count(*) FROM $1"; else sqlite3 "$target" "SELECT count(*) FROM $1"; fi
}
for table in papers paper_authors paper_categories search_documents paper_keywords term_df; do
  printf "%-18s %s\n" "$table" "$(count $table)"
done
echo "papers without keywords: $(count "papers p WHERE NOT EXISTS (SELECT 1 FROM paper_keywords k WHERE k.paper_id = p.arxiv_id)")"
echo "papers without a search row: $(count "papers p WHERE NOT EXISTS (SELECT 1 FROM search_documents s WHERE s.paper_id = p.arxiv_id)")"
