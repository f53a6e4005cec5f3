#!/usr/bin/env bash
# Starts `dailypapers serve` on an empty database, as a new user would, and checks that it shows
# real papers (the bundled demo data) and answers the API. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
port=${SMOKE_PORT:-18080}
swift build --product dailypapers >/dev/null
bin=$(swift build --show-bin-path)/dailypapers
"$bin" serve --database "$work/smoke.sqlite" --port "$port" >"$work/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
fail() { echo "smoke: $1"; cat "$work/serve.log"; exit 1; }
home=$(curl -fs "http://127.0.0.1:$port/") || fail "home page did not answer"
grep -q "Daily Papers" <<<"$home" || fail "home page lacks the site name"
grep -q 'class="card"' <<<"$home" || fail "home page shows no papers"
api=$(curl -fs "http://127.0.0.1:$port/api/daily_papers?date=2025-09-12") || fail "API did not answer"
grep -q '"id":"2412.01981"' <<<"$api" || fail "API lacks the seed paper 2412.01981"
status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/papers/date/2025-13-01")
[ "$status" = 400 ] || fail "malformed date answered $status, not 400"
kill -TERM $pid
status=0
wait $pid 2>/dev/null || status=$?
[ "$status" = 0 ] || fail "serve exited with status $status after SIGTERM, not 0"
grep -q "Server started" "$work/serve.log" || fail "no start-up line in the log"
echo "smoke: ok (home page shows papers, API serves the seed paper, bad date is 400, SIGTERM exits cleanly)"
trap 'rm -rf "$work"' EXIT

# Bad settings stop start-up naming each of them, before anything is opened or served.
if out=$("$bin" serve --port nope --database 'postgres://u@localhost/db?sslmode=maybe' --public-url ftp://x 2>&1); then
  echo "smoke: serve started with bad settings"; exit 1
fi
for word in "--port 'nope'" "sslmode 'maybe'" "--public-url 'ftp://x'"; do
  grep -qF -- "$word" <<<"$out" || { echo "smoke: start-up error does not name: $word"; echo "$out"; exit 1; }
done
echo "smoke: ok (bad settings are named)"

# JSON logs: every line on standard error is one JSON object.
"$bin" serve --database "$work/json.sqlite" --port "$port" --log-format json >"$work/json.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
kill -TERM $pid; wait $pid 2>/dev/null || true
python3 -c "
import json, sys
lines = [l for l in open(sys.argv[1]) if l.strip()]
assert lines, 'no log lines'
for l in lines: json.loads(l)
" "$work/json.log" || { echo "smoke: --log-format json wrote a line that is not JSON"; cat "$work/json.log"; exit 1; }
echo "smoke: ok (--log-format json writes JSON lines)"
