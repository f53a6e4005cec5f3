import DailyPapersCore
import Foundation
import SQLKit

/// Turns rows into Core values. Column names are the contract between these helpers and the queries.
enum RowDecoding {
    static func timestamp(_ row: any SQLRow, _ column: String) throws -> Timestamp? {
        try row.decode(column: column, as: Int64?.self).map(Timestamp.init(millisecondsSince1970:))
    }

    /// A JSON array of strings stored in a text column; anything unreadable is an empty list. Most such
    /// lists are empty (a results page decodes a hundred author affiliations), which needs no decoder.
    static func stringList(_ row: any SQLRow, _ column: String) throws -> [String] {
        let json = try row.decode(column: column, as: String.self)
        if json == "[]" || json.isEmpty { return [] }
        return (try? JSONDecoder().decode([String].self, from: Data(json.utf8))) ?? []
    }

    static func user(from row: any SQLRow, prefix: String) throws -> UserRef? {
        guard let username = try row.decode(column: prefix + "username", as: String?.self) else { return nil }
        return UserRef(
            username: username,
            fullname: try row.decode(column: prefix + "fullname", as: String.self),
            hfID: try row.decode(column: prefix + "hf_id", as: String?.self),
            avatarURL: try row.decode(column: prefix + "avatar_url", as: String?.self),
            kind: try row.decode(column: prefix + "kind", as: String.self),
            isPro: try row.decode(column: prefix + "is_pro", as: Int.self) != 0)
    }

    static let paperColumns = """
        p.arxiv_id, p.version, p.title, p.abstract, p.first_version_at, p.latest_version_at, p.comment,
        p.journal_ref, p.doi, p.github_repo, p.project_page, p.thumbnail_url, p.ai_summary, p.ai_keywords, p.discussion_id
        """

    /// A paper without authors and categories; those are loaded in one query per page.
    static func paper(from row: any SQLRow) throws -> Paper {
        let base = try row.decode(column: "arxiv_id", as: String.self)
        return Paper(
            id: ArxivID(base: base, version: try row.decode(column: "version", as: Int?.self)),
            title: try row.decode(column: "title", as: String.self),
            abstract: try row.decode(column: "abstract", as: String.self),
            firstVersionAt: try timestamp(row, "first_version_at"),
            latestVersionAt: try timestamp(row, "latest_version_at"),
            comment: try row.decode(column: "comment", as: String?.self),
            journalRef: try row.decode(column: "journal_ref", as: String?.self),
            doi: try row.decode(column: "doi", as: String?.self),
            githubRepo: try row.decode(column: "github_repo", as: String?.self),
            projectPage: try row.decode(column: "project_page", as: String?.self),
            thumbnailURL: try row.decode(column: "thumbnail_url", as: String?.self),
            aiSummary: try row.decode(column: "ai_summary", as: String?.self),
            aiKeywords: try stringList(row, "ai_keywords"),
            discussionID: try row.decode(column: "discussion_id", as: String?.self))
    }

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

    static func author(from row: any SQLRow) throws -> Author {
        Author(
            name: try row.decode(column: "name", as: String.self),
            hfID: try row.decode(column: "hf_id", as: String?.self),
            hidden: try row.decode(column: "hidden", as: Int.self) != 0,
            user: try user(from: row, prefix: "u_"),
            status: try row.decode(column: "status", as: String?.self),
            statusChangedAt: try timestamp(row, "status_changed_at"),
            affiliations: try stringList(row, "affiliations"))
    }
}
