import DailyPapersCore
import Foundation
import SQLKit

/// Similar papers and keywords without any model: each paper's heaviest tf-idf terms (Core's `Terms`) are
/// kept in `paper_terms` with unit-length weights, so the similarity of two papers is the sum of the
/// products of their shared terms' weights, a cosine over the kept terms. A paper is indexed in the
/// transaction that saves it, so it has neighbours (and is one) the moment it is committed.
///
/// Document frequencies grow as papers arrive and idf is taken at indexing time; a paper indexed early
/// in an instance's life keeps weights from a smaller corpus until it is indexed again (`reindexAll`).
public enum SimilarityIndex {
    /// Terms kept per paper: enough for a stable cosine, few enough for short postings.
    static let termsPerPaper = 30
    static let chunk = 400

    /// Indexes the stored title and abstract of these papers. New papers add to the term counts; a paper
    /// indexed before is re-weighted without counting it twice.
    static func index(_ ids: [String], on db: any SQLDatabase) async throws {
        guard !ids.isEmpty else { return }
        let binds: [any Encodable & Sendable] = ids
        var texts: [(id: String, counts: [String: Int])] = []
        for row in try await db.raw("SELECT arxiv_id, title, abstract FROM papers WHERE arxiv_id IN (\(binds: binds))").all() {
            texts.append((try row.decode(column: "arxiv_id", as: String.self),
                          Terms.counts(title: try row.decode(column: "title", as: String.self),
                                       abstract: try row.decode(column: "abstract", as: String.self))))
        }
        let seen = Set(try await db.raw("SELECT DISTINCT paper_id FROM paper_terms WHERE paper_id IN (\(binds: binds))").all()
            .map { try $0.decode(column: "paper_id", as: String.self) })
        var increments: [String: Int] = [:]
        var newPapers = 0
        for text in texts where !seen.contains(text.id) {
            newPapers += 1
            for term in text.counts.keys { increments[term, default: 0] += 1 }
        }
        // Sorted, so two processes indexing at once lock term rows in the same order.
        let sortedIncrements = increments.sorted { $0.key < $1.key }
        for start in stride(from: 0, to: sortedIncrements.count, by: chunk) {
            var sql = SQLQueryString("INSERT INTO term_df (term, df) VALUES ")
            sql.appendRows(sortedIncrements[start..<min(start + chunk, sortedIncrements.count)].map { [$0.key, $0.value] })
            sql.appendLiteral(" ON CONFLICT (term) DO UPDATE SET df = term_df.df + excluded.df")
            try await db.raw(sql).run()
        }
        if newPapers > 0 {
            try await db.raw("UPDATE site_state SET value = value + \(bind: newPapers) WHERE key = 'indexed_papers'").run()
        }
        let documents = try await db.raw("SELECT value FROM site_state WHERE key = 'indexed_papers'").first()?
            .decode(column: "value", as: Int.self) ?? 1
        let allTerms = Array(Set(texts.flatMap { $0.counts.keys })).sorted()
        var df: [String: Int] = [:]
        for start in stride(from: 0, to: allTerms.count, by: chunk) {
            let slice: [any Encodable & Sendable] = Array(allTerms[start..<min(start + chunk, allTerms.count)])
            for row in try await db.raw("SELECT term, df FROM term_df WHERE term IN (\(binds: slice))").all() {
                df[try row.decode(column: "term", as: String.self)] = try row.decode(column: "df", as: Int.self)
            }
        }
        try await db.raw("DELETE FROM paper_terms WHERE paper_id IN (\(binds: binds))").run()
        var rows: [[any Encodable & Sendable]] = []
        var keywordRows: [[any Encodable & Sendable]] = []
        for text in texts {
            let weights = Terms.weights(text.counts, df: df, documents: documents, keep: termsPerPaper)
            for (term, weight) in weights { rows.append([text.id, term, weight]) }
            keywordRows.append([text.id, keywordsText(Terms.keywords(weights))])
        }
        for start in stride(from: 0, to: rows.count, by: chunk) {
            var sql = SQLQueryString("INSERT INTO paper_terms (paper_id, term, weight) VALUES ")
            sql.appendRows(rows[start..<min(start + chunk, rows.count)])
            try await db.raw(sql).run()
        }
        try await upsertKeywords(keywordRows, on: db)
    }

    /// Keywords as `paper_keywords` keeps them: one per line (a term is words of letters and digits
    /// joined by spaces, so it holds no line break).
    static func keywordsText(_ keywords: [String]) -> String { keywords.joined(separator: "\n") }

