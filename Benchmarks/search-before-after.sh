#!/usr/bin/env bash
# Benchmark (issue 26, item 3): two builds' search index files over one database, cold and warm, in one run so the
# disk is the same for both. Each cold run drops the OS page cache (root) and starts without warm-up; the disk's
# random-read latency and sequential rate are measured before each, and the bytes read from it during each.
#   Benchmarks/search-before-after.sh DATABASE QUERIES BEFORE_BENCH BEFORE_FILE AFTER_BENCH AFTER_FILE
# DATABASE a SQLite path; QUERIES a file of queries (one a line, `dailypapers-bench search --write-queries`);
# *_BENCH a release `dailypapers-bench` and *_FILE the index file its `dailypapers reindex --search-file` wrote.
set -euo pipefail
database=$1 queries=$2
benches=("$3" "$5") files=("$4" "$6") names=(before after)
device=$(lsblk -no pkname "$(df --output=source "$database" | tail -1)" 2>/dev/null || true)
device=${device:-$(basename "$(df --output=source "$database" | tail -1)")}
disk() {
  python3 - "$database" <<'PY'
import mmap, os, random, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECT)
size = os.fstat(fd).st_size
page, times = mmap.mmap(-1, 4096), []
for _ in range(300):
    t = time.perf_counter(); os.preadv(fd, [page], random.randrange(size // 4096) * 4096); times.append(time.perf_counter() - t)
times.sort()
big, t = mmap.mmap(-1, 1 << 20), time.perf_counter()
for _ in range(64): os.preadv(fd, [big], random.randrange(size >> 20) << 20)
print("disk: 4 KiB random read p50 %.3f ms, 1 MiB reads %.0f MB/s" % (times[150] * 1e3, 64 / (time.perf_counter() - t)))
PY
}
sectors() { awk '{print $3}' "/sys/block/$device/stat"; }
for round in 1 2; do
  for i in 0 1; do
    disk
    before=$(sectors)
    echo "== cold, ${names[$i]}, round $round"
    "${benches[$i]}" search --database "$database" --search-index-file "${files[$i]}" --queries-file "$queries" --drop-caches --no-warmup --slowest 5
    echo "read from disk: $(( ($(sectors) - before) * 512 / 1000000 )) MB"
  done
done
for i in 0 1; do
  echo "== warm, ${names[$i]} (two runs)"
  for run in 1 2; do "${benches[$i]}" search --database "$database" --search-index-file "${files[$i]}" --queries-file "$queries" --slowest 5; done
done
