import DailyPapersCore
import PostgresNIO
import SQLKit

/// What a feed page or API call asks for.
public struct FeedQuery: Sendable, Hashable {
    public var period: FeedPeriod?
    public var sort: FeedSort
    public var submitter: String?
    /// Only papers listed in this arXiv category (primary or cross-listed).
    public var category: String?
    /// Only papers this user has upvoted.
    public var upvotedBy: String?
    /// Only papers with a code repository (recorded, or a GitHub link in the abstract or comment), as search's filter.
    public var hasCode = false
    /// With the trending sort and no period: only papers submitted within this many days of the newest one
    /// (the trending-window-days setting; such a query without it is refused, not given a default).
    public var trendingWindowDays: Int?
    public var offset: Int
    public var limit: Int

    public init(period: FeedPeriod? = nil, sort: FeedSort = .upvotes, submitter: String? = nil, category: String? = nil,
                upvotedBy: String? = nil, trendingWindowDays: Int? = nil,
                offset: Int = 0, limit: Int = 50) {
        self.category = category
        self.upvotedBy = upvotedBy
        self.trendingWindowDays = trendingWindowDays
        self.period = period
        self.sort = sort
        self.submitter = submitter
        self.offset = offset
        self.limit = limit
    }
}

extension PaperStore {
    public func featured(_ query: FeedQuery) async throws -> [FeaturedPaper] {
        if query.sort == .trending, query.period == nil, query.trendingWindowDays == nil {
            throw StoreError("a trending list over no period needs the trending window (the trending-window-days setting)")
        }
        return try await database.read { db in
            var sql = SQLQueryString("""
                SELECT \(unsafeRaw: RowDecoding.paperColumns(on: db)), \(unsafeRaw: RowDecoding.featuredColumns)
                FROM featured f JOIN papers p ON p.arxiv_id = f.paper_id \(unsafeRaw: RowDecoding.submitterJoin(on: db))
                WHERE f.hidden = 0
                """)
            Self.appendFilters(query, to: &sql)
            sql.appendInterpolation(unsafeRaw: " ORDER BY " + Self.orderBy(query.sort))
            sql.appendLiteral(" LIMIT ")
            sql.appendInterpolation(bind: query.limit)
            sql.appendLiteral(" OFFSET ")
            sql.appendInterpolation(bind: query.offset)
            let rows = try await db.raw(sql).all()
            let papers = try rows.map(RowDecoding.featured(from:))
            return try await Self.attachAuthors(papers, on: db)
        }
    }

