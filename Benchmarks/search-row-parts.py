# What each part of a search page's rows costs cold, on a SQLite database (a big one: 2.5 M papers): pages of 20
# random papers, each part read alone after the page cache is dropped (root), with the disk reads it took.
#   python3 Benchmarks/search-row-parts.py DB [pages]
# Readers advise the kernel of random reads (posix_fadvise), as `serve`'s connections do (RandomReads).
import os, random, sqlite3, sys, time
DB = sys.argv[1]; N = int(sys.argv[2]) if len(sys.argv) > 2 else 300
con = sqlite3.connect(DB)
maxrow = con.execute("select max(rowid) from papers").fetchone()[0]
rng = random.Random(7)
parts = {
 "papers_by_id": "select * from papers where arxiv_id = ?",
 "papers_by_rowid": "select * from papers where rowid = ?",
 "categories": "select group_concat(category, ' ') from (select category from paper_categories where paper_id = ? order by position)",
 "keywords": "select keywords from paper_keywords where paper_id = ?",
 "authors": "select * from paper_authors where paper_id = ? order by position",
}
def drop():
    os.sync(); open("/proc/sys/vm/drop_caches", "w").write("3\n")
def disk(): return int(open("/sys/block/vda/stat").read().split()[0])
for name, sql in parts.items():
    pages = []
    for q in range(N):
        rows = [rng.randrange(1, maxrow + 1) for _ in range(20)]
        ids = [con.execute("select rowid, arxiv_id from papers where rowid = ?", (r,)).fetchone() for r in rows]
        pages.append([i for i in ids if i])
    drop()
    c = sqlite3.connect(DB)
    c.execute("select 1 from papers limit 1").fetchall()
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}").startswith(os.path.abspath(DB)): os.posix_fadvise(int(fd), 0, 0, os.POSIX_FADV_RANDOM)
        except OSError: pass
    r0 = disk(); ts = []
    for page in pages:
        t = time.perf_counter()
        for rowid, aid in page: c.execute(sql, (rowid if "rowid" in name else aid,)).fetchall()
        ts.append((time.perf_counter() - t) * 1000)
    reads = disk() - r0; ts.sort()
    print(f"{name:16s} p50 {ts[len(ts)//2]:6.2f} ms  p99 {ts[len(ts)*99//100]:6.2f} ms  reads/page {reads/len(pages):5.1f}", flush=True)
    c.close()
