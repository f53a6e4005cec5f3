import SQLKit

/// The full-text rows (`papers_fts`: FTS5 on SQLite, a weighted tsvector on PostgreSQL) that prefix and
/// filtered searches read: each paper's title, abstract and author names, rewritten whenever the paper is.
enum FullTextIndex {
    /// Rewrites the rows of these papers from what is stored now. `stored`: those of them stored before (the
    /// others have no row to delete; nil when not known).
    static func write(_ ids: [String], stored: Set<String>? = nil, on db: any SQLDatabase) async throws {
        guard !ids.isEmpty else { return }
        let binds: [any Encodable & Sendable] = ids
        // None of them stored before: no old row to delete.
        let allNew = stored.map { stored in !ids.contains(where: stored.contains) } ?? false
        if db.isPostgres {
            // arxiv_id is papers_fts's primary key there: the delete is an index lookup.
            if !allNew { try await db.raw("DELETE FROM papers_fts WHERE arxiv_id IN (\(binds: binds))").run() }
        } else if allNew {
            var sql = SQLQueryString("INSERT INTO papers_fts_keys (arxiv_id) VALUES ")
            sql.appendRows(ids.map { [$0] })
            try await db.raw(sql).run()
        } else {
            // FTS5 finds a row quickly only by its rowid: each paper keeps one (papers_fts_keys), so the old
            // row goes without scanning the table for the UNINDEXED arxiv_id.
            try await db.raw("INSERT OR IGNORE INTO papers_fts_keys (arxiv_id) SELECT arxiv_id FROM papers WHERE arxiv_id IN (\(binds: binds))").run()
            try await db.raw("DELETE FROM papers_fts WHERE rowid IN (SELECT id FROM papers_fts_keys WHERE arxiv_id IN (\(binds: binds)))").run()
        }
        try await db.raw("\(unsafeRaw: insert(on: db)) WHERE p.arxiv_id IN (\(binds: binds))").run()
    }

    /// FTS5 keeps its rows in segments and merges them as they pile up, by default once 4 of a level are there
    /// (`automerge`). Merging that eagerly was a third of a bulk import's writer time; 16 a level does a third less
    /// FTS5 work for a whole import (Benchmarks/import.sh), at the price of more segments for a search to read
    /// while it is set. Bulk imports set it and put the default back at their end (one killed leaves 16, a valid
    /// setting, until the next import ends). Nothing to do on PostgreSQL (GIN has its own pending list).
    static let bulkMergeWidth = 16, defaultMergeWidth = 4

    static func setMergeWidth(_ segments: Int, on db: any SQLDatabase) async throws {
        guard !db.isPostgres else { return }
        try await db.raw("INSERT INTO papers_fts (papers_fts, rank) VALUES ('automerge', \(bind: segments))").run()
    }

    /// Papers a transaction when rows are written for papers that have none.
    static let fillChunk = 20_000

    /// Writes the rows of papers that have none, a chunk a transaction, and returns how many. A bulk import leaves its
    /// new papers' rows to its end (`PaperBatch(forBulkImport:)`): built in one pass over many papers, FTS5 is
    /// spared flushing and merging at every batch, and the writer its share of the import's critical path. A
    /// paper has a row exactly when it has a `papers_fts_keys` row on SQLite (both are written together), one in
    /// `papers_fts` on PostgreSQL; an import killed before its end leaves the rest to its next run or the next
    /// server start.
    static func fillMissing(database: Database, progress: @Sendable (Int) -> Void) async throws -> Int {
        var done = 0, after = ""
        while true {
            let cursor = after
            let ids = try await database.write { db -> [String] in
                let ids = try await db.raw("""
                    SELECT arxiv_id FROM papers p WHERE arxiv_id > \(bind: cursor) AND \(unsafeRaw: lacksRow(on: db))
                    ORDER BY arxiv_id LIMIT \(bind: fillChunk)
                    """).all().map { try $0.decode(column: "arxiv_id", as: String.self) }
                for start in stride(from: 0, to: ids.count, by: PaperStore.chunk * 5) {
                    try await write(Array(ids[start..<min(start + PaperStore.chunk * 5, ids.count)]), stored: [], on: db)
                }
                return ids
            }
            guard let last = ids.last else { return done }
            done += ids.count
            progress(done)
            after = last
        }
    }

    /// Whether any paper has no full-text row (see `fillMissing`).
    static func anyMissing(on db: any SQLDatabase) async throws -> Bool {
        try await db.raw("SELECT 1 AS x FROM papers p WHERE \(unsafeRaw: lacksRow(on: db)) LIMIT 1").first() != nil
    }

    /// The condition that paper `p` has no full-text row yet (an index probe on either engine).
    private static func lacksRow(on db: any SQLDatabase) -> String {
        db.isPostgres ? "NOT EXISTS (SELECT 1 FROM papers_fts f WHERE f.arxiv_id = p.arxiv_id)"
                      : "NOT EXISTS (SELECT 1 FROM papers_fts_keys k WHERE k.arxiv_id = p.arxiv_id)"
    }

    /// Writes the rows of every paper anew (a copied database, whose target starts without them).
    static func rebuild(on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM papers_fts").run()
        if !db.isPostgres {
            try await db.raw("DELETE FROM papers_fts_keys").run()
            try await db.raw("INSERT INTO papers_fts_keys (arxiv_id) SELECT arxiv_id FROM papers ORDER BY arxiv_id").run()
        }
        try await db.raw("\(unsafeRaw: insert(on: db))").run()
    }

    /// The insert of papers_fts rows from the stored papers (with each paper's FTS5 rowid on SQLite), to be
    /// narrowed by a WHERE on `p`.
    private static func insert(on db: any SQLDatabase) -> String {
        let authors = "COALESCE((SELECT \(PaperStore.authorList(on: db)) FROM paper_authors a WHERE a.paper_id = p.arxiv_id), '')"
        return db.isPostgres
            ? "INSERT INTO papers_fts (arxiv_id, title, abstract, authors) SELECT p.arxiv_id, p.title, p.abstract, \(authors) FROM papers p"
            : """
              INSERT INTO papers_fts (rowid, arxiv_id, title, abstract, authors) SELECT k.id, p.arxiv_id, p.title, p.abstract, \(authors)
              FROM papers p JOIN papers_fts_keys k ON k.arxiv_id = p.arxiv_id
              """
    }
}
