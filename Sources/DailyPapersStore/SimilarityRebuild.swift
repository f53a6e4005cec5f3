import DailyPapersCore
import Foundation
import PostgresNIO
import SQLKit

/// Similar papers and keywords for every paper at once, in one transaction: a first pass over the stored
/// titles and abstracts counts each term's papers in memory, a second weighs every paper against those
/// final counts and writes its terms (one COPY per page on PostgreSQL). Against indexing papers as they
/// come (`SimilarityIndex.index`) this touches each term row once instead of once per batch that holds
/// the term, and every paper gets the weights of the whole corpus, not of the corpus as it stood when
/// the paper arrived.
///
/// Readers keep the previous index until the commit; a killed rebuild leaves it as it was. On SQLite the
/// rebuild holds the write lock while it runs (minutes for millions of papers).
enum SimilarityRebuild {
    static let pageSize = 5000

    struct Text: Sendable { let id: String; let title: String; let abstract: String }

    static func run(on db: any SQLDatabase, postgres: PostgresConnection?, logger: Logger,
                    progress: @Sendable (Int) -> Void) async throws -> Int {
        if db.isPostgres {
            // A deliberate long statement or two (deleting millions of old rows); the pool's timeout is for requests.
            try await db.raw("SET LOCAL statement_timeout = 0").run()
        }
        var df: [String: Int] = [:]
        var documents = 0
        try await pages(on: db) { texts in
            for counts in await counted(texts) {
                for term in counts.keys { df[term, default: 0] += 1 }
            }
            documents += texts.count
        }
        try await db.raw("DELETE FROM paper_terms").run()
        try await db.raw("DELETE FROM term_df").run()
        try await db.raw("UPDATE site_state SET value = \(bind: documents) WHERE key = 'indexed_papers'").run()
        // In key order: SQLite appends to its primary key's b-tree instead of inserting all over it.
        let terms = df.keys.sorted()
        try await insert(count: terms.count, into: "term_df", columns: ["term", "df"], on: db, postgres: postgres, logger: logger) { [df] i in
            [.text(terms[i]), .integer(Int64(df[terms[i]]!))]
        }
        var done = 0
        try await pages(on: db) { texts in
            let counts = await counted(texts)
            var rows: [[DatabaseCopy.Cell]] = []
            rows.reserveCapacity(texts.count * SimilarityIndex.termsPerPaper)
            for (text, counts) in zip(texts, counts) {
                for (term, weight) in Terms.weights(counts, df: df, documents: documents, keep: SimilarityIndex.termsPerPaper) {
                    rows.append([.text(text.id), .text(term), .real(weight)])
                }
            }
            try await insert(count: rows.count, into: "paper_terms", columns: ["paper_id", "term", "weight"], on: db,
                             postgres: postgres, logger: logger) { [rows] in rows[$0] }
            done += texts.count
            progress(done)
        }
        return documents
    }

    /// The papers' texts a page at a time, in id order, read through the transaction's own connection
    /// (so both passes see the same papers).
    private static func pages(on db: any SQLDatabase, _ body: ([Text]) async throws -> Void) async throws {
        var after = ""
        while true {
            let texts = try await db.raw("""
                SELECT arxiv_id, title, abstract FROM papers WHERE arxiv_id > \(bind: after) ORDER BY arxiv_id LIMIT \(bind: pageSize)
                """).all().map {
                Text(id: try $0.decode(column: "arxiv_id", as: String.self), title: try $0.decode(column: "title", as: String.self),
                     abstract: try $0.decode(column: "abstract", as: String.self))
            }
            guard let last = texts.last else { return }
            try await body(texts)
            after = last.id
        }
    }

    /// Term counts of each text, in order, split over the machine's cores (counting is most of a pass).
    static func counted(_ texts: [Text]) async -> [[String: Int]] {
        let parts = max(1, min(ProcessInfo.processInfo.activeProcessorCount, texts.count / 100))
        let size = (texts.count + parts - 1) / parts
        return await withTaskGroup(of: (Int, [[String: Int]]).self) { group in
            for part in 0..<parts {
                let slice = texts[min(part * size, texts.count)..<min((part + 1) * size, texts.count)]
                group.addTask { (part, slice.map { Terms.counts(title: $0.title, abstract: $0.abstract) }) }
            }
            var results = [[[String: Int]]](repeating: [], count: parts)
            for await (part, counts) in group { results[part] = counts }
            return results.flatMap { $0 }
        }
    }

    /// Rows `row(0..<count)` into the table, made a slice at a time (millions of term rows would not fit
    /// in memory as cells): one COPY on PostgreSQL, multi-row inserts on SQLite.
    private static func insert(count: Int, into table: String, columns: [String], on db: any SQLDatabase, postgres: PostgresConnection?,
                               logger: Logger, row: @escaping @Sendable (Int) -> [DatabaseCopy.Cell]) async throws {
        guard count > 0 else { return }
        if let postgres {
            try await postgres.copyFrom(table: table, columns: columns, logger: logger) { writer in
                for start in stride(from: 0, to: count, by: 20_000) {
                    try await writer.write(CopyText.encode((start..<min(start + 20_000, count)).map(row)))
                }
            }
            return
        }
        for start in stride(from: 0, to: count, by: SimilarityIndex.chunk) {
            var sql = SQLQueryString("INSERT INTO \(unsafeRaw: table) (\(unsafeRaw: columns.joined(separator: ", "))) VALUES ")
            sql.appendRows((start..<min(start + SimilarityIndex.chunk, count)).map { row($0) as [any Encodable & Sendable] })
            try await db.raw(sql).run()
        }
    }
}

extension PaperStore {
    /// Rebuilds similar papers and keywords for all papers in one pass (`SimilarityRebuild`); returns how
    /// many papers it indexed. `progress` gets the papers weighed so far.
    @discardableResult
    public func rebuildSimilarity(progress: @Sendable (Int) -> Void = { _ in }) async throws -> Int {
        try await database.writeOnConnection { [database] db, postgres in
            try await SimilarityRebuild.run(on: db, postgres: postgres, logger: database.logger, progress: progress)
        }
    }
}
