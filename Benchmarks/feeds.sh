#!/usr/bin/env bash
# Benchmark: the feed endpoints, full answers against conditional GETs (If-None-Match -> 304), in one run,
# on the release build over the whole Hugging Face history. Also the cold render of each feed (first request
# after a content change), timed with curl.
#
#   Benchmarks/feeds.sh                 # wrk -t2 -c64 -d10s per URL
set -euo pipefail
cd "$(dirname "$0")/.."
data="$(pwd)/../shared/data/hf-daily-papers"
[ -d "$data" ] || { echo "SKIP: $data is absent"; exit 0; }
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
DURATION=${DURATION:-10s}; CONNECTIONS=${CONNECTIONS:-64}; PORT=${PORT:-18191}
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
swift build -c release --product dailypapers 2>&1 | tail -1
bin="$(swift build -c release --show-bin-path)/dailypapers"
"$bin" import hf-daily --database "$work/b.sqlite" "$data" >/dev/null 2>&1 || true
"$bin" serve --database "$work/b.sqlite" --port "$PORT" --log-level warning >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
base="http://127.0.0.1:$PORT"

stats() { awk '/Requests\/sec/ {r=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2} /Non-2xx/ {n=$NF} END {print r, p50, p99, (n==""?0:n)}'; }
printf "%-22s %10s %12s %9s %9s %12s %9s %9s %8s\n" "feed" "cold ms" "200 req/s" "p50" "p99" "304 req/s" "p50" "p99" "ratio"
for feed in daily.atom daily.rss daily.json trending.atom; do
  cold=$(curl -s -o /dev/null -w '%{time_total}' "$base/feeds/$feed")
  etag=$(curl -s -D - -o /dev/null "$base/feeds/$feed" | awk -F': ' 'tolower($1)=="etag" {print $2}' | tr -d '\r')
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$base/feeds/$feed")
  [ "$code" = 304 ] || { echo "conditional GET of $feed answered $code, not 304"; exit 1; }
  read -r r1 a1 b1 _ <<<"$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$base/feeds/$feed" | stats)"
  read -r r2 a2 b2 _ <<<"$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "If-None-Match: $etag" "$base/feeds/$feed" | stats)"
  printf "%-22s %10.1f %12s %9s %9s %12s %9s %9s %8.2f\n" "/feeds/$feed" "$(python3 -c "print($cold*1000)")" "$r1" "$a1" "$b1" "$r2" "$a2" "$b2" "$(python3 -c "print($r2/$r1)")"
done