    /// The keywords a `keywordsText` holds.
    static func keywordsList(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

    /// Rows of paper id and `keywordsText`, replacing what the papers had.
    static func upsertKeywords(_ rows: [[any Encodable & Sendable]], on db: any SQLDatabase) async throws {
        for start in stride(from: 0, to: rows.count, by: chunk) {
            var sql = SQLQueryString("INSERT INTO paper_keywords (paper_id, keywords) VALUES ")
            sql.appendRows(rows[start..<min(start + chunk, rows.count)])
            sql.appendLiteral(" ON CONFLICT (paper_id) DO UPDATE SET keywords = excluded.keywords")
            try await db.raw(sql).run()
        }
    }

    /// Keywords chosen from the papers' kept terms, as `index` chooses them (papers without terms have none).
    static func keywordsFromTerms(_ ids: [String], on db: any SQLDatabase) async throws -> [String: [String]] {
        guard !ids.isEmpty else { return [:] }
        let binds: [any Encodable & Sendable] = ids
        var weighted: [String: [(term: String, weight: Double)]] = [:]
        for row in try await db.raw("""
            SELECT paper_id, term, weight FROM paper_terms WHERE paper_id IN (\(binds: binds))
            """).all() {
            weighted[try row.decode(column: "paper_id", as: String.self), default: []]
                .append((try row.decode(column: "term", as: String.self), try row.decode(column: "weight", as: Double.self)))
        }
        return weighted.mapValues { Terms.keywords($0) }
    }
}

extension PaperStore {
    /// A paper's nearest papers by cosine over their kept terms, best first, with the score (0-1).
    public func similar(to id: ArxivID, limit: Int = 10) async throws -> [(record: PaperRecord, score: Double)] {
        let scored = try await database.read { db in
            try await db.raw("""
                SELECT t2.paper_id AS id, SUM(t1.weight * t2.weight) AS score
                FROM paper_terms t1 JOIN paper_terms t2 ON t2.term = t1.term AND t2.paper_id <> t1.paper_id
                WHERE t1.paper_id = \(bind: id.base)
                GROUP BY t2.paper_id ORDER BY score DESC, t2.paper_id LIMIT \(bind: limit)
                """).all().map { (try $0.decode(column: "id", as: String.self), try $0.decode(column: "score", as: Double.self)) }
        }
        let records = try await papers(scored.map(\.0))
        return scored.compactMap { id, score in records[id].map { ($0, score) } }
    }

    /// Whether any paper has no terms yet (stored before the index existed, or with no words to index),
    /// or has terms but no kept keywords (indexed before they were kept).
    public func hasPapersWithoutTerms() async throws -> Bool {
        try await database.read { db in
            if try await db.raw("""
                SELECT 1 AS x FROM papers p WHERE NOT EXISTS (SELECT 1 FROM paper_terms t WHERE t.paper_id = p.arxiv_id)
                  AND (p.title <> '' OR p.abstract <> '') LIMIT 1
                """).first() != nil { return true }
            return try await db.raw("""
                SELECT 1 AS x FROM papers p WHERE NOT EXISTS (SELECT 1 FROM paper_keywords k WHERE k.paper_id = p.arxiv_id)
                  AND EXISTS (SELECT 1 FROM paper_terms t WHERE t.paper_id = p.arxiv_id) LIMIT 1
                """).first() != nil
        }
    }

    /// Indexes all papers again with today's term counts in one pass (`rebuildSimilarity`: after a large
    /// import, weights of the first papers were taken from a small corpus), or with `onlyMissing` only those
    /// never indexed (stored before the index existed, or by an import that deferred it), then the keywords
    /// of papers indexed before keywords were kept, in batches of 500, each its own transaction. Returns how
    /// many papers it did either for.
    @discardableResult
    public func reindexSimilarity(onlyMissing: Bool = false, progress: @Sendable (Int) -> Void = { _ in }) async throws -> Int {
        if !onlyMissing { return try await rebuildSimilarity(progress: progress) }
        var done = try await inBatches(papersWhere: "NOT EXISTS (SELECT 1 FROM paper_terms t WHERE t.paper_id = p.arxiv_id)",
                                       progress: progress) { ids, db in
            try await SimilarityIndex.index(ids, on: db)
        }
        // Papers indexed before keywords were kept: chosen from their terms as they stand.
        let indexed = done
        done += try await inBatches(papersWhere: """
            NOT EXISTS (SELECT 1 FROM paper_keywords k WHERE k.paper_id = p.arxiv_id)
              AND EXISTS (SELECT 1 FROM paper_terms t WHERE t.paper_id = p.arxiv_id)
            """, progress: { progress(indexed + $0) }) { ids, db in
            let chosen = try await SimilarityIndex.keywordsFromTerms(ids, on: db)
            try await SimilarityIndex.upsertKeywords(ids.map { [$0, SimilarityIndex.keywordsText(chosen[$0] ?? [])] }, on: db)
        }
        return done
    }
}

