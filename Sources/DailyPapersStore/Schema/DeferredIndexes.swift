import PostgresNIO
import SQLKit

/// What a bulk import into an empty database builds once at its end instead of row by row:
/// - indexes whose keys arrive in no order (a paper's lower-cased title, an author's name): row by row, each insert
///   lands on its own page of a large b-tree, which at millions of papers is read from disk and written again at
///   every commit. Until they are built, an exact title or an author's papers are found by a scan;
/// - on PostgreSQL, the foreign keys from the tables an import fills to `papers`: each row inserted ran a trigger
///   that looked its paper up (perf: a sixth of the import's server time at 74,728 papers, 711 k lookups); added
///   back at the end, the whole table is checked in one join. A paper deleted meanwhile left its rows behind: when
///   the check finds them, they are deleted and the key added again.
/// Every migration run builds what is missing, so an import killed before its end leaves them to the next start.
public enum DeferredIndexes {
    static let statements = [
        "CREATE INDEX IF NOT EXISTS papers_title_lower ON papers (lower(title))",
        "CREATE INDEX IF NOT EXISTS paper_authors_name ON paper_authors (name)",
    ]
    static let names = ["papers_title_lower", "paper_authors_name"]
    /// The tables whose `paper_id` references `papers`, as PostgreSQL names their keys (`<table>_paper_id_fkey`).
    static let foreignKeyTables = ["paper_authors", "paper_categories", "search_documents", "paper_keywords"]

    static func foreignKey(_ table: String) -> String { table + "_paper_id_fkey" }

    /// Builds those that are missing (nothing to do when all are there).
    static func build(on db: any SQLDatabase) async throws {
        // A build over millions of rows outlasts the statement timeout meant for requests.
        if db.isPostgres { try await db.raw("SET LOCAL statement_timeout = 0").run() }
        for statement in statements { try await db.raw(SQLQueryString(statement)).run() }
        guard db.isPostgres else { return }
        // Two processes (an import's end, a server's start) take turns, as migrations do.
        try await db.raw("SELECT pg_advisory_xact_lock(\(bind: Migrator.advisoryKey), hashtext(current_schema()))").run()
        let present = Set(try await db.raw("""
            SELECT c.conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
            WHERE n.nspname = current_schema() AND c.contype = 'f'
            """).all().map { try $0.decode(column: "conname", as: String.self) })
        for table in foreignKeyTables where !present.contains(foreignKey(table)) {
            let add: SQLQueryString = """
                ALTER TABLE \(ident: table) ADD CONSTRAINT \(ident: foreignKey(table))
                FOREIGN KEY (paper_id) REFERENCES papers(arxiv_id) ON DELETE CASCADE
                """
            try await db.raw("SAVEPOINT foreign_key").run()
            do {
                try await db.raw(add).run()
                try await db.raw("RELEASE SAVEPOINT foreign_key").run()
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23503" {
                // Rows of a paper deleted while the key was away: deleted now, as the key would have.
                try await db.raw("ROLLBACK TO SAVEPOINT foreign_key").run()
                try await db.raw("""
                    DELETE FROM \(ident: table) t WHERE NOT EXISTS (SELECT 1 FROM papers p WHERE p.arxiv_id = t.paper_id)
                    """).run()
                try await db.raw(add).run()
            }
        }
    }

    /// Drops them, in the caller's transaction.
    static func drop(on db: any SQLDatabase) async throws {
        for name in names { try await db.raw("DROP INDEX IF EXISTS \(ident: name)").run() }
        guard db.isPostgres else { return }
        for table in foreignKeyTables {
            try await db.raw("ALTER TABLE \(ident: table) DROP CONSTRAINT IF EXISTS \(ident: foreignKey(table))").run()
        }
    }
}

extension PaperStore {
    /// Drops the deferred indexes (and on PostgreSQL the foreign keys) when no paper is stored yet (a bulk import's
    /// start); returns whether it did.
    public func deferIndexesIfEmpty() async throws -> Bool {
        try await database.write { db in
            guard try await db.raw("SELECT 1 AS x FROM papers LIMIT 1").first() == nil else { return false }
            try await DeferredIndexes.drop(on: db)
            return true
        }
    }

    /// Builds the deferred indexes (and foreign keys) that are missing.
    public func buildDeferredIndexes() async throws {
        try await database.write { db in try await DeferredIndexes.build(on: db) }
    }
}