    public func count(_ query: FeedQuery) async throws -> Int {
        try await database.read { db in
            var sql = SQLQueryString("""
                SELECT COUNT(*) AS n FROM featured f WHERE f.hidden = 0
                """)
            Self.appendFilters(query, to: &sql)
            return try await db.raw(sql).first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    /// The featured record of a paper, or the bare paper when it was never featured.
    public func paper(_ id: ArxivID) async throws -> PaperRecord? {
        try await papers([id.base])[id.base]
    }

    /// `paper(_:)` for many ids in three reads, keyed by base id; ids not stored are left out.
    public func papers(_ ids: [String]) async throws -> [String: PaperRecord] {
        guard !ids.isEmpty else { return [:] }
        return try await database.read { db in try await Self.records(ids, on: db) }
    }

    static func records(_ ids: [String], on db: any SQLDatabase) async throws -> [String: PaperRecord] {
        guard !ids.isEmpty else { return [:] }
        let binds: [any Encodable & Sendable] = ids
        let rows = try await db.raw("""
            SELECT \(unsafeRaw: RowDecoding.paperColumns(on: db)), \(unsafeRaw: RowDecoding.featuredColumns), f.paper_id AS featured_id
            FROM papers p LEFT JOIN featured f ON f.paper_id = p.arxiv_id AND f.hidden = 0
            \(unsafeRaw: RowDecoding.submitterJoin(on: db))
            WHERE p.arxiv_id IN (\(binds: binds))
            """).all()
        var out: [String: PaperRecord] = [:]
        for record in try await attachAuthors(try rows.map(RowDecoding.record(from:)), on: db) { out[record.paper.id.base] = record }
        return out
    }

    /// Records with their authors (one query for all): never-featured papers ride along as featured ones
    /// with a zero day, and come back bare.
    static func attachAuthors(_ records: [PaperRecord], on db: any SQLDatabase) async throws -> [PaperRecord] {
        let carried = records.map {
            $0.featured ?? FeaturedPaper(paper: $0.paper, day: CalendarDay(daysSinceEpoch: 0),
                                         submittedAt: Timestamp(millisecondsSince1970: 0), trendingScore: 0)
        }
        return zip(records, try await attachAuthors(carried, on: db)).map { record, f in
            record.featured != nil ? .featured(f) : .unfeatured(f.paper)
        }
    }

    /// The most recent day that has featured papers.
    public func latestDay() async throws -> CalendarDay? {
        try await day("SELECT MAX(day) AS d FROM featured WHERE hidden = 0")
    }

    /// The nearest day before `day` with featured papers, skipping empty days.
    public func previousDay(before day: CalendarDay) async throws -> CalendarDay? {
        try await self.day("SELECT MAX(day) AS d FROM featured WHERE hidden = 0 AND day < \(bind: day.iso)")
    }

    public func nextDay(after day: CalendarDay) async throws -> CalendarDay? {
        try await self.day("SELECT MIN(day) AS d FROM featured WHERE hidden = 0 AND day > \(bind: day.iso)")
    }

    /// Featured papers matching every term, best first (bm25; a title match weighs ten abstract matches,
    /// an author match three).
    public func search(_ text: String, limit: Int) async throws -> [FeaturedPaper] {
        try await searchHits(text, filters: SearchFilters(featuredOnly: true, limit: limit)).compactMap(\.featured)
    }

    /// Like `search`, with filters, sorts, paging and a snippet of the abstract around the matches, every paper or
    /// only those on the feed. In `snippet`, U+E000 and U+E001 mark where a match starts and ends, so the caller can
    /// escape the text and then highlight. The search index answers every form (`hitsFromSearchIndex` the plain one,
    /// `filteredHits` the rest).
    public func searchHits(_ text: String, filters: SearchFilters) async throws -> [SearchHit] {
        guard let query = SearchQuery(text) else { return [] }
        if filters.isPlainRelevance { return try await hitsFromSearchIndex(query, filters: filters, typed: text) }
        return try await filteredHits(query, filters: filters)
    }

    /// The UTC day (YYYY-MM-DD) of a milliseconds column, in each engine's words.
    static func dayOf(_ column: String, postgres: Bool) -> String {
        postgres ? "to_char(to_timestamp(\(column) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
                 : "strftime('%Y-%m-%d', \(column) / 1000, 'unixepoch')"
    }

    /// Whether any paper (featured or not) is listed in the category.
    public func categoryExists(_ category: String) async throws -> Bool {
        try await database.read { db in
            try await db.raw("SELECT 1 AS x FROM paper_categories WHERE category = \(bind: category) LIMIT 1").first() != nil
        }
    }

    /// The store's content version: changes whenever any process commits a content change.
    /// Both versions in one read: `content` changes with papers and moderation, `counts` with votes and comments.
    public func siteVersions() async throws -> (content: Int64, counts: Int64) {
        try await database.read { db in
            var content: Int64 = 0, counts: Int64 = 0
            for row in try await db.raw("SELECT key, value FROM site_state WHERE key IN ('content_version', 'counts_version')").all() {
                let value = try row.decode(column: "value", as: Int64.self)
                if try row.decode(column: "key", as: String.self) == "content_version" { content = value } else { counts = value }
            }
            return (content, counts)
        }
    }

    public func contentVersion() async throws -> Int64 {
        try await database.read { db in
            try await db.raw("SELECT value FROM site_state WHERE key = 'content_version'").first()?
                .decode(column: "value", as: Int64.self) ?? 0
        }
    }

    /// `(lower(col1) LIKE lower(pattern) ESCAPE '\' OR ...)`
    static func appendMatch(_ pattern: String, columns: [String], to sql: inout SQLQueryString) {
        sql.appendLiteral("(")
        for (i, column) in columns.enumerated() {
            sql.appendLiteral(i == 0 ? "" : " OR ")
            // lower() on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
            sql.appendLiteral("lower(")
            sql.appendInterpolation(unsafeRaw: column)
            sql.appendLiteral(") LIKE lower(")
            sql.appendInterpolation(bind: pattern)
            sql.appendLiteral(") ESCAPE '\\'")
        }
        sql.appendLiteral(")")
    }

    static func likePattern(_ word: String) -> String {
        var escaped = ""
        for ch in word {
            if ch == "%" || ch == "_" || ch == "\\" { escaped.append("\\") }
            escaped.append(ch)
        }
        return "%" + escaped + "%"
    }

    private func day(_ sql: SQLQueryString) async throws -> CalendarDay? {
        try await database.read { db in
            try await db.raw(sql).first()?.decode(column: "d", as: String?.self).flatMap { CalendarDay(iso: $0) }
        }
    }

    static func appendFilters(_ query: FeedQuery, to sql: inout SQLQueryString) {
        if let period = query.period {
            sql.appendLiteral(" AND f.day BETWEEN ")
            sql.appendInterpolation(bind: period.days.lowerBound.iso)
            sql.appendLiteral(" AND ")
            sql.appendInterpolation(bind: period.days.upperBound.iso)
        }
        if let submitter = query.submitter {
            sql.appendLiteral(" AND f.submitted_by IN (SELECT id FROM users WHERE username = ")
            sql.appendInterpolation(bind: submitter)
            sql.appendLiteral(")")
        }
        if let category = query.category {
            sql.appendLiteral(" AND EXISTS (SELECT 1 FROM paper_categories c WHERE c.paper_id = f.paper_id AND c.category = ")
            sql.appendInterpolation(bind: category)
            sql.appendLiteral(")")
        }
        if let voter = query.upvotedBy {
            sql.appendLiteral(" AND EXISTS (SELECT 1 FROM votes v JOIN users vu ON vu.id = v.user_id WHERE v.paper_id = f.paper_id AND lower(vu.username) = lower(")
            sql.appendInterpolation(bind: voter)
            sql.appendLiteral("))")
        }
        if query.hasCode {
            sql.appendLiteral(" AND EXISTS (SELECT 1 FROM papers cp WHERE cp.arxiv_id = f.paper_id AND ")
            appendHasCode("cp", to: &sql)
            sql.appendLiteral(")")
        }
        if query.sort == .trending, query.period == nil {
            sql.appendLiteral(" AND f.submitted_at >= (SELECT MAX(submitted_at) FROM featured WHERE hidden = 0) - ")
            sql.appendInterpolation(bind: Int64(query.trendingWindowDays ?? 0) * 86_400_000)
        }
    }

    static func orderBy(_ sort: FeedSort) -> String {
        switch sort {
        case .upvotes: return "f.upvotes DESC, f.submitted_at DESC, f.paper_id"
        case .trending: return "f.trending_score DESC, f.paper_id"
        case .newest: return "f.submitted_at DESC, f.paper_id DESC"
        case .stars: return "COALESCE(p.github_stars, -1) DESC, f.upvotes DESC, f.submitted_at DESC, f.paper_id"
        }
    }

    /// The authors of papers, in order; prepared on PostgreSQL (every page and search reads them).
    enum AuthorRows: PreparedText {
        static let name = "dailypapers_author_rows"
        /// As `RowDecoding.submitterJoin`: PostgreSQL's generic plan for this prepared statement hashed the whole
        /// users table for every page (1.2 ms of a paper page); one probe per author is what a page needs.
        static func select(postgres: Bool) -> String {
            """
            SELECT a.paper_id, a.name, a.hf_id, a.hidden, a.status, a.status_changed_at, a.affiliations,
              u.username AS u_username, u.fullname AS u_fullname, u.hf_id AS u_hf_id, u.avatar_url AS u_avatar_url,
              u.kind AS u_kind, u.is_pro AS u_is_pro
            FROM paper_authors a \(postgres ? "LEFT JOIN LATERAL (\(RowDecoding.userRow) WHERE users.id = a.user_id OFFSET 0) u ON true"
                                           : "LEFT JOIN users u ON u.id = a.user_id")
            WHERE a.paper_id
            """
        }
        static let order = "ORDER BY a.paper_id, a.position"
        static let sql = "\(select(postgres: true)) = ANY($1) \(order)"
    }

    static func attachAuthors(_ papers: [FeaturedPaper], on db: any SQLDatabase) async throws -> [FeaturedPaper] {
        guard !papers.isEmpty else { return papers }
        let ids = papers.map { $0.paper.id.base }
        var authors: [String: [Author]] = [:]
        let rows: [any SQLRow]
        if let postgres = db as? PostgresSQL {
            var bindings = PostgresBindings()
            bindings.append(ids)
            rows = try await postgres.rows(AuthorRows.self, bindings)
        } else {
            let binds: [any Encodable & Sendable] = ids
            rows = try await db.raw("\(unsafeRaw: AuthorRows.select(postgres: false)) IN (\(binds: binds)) \(unsafeRaw: AuthorRows.order)").all()
        }
        for row in rows {
            authors[try row.decode(column: "paper_id", as: String.self), default: []].append(try RowDecoding.author(from: row))
        }
        // (Papers that came without keywords show those kept for them in paper_keywords, read with the row.)
        return papers.map { f in
            var f = f
            f.paper.authors = authors[f.paper.id.base] ?? []
            return f
        }
    }
}

/// A paper as the paper page sees it.
public enum PaperRecord: Sendable, Hashable {
    case featured(FeaturedPaper)
    case unfeatured(Paper)

    public var paper: Paper {
        switch self {
        case .featured(let f): return f.paper
        case .unfeatured(let p): return p
        }
    }
    public var featured: FeaturedPaper? {
        if case .featured(let f) = self { return f }
        return nil
    }
}
