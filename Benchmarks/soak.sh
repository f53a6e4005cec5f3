#!/usr/bin/env bash
# Soak: a realistic mix for DURATION at half the measured maximum, release build. Anonymous readers (feed days,
# paper pages, searches, feeds, the API) paced by wrk; 32 signed-in members, each a request every 2 s (pages, votes,
# now and then a comment); a flood of digest subscriptions whose mail goes to a real SMTP server (aiosmtpd on loopback) with
# --smtp-url. Prints errors, anonymous p50/p99, the mail received, and resident memory sampled every 10 s.
#
#   Benchmarks/soak.sh                    # SQLite, one process, 600 s
#   ENGINE=postgresql Benchmarks/soak.sh  # PostgreSQL (scripts/postgres-for-tests.sh), two processes
#   DURATION=60 Benchmarks/soak.sh        # a short run
#   SERVE_ARGS="--counts-lag 30" ...       # extra serve flags
# Rate limits are off (--rate-limit-scale 0): all the load comes from one address.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
python3 -c "import aiosmtpd" 2>/dev/null || python3 -m pip install -q aiosmtpd 2>&1 | grep -v "as the 'root' user" || true
ENGINE=${ENGINE:-sqlite}; DURATION=${DURATION:-600}; PORT=${PORT:-18300}; MEMBERS=${MEMBERS:-32}
work=$(mktemp -d /tmp/dailypapers-soak-XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$work"; }
trap cleanup EXIT

if [ -n "${BIN:-}" ]; then bin="$BIN"; else  # BIN=path: a binary built earlier (to soak it while the tree changes)
  swift build -c release --product dailypapers 2>&1 | tail -1
  bin="$(swift build -c release --show-bin-path)/dailypapers"
fi
if [ "$ENGINE" = postgresql ]; then
  server="$(scripts/postgres-for-tests.sh)"
  db="${server}&schema=soak_$RANDOM"
  ports=("$PORT" "$((PORT + 1))")
else
  db="$work/soak.sqlite"
  ports=("$PORT")
fi
days=../shared/data/hf-daily-papers
if [ -d "$days" ]; then files=$(find "$days" -name "*.json" | sort | tail -120); else files=$(ls Tests/DailyPapersTestSupport/Fixtures/hf-daily/*.json); fi
# shellcheck disable=SC2086
"$bin" import hf-daily --database "$db" $files >/dev/null 2>&1 || true
for i in $(seq 1 "$MEMBERS"); do
  DAILYPAPERS_PASSWORD="soak password $i" "$bin" user create --database "$db" --username "soak$i" --email "soak$i@example.org" \
    --bcrypt-cost 10 >/dev/null
done

# The SMTP server: counts what it is handed.
smtp_port=$((PORT + 50))
python3 - "$smtp_port" "$work/smtp.count" <<'PY' &
import signal, sys, threading, time
from aiosmtpd.controller import Controller
count = 0
recipients = {}
lock = threading.Lock()
class Sink:
    async def handle_DATA(self, server, session, envelope):
        global count
        with lock:
            count += 1
            for r in envelope.rcpt_tos: recipients[r] = recipients.get(r, 0) + 1
        return "250 OK"
c = Controller(Sink(), hostname="127.0.0.1", port=int(sys.argv[1])); c.start()
def done(*_):
    twice = sum(1 for n in recipients.values() if n > 1)
    open(sys.argv[2], "w").write(f"{count} ({len(recipients)} addresses, {twice} of them more than once)"); c.stop(); sys.exit(0)
signal.signal(signal.SIGTERM, done)
while True: time.sleep(1)
PY
smtp_pid=$!

server_pids=()
for p in "${ports[@]}"; do
  "$bin" serve --database "$db" --port "$p" --public-url "http://127.0.0.1:${ports[0]}" --log-level warning --rate-limit-scale 0 \
    --arxiv-api off --bcrypt-cost 10 --smtp-url "smtp://127.0.0.1:$smtp_port?tls=none" --digest-at off ${SERVE_ARGS:-} >"$work/serve-$p.log" 2>&1 &
  server_pids+=($!); pids+=($!)
done
for p in "${ports[@]}"; do
  for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$p/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
done
base="http://127.0.0.1:${ports[0]}"

# Members sign in through the form; the pages a reader visits come from the site itself.
python3 - "$base" "$MEMBERS" "$work" <<'PY'
import http.cookiejar, json, re, sys, urllib.parse, urllib.request
base, n, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]
recent = []
for page in range(10):
    recent += json.load(urllib.request.urlopen(f"{base}/api/daily_papers?limit=100&p={page}"))
days = sorted({i["publishedAt"][:10] for i in recent})
papers = []
for d in days[-20:]:
    papers += [i["paper"]["id"] for i in json.load(urllib.request.urlopen(f"{base}/api/daily_papers?date={d}&limit=100"))]
words = ["diffusion", "language model", "reinforcement learning", "video generation", "reasoning", "agents", "vision transformer",
         "benchmark", "retrieval", "quantization", "robot", "3d", "speech", "multimodal", "alignment"]
anon = []
anon += [f"/papers/date/{d}" for d in days[-20:]] * 3 + ["/", "/papers?sort=trending", "/papers/week/" ]
anon = [a for a in anon if not a.endswith("/week/")]
anon += [f"/papers/{p}" for p in papers] * 2
anon += [f"/search?q={urllib.parse.quote(w)}" for w in words]
anon += ["/feeds/daily.atom", "/feeds/trending.rss", "/feeds/daily.json", "/feeds/trending.atom"] * 3
anon += [f"/api/daily_papers?date={d}" for d in days[-20:]] + [f"/api/papers/{p}" for p in papers[:100]]
anon += [f"/api/papers/search?q={urllib.parse.quote(w)}" for w in words]
members = []
for i in range(1, n + 1):
    jar = http.cookiejar.CookieJar()
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k): return None
    op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    page = op.open(base + "/login").read().decode()
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    try:
        op.open(base + "/login", urllib.parse.urlencode({"csrf": csrf, "login": f"soak{i}", "password": f"soak password {i}"}).encode())
    except urllib.error.HTTPError as e:
        assert e.code == 303, e.code
    session = next(c.value for c in jar if c.name.endswith("dp_session"))
    csrf = re.search(r'name="csrf" value="([^"]+)"', op.open(base + "/settings").read().decode()).group(1)
    members.append((session, csrf))
with open(work + "/data.lua", "w") as f:
    f.write("anon = {" + ",".join(json.dumps(a) for a in anon) + "}\n")
    f.write("papers = {" + ",".join(json.dumps(p) for p in papers) + "}\n")
    f.write("days = {" + ",".join(json.dumps(d) for d in days[-20:]) + "}\n")
    f.write("members = {" + ",".join("{%s,%s}" % (json.dumps(s), json.dumps(c)) for s, c in members) + "}\n")
print(f"{len(anon)} anonymous paths over {len(papers)} papers and {len(days[-20:])} days; {len(members)} members signed in")
PY

cat > "$work/anon.lua" <<LUA
dofile("$work/data.lua")
local pause = tonumber(os.getenv("SOAK_DELAY") or "0")
request = function() return wrk.format("GET", anon[math.random(#anon)], {["Accept-Encoding"] = "gzip"}) end
delay = function() return pause end
LUA
cat > "$work/member.lua" <<LUA
dofile("$work/data.lua")
request = function()
  local m = members[math.random(#members)]
  local h = {["Cookie"] = "dp_session=" .. m[1], ["Content-Type"] = "application/x-www-form-urlencoded"}
  local r = math.random(100)
  if r <= 25 then
    h["Accept"] = "application/json"
    return wrk.format("POST", "/vote", h, "csrf=" .. m[2] .. "&paper=" .. papers[math.random(#papers)] .. "&vote=" .. (math.random(2) - 1))
  elseif r <= 26 then
    return wrk.format("POST", "/comments", h, "csrf=" .. m[2] .. "&paper=" .. papers[math.random(#papers)] .. "&body=soak+comment+" .. math.random(1000000))
  elseif r <= 70 then
    return wrk.format("GET", "/papers/date/" .. days[math.random(#days)], h)
  else
    return wrk.format("GET", "/papers/" .. papers[math.random(#papers)], h)
  end
end
delay = function() return 2000 end
response = function(status) if status >= 400 then print("member request answered " .. status) end end
LUA

stats() { awk '/Requests\/sec/ {r=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2} /Non-2xx/ {n=$NF} /Socket errors/ {s=$0} END {print r, p50, p99, (n==""?0:n), (s==""?"none":s)}'; }

# Every anonymous page once on each process, so that the maximum is not measured on a cold cache (on
# PostgreSQL a first render of each of the ~600 pages takes tens of milliseconds).
for p in "${ports[@]}"; do
  python3 - "http://127.0.0.1:$p" "$work/data.lua" <<'PY'
import json, re, sys, urllib.request
from concurrent.futures import ThreadPoolExecutor
base, data = sys.argv[1], open(sys.argv[2]).read()
paths = sorted(set(json.loads("[" + re.search(r"anon = \{(.*?)\}\n", data).group(1) + "]")))
def get(path):
    try: urllib.request.urlopen(base + path, timeout=60).read()
    except Exception as e: print("warm-up:", path, e)
with ThreadPoolExecutor(4) as pool: list(pool.map(get, paths))
PY
done

# And every page a member visits, once, signed in, on each process: the pages members share are kept too, and
# 32 members visiting ~460 pages at random take minutes to have asked for each (memory would still be filling).
for p in "${ports[@]}"; do
  python3 - "http://127.0.0.1:$p" "$work/data.lua" <<'PY'
import json, re, sys, urllib.request
from concurrent.futures import ThreadPoolExecutor
base, data = sys.argv[1], open(sys.argv[2]).read()
session = json.loads(re.search(r'members = \{\{(".*?"),', data).group(1))
papers = json.loads("[" + re.search(r"papers = \{(.*?)\}\n", data).group(1) + "]")
days = json.loads("[" + re.search(r"days = \{(.*?)\}\n", data).group(1) + "]")
paths = [f"/papers/date/{d}" for d in days] + [f"/papers/{p}" for p in papers]
def get(path):
    try: urllib.request.urlopen(urllib.request.Request(base + path, headers={"Cookie": "dp_session=" + session}), timeout=60).read()
    except Exception as e: print("warm-up:", path, e)
with ThreadPoolExecutor(4) as pool: list(pool.map(get, paths))
PY
done

# Members and the subscription flood run all along: through the measurement of the maximum and the soak.
total=$((DURATION + 25))
# The subscription flood: 5 a second, each a new address, through process B (or the only one).
python3 - "http://127.0.0.1:${ports[-1]}" "$total" "$work/subs.txt" <<'PY' &
import re, sys, time, urllib.parse, urllib.request, http.cookiejar
base, duration, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
jar = http.cookiejar.CookieJar(); op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
csrf = re.search(r'name="csrf" value="([^"]+)"', op.open(base + "/subscribe").read().decode()).group(1)
ok = bad = 0; start = time.time(); i = 0
while time.time() - start < duration:
    i += 1
    try:
        r = op.open(base + "/subscribe", urllib.parse.urlencode({"csrf": csrf, "email": f"flood{i}-{int(start)}@example.org"}).encode(), timeout=10)
        ok += r.status == 200
    except Exception:
        bad += 1
    time.sleep(max(0, start + i / 5 - time.time()))
open(out, "w").write(f"{ok} {bad}\n")
PY
subs_pid=$!

wrk -t1 -c"$MEMBERS" -d"${total}s" --latency -s "$work/member.lua" "$base" >"$work/members.txt" &
members_pid=$!
sleep 2

# The maximum of the mix: anonymous readers as fast as they can go, beside the members and the flood.
for p in "${ports[@]}"; do
  wrk -t2 -c64 -d15s --latency -s "$work/anon.lua" "http://127.0.0.1:$p" >"$work/max-$p.txt" &
done
wait_anon() { while pgrep -f "anon.lua" >/dev/null; do sleep 0.5; done; }
wait_anon
max=0
for p in "${ports[@]}"; do max=$(awk -v m="$max" '/Requests\/sec/ {printf "%d", m + $2}' "$work/max-$p.txt"); done
target=$((max / 2))
# wrk paces each connection by a whole number of milliseconds: 10 ms after each answer (of about 2 ms), so
# connections = rate × 12 ms.
per_process=$((target / ${#ports[@]}))
conns=$(( per_process * 12 / 1000 > 1 ? per_process * 12 / 1000 : 1 ))
echo "engine $ENGINE, ${#ports[@]} process(es); maximum of the mix $max anonymous req/s; soak at $target req/s ($conns connections per process, 10 ms apart) for ${DURATION}s"

# Memory every 10 s.
( while true; do
    line="$(date +%s)"
    for sp in "${server_pids[@]}"; do line="$line $(awk '/VmRSS/ {print $2}' /proc/$sp/status 2>/dev/null || echo dead)"; done
    echo "$line" >> "$work/rss.txt"; sleep 10
  done ) &
pids+=($!)

for p in "${ports[@]}"; do
  SOAK_DELAY=10 wrk -t"$(( conns > 1 ? 2 : 1 ))" -c"$conns" -d"${DURATION}s" --latency -s "$work/anon.lua" "http://127.0.0.1:$p" >"$work/soak-$p.txt" &
done
wait_anon
wait "$members_pid" || true
wait "$subs_pid" || true
sleep 5  # the last confirmations leave the queue

alive=0
for sp in "${server_pids[@]}"; do kill -0 "$sp" 2>/dev/null && alive=$((alive + 1)); done
printf "%-22s %10s %9s %9s %8s %s\n" "run" "req/s" "p50" "p99" "non-2xx" "socket errors"
for p in "${ports[@]}"; do read -r r a b n s <<<"$(stats < "$work/soak-$p.txt")"; printf "%-22s %10s %9s %9s %8s %s\n" "anonymous :$p" "$r" "$a" "$b" "$n" "$s"; done
read -r r a b n s <<<"$(stats < "$work/members.txt")"; printf "%-22s %10s %9s %9s %8s %s\n" "members" "$r" "$a" "$b" "$n" "$s"
echo "member errors printed: $(grep -c 'answered' "$work/members.txt" || true)"
read -r subs_ok subs_bad < "$work/subs.txt"
kill "$smtp_pid"; wait "$smtp_pid" 2>/dev/null || true
echo "subscriptions: $subs_ok answered 200, $subs_bad failed; mails received by the SMTP server: $(cat "$work/smtp.count" 2>/dev/null || echo '?')"
echo "servers alive at the end: $alive of ${#server_pids[@]}"
echo "resident memory (KiB) every 10 s, per process:"
awk 'NR==1 {t0=$1} {printf "  %4ds", $1 - t0; for (i = 2; i <= NF; i++) printf " %s", $i; printf "\n"}' "$work/rss.txt" | awk 'NR % 6 == 1'
# Flat: after a minute of warm-up, the largest sample within 10% of the first.
awk 'NR==1 {t0=$1} $1 - t0 >= 60 { for (i = 2; i <= NF; i++) { if (!(i in first)) first[i] = $i; if ($i > top[i]) top[i] = $i } }
     END { for (i in first) printf "process %d: after warm-up %d KiB, largest %d KiB (+%.1f%%)\n", i - 1, first[i], top[i], 100 * (top[i] - first[i]) / first[i] }' "$work/rss.txt"
for p in "${ports[@]}"; do grep -iE "error|fatal|crash" "$work/serve-$p.log" | head -5 || true; done
