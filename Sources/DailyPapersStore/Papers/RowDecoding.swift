import DailyPapersCore
import Foundation
import SQLKit

/// Turns rows into Core values. Column names are the contract between these helpers and the queries.
enum RowDecoding {
    static func timestamp(_ row: any SQLRow, _ column: String) throws -> Timestamp? {
        try optional(row, column, Int64.self).map(Timestamp.init(millisecondsSince1970:))
    }

    /// A nullable column. Asking SQLKit for `T?` decodes through a generic `Decoder` (an allocation and
    /// protocol-conformance lookups per value; a third of a search page whose papers have a hundred authors
    /// each), while most such columns are NULL: asked whether it is NULL first, a NULL costs a lookup.
    static func optional<T: Decodable>(_ row: any SQLRow, _ column: String, _ type: T.Type) throws -> T? {
        if try row.decodeNil(column: column) {
            // decodeNil also answers true for a column the query did not select: that stays an error.
            guard row.contains(column: column) else { throw StoreError("no column '\(column)' in the row") }
            return nil
        }
        return try row.decode(column: column, as: T.self)
    }

    /// A JSON array of strings stored in a text column; anything unreadable is an empty list. Most such
    /// lists are empty (a results page decodes a hundred author affiliations), which needs no decoder.
    static func stringList(_ row: any SQLRow, _ column: String) throws -> [String] {
        let json = try row.decode(column: column, as: String.self)
        if json == "[]" || json.isEmpty { return [] }
        return (try? JSONDecoder().decode([String].self, from: Data(json.utf8))) ?? []
    }

    /// The paper's own keywords, else those kept from its terms (none for a paper not yet given any).
    private static func keywords(_ row: any SQLRow) throws -> [String] {
        let given = try stringList(row, "ai_keywords")
        guard given.isEmpty, let kept = try optional(row, "kept_keywords", String.self) else { return given }
        return SimilarityIndex.keywordsList(kept)
    }

    static func user(from row: any SQLRow, prefix: String) throws -> UserRef? {
        guard let username = try optional(row, prefix + "username", String.self) else { return nil }
        return UserRef(
            username: username,
            fullname: try row.decode(column: prefix + "fullname", as: String.self),
            hfID: try optional(row, prefix + "hf_id", String.self),
            avatarURL: try optional(row, prefix + "avatar_url", String.self),
            kind: try row.decode(column: prefix + "kind", as: String.self),
            isPro: try row.decode(column: prefix + "is_pro", as: Int.self) != 0)
    }

    /// A paper's columns (of `papers p`), with its categories and kept keywords read in the same
    /// statement: on PostgreSQL each statement is a round trip, and a results page made three.
    static func paperColumns(on db: any SQLDatabase) -> String { paperColumns(postgres: db.isPostgres) }

    static func paperColumns(postgres: Bool) -> String {
        let aggregate = postgres ? "string_agg" : "group_concat"
        return """
            p.arxiv_id, p.version, p.title, p.abstract, p.first_version_at, p.latest_version_at, p.comment,
            p.journal_ref, p.doi, p.github_repo, p.project_page, p.thumbnail_url, p.ai_summary, p.ai_summary_generated, p.ai_keywords, p.discussion_id, p.github_stars,
            (SELECT \(aggregate)(c.category, ' ' ORDER BY c.position) FROM paper_categories c WHERE c.paper_id = p.arxiv_id) AS category_list,
            (SELECT k.keywords FROM paper_keywords k WHERE k.paper_id = p.arxiv_id) AS kept_keywords
            """
    }

