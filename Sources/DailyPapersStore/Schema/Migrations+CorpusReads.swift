extension Migrations {
    /// The whole corpus read from disk (issue 26): a search page reads twenty random papers' rows, each part of
    /// a paper in as few pages as its tables allow.
    static let corpusReads: [Migration] = [
        Migration(number: 46, name: "paper_rows_kept_together",
                  why: "A search page reads twenty papers scattered over the corpus; at millions of papers nearly every page it reads comes from disk. A paper's authors and categories were rows numbered in arrival order behind an index by paper: two random reads each (the index's page, then the rows'). Stored by their key instead (SQLite's WITHOUT ROWID), a paper's authors or categories are one page, found by the paper alone (20 random papers of 2.5 M, cold: 26 reads for their authors where it took 44, 19 for their categories where it took 38). SQLite rewrites both tables once for this (94 s at 2.5 M papers; the old tables' pages are reused by later writes). PostgreSQL keeps its tables as heaps; its categories' key carries the position, so a paper's list is read from the key alone.",
                  statements: [
                    """
                    CREATE TABLE paper_authors_by_paper (
                      paper_id TEXT NOT NULL REFERENCES papers(arxiv_id) ON DELETE CASCADE,
                      position INTEGER NOT NULL,
                      name TEXT NOT NULL,
                      hf_id TEXT,
                      hidden INTEGER NOT NULL DEFAULT 0,
                      user_id INTEGER REFERENCES users(id),
                      status TEXT,
                      status_changed_at BIGINT,
                      affiliations TEXT NOT NULL DEFAULT '[]',
                      PRIMARY KEY (paper_id, position)) WITHOUT ROWID
                    """,
                    """
                    INSERT INTO paper_authors_by_paper
                      (paper_id, position, name, hf_id, hidden, user_id, status, status_changed_at, affiliations)
                    SELECT paper_id, position, name, hf_id, hidden, user_id, status, status_changed_at, affiliations
                    FROM paper_authors ORDER BY paper_id, position
                    """,
                    "DROP TABLE paper_authors",
                    "ALTER TABLE paper_authors_by_paper RENAME TO paper_authors",
                    "CREATE INDEX paper_authors_name ON paper_authors (name)",
                    """
                    CREATE TABLE paper_categories_by_paper (
                      paper_id TEXT NOT NULL REFERENCES papers(arxiv_id) ON DELETE CASCADE,
                      position INTEGER NOT NULL,
                      category TEXT NOT NULL,
                      PRIMARY KEY (paper_id, category)) WITHOUT ROWID
                    """,
                    """
                    INSERT INTO paper_categories_by_paper (paper_id, position, category)
                    SELECT paper_id, position, category FROM paper_categories ORDER BY paper_id, category
                    """,
                    "DROP TABLE paper_categories",
                    "ALTER TABLE paper_categories_by_paper RENAME TO paper_categories",
                    "CREATE INDEX paper_categories_category ON paper_categories (category, paper_id)",
                  ],
                  postgres: [
                    "ALTER TABLE paper_categories DROP CONSTRAINT paper_categories_pkey, ADD PRIMARY KEY (paper_id, category) INCLUDE (position)",
                  ]),
    ]
}
