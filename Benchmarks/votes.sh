#!/usr/bin/env bash
# Benchmark: upvotes per second from 64 concurrent clients (64 signed-in members) against SQLite, then the feed
# page's requests/s alone and while those votes are being written, in one run on the release build. Afterwards
# every paper's stored count must equal imported + its rows in the votes table.
#
#   Benchmarks/votes.sh            # wrk -t2 -c64 -d10s for votes; -c16 for the feed page
# Accounts and sessions are written straight into the database (bcrypt for 64 sign-ups would only measure bcrypt);
# rate limits are off (--rate-limit-scale 0), as a load test from one address would otherwise be refused.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
DURATION=${DURATION:-10s}; CLIENTS=${CLIENTS:-64}; PORT=${PORT:-18193}
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; kill $vpid 2>/dev/null || true; rm -rf "$work"' EXIT
swift build -c release --product dailypapers 2>&1 | tail -1
bin="$(swift build -c release --show-bin-path)/dailypapers"
db="$work/v.sqlite"
"$bin" import hf-daily --database "$db" Tests/DailyPapersTestSupport/Fixtures/hf-daily/2024-12-04.json >/dev/null
python3 - "$db" "$CLIENTS" "$work" <<'PY'
import hashlib, secrets, sqlite3, sys, time
db, n, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]
c = sqlite3.connect(db)
now = int(time.time() * 1000)
papers = [r[0] for r in c.execute("SELECT paper_id FROM featured")]
with open(work + "/sessions.lua", "w") as out:
    out.write("sessions = {\n")
    for i in range(n):
        uid = c.execute("INSERT INTO users (username, fullname, email, password_hash, role, email_verified_at, kind, is_pro, created_at)"
                        " VALUES (?, ?, ?, 'x', 'member', ?, 'user', 0, ?)", (f"bench{i}", f"Bench {i}", f"bench{i}@example.org", now, now)).lastrowid
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        c.execute("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                  (hashlib.sha256(token.encode()).hexdigest(), uid, csrf, now, now, now + 86_400_000))
        out.write(f'  {{"{token}", "{csrf}"}},\n')
    out.write("}\npapers = {" + ", ".join(f'"{p}"' for p in papers) + "}\n")
c.commit()
PY
cat > "$work/vote.lua" <<LUA
dofile("$work/sessions.lua")
local i = 0
request = function()
  i = i + 1
  local s = sessions[math.random(#sessions)]
  local body = "csrf=" .. s[2] .. "&paper=" .. papers[math.random(#papers)] .. "&vote=" .. (math.random(2) - 1)
  return wrk.format("POST", "/vote", {["Cookie"] = "dp_session=" .. s[1], ["Accept"] = "application/json",
    ["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
LUA
"$bin" serve --database "$db" --port "$PORT" --log-level warning --rate-limit-scale 0 --arxiv-api off \
  --mail-folder "$work/mail" >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
base="http://127.0.0.1:$PORT"
stats() { awk '/Requests\/sec/ {r=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2} /Non-2xx/ {n=$NF} END {print r, p50, p99, (n==""?0:n)}'; }
check=$(curl -s -H "Accept: application/json" -H "Content-Type: application/x-www-form-urlencoded" \
  -b "dp_session=$(sed -n 2p "$work/sessions.lua" | cut -d'"' -f2)" \
  --data "csrf=$(sed -n 2p "$work/sessions.lua" | cut -d'"' -f4)&paper=2412.01981&vote=1" "$base/vote")
case "$check" in *'"voted":true'*) ;; *) echo "a test vote failed: $check"; exit 1 ;; esac

printf "%-40s %10s %9s %9s %8s\n" "run" "req/s" "p50" "p99" "non-2xx"
read -r r a b n <<<"$(wrk -t2 -c16 -d"$DURATION" --latency "$base/papers/date/2024-12-04" | stats)"
printf "%-40s %10s %9s %9s %8s\n" "feed page alone (c16)" "$r" "$a" "$b" "$n"; feed_alone=$r
read -r r a b n <<<"$(wrk -t2 -c"$CLIENTS" -d"$DURATION" --latency -s "$work/vote.lua" "$base" | stats)"
printf "%-40s %10s %9s %9s %8s\n" "votes alone (c$CLIENTS)" "$r" "$a" "$b" "$n"; votes_alone=$r
wrk -t1 -c"$CLIENTS" -d"$DURATION" --latency -s "$work/vote.lua" "$base" >"$work/votes-during.txt" &
vpid=$!
sleep 0.5
read -r r a b n <<<"$(wrk -t1 -c16 -d"$(( ${DURATION%s} - 1 ))s" --latency "$base/papers/date/2024-12-04" | stats)"
wait $vpid
printf "%-40s %10s %9s %9s %8s\n" "feed page while voting (c16)" "$r" "$a" "$b" "$n"; feed_during=$r
read -r vr va vb vn <<<"$(stats <"$work/votes-during.txt")"
printf "%-40s %10s %9s %9s %8s\n" "votes while the feed is read (c$CLIENTS)" "$vr" "$va" "$vb" "$vn"
python3 -c "print(f'feed page while voting / alone: {$feed_during/$feed_alone:.2f}')"

sleep 0.5
wrong=$(sqlite3 "$db" "SELECT COUNT(*) FROM featured f WHERE upvotes <> imported_upvotes + (SELECT COUNT(*) FROM votes v WHERE v.paper_id = f.paper_id)")
stored=$(sqlite3 "$db" "SELECT COUNT(*) FROM votes")
echo "votes stored: $stored; papers whose count differs from imported + votes: $wrong"
[ "$wrong" = 0 ] || { echo "COUNTS ARE WRONG"; exit 1; }
