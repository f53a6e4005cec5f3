import DailyPapersCore
import Foundation
import PostgresNIO
import SQLKit

extension PaperStore {
    /// Whether the search index still has to be built (papers stored before it existed, or a rebuild
    /// under way); searches find the papers indexed so far until it is done.
    public func searchIndexPending() async throws -> Bool {
        try await database.read { db in try await Self.searchIndexPending(on: db) }
    }

    static func searchIndexPending(on db: any SQLDatabase) async throws -> Bool {
        try await db.raw("SELECT value FROM site_state WHERE key = 'search_pending'").first()?
            .decode(column: "value", as: Int.self) != 0
    }

    /// Indexes every stored paper for search again, 500 papers a transaction (each paper's row replaced, so
    /// searches go on finding it meanwhile). Papers saved while it runs index themselves as usual. Returns how
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

    /// The plain search (best first, no filters) from the search index: every paper holding all the words (and a
    /// term starting with each prefix) scored exactly, then the best of them that are on the feed (and, for a
    /// phrase, have its words in order).
    /// `typed`: the search as typed; the one paper whose title it is exactly comes first (a reader looking for a
    /// paper they know by name), pages after it shifted by one.
    func hitsFromSearchIndex(_ query: SearchQuery, filters: SearchFilters, typed: String? = nil,
                             shownReadWhole: Int = PaperStore.shownReadWhole) async throws -> [SearchHit] {
        guard let (words, prefixes, phrased) = query.indexRequest else { return [] }
        let memory = database.searchMemory
        let wanted = filters.offset + filters.limit
        return try await database.read { db -> [SearchHit] in
            try await memory.catchUp(on: db)
            let exact = try await typed.asyncFlatMap { try await Self.paperTitled($0, on: db) }
            func first(_ best: [SearchMemory.Match]) -> [SearchMemory.Match] {
                guard let exact else { return best }
                return [SearchMemory.Match(paper: exact, score: .infinity)] + best.filter { $0.paper != exact }
            }
            var limit = wanted + 20
            if !filters.featuredOnly {
                // Every paper: the index's best, ordered and read whole by the database (equal scores newest
                // first), less any a moderator hid; further down only when hidden ones left the page short.
                while true {
                    let (complete, ranked) = memory.top(words, prefixes: prefixes, phrases: phrased, limit: limit)
                    let best = first(ranked)
                    // First the candidates ranked no lower than the page's last (equal scores share a rank, which the
                    // database orders): each is a row read whole, from disk when the cache is cold. All of them
                    // only when a hidden paper left the page short.
                    let page = Self.throughRank(of: wanted, in: best)
                    var rows = try await Self.pageRows(page, offset: filters.offset, limit: filters.limit, everyPaper: true, on: db)
                    if rows.count < filters.limit, page.count < best.count {
                        rows = try await Self.pageRows(best, offset: filters.offset, limit: filters.limit, everyPaper: true, on: db)
                    }
                    if rows.count == filters.limit || complete { return try await Self.recordHits(rows, query, on: db) }
                    limit *= 4
                }
            }
            var shownOnly: Set<String>?
            while true {
                let (complete, ranked) = memory.top(words, prefixes: prefixes, phrases: phrased, limit: limit, only: shownOnly)
                let best = first(ranked)
                // A first look: the database keeps the candidates on the feed, orders them and reads whole
                // rows for the page alone, in one statement. A deeper one, past many papers not on the feed,
                // reads the candidates' order first and then the page.
                if best.count <= Self.candidatesReadWhole {
                    let rows = try await Self.pageRows(best, offset: filters.offset, limit: filters.limit, on: db)
                    if rows.count == filters.limit || complete { return try await Self.hits(rows, query, on: db) }
                } else {
                    let shown = try await Self.shownOrder(best, on: db)
                    if shown.count >= wanted || complete {
                        let page = Array(shown.dropFirst(filters.offset).prefix(filters.limit))
                        return try await Self.hits(try await Self.pageRows(page, offset: 0, limit: page.count, on: db), query, on: db)
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

    /// The first `count` of `best` (best first), and any after them sharing the last one's score.
    static func throughRank(of count: Int, in best: [SearchMemory.Match]) -> [SearchMemory.Match] {
        guard count > 0, count < best.count else { return best }
        let last = best[count - 1].score
        var end = count
        while end < best.count, best[end].score == last { end += 1 }
        return Array(best.prefix(end))
    }

    /// The one paper titled exactly `typed` (letter case and runs of spaces aside), if exactly one is.
    static func paperTitled(_ typed: String, on db: any SQLDatabase) async throws -> String? {
        let title = typed.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard title.count >= 8, !title.contains("\"") else { return nil }
        let rows = try await db.raw("SELECT arxiv_id FROM papers WHERE lower(title) = lower(\(bind: title)) LIMIT 2").all()
        return rows.count == 1 ? try rows[0].decode(column: "arxiv_id", as: String.self) : nil
    }

    /// Up to how many candidates a search sends in one statement that orders them and reads the page whole
    /// (a page and a margin are 40).
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

    static func hits(_ rows: [any SQLRow], _ query: SearchQuery, on db: any SQLDatabase) async throws -> [SearchHit] {
        guard !rows.isEmpty else { return [] }
        return try await Self.attachAuthors(try rows.map(RowDecoding.featured(from:)), on: db).map {
            SearchHit(record: .featured($0), snippet: SearchSnippet.make($0.paper.abstract, query: query))
        }
    }

    /// Of `best` (best first), those on the feed in the page's order (equal scores newest first, then by id),
    /// the `offset`th to the `offset + limit`th, with their paper and featured columns. The database orders
    /// them and reads whole rows only for those (at 2.5 M papers nearly every row read is a read from disk).
    static func pageRows(_ best: [SearchMemory.Match], offset: Int, limit: Int, everyPaper: Bool = false,
                         on db: any SQLDatabase) async throws -> [any SQLRow] {
        guard !best.isEmpty, limit > 0 else { return [] }
        // Equal scores share a rank, so the database breaks their ties as the page must.
        let ranks = sharedRanks(best)
        if let postgres = db as? PostgresSQL {
            var bindings = PostgresBindings()
            bindings.append(best.map(\.paper))
            bindings.append(ranks)
            bindings.append(limit)
            bindings.append(offset)
            return everyPaper ? try await postgres.rows(EveryPaperPageRows.self, bindings) : try await postgres.rows(PageRows.self, bindings)
        }
        var sql = SQLQueryString("WITH c(paper_id, rank) AS (VALUES ")
        sql.appendRows(zip(best, ranks).map { [$0.paper, $1] })
        sql.appendLiteral(everyPaper ? """
            )
            \(EveryPaperPageRows.select(candidates: "c", limit: "\(limit)", offset: "\(offset)", byteOrder: "", postgres: false))
            """ : """
            )
            SELECT \(RowDecoding.paperColumns(postgres: false)), \(RowDecoding.featuredColumns), f.paper_id
            FROM (\(PageRows.page("c", limit: "\(limit)", offset: "\(offset)", byteOrder: ""))) f
            \(PageRows.rest(byteOrder: "", postgres: false))
            """)
        return try await db.raw(sql).all()
    }

    /// The page of the candidates among every paper (those a moderator hid left out), equal ranks newest
    /// first (when featured, else when first published), then by id; on PostgreSQL prepared.
    enum EveryPaperPageRows: PreparedText {
        static let name = "dailypapers_search_page_all"
        static let sql = select(candidates: "unnest($1::text[], $2::int8[]) AS c(paper_id, rank)", limit: "$3", offset: "$4",
                                byteOrder: PageRows.byteOrder, postgres: true)

        static func select(candidates: String, limit: String, offset: String, byteOrder: String, postgres: Bool) -> String {
            """
            SELECT \(RowDecoding.paperColumns(postgres: postgres)), \(RowDecoding.featuredColumns), f.paper_id AS featured_id
            FROM (SELECT p.*, c.rank, COALESCE(h.submitted_at, p.first_version_at, 0) AS at
                  FROM \(candidates) JOIN papers p ON p.arxiv_id = c.paper_id LEFT JOIN featured h ON h.paper_id = c.paper_id
                  WHERE COALESCE(h.hidden, 0) = 0
                  ORDER BY c.rank, at DESC, c.paper_id\(byteOrder) LIMIT \(limit) OFFSET \(offset)) p
            LEFT JOIN featured f ON f.paper_id = p.arxiv_id \(RowDecoding.submitterJoin(postgres: postgres))
            ORDER BY p.rank, p.at DESC, p.arxiv_id\(byteOrder)
            """
        }
    }

    /// The page of the candidates on the feed on PostgreSQL, prepared: run by nearly every search.
    enum PageRows: PreparedText {
        static let name = "dailypapers_search_page"
        static let sql = """
            SELECT \(RowDecoding.paperColumns(postgres: true)), \(RowDecoding.featuredColumns), f.paper_id
            FROM (\(page("unnest($1::text[], $2::int8[]) AS c(paper_id, rank)", limit: "$3", offset: "$4", byteOrder: byteOrder))) f
            \(rest(byteOrder: byteOrder, postgres: true))
            """
        /// Ids compared byte by byte, as Swift's ranking does, whatever the database's collation (SQLite's
        /// default, BINARY, does so already).
        static let byteOrder = #" COLLATE "C""#

        /// The candidates (`paper_id`, `rank`) on the feed with their featured rows, in the page's order, cut to
        /// the page; read as `f`, so the featured row is not looked up a second time.
        static func page(_ candidates: String, limit: String, offset: String, byteOrder: String) -> String {
            """
            SELECT f.*, c.rank FROM \(candidates) JOIN featured f ON f.paper_id = c.paper_id
            WHERE f.hidden = 0 ORDER BY c.rank, f.submitted_at DESC, f.paper_id\(byteOrder) LIMIT \(limit) OFFSET \(offset)
            """
        }

        /// The page's whole rows, in its order.
        static func rest(byteOrder: String, postgres: Bool) -> String {
            """
            JOIN papers p ON p.arxiv_id = f.paper_id \(RowDecoding.submitterJoin(postgres: postgres))
            ORDER BY f.rank, f.submitted_at DESC, f.paper_id\(byteOrder)
            """
        }
    }

    /// The matches that are on the feed, best first; equal scores newest first, then by id.
    static func shownOrder(_ best: [SearchMemory.Match], on db: any SQLDatabase) async throws -> [SearchMemory.Match] {
        var submitted: [String: Int64] = [:]
        for start in stride(from: 0, to: best.count, by: 500) {
            let binds: [any Encodable & Sendable] = best[start..<min(start + 500, best.count)].map(\.paper)
            for row in try await db.raw("SELECT paper_id, submitted_at FROM featured WHERE hidden = 0 AND paper_id IN (\(binds: binds))").all() {
                submitted[try row.decode(column: "paper_id", as: String.self)] = try row.decode(column: "submitted_at", as: Int64.self)
            }
        }
        let shown: [(match: SearchMemory.Match, at: Int64)] = best.compactMap { m in submitted[m.paper].map { (m, $0) } }
        return shown.sorted { a, b in
            a.match.score != b.match.score ? a.match.score > b.match.score : a.at != b.at ? a.at > b.at : a.match.paper < b.match.paper
        }.map(\.match)
    }
}

extension Optional {
    /// `flatMap` with an async transform.
    func asyncFlatMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}

extension SearchQuery {
    /// What the query asks the search index: its words (each once, in order), its prefixes' starts, and its
    /// phrases of more than one word; nil when it asks for nothing.
    var indexRequest: (words: [String], prefixes: [[String]], phrases: [[String]])? {
        let phrases = indexTerms
        let words = Array(Set(phrases.joined())).sorted(), prefixes = indexPrefixes
        guard !words.isEmpty || !prefixes.isEmpty else { return nil }
        return (words, prefixes, phrases.filter { $0.count > 1 })
    }
}
