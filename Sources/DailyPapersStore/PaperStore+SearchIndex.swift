import DailyPapersCore
import Foundation
import PostgresNIO
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
        _ = try await database.read { db in try await memory.catchUp(on: db) }
    }

    /// The plain search (best first, no filters, no prefixes) from the in-memory index: every paper
    /// holding all the words scored exactly, then the best of them that are on the feed (and, for a
    /// phrase, have its words in order). Nil when the full-text index should answer instead: while the
    /// index is being built, and for prefixes.
    func hitsFromSearchIndex(_ query: SearchQuery, filters: SearchFilters,
                             shownReadWhole: Int = PaperStore.shownReadWhole) async throws -> [SearchHit]? {
        guard !query.parts.contains(where: \.prefix) else { return nil }
        let phrases = query.indexTerms
        let words = Array(Set(phrases.joined())).sorted()
        guard !words.isEmpty else { return nil }
        let phrased = phrases.filter { $0.count > 1 }
        let memory = database.searchMemory
        let wanted = filters.offset + filters.limit
        return try await database.read { db -> [SearchHit]? in
            guard try await memory.catchUp(on: db) else { return nil }
            var limit = wanted + 20
            var shownOnly: Set<String>?
            while true {
                let (complete, best) = memory.top(words, phrases: phrased, limit: limit, only: shownOnly)
                // A first look reads the candidates' whole rows, so the page needs no second statement (a
                // round trip on PostgreSQL); a deeper one, past many papers not on the feed, only their order.
                let withRows = best.count <= Self.candidatesReadWhole
                let shown = try await Self.shownOrder(best, withRows: withRows, on: db)
                if shown.count >= wanted || complete {
                    let page = Array(shown.dropFirst(filters.offset).prefix(filters.limit))
                    guard !page.isEmpty else { return [] }
                    let rows = withRows ? page.compactMap(\.row)
                        : try await Self.shownOrder(page.map(\.match), withRows: true, on: db).compactMap(\.row)
                    let papers = Dictionary(try await Self.attachAuthors(try rows.map(RowDecoding.featured(from:)), on: db)
                        .map { ($0.paper.id.base, $0) }, uniquingKeysWith: { a, _ in a })
                    return page.compactMap { shown in
                        papers[shown.match.paper].map { SearchHit(paper: $0, snippet: SearchSnippet.make($0.paper.abstract, query: query)) }
                    }
                }
                // Too many of the best are not on the feed: look further down. Far down (an instance that
                // harvests many more papers than it features), one pass over the matches with the feed's
                // papers in hand, rather than reading ever more of the matches' feed rows (all of a common
                // word's, at worst); when the feed holds too many for that, the look soon finds enough.
                limit *= 4
                if limit > Self.candidatesBeforeShownPapers, shownOnly == nil,
                   let few = try await Self.shownPapers(atMost: shownReadWhole, on: db) {
                    shownOnly = few
                    limit = wanted + 20
                }
            }
        }
    }

    /// How many candidates a search reads whole with their order (a page and a margin are 40).
    static let candidatesReadWhole = 100
    /// How far down a search looks, reading the candidates' feed rows, before it reads the feed's papers.
    static let candidatesBeforeShownPapers = 1000
    /// Up to how many papers on the feed a search past many matches not on it reads at once.
    static let shownReadWhole = 20000

    /// The papers on the feed, if there are at most `limit`.
    static func shownPapers(atMost limit: Int, on db: any SQLDatabase) async throws -> Set<String>? {
        let rows = try await db.raw("SELECT paper_id FROM featured WHERE hidden = 0 LIMIT \(bind: limit + 1)").all()
        guard rows.count <= limit else { return nil }
        return Set(try rows.map { try $0.decode(column: "paper_id", as: String.self) })
    }

    /// The candidates' whole rows on PostgreSQL, prepared: run by every search.
    enum ShownRows: PreparedText {
        static let name = "dailypapers_search_shown_rows"
        static let sql = """
            SELECT \(RowDecoding.paperColumns(postgres: true)), \(RowDecoding.featuredColumns), f.paper_id
            FROM featured f JOIN papers p ON p.arxiv_id = f.paper_id LEFT JOIN users u ON u.id = f.submitted_by
            WHERE f.hidden = 0 AND f.paper_id = ANY($1)
            """
    }

    /// The matches that are on the feed, best first; equal scores newest first, then by id. `withRows`: with
    /// each match's paper and featured columns.
    static func shownOrder(_ best: [SearchMemory.Match], withRows: Bool, on db: any SQLDatabase) async throws
        -> [(match: SearchMemory.Match, submittedAt: Int64, row: (any SQLRow)?)] {
        var submitted: [String: (at: Int64, row: (any SQLRow)?)] = [:]
        let columns = withRows ? "\(RowDecoding.paperColumns(on: db)), \(RowDecoding.featuredColumns), f.paper_id" : "f.paper_id, f.submitted_at"
        for start in stride(from: 0, to: best.count, by: 500) {
            let ids = best[start..<min(start + 500, best.count)].map(\.paper)
            let rows: [any SQLRow]
            if withRows, let postgres = db as? PostgresSQL {
                var bindings = PostgresBindings()
                bindings.append(ids)
                rows = try await postgres.rows(ShownRows.self, bindings)
            } else {
                let binds: [any Encodable & Sendable] = ids
                rows = try await db.raw("""
                    SELECT \(unsafeRaw: columns)
                    FROM featured f\(unsafeRaw: withRows ? " JOIN papers p ON p.arxiv_id = f.paper_id LEFT JOIN users u ON u.id = f.submitted_by" : "")
                    WHERE f.hidden = 0 AND f.paper_id IN (\(binds: binds))
                    """).all()
            }
            for row in rows {
                submitted[try row.decode(column: "paper_id", as: String.self)] = (try row.decode(column: "submitted_at", as: Int64.self), withRows ? row : nil)
            }
        }
        return best.compactMap { m in submitted[m.paper].map { (m, $0.at, $0.row) } }.sorted { a, b in
            a.match.score != b.match.score ? a.match.score > b.match.score
                : a.submittedAt != b.submittedAt ? a.submittedAt > b.submittedAt : a.match.paper < b.match.paper
        }
    }
}
