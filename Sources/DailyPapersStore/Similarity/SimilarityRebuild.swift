import DailyPapersCore
import Foundation
import PostgresNIO
import SQLKit

/// Keywords for every paper at once, in one transaction: a first pass over the stored titles and abstracts
/// counts each term's papers in memory, a second weighs every paper against those final counts and writes
/// its keywords (streamed in one COPY on PostgreSQL). Against indexing papers as they come
/// (`SimilarityIndex.index`) this touches each term row once instead of once per batch that holds the term,
/// and every paper gets the weights of the whole corpus, not of the corpus as it stood when it arrived.
///
/// Readers keep the previous index until the commit; a killed rebuild leaves it as it was. On SQLite the
/// rebuild holds the write lock while it runs (minutes for millions of papers).
enum SimilarityRebuild {
    static let pageSize = 5000

    struct Text: Sendable { let id: String; let title: String; let abstract: String }

    static func run(on db: any SQLDatabase, postgres: PostgresConnection?, database: Database,
                    progress: @Sendable (Int) -> Void) async throws -> Int {
        if db.isPostgres {
            // A deliberate long statement or two (deleting millions of old rows); the pool's timeout is for requests.
            try await db.raw("SET LOCAL statement_timeout = 0").run()
        }
        // Pages are read through the read pool, the next while this one is counted or written (the
        // transaction's connection is busy with the COPY). On SQLite the write lock keeps other writers out
        // meanwhile; on PostgreSQL a paper another process saves during the rebuild is weighed against counts
        // that may miss it, until the next rebuild.
        var df: [String: Int] = [:]
        var documents = 0
        try await pages(database) { texts in
            let termSets = await inParallel(texts) { slice in slice.map { Terms.counts(title: $0.title, abstract: $0.abstract).keys.filter(Terms.isWord) } }
            for terms in termSets { for term in terms { df[term, default: 0] += 1 } }
            documents += texts.count
        }
        try await db.raw("DELETE FROM paper_keywords").run()
        try await db.raw("DELETE FROM term_df").run()
        try await db.raw("UPDATE site_state SET value = \(bind: documents) WHERE key = 'indexed_papers'").run()
        // In key order: SQLite appends to its primary key's b-tree instead of inserting all over it.
        let terms = df.keys.sorted()
        try await write(into: "term_df", columns: ["term", "df"], on: db, postgres: postgres, logger: database.logger) { send in
            for start in stride(from: 0, to: terms.count, by: 20_000) {
                try await send((start..<min(start + 20_000, terms.count)).map { [.text(terms[$0]), .integer(Int64(df[terms[$0]]!))] })
            }
        }
        let (counts, total) = (df, documents)
        var done = 0
        try await write(into: "paper_keywords", columns: ["paper_id", "keywords"], on: db, postgres: postgres, logger: database.logger) { send in
            try await pages(database) { texts in
                let rows = await inParallel(texts) { slice in
                    slice.map { text -> [SQLValue] in
                        let weights = Terms.weights(Terms.counts(title: text.title, abstract: text.abstract), df: counts,
                                                    documents: total, keep: SimilarityIndex.termsPerPaper)
                        return [.text(text.id), .text(SimilarityIndex.keywordsText(Terms.keywords(weights)))]
                    }
                }
                try await send(rows)
                done += texts.count
                progress(done)
            }
        }
        return documents
    }

    /// The papers' texts a page at a time, in id order, the next page read while `body` works on this one.
    private static func pages(_ database: Database, _ body: ([Text]) async throws -> Void) async throws {
        @Sendable func page(after: String) async throws -> [Text] {
            try await database.read { db in
                try await db.raw("""
                    SELECT arxiv_id, title, abstract FROM papers WHERE arxiv_id > \(bind: after) ORDER BY arxiv_id LIMIT \(bind: pageSize)
                    """).all().map {
                    Text(id: try $0.decode(column: "arxiv_id", as: String.self), title: try $0.decode(column: "title", as: String.self),
                         abstract: try $0.decode(column: "abstract", as: String.self))
                }
            }
        }
        var next = Task { try await page(after: "") }
        defer { next.cancel() }
        while true {
            let texts = try await next.value
            guard let last = texts.last else { return }
            next = Task { try await page(after: last.id) }
            try await body(texts)
        }
    }

    /// Rows into a table, handed over a batch at a time through `send`: one COPY on PostgreSQL (each
    /// batch encoded as it comes), multi-row inserts on SQLite.
    private static func write(into table: String, columns: [String], on db: any SQLDatabase, postgres: PostgresConnection?, logger: Logger,
                              _ rows: (_ send: ([[SQLValue]]) async throws -> Void) async throws -> Void) async throws {
        if let postgres {
            try await postgres.copyFrom(table: table, columns: columns, logger: logger) { writer in
                try await rows { batch in try await writer.write(CopyText.encode(batch)) }
            }
            return
        }
        try await rows { batch in
            for start in stride(from: 0, to: batch.count, by: SimilarityIndex.chunk) {
                var sql = SQLQueryString("INSERT INTO \(unsafeRaw: table) (\(unsafeRaw: columns.joined(separator: ", "))) VALUES ")
                sql.appendRows(batch[start..<min(start + SimilarityIndex.chunk, batch.count)].map { $0 as [any Encodable & Sendable] })
                try await db.raw(sql).run()
            }
        }
    }
}

extension PaperStore {
    /// Rebuilds similar papers and keywords for all papers in one pass (`SimilarityRebuild`); returns how
    /// many papers it indexed. `progress` gets the papers weighed so far.
    @discardableResult
    public func rebuildSimilarity(progress: @Sendable (Int) -> Void = { _ in }) async throws -> Int {
        try await database.writeOnConnection { [database] db, postgres in
            try await SimilarityRebuild.run(on: db, postgres: postgres, database: database, progress: progress)
        }
    }
}
