import SQLKit

/// Indexes whose keys arrive in no order (a paper's lower-cased title, an author's name): row by row, each insert
/// lands on its own page of a large b-tree, which at millions of papers is read from disk and written again at
/// every commit. A bulk import into a database without papers drops them and builds them once at its end (a sort);
/// every migration run builds any that are missing, so an import killed before its end leaves them to the next start.
/// Until then, an exact title or an author's papers are found by a scan.
public enum DeferredIndexes {
    static let statements = [
        "CREATE INDEX IF NOT EXISTS papers_title_lower ON papers (lower(title))",
        "CREATE INDEX IF NOT EXISTS paper_authors_name ON paper_authors (name)",
    ]
    static let names = ["papers_title_lower", "paper_authors_name"]

    /// Builds those that are missing (nothing to do when all are there).
    static func build(on db: any SQLDatabase) async throws {
        // A build over millions of rows outlasts the statement timeout meant for requests.
        if db.isPostgres { try await db.raw("SET LOCAL statement_timeout = 0").run() }
        for statement in statements { try await db.raw(SQLQueryString(statement)).run() }
    }
}

extension PaperStore {
    /// Drops the deferred indexes when no paper is stored yet (a bulk import's start); returns whether it did.
    public func deferIndexesIfEmpty() async throws -> Bool {
        try await database.write { db in
            guard try await db.raw("SELECT 1 AS x FROM papers LIMIT 1").first() == nil else { return false }
            for name in DeferredIndexes.names { try await db.raw("DROP INDEX IF EXISTS \(ident: name)").run() }
            return true
        }
    }

    /// Builds the deferred indexes that are missing.
    public func buildDeferredIndexes() async throws {
        try await database.write { db in try await DeferredIndexes.build(on: db) }
    }
}
