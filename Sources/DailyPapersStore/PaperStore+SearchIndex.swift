import DailyPapersCore
import Foundation
import SQLKit

extension PaperStore {
    /// Whether the search index still has to be built (papers stored before it existed, or a rebuild
    /// under way); searches rank every match with the full-text index until it is done.
    public func searchIndexPending() async throws -> Bool {
        try await database.read { db in try await Self.searchIndexPending(on: db) }
    }

    static func searchIndexPending(on db: any SQLDatabase) async throws -> Bool {
        try await db.raw("SELECT value FROM site_state WHERE key = 'search_pending'").first()?
            .decode(column: "value", as: Int.self) != 0
    }

    /// Indexes every stored paper for search again, 500 papers a transaction; searches use the
    /// full-text index meanwhile. Papers saved while it runs index themselves as usual. Returns how
    /// many papers were indexed.
    @discardableResult
    public func rebuildSearchIndex(progress: @Sendable (Int) -> Void = { _ in }) async throws -> Int {
        try await database.write { db in
            try await db.raw("UPDATE site_state SET value = 1 WHERE key = 'search_pending'").run()
        }
        let done = try await inBatches(papersWhere: "1 = 1", progress: progress) { ids, db in
            try await SearchIndex.index(ids, on: db)
        }
        try await database.write { db in try await db.raw("UPDATE site_state SET value = 0 WHERE key = 'search_pending'").run() }
        return done
    }

    /// Loads this process's in-memory search index now (a server does at start), so the first search
    /// does not wait for it.
    public func loadSearchIndex() async throws {
        let memory = database.searchMemory
        try await database.read { db in try await memory.catchUp(on: db) }
    }

    /// The plain search (best first, no filters, no prefixes) from the in-memory index: every paper
    /// holding all the words scored exactly, then the best of them that are on the feed (and, for a
    /// phrase, have its words in order). Nil when the full-text index should answer instead: while the
    /// index is being built, and for prefixes.
    func hitsFromSearchIndex(_ query: SearchQuery, filters: SearchFilters) async throws -> [SearchHit]? {
        guard !query.parts.contains(where: \.prefix) else { return nil }
        let phrases = query.indexTerms
        let words = Array(Set(phrases.joined())).sorted()
        guard !words.isEmpty else { return nil }
        let phrased = phrases.filter { $0.count > 1 }
        let memory = database.searchMemory
        let wanted = filters.offset + filters.limit
        return try await database.read { db -> [SearchHit]? in
            guard try await !Self.searchIndexPending(on: db) else { return nil }
            try await memory.catchUp(on: db)
            var limit = wanted + 20
            while true {
                let (complete, best) = memory.top(words, phrases: phrased, limit: limit)
                let shown = try await Self.shownOrder(best, on: db)
                if shown.count >= wanted || complete {
                    let page = shown.dropFirst(filters.offset).prefix(filters.limit).map(\.match.paper)
                    guard !page.isEmpty else { return [] }
                    let binds: [any Encodable & Sendable] = page
                    let rows = try await db.raw("""
                        SELECT \(unsafeRaw: RowDecoding.paperColumns), \(unsafeRaw: RowDecoding.featuredColumns)
                        FROM featured f JOIN papers p ON p.arxiv_id = f.paper_id LEFT JOIN users u ON u.id = f.submitted_by
                        WHERE f.paper_id IN (\(binds: binds))
                        """).all()
                    let papers = Dictionary(try await Self.attachAuthorsAndCategories(try rows.map(RowDecoding.featured(from:)), on: db)
                        .map { ($0.paper.id.base, $0) }, uniquingKeysWith: { a, _ in a })
                    return page.compactMap { id in
                        papers[id].map { SearchHit(paper: $0, snippet: SearchSnippet.make($0.paper.abstract, query: query)) }
                    }
                }
                // Too many of the best are not on the feed: look further down.
                limit *= 4
            }
        }
    }

    /// The matches that are on the feed, best first; equal scores newest first, then by id.
    static func shownOrder(_ best: [SearchMemory.Match], on db: any SQLDatabase) async throws -> [(match: SearchMemory.Match, submittedAt: Int64)] {
        var submitted: [String: Int64] = [:]
        for start in stride(from: 0, to: best.count, by: 500) {
            let binds: [any Encodable & Sendable] = best[start..<min(start + 500, best.count)].map(\.paper)
            for row in try await db.raw("SELECT paper_id, submitted_at FROM featured WHERE hidden = 0 AND paper_id IN (\(binds: binds))").all() {
                submitted[try row.decode(column: "paper_id", as: String.self)] = try row.decode(column: "submitted_at", as: Int64.self)
            }
        }
        return best.compactMap { m in submitted[m.paper].map { (m, $0) } }.sorted { a, b in
            a.match.score != b.match.score ? a.match.score > b.match.score
                : a.submittedAt != b.submittedAt ? a.submittedAt > b.submittedAt : a.match.paper < b.match.paper
        }
    }
}
