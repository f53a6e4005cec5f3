#!/usr/bin/env bash
# Benchmark: the release build of dailypapers against nginx serving the very same response bytes as
# static files, in one run, on loopback. Imports the whole Hugging Face history from ../shared/data.
#
#   Benchmarks/feed-vs-nginx.sh            # 64 connections, 10 s per URL
#   DURATION=30s CONNECTIONS=128 Benchmarks/feed-vs-nginx.sh
#
# Needs: wrk and nginx (Debian packages; installed when missing), ../shared/data/hf-daily-papers.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
data="$root/../shared/data/hf-daily-papers"
if [ ! -d "$data" ]; then
  echo "SKIP: $data is absent (the benchmark needs the 596-day Hugging Face history)"; exit 0
fi
for tool in wrk nginx; do
  command -v $tool >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk nginx >/dev/null; }
done
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
APP_PORT=${APP_PORT:-18181}
NGINX_PORT=${NGINX_PORT:-18182}

work=$(mktemp -d)
chmod 755 "$work"  # nginx workers run as www-data
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; nginx -p "$work/nginx" -c nginx.conf -s stop 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
[ -n "${KEEP:-}" ] && trap - EXIT

echo "== release build"
swift build -c release --product dailypapers 2>&1 | tail -1
bin="$(swift build -c release --show-bin-path)/dailypapers"

echo "== import the whole history"
/usr/bin/time -f "import: %e s, max RSS %M KB" "$bin" import hf-daily --database "$work/bench.sqlite" "$data" >/dev/null 2>"$work/import.err" || true
grep -E "^import:" "$work/import.err"
grep -c "^error:" "$work/import.err" | sed 's/^/files refused (expected 22 Python-repr files): /'

"$bin" serve --database "$work/bench.sqlite" --port "$APP_PORT" --log-level warning >"$work/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$APP_PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

busy_day=$(python3 - "$work/bench.sqlite" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("SELECT day FROM featured GROUP BY day ORDER BY COUNT(*) DESC, day LIMIT 1").fetchone()[0])
PY
)
paper=$(curl -fs "http://127.0.0.1:$APP_PORT/api/daily_papers?date=$busy_day&limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["paper"]["id"])')
count=$(curl -fs "http://127.0.0.1:$APP_PORT/api/daily_papers?date=$busy_day&limit=100" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
echo "busiest day: $busy_day ($count papers); paper: $paper"

# The same bytes, for nginx to serve as static files.
mkdir -p "$work/nginx/html" "$work/nginx/logs"
curl -fs "http://127.0.0.1:$APP_PORT/papers/date/$busy_day" -o "$work/nginx/html/feed.html"
curl -fs "http://127.0.0.1:$APP_PORT/papers/$paper" -o "$work/nginx/html/paper.html"
curl -fs "http://127.0.0.1:$APP_PORT/api/daily_papers?date=$busy_day" -o "$work/nginx/html/api.json"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  types { text/html html; application/json json; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $work/nginx/html;
    location = /feed { default_type "text/html; charset=utf-8"; try_files /feed.html =404; }
    location = /paper { default_type "text/html; charset=utf-8"; try_files /paper.html =404; }
    location = /api { default_type "application/json; charset=utf-8"; try_files /api.json =404; }
  }
}
CONF
nginx -p "$work/nginx" -c nginx.conf
sleep 0.3

run() { # name url -> "rps p50 p99"
  local out
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$2")
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  [ -z "$non2xx" ] || { echo "$1: $non2xx non-2xx answers" >&2; exit 1; }
  echo "$rps $p50 $p99"
}

printf "\n%-34s %12s %9s %9s %12s %9s %9s %8s\n" "endpoint ($CONNECTIONS conns, $DURATION)" "app req/s" "app p50" "app p99" "nginx req/s" "ngx p50" "ngx p99" "ratio"
for pair in "feed page $busy_day|/papers/date/$busy_day|/feed" "paper page $paper|/papers/$paper|/paper" "api daily_papers?date=$busy_day|/api/daily_papers?date=$busy_day|/api"; do
  IFS='|' read -r name app_path nginx_path <<<"$pair"
  cmp -s <(curl -fs "http://127.0.0.1:$APP_PORT$app_path") <(curl -fs "http://127.0.0.1:$NGINX_PORT$nginx_path") \
    || { echo "bytes differ for $name"; exit 1; }
  read -r a_rps a_p50 a_p99 <<<"$(run app "http://127.0.0.1:$APP_PORT$app_path")"
  read -r n_rps n_p50 n_p99 <<<"$(run nginx "http://127.0.0.1:$NGINX_PORT$nginx_path")"
  ratio=$(python3 -c "print(f'{$a_rps/$n_rps:.2f}')")
  printf "%-34s %12s %9s %9s %12s %9s %9s %8s\n" "$name" "$a_rps" "$a_p50" "$a_p99" "$n_rps" "$n_p50" "$n_p99" "$ratio"
done
