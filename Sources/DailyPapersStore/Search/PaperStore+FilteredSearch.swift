import DailyPapersCore
import SQLKit

/// Searches with filters (category, days, author, code) or sorted by date or upvotes: the search index gives
/// the candidates, best first, and the database keeps those the filters keep, in the order asked, and reads the
/// page. One index serves every search, so a paper is found the same way whichever form the search takes.
extension PaperStore {
    /// The most candidates a filtered or sorted search hands the database. Sorted by date or upvotes, a search
    /// whose words more papers hold orders its best this many (a sort over everything a common word matches at
    /// millions of papers would read every one of their rows); by relevance, it looks this far down for papers
    /// the filters keep, then within the category's or the feed's papers when there are few.
    public static let filteredCandidates = 20_000
    /// Up to how many papers of a category (or on the feed) a filtered search ranks on their own, when the
    /// best candidates held too few of them.
    static let narrowedPapers = 50_000

    func filteredHits(_ query: SearchQuery, filters: SearchFilters) async throws -> [SearchHit] {
        guard let (words, prefixes, phrased) = query.indexRequest else { return [] }
        let memory = database.searchMemory
        let wanted = filters.offset + filters.limit
        return try await database.read { db in
            try await memory.catchUp(on: db)
            func page(_ limit: Int, only: Set<String>? = nil) async throws -> (complete: Bool, rows: [any SQLRow]) {
                let (complete, best) = memory.top(words, prefixes: prefixes, phrases: phrased, limit: limit, only: only)
                return (complete, try await Self.filteredPage(best, filters: filters, on: db))
            }
            // By relevance the best few usually fill the page; by date or upvotes every match is a candidate.
            var limit = filters.sort == .relevance ? max(wanted * 4, 200) : Self.filteredCandidates
            while true {
                let (complete, rows) = try await page(limit)
                if rows.count == filters.limit || complete {
                    return try await Self.recordHits(rows, query, on: db)
                }
                if limit >= Self.filteredCandidates {
                    // A narrow filter over a common word: rank the filter's own papers, when they are few.
                    if let few = try await Self.narrowing(filters, on: db) {
                        return try await Self.recordHits(try await page(Self.filteredCandidates, only: few).rows, query, on: db)
                    }
                    return try await Self.recordHits(rows, query, on: db)
                }
                limit = min(limit * 8, Self.filteredCandidates)
            }
        }
    }

    /// The papers of the filter's category, else those on the feed for `featuredOnly`, if at most `narrowedPapers`.
    static func narrowing(_ filters: SearchFilters, on db: any SQLDatabase) async throws -> Set<String>? {
        let limit = narrowedPapers
        if let category = filters.category {
            let rows = try await db.raw("""
                SELECT paper_id FROM paper_categories WHERE category = \(bind: category) LIMIT \(bind: limit + 1)
                """).all()
            if rows.count <= limit { return Set(try rows.map { try $0.decode(column: "paper_id", as: String.self) }) }
        }
        return filters.featuredOnly ? try await shownPapers(atMost: limit, on: db) : nil
    }

    /// Rows read with `featured_id` (a paper on the feed or not) as hits, with their authors and snippets.
    static func recordHits(_ rows: [any SQLRow], _ query: SearchQuery, on db: any SQLDatabase) async throws -> [SearchHit] {
        let records = try await attachAuthors(try rows.map(RowDecoding.record(from:)), on: db)
        return records.map { SearchHit(record: $0, snippet: SearchSnippet.make($0.paper.abstract, query: query)) }
    }

