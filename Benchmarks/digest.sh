#!/usr/bin/env bash
# Benchmark: 100,000 personalised digests rendered, DKIM-signed and delivered to a local SMTP sink (Postfix's
# smtp-sink, which accepts and discards) by `dailypapers digest send`, against Python's smtplib sending the
# same prepared messages (the same bytes, written once to a folder by the same command) to the same sink,
# in one run on the release build.
#
#   Benchmarks/digest.sh                  # SUBSCRIBERS=100000 CONCURRENCY=64; ED25519=1 signs with Ed25519 instead of RSA 2048
set -euo pipefail
cd "$(dirname "$0")/.."
SUBSCRIBERS=${SUBSCRIBERS:-100000}; CONCURRENCY=${CONCURRENCY:-64}; PORT=${PORT:-18195}
command -v smtp-sink >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix >/dev/null; }
work=$(mktemp -d)
trap 'kill $sink 2>/dev/null || true; rm -rf "$work"' EXIT
swift build -c release --product dailypapers 2>&1 | tail -1
bin="$(swift build -c release --show-bin-path)/dailypapers"
"$bin" import hf-daily --database "$work/d.sqlite" Tests/DailyPapersTestSupport/Fixtures/hf-daily/2024-12-04.json >/dev/null 2>&1
python3 - "$work/d.sqlite" "$SUBSCRIBERS" <<'PY'
import json, random, secrets, sqlite3, sys, time
db, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(1)
topics = [[], [], ["video"], ["reward", "reasoning"], ["LLM"], ["3D"], ["RAG", "retrieval"], ["multimodal"]]
c = sqlite3.connect(db)
now = int(time.time() * 1000)
c.executemany("INSERT INTO subscriptions (email, status, frequency, size, keywords, send_when_empty, manage_token, created_at)"
              " VALUES (?, 'active', 'daily', ?, ?, 1, ?, ?)",
              [(f"reader{i}@example.org", rng.choice([5, 10, 15]), json.dumps(rng.choice(topics)), secrets.token_urlsafe(32), now)
               for i in range(n)])
c.commit()
PY
cp "$work/d.sqlite" "$work/prepared.sqlite"
"$bin" dkim keygen --out "$work/dkim.key" --domain papers.example.org ${ED25519:+--ed25519} >/dev/null
common=(--date 2024-12-04 --mail-from digest@papers.example.org --public-url https://papers.example.org --dkim-key "$work/dkim.key")
# The prepared messages for the baseline: the same command, writing .eml files instead of sending.
"$bin" digest send --database "$work/prepared.sqlite" --mail-folder "$work/eml" "${common[@]}" >/dev/null
echo "prepared $(ls "$work/eml" | wc -l) messages ($(du -sh "$work/eml" | cut -f1)) for the baseline"
# Both senders start on a quiet disk: the 1.3 GB just written would otherwise be flushed during the first one.
sync

smtp-sink -u nobody 127.0.0.1:$PORT 256 &
sink=$!
sleep 0.5
start=$(date +%s.%N)
"$bin" digest send --database "$work/d.sqlite" --smtp-url "smtp://127.0.0.1:$PORT?tls=none" --concurrency "$CONCURRENCY" "${common[@]}" \
  2>/dev/null | tail -1
ours=$(python3 -c "import time; print(time.time() - $start)")

base=$(python3 - "$work/eml" "$PORT" <<'PY'
import os, smtplib, sys, time
folder, port = sys.argv[1], int(sys.argv[2])
names = sorted(os.listdir(folder))
start = time.time()
s = smtplib.SMTP("127.0.0.1", port)
for name in names:
    data = open(os.path.join(folder, name), "rb").read()
    to = [l for l in data.split(b"\r\n") if l.startswith(b"To: ")][0][4:].decode()
    s.sendmail("digest@papers.example.org", [to], data)
s.quit()
print(time.time() - start)
PY
)
python3 - "$SUBSCRIBERS" "$ours" "$base" <<'PY'
import sys
n, ours, base = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
print(f"{'sender':<44} {'seconds':>9} {'msgs/s':>9}")
print(f"{'dailypapers digest send (render+sign+send)':<44} {ours:9.1f} {n/ours:9.0f}")
print(f"{'python smtplib (prepared messages)':<44} {base:9.1f} {n/base:9.0f}")
print(f"ratio: {base/ours:.2f}x the baseline's rate")
PY
