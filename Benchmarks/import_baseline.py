#!/usr/bin/env python3
"""The baseline of issue 27: what a short Python script does with the corpus file.

gzip + json + sqlite3 executemany into papers, authors and categories tables, then an FTS5 index
over title, abstract and authors. Usage: import_baseline.py FILE.jsonl[.gz] DB.sqlite
Prints `papers=N seconds=S papers_per_s=R`.
"""
import gzip
import json
import sqlite3
import sys
import time

source, target = sys.argv[1], sys.argv[2]
start = time.monotonic()
db = sqlite3.connect(target)
db.executescript("""
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE papers (id TEXT PRIMARY KEY, title TEXT, abstract TEXT, comment TEXT);
CREATE TABLE authors (paper_id TEXT, position INTEGER, name TEXT, PRIMARY KEY (paper_id, position));
CREATE TABLE categories (paper_id TEXT, category TEXT, PRIMARY KEY (paper_id, category));
""")
opener = gzip.open if source.endswith(".gz") else open
papers, authors, categories = [], [], []
count = 0


def flush():
    db.executemany("INSERT OR REPLACE INTO papers VALUES (?, ?, ?, ?)", papers)
    db.executemany("INSERT OR REPLACE INTO authors VALUES (?, ?, ?)", authors)
    db.executemany("INSERT OR IGNORE INTO categories VALUES (?, ?)", categories)
    db.commit()
    papers.clear(); authors.clear(); categories.clear()


with opener(source, "rt", encoding="utf-8") as lines:
    for line in lines:
        record = json.loads(line)
        papers.append((record["id"], record["title"], record.get("summary") or record.get("abstract"), record.get("comment")))
        names = record["authors"]
        if isinstance(names, str):
            names = [n.strip() for n in names.replace(" and ", ",").split(",") if n.strip()]
        authors.extend((record["id"], i, n if isinstance(n, str) else " ".join(n)) for i, n in enumerate(names))
        cats = record["categories"]
        categories.extend((record["id"], c) for c in (cats.split() if isinstance(cats, str) else cats))
        count += 1
        if len(papers) >= 10000:
            flush()
flush()
db.executescript("""
CREATE VIRTUAL TABLE papers_fts USING fts5(id UNINDEXED, title, abstract, authors);
INSERT INTO papers_fts (id, title, abstract, authors)
  SELECT p.id, p.title, p.abstract, (SELECT group_concat(name, ', ') FROM authors a WHERE a.paper_id = p.id) FROM papers p;
""")
db.commit()
db.close()
seconds = time.monotonic() - start
print(f"papers={count} seconds={seconds:.2f} papers_per_s={count / seconds:.0f}")
