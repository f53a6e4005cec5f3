#!/usr/bin/env bash
# Benchmark: what signed-in members pay against anonymous readers, and searches for common words, in one run on the
# release build over the whole Hugging Face history (../shared/data/hf-daily-papers; the bundled fixtures without it).
#   - the busiest day's feed page and that day's paper pages: anonymous, then 32 clients as 32 different members;
#   - the 50 most frequent two-word title phrases (pairs of consecutive title words, neither a stop word): the search
#     page (anonymous and signed in) and /api/papers/search, first with the response cache (as served), then on a
#     second server with the cache off (--cache-mib 0), which measures the search itself;
#   - the signed-in figures again while 64 other members upvote as fast as they can.
#
#   Benchmarks/members.sh                 # wrk -t2 -c32 -d10s per run
#   DURATION=5s Benchmarks/members.sh     # shorter runs
#   BIN=path Benchmarks/members.sh        # a binary built earlier
#   SAVE_DB=/tmp/hf.sqlite ...; FROM_DB=/tmp/hf.sqlite ...   # import once, reuse in later runs
# Accounts and sessions are written straight into the database (bcrypt for 96 sign-ups would only measure bcrypt);
# rate limits are off (--rate-limit-scale 0), as all the load comes from one address.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
DURATION=${DURATION:-10s}; PORT=${PORT:-18400}
work=$(mktemp -d /tmp/dailypapers-members-XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$work"; }
trap cleanup EXIT
if [ -n "${BIN:-}" ]; then bin="$BIN"; else
  swift build -c release --product dailypapers 2>&1 | tail -1
  bin="$(swift build -c release --show-bin-path)/dailypapers"
fi
db="$work/members.sqlite"
days=../shared/data/hf-daily-papers/daily-2024-05-to-2026-08
if [ -d "$days" ]; then files=("$days"/*.json); else files=(Tests/DailyPapersTestSupport/Fixtures/hf-daily/*.json); fi
if [ -n "${FROM_DB:-}" ]; then cp "$FROM_DB" "$db"  # FROM_DB=path: a copy of a database imported earlier by this script
else
  /usr/bin/time -f "import: %e s" "$bin" import hf-daily --database "$db" "${files[@]}" --log-level error >/dev/null 2>"$work/import.log" || true
  tail -1 "$work/import.log"
  [ -z "${SAVE_DB:-}" ] || cp "$db" "$SAVE_DB"
fi

# 96 members with sessions (32 readers, 64 voters), the busiest day, its papers and the 50 phrases, as Lua tables.
python3 - "$db" "$work" <<'PY'
import collections, hashlib, re, secrets, sqlite3, sys, time
db, work = sys.argv[1], sys.argv[2]
c = sqlite3.connect(db)
now = int(time.time() * 1000)
sessions = []
for i in range(96):
    uid = c.execute("INSERT INTO users (username, fullname, email, password_hash, role, email_verified_at, kind, is_pro, created_at)"
                    " VALUES (?, ?, ?, 'x', 'member', ?, 'user', 0, ?)", (f"member{i}", f"Member {i}", f"member{i}@example.org", now, now)).lastrowid
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    c.execute("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
              (hashlib.sha256(token.encode()).hexdigest(), uid, csrf, now, now, now + 86_400_000))
    sessions.append((token, csrf))
c.commit()
day, n = c.execute("SELECT day, COUNT(*) FROM featured WHERE hidden = 0 GROUP BY day ORDER BY 2 DESC, 1 DESC LIMIT 1").fetchone()
papers = [r[0] for r in c.execute("SELECT paper_id FROM featured WHERE day = ? AND hidden = 0", (day,))]
voteable = [r[0] for r in c.execute("SELECT paper_id FROM featured WHERE hidden = 0 ORDER BY day DESC LIMIT 500")]
stop = set("a an and are as at be by for from in into is it its of on or the to via with without towards toward we our do can not".split())
pairs = collections.Counter()
for (title,) in c.execute("SELECT p.title FROM papers p JOIN featured f ON f.paper_id = p.arxiv_id"):
    words = re.findall(r"[a-z0-9]+", title.lower())
    pairs.update(f"{a} {b}" for a, b in zip(words, words[1:]) if a not in stop and b not in stop and len(a) > 1 and len(b) > 1)
phrases = [p for p, _ in pairs.most_common(50)]
lua = lambda xs: "{" + ", ".join('"' + x + '"' for x in xs) + "}"
with open(work + "/data.lua", "w") as out:
    out.write("readers = {" + ", ".join(f'{{"{t}", "{s}"}}' for t, s in sessions[:32]) + "}\n")
    out.write("voters = {" + ", ".join(f'{{"{t}", "{s}"}}' for t, s in sessions[32:]) + "}\n")
    out.write(f'day = "{day}"\npapers = {lua(papers)}\nvoteable = {lua(voteable)}\nphrases = {lua([p.replace(" ", "+") for p in phrases])}\n')
print(f"busiest day {day}: {n} papers; most frequent phrases: {', '.join(phrases[:8])}, ...")
PY
day=$(sed -n 's/^day = "\(.*\)"/\1/p' "$work/data.lua")

# One Lua script per kind of request; SIGNED=1 sends a reader's session cookie (one of 32, per request).
script() {  # name, path expression (Lua)
  cat > "$work/$1.lua" <<LUA
dofile("$work/data.lua")
local signed = os.getenv("SIGNED") == "1"
request = function()
  local headers = {}
  if signed then headers["Cookie"] = "dp_session=" .. readers[math.random(#readers)][1] end
  return wrk.format("GET", $2, headers)
end
LUA
}
script feed '"/papers/date/" .. day'
script paper '"/papers/" .. papers[math.random(#papers)]'
script search '"/search?q=" .. phrases[math.random(#phrases)]'
script api '"/api/papers/search?q=" .. phrases[math.random(#phrases)]'
cat > "$work/vote.lua" <<LUA
dofile("$work/data.lua")
request = function()
  local s = voters[math.random(#voters)]
  local body = "csrf=" .. s[2] .. "&paper=" .. voteable[math.random(#voteable)] .. "&vote=" .. (math.random(2) - 1)
  return wrk.format("POST", "/vote", {["Cookie"] = "dp_session=" .. s[1], ["Accept"] = "application/json",
    ["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
LUA

start() {  # port, extra flags...
  local port=$1; shift
  "$bin" serve --database "$db" --port "$port" --log-level warning --rate-limit-scale 0 --arxiv-api off \
    --mail-folder "$work/mail" "$@" >>"$work/serve.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return; sleep 0.1; done
  echo "the server did not start:"; cat "$work/serve.log"; exit 1
}
start "$PORT"
start "$((PORT + 1))" --cache-mib 0
# Checks that the pages are what they claim: a member's page names the member, the anonymous one offers to log in.
token=$(sed -n 's/^readers = {{"\([^"]*\)".*/\1/p' "$work/data.lua")
curl -fs -b "dp_session=$token" "http://127.0.0.1:$PORT/papers/date/$day" | grep -q '@member0' || { echo "the signed-in page does not show the member"; exit 1; }
curl -fs "http://127.0.0.1:$PORT/papers/date/$day" | grep -q 'Log in' || { echo "the anonymous page does not offer to log in"; exit 1; }

stats() { awk '/Requests\/sec/ {r=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2} /Non-2xx/ {n=$NF} /Socket errors/ {e=$0} END {print r, p50, p99, (n==""?0:n)}'; }
declare -A rate
run() {  # label, port, script, signed
  local out r a b n
  out=$(SIGNED=$4 wrk -t2 -c32 -d"$DURATION" --latency -s "$work/$3.lua" "http://127.0.0.1:$2" | stats)
  read -r r a b n <<<"$out"
  rate[$1]=$r
  printf "%-52s %10s %9s %9s %8s\n" "$1" "$r" "$a" "$b" "$n"
}
ratio() { python3 -c "print(f'{\"$1\":<52} {${rate[$2]}/${rate[$3]}:10.2f}')"; }
printf "%-52s %10s %9s %9s %8s\n" "run (32 clients)" "req/s" "p50" "p99" "non-2xx"
# A warm-up pass so that the first measured run does not pay for the caches and the search index.
for s in feed paper search api; do SIGNED=1 wrk -t2 -c32 -d2s -s "$work/$s.lua" "http://127.0.0.1:$PORT" >/dev/null; wrk -t2 -c32 -d2s -s "$work/$s.lua" "http://127.0.0.1:$PORT" >/dev/null; done
for s in search api; do wrk -t2 -c32 -d2s -s "$work/$s.lua" "http://127.0.0.1:$((PORT + 1))" >/dev/null; done
run "feed page, anonymous" "$PORT" feed 0
run "feed page, signed in" "$PORT" feed 1
run "paper page, anonymous" "$PORT" paper 0
run "paper page, signed in" "$PORT" paper 1
run "search page, anonymous" "$PORT" search 0
run "search page, signed in" "$PORT" search 1
run "search API" "$PORT" api 0
run "search page, anonymous, no response cache" "$((PORT + 1))" search 0
run "search API, no response cache" "$((PORT + 1))" api 0
ratio "signed-in / anonymous feed page" "feed page, signed in" "feed page, anonymous"
ratio "signed-in / anonymous paper page" "paper page, signed in" "paper page, anonymous"

echo "-- while 64 members upvote (wrk -t1 -c64 on POST /vote)"
during() {  # label, port, script, signed
  wrk -t1 -c64 -d"$(( ${DURATION%s} + 2 ))s" --latency -s "$work/vote.lua" "http://127.0.0.1:$2" >"$work/votes.txt" &
  local vpid=$!
  sleep 1
  run "$1 (voting)" "$2" "$3" "$4"
  wait $vpid
  read -r r a b n <<<"$(stats <"$work/votes.txt")"
  printf "%-52s %10s %9s %9s %8s\n" "  votes meanwhile" "$r" "$a" "$b" "$n"
  ratio "  $1: voting / quiet" "$1 (voting)" "$1"
}
during "feed page, signed in" "$PORT" feed 1
during "paper page, signed in" "$PORT" paper 1
during "search page, signed in" "$PORT" search 1
during "search API, no response cache" "$((PORT + 1))" api 0
grep -i -E "error|fatal" "$work/serve.log" | head -5 || true
