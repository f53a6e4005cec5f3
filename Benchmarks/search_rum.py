#!/usr/bin/env python3
"""The alternative issue 26 names: a ranked index inside PostgreSQL (RUM, Debian's postgresql-15-rum), on the
papers of one of our PostgreSQL databases, answering the queries our search benchmark answers.

  python3 Benchmarks/search_rum.py --database postgres://... [--queries FILE] [--cold]

Builds (once; --rebuild to build again) a table `rum_bench` of each paper's weighted tsvector (title A, authors B,
abstract C: the weights our ranking gives the fields) and a RUM index on it (`rum_tsvector_ops`, which keeps
positions, so `ORDER BY tsv <=> query` is answered in rank order from the index), then prints: build time and
sizes; p50/p90/p99/max of the queries (one a line in FILE, else 1,000 drawn from titles as ours are) with 100 warm-up
queries first, or none with --cold (the server restarted and the OS page cache dropped by the caller beforehand);
queries/s with 8 connections; how many of 1,000 random titles, searched as typed, find their paper first.
Needs psycopg (`pip install "psycopg[binary]"`). The rum_bench table is ours to drop: `DROP TABLE rum_bench`.
"""
import argparse
import random
import statistics
import threading
import time

import psycopg

QUERY = ("SELECT arxiv_id FROM rum_bench WHERE tsv @@ plainto_tsquery('english', %s) "
         "ORDER BY tsv <=> plainto_tsquery('english', %s) LIMIT %s")


def build(conn, rebuild):
    with conn.cursor() as cur:
        cur.execute("CREATE EXTENSION IF NOT EXISTS rum")
        cur.execute("SELECT to_regclass('rum_bench') IS NOT NULL")
        if cur.fetchone()[0] and not rebuild:
            print("rum_bench exists: reused (--rebuild to build it again)")
            return
        cur.execute("DROP TABLE IF EXISTS rum_bench")
        started = time.time()
        cur.execute("""
            CREATE TABLE rum_bench AS
            SELECT p.arxiv_id,
                   setweight(to_tsvector('english', p.title), 'A') ||
                   setweight(to_tsvector('english', coalesce(a.names, '')), 'B') ||
                   setweight(to_tsvector('english', p.abstract), 'C') AS tsv
            FROM papers p
            LEFT JOIN (SELECT paper_id, string_agg(name, ' ') AS names FROM paper_authors GROUP BY paper_id) a
                   ON a.paper_id = p.arxiv_id""")
        table = time.time() - started
        started = time.time()
        cur.execute("CREATE INDEX rum_bench_tsv ON rum_bench USING rum (tsv rum_tsvector_ops)")
        index = time.time() - started
        cur.execute("ANALYZE rum_bench")
        cur.execute("SELECT pg_size_pretty(pg_total_relation_size('rum_bench') - pg_relation_size('rum_bench_tsv')), "
                    "pg_size_pretty(pg_relation_size('rum_bench_tsv'))")
        sizes = cur.fetchone()
        print(f"built: tsvector table {table:.1f} s ({sizes[0]}), RUM index {index:.1f} s ({sizes[1]})")
    conn.commit()


def draw(conn, count, seed):
    """Two or three consecutive words (three letters or more) of random titles, as `dailypapers-bench search` draws."""
    with conn.cursor() as cur:
        cur.execute("SELECT title FROM papers ORDER BY arxiv_id")
        titles = [row[0] for row in cur.fetchall()]
    rng = random.Random(seed)
    drawn = []
    while len(drawn) < count:
        words = [w for w in "".join(c if c.isalnum() or c == "-" else " " for c in rng.choice(titles)).split() if len(w) >= 3]
        if len(words) < 2:
            continue
        length = min(len(words), 2 + rng.randrange(2))
        start = rng.randrange(len(words) - length + 1)
        drawn.append(" ".join(words[start:start + length]))
    return drawn, titles


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("--queries", help="a file of queries, one a line")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--cold", action="store_true", help="no warm-up queries")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--write-queries", help="write the drawn queries here (to give ours the same)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--no-quality", action="store_true")
    args = parser.parse_args()
    url = args.database.replace("?sslmode=disable", "")
    conn = psycopg.connect(url)
    build(conn, args.rebuild)
    if args.queries:
        lines = [line.strip() for line in open(args.queries) if line.strip()]
        queries = [lines[i % len(lines)] for i in range(args.count)]
        titles = None
    else:
        queries, titles = draw(conn, args.count, 42)
    if args.write_queries:
        with open(args.write_queries, "w") as out:
            out.write("\n".join(queries) + "\n")

    def run(cur, q):
        cur.execute(QUERY, (q, q, args.limit))
        return cur.fetchall()

    with conn.cursor() as cur:
        if not args.cold:
            for q in queries[: len(queries) // 10]:
                run(cur, q)
        times, results = [], 0
        for q in queries:
            t0 = time.perf_counter()
            results += len(run(cur, q))
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    pct = lambda p: times[min(len(times) - 1, int(len(times) * p))]
    print(f"RUM  queries {len(queries)}  p50 {pct(0.5):.2f} ms  p90 {pct(0.9):.2f} ms  p99 {pct(0.99):.2f} ms  "
          f"max {times[-1]:.2f} ms  mean {statistics.mean(times):.2f} ms  avg results {results / len(queries):.1f}"
          f"{'  (cold: no warm-up)' if args.cold else ''}")

    lock, cursor = threading.Lock(), [0]

    def client():
        with psycopg.connect(url) as c, c.cursor() as cur:
            while True:
                with lock:
                    i = cursor[0]
                    cursor[0] += 1
                if i >= len(queries):
                    return
                run(cur, queries[i])

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"RUM  {args.clients} clients {len(queries) / (time.perf_counter() - started):.0f} q/s")

    if args.no_quality:
        return
    if titles is None:
        with conn.cursor() as cur:
            cur.execute("SELECT title FROM papers ORDER BY arxiv_id")
            titles = [row[0] for row in cur.fetchall()]
    with conn.cursor() as cur:
        cur.execute("SELECT arxiv_id, title FROM papers ORDER BY arxiv_id")
        papers = cur.fetchall()
        rng = random.Random(7)
        first = 0
        sample = [papers[rng.randrange(len(papers))] for _ in range(1000)]
        for arxiv_id, title in sample:
            found = run(cur, title)
            first += bool(found) and found[0][0] == arxiv_id
    print(f"RUM  exact titles found first: {first} of {len(sample)}")


if __name__ == "__main__":
    main()