    /// Of the candidates (best first), those the filters keep, in the order `filters.sort` asks (relevance: the
    /// candidates' order, equal scores newest first), the page's rows whole. Candidates go in as one value: a
    /// JSON array on SQLite (past its limit of bound values), arrays on PostgreSQL.
    static func filteredPage(_ best: [SearchMemory.Match], filters: SearchFilters, on db: any SQLDatabase) async throws -> [any SQLRow] {
        guard !best.isEmpty, filters.limit > 0 else { return [] }
        let postgres = db.isPostgres
        let ranks = sharedRanks(best)
        var sql: SQLQueryString
        if postgres {
            sql = "WITH c(paper_id, rank) AS (SELECT * FROM unnest(\(bind: best.map(\.paper))::text[], \(bind: ranks.map(Int64.init))::int8[]))"
        } else {
            var json = "["
            json.reserveCapacity(best.count * 24)
            for (i, (match, rank)) in zip(best, ranks).enumerated() {
                json += i == 0 ? "[" : ",["
                JSONText.appendString(match.paper, to: &json)
                json += "," + String(rank) + "]"
            }
            sql = "WITH c(paper_id, rank) AS (SELECT value ->> 0, value ->> 1 FROM json_each(\(bind: json + "]")))"
        }
        let only = filters.featuredOnly
        // First the page's ids in order, from the candidates' keys alone (a sort of narrow rows), then its whole rows.
        // SQLite: the candidates drive the join (CROSS JOIN keeps them the outer loop), each an index probe into
        // papers; left to the planner, it scanned papers and looked every row up among the candidates (75 k x 20 k).
        // Newest: when it reached the feed, else when its first version appeared (both milliseconds). Ids compared
        // byte by byte on either engine, as the index's ranking does.
        let at = only ? "f.submitted_at" : "COALESCE(f.submitted_at, p.first_version_at, 0)"
        let byteOrder = postgres ? PageRows.byteOrder : ""
        // The order, over the candidates' columns (`inner`) and over the page's keys (`outer`).
        let inner: String, outer: String
        switch filters.sort {
        case .relevance: (inner, outer) = ("c.rank, \(at) DESC, p.arxiv_id\(byteOrder)", "k.rank, k.at DESC, k.id\(byteOrder)")
        case .newest: (inner, outer) = ("\(at) DESC, p.arxiv_id\(byteOrder)", "k.at DESC, k.id\(byteOrder)")
        case .upvotes: (inner, outer) = ("COALESCE(f.upvotes, 0) DESC, \(at) DESC, p.arxiv_id\(byteOrder)", "k.up DESC, k.at DESC, k.id\(byteOrder)")
        case .stars: (inner, outer) = ("COALESCE(p.github_stars, -1) DESC, COALESCE(f.upvotes, 0) DESC, \(at) DESC, p.arxiv_id\(byteOrder)",
                                       "k.stars DESC, k.up DESC, k.at DESC, k.id\(byteOrder)")
        }
        sql.appendLiteral("""

            , k AS (SELECT p.arxiv_id AS id, c.rank AS rank, \(at) AS at, COALESCE(f.upvotes, 0) AS up, COALESCE(p.github_stars, -1) AS stars
              FROM c \(postgres ? "JOIN" : "CROSS JOIN") papers p ON p.arxiv_id = c.paper_id \(only ? "JOIN" : "LEFT JOIN") featured f ON f.paper_id = p.arxiv_id
              WHERE COALESCE(f.hidden, 0) = 0
            """)
        appendConditions(filters, postgres: postgres, to: &sql)
        sql.appendLiteral("""
             ORDER BY \(inner) LIMIT \(filters.limit) OFFSET \(filters.offset))
            SELECT \(RowDecoding.paperColumns(postgres: postgres)), \(RowDecoding.featuredColumns), f.paper_id AS featured_id
            FROM k \(postgres ? "JOIN" : "CROSS JOIN") papers p ON p.arxiv_id = k.id LEFT JOIN featured f ON f.paper_id = p.arxiv_id
            \(RowDecoding.submitterJoin(postgres: postgres))
            ORDER BY \(outer)
            """)
        return try await db.raw(sql).all()
    }

    /// The filters' conditions on `p` (the paper) and `f` (its featured row, if any).
    static func appendConditions(_ filters: SearchFilters, postgres: Bool, to sql: inout SQLQueryString) {
        if let category = filters.category {
            sql.appendLiteral(" AND EXISTS (SELECT 1 FROM paper_categories pc WHERE pc.paper_id = p.arxiv_id AND pc.category = ")
            sql.appendInterpolation(bind: category)
            sql.appendLiteral(")")
        }
        // A paper's day: the day it was featured, else the day of its first version.
        let day = filters.featuredOnly ? "f.day" : "COALESCE(f.day, \(dayOf("p.first_version_at", postgres: postgres)))"
        if let from = filters.from { sql.appendLiteral(" AND " + day + " >= "); sql.appendInterpolation(bind: from.iso) }
        if let to = filters.to { sql.appendLiteral(" AND " + day + " <= "); sql.appendInterpolation(bind: to.iso) }
        if let author = filters.author {
            sql.appendLiteral(" AND EXISTS (SELECT 1 FROM paper_authors a WHERE a.paper_id = p.arxiv_id AND ")
            appendMatch(likePattern(author), columns: ["a.name"], to: &sql)
            sql.appendLiteral(")")
        }
        if filters.hasCode {
            sql.appendLiteral(" AND ")
            appendHasCode("p", to: &sql)
        }
    }

    /// The paper (by its alias) has a code repository: a recorded one, or a GitHub link in its abstract or comment.
    static func appendHasCode(_ alias: String, to sql: inout SQLQueryString) {
        sql.appendLiteral("(\(alias).github_repo IS NOT NULL OR ")
        appendMatch("%github.com/%", columns: ["\(alias).abstract", "\(alias).comment"], to: &sql)
        sql.appendLiteral(")")
    }

    /// Each candidate's rank: its place, shared by equal scores (so the database breaks their ties).
    static func sharedRanks(_ best: [SearchMemory.Match]) -> [Int] {
        var ranks: [Int] = []
        ranks.reserveCapacity(best.count)
        for (i, match) in best.enumerated() { ranks.append(i > 0 && best[i - 1].score == match.score ? ranks[i - 1] : i) }
        return ranks
    }
}
