#!/usr/bin/env bash
# Kills `dailypapers import arxiv-jsonl` with SIGKILL in the middle of a 30,000-line import, checks that
# the database holds whole batches only, then runs the import again and checks it completes the job.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
swift build --product dailypapers >/dev/null 2>&1
bin=$(swift build --show-bin-path)/dailypapers

# 30,000 distinct papers made from the fixture lines (ids 2601.00000 .. 2601.29999).
python3 - "$work/dump.jsonl" <<'PY'
import json, sys
src = [json.loads(l) for l in open("Tests/DailyPapersTestSupport/Fixtures/arxiv/corpus-excerpt.jsonl")]
with open(sys.argv[1], "w") as out:
    for i in range(30000):
        rec = dict(src[i % len(src)])
        rec["id"] = "2601.%05d" % i
        out.write(json.dumps(rec) + "\n")
PY
count() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from papers').fetchone()[0])" "$work/db.sqlite"; }

"$bin" migrate --database "$work/db.sqlite" >/dev/null 2>&1
"$bin" import arxiv-jsonl --database "$work/db.sqlite" --batch-size 1000 "$work/dump.jsonl" >/dev/null 2>&1 &
pid=$!
# Kill once some batches are in, but before the end.
for _ in $(seq 1 200); do
  n=$(count)
  [ "$n" -ge 3000 ] && break
  sleep 0.05
done
kill -9 $pid
wait $pid 2>/dev/null || true
n=$(count)
echo "kill-import: killed with $n papers stored"
[ "$n" -lt 30000 ] || { echo "kill-import: the import finished before the kill; nothing was tested"; exit 1; }
[ $((n % 1000)) -eq 0 ] || { echo "kill-import: $n papers is not a whole number of 1,000-paper batches"; exit 1; }
# The second run with the larger page cache a bulk import may ask for; a cache too small is refused by name.
if "$bin" import arxiv-jsonl --database "$work/db.sqlite" --cache-mib 1 "$work/dump.jsonl" >/dev/null 2>"$work/err"; then
  echo "kill-import: --cache-mib 1 was accepted"; exit 1
fi
grep -q -- "--cache-mib 1 must be from 2 to 65536" "$work/err" || { echo "kill-import: unexpected refusal: $(cat "$work/err")"; exit 1; }
"$bin" import arxiv-jsonl --database "$work/db.sqlite" --batch-size 1000 --cache-mib 256 "$work/dump.jsonl" >/dev/null
n=$(count)
[ "$n" -eq 30000 ] || { echo "kill-import: after running again $n papers, expected 30000"; exit 1; }
# Keywords: chosen a chunk at a time; those the kill left out are chosen by the second run, each paper counted once.
q() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$work/db.sqlite" "$1"; }
missing=$(q "select count(*) from papers p where not exists (select 1 from paper_keywords k where k.paper_id = p.arxiv_id)")
counted=$(q "select value from site_state where key = 'indexed_papers'")
[ "$missing" -eq 0 ] && [ "$counted" -eq 30000 ] || { echo "kill-import: $missing papers without keywords, $counted counted (expected 0 and 30000)"; exit 1; }
# Search: every paper's row is written with its batch, each paper once.
unindexed=$(q "select count(*) from papers p where not exists (select 1 from search_documents s where s.paper_id = p.arxiv_id)")
rows=$(q "select count(*) from search_documents")
[ "$unindexed" -eq 0 ] && [ "$rows" -eq 30000 ] || { echo "kill-import: $unindexed papers without a search row, $rows search rows (expected 0 and 30000)"; exit 1; }
# Indexes the first run (into an empty file) left to its end: the second run's start built them.
built=$(q "select count(*) from sqlite_master where type = 'index' and name in ('papers_title_lower', 'paper_authors_name')")
[ "$built" -eq 2 ] || { echo "kill-import: $built of the 2 deferred indexes after the second run"; exit 1; }
echo "kill-import: ok (whole batches only after SIGKILL; the second run completed all 30000, their keywords, search rows and indexes, each once)"