    /// A paper without authors (loaded in one query per page). Keywords: those that came with the paper,
    /// else those kept from its terms.
    static func paper(from row: any SQLRow) throws -> Paper {
        let base = try row.decode(column: "arxiv_id", as: String.self)
        var paper = Paper(
            id: ArxivID(base: base, version: try optional(row, "version", Int.self)),
            title: try row.decode(column: "title", as: String.self),
            abstract: try row.decode(column: "abstract", as: String.self),
            categories: try optional(row, "category_list", String.self).map { $0.split(separator: " ").map(String.init) } ?? [],
            firstVersionAt: try timestamp(row, "first_version_at"),
            latestVersionAt: try timestamp(row, "latest_version_at"),
            comment: try optional(row, "comment", String.self),
            journalRef: try optional(row, "journal_ref", String.self),
            doi: try optional(row, "doi", String.self),
            githubRepo: try optional(row, "github_repo", String.self),
            projectPage: try optional(row, "project_page", String.self),
            thumbnailURL: try optional(row, "thumbnail_url", String.self),
            aiSummary: try optional(row, "ai_summary", String.self),
            aiKeywords: try keywords(row),
            discussionID: try optional(row, "discussion_id", String.self),
            githubStars: try optional(row, "github_stars", Int.self))
        paper.aiSummaryGenerated = try optional(row, "ai_summary_generated", Int.self) == 1
        return paper
    }

    /// Joins the submitter (`u`) of the featured row `f`. On PostgreSQL one index probe per row, forced by the
    /// lateral subquery (OFFSET 0 keeps the planner from flattening it): as a plain join, the planner hashed
    /// the whole users table for a page of 20 rows, 1.3 ms of a paper page's 7 ms at 2,400 users and growing
    /// with them. SQLite has no LATERAL and probes by itself.
    static func submitterJoin(postgres: Bool) -> String {
        postgres ? "LEFT JOIN LATERAL (\(userRow) WHERE users.id = f.submitted_by OFFSET 0) u ON true"
                 : "LEFT JOIN users u ON u.id = f.submitted_by"
    }

    static func submitterJoin(on db: any SQLDatabase) -> String { submitterJoin(postgres: db.isPostgres) }

    /// The user columns the rows read, for a lateral subquery.
    static let userRow = "SELECT id, username, fullname, hf_id, avatar_url, kind, is_pro FROM users"

    static let featuredColumns = """
        f.day, f.submitted_at, f.upvotes, f.num_comments, f.is_author_participating, f.trending_score,
        u.username AS s_username, u.fullname AS s_fullname, u.hf_id AS s_hf_id, u.avatar_url AS s_avatar_url,
        u.kind AS s_kind, u.is_pro AS s_is_pro
        """

    static func featured(from row: any SQLRow) throws -> FeaturedPaper {
        let dayText = try row.decode(column: "day", as: String.self)
        guard let day = CalendarDay(iso: dayText) else { throw StoreError("bad day '\(dayText)' in featured row") }
        return FeaturedPaper(
            paper: try paper(from: row), day: day,
            submittedAt: Timestamp(millisecondsSince1970: try row.decode(column: "submitted_at", as: Int64.self)),
            submittedBy: try user(from: row, prefix: "s_"),
            upvotes: try row.decode(column: "upvotes", as: Int.self),
            numComments: try row.decode(column: "num_comments", as: Int.self),
            isAuthorParticipating: try row.decode(column: "is_author_participating", as: Int.self) != 0,
            trendingScore: try row.decode(column: "trending_score", as: Double.self))
    }

    /// A paper with its featured row when the row read one (`featured_id` not null), else the bare paper.
    static func record(from row: any SQLRow) throws -> PaperRecord {
        try optional(row, "featured_id", String.self) != nil ? .featured(try featured(from: row)) : .unfeatured(try paper(from: row))
    }

    static func author(from row: any SQLRow) throws -> Author {
        Author(
            name: try row.decode(column: "name", as: String.self),
            hfID: try optional(row, "hf_id", String.self),
            hidden: try row.decode(column: "hidden", as: Int.self) != 0,
            user: try user(from: row, prefix: "u_"),
            status: try optional(row, "status", String.self),
            statusChangedAt: try timestamp(row, "status_changed_at"),
            affiliations: try stringList(row, "affiliations"))
    }
}
