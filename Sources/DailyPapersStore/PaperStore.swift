import DailyPapersCore
import Foundation
import SQLKit

/// Papers and their place on the daily feed. Writes here; reads in PaperStore+Queries.swift.
public struct PaperStore: Sendable {
    let database: Database
    public init(database: Database) { self.database = database }

    /// Stores featured papers in one transaction: all of them or none.
    /// Idempotent: storing the same values again changes no row. A paper featured on two days keeps
    /// the earlier day; imported vote and comment counts only grow, and local votes are kept on top.
    public func saveFeatured(_ items: [FeaturedPaper], trending: Trending = .standard) async throws {
        guard !items.isEmpty else { return }
        try await database.write { db in
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            for item in items {
                try await Self.upsertPaper(item.paper, on: db, now: now)
                var submitter: Int?
                if let by = item.submittedBy { submitter = try await UserStore.upsert(by, on: db, now: now) }
                try await Self.upsertFeatured(item, submitterID: submitter, on: db, trending: trending)
            }
            try await Self.bumpContentVersion(on: db)
        }
    }

    /// Stores papers that are not (yet) on the feed.
    public func savePapers(_ papers: [Paper]) async throws {
        guard !papers.isEmpty else { return }
        try await database.write { db in
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            for paper in papers { try await Self.upsertPaper(paper, on: db, now: now) }
            try await Self.bumpContentVersion(on: db)
        }
    }

    static func upsertPaper(_ p: Paper, on db: any SQLDatabase, now: Int64) async throws {
        let keywords = String(decoding: try JSONEncoder().encode(p.aiKeywords), as: UTF8.self)
        // New metadata wins when present; the first-version date only ever moves earlier.
        try await db.raw("""
            INSERT INTO papers (arxiv_id, version, title, abstract, primary_category, first_version_at, latest_version_at,
              comment, journal_ref, doi, github_repo, project_page, thumbnail_url, ai_summary, ai_keywords, discussion_id, created_at)
            VALUES (\(bind: p.id.base), \(bind: p.id.version), \(bind: p.title), \(bind: p.abstract), \(bind: p.primaryCategory),
              \(bind: p.firstVersionAt?.millisecondsSince1970), \(bind: p.latestVersionAt?.millisecondsSince1970),
              \(bind: p.comment), \(bind: p.journalRef), \(bind: p.doi), \(bind: p.githubRepo), \(bind: p.projectPage),
              \(bind: p.thumbnailURL), \(bind: p.aiSummary), \(bind: keywords), \(bind: p.discussionID), \(bind: now))
            ON CONFLICT (arxiv_id) DO UPDATE SET
              version = CASE WHEN papers.version IS NULL OR excluded.version > papers.version THEN excluded.version ELSE papers.version END,
              title = excluded.title,
              abstract = excluded.abstract,
              primary_category = COALESCE(excluded.primary_category, papers.primary_category),
              first_version_at = CASE WHEN papers.first_version_at IS NULL OR excluded.first_version_at < papers.first_version_at
                                      THEN COALESCE(excluded.first_version_at, papers.first_version_at) ELSE papers.first_version_at END,
              latest_version_at = CASE WHEN papers.latest_version_at IS NULL OR excluded.latest_version_at > papers.latest_version_at
                                      THEN COALESCE(excluded.latest_version_at, papers.latest_version_at) ELSE papers.latest_version_at END,
              comment = COALESCE(excluded.comment, papers.comment),
              journal_ref = COALESCE(excluded.journal_ref, papers.journal_ref),
              doi = COALESCE(excluded.doi, papers.doi),
              github_repo = COALESCE(excluded.github_repo, papers.github_repo),
              project_page = COALESCE(excluded.project_page, papers.project_page),
              thumbnail_url = COALESCE(excluded.thumbnail_url, papers.thumbnail_url),
              ai_summary = COALESCE(excluded.ai_summary, papers.ai_summary),
              ai_keywords = CASE WHEN excluded.ai_keywords = '[]' THEN papers.ai_keywords ELSE excluded.ai_keywords END,
              discussion_id = COALESCE(excluded.discussion_id, papers.discussion_id)
            """).run()
        if !p.authors.isEmpty {
            try await db.raw("DELETE FROM paper_authors WHERE paper_id = \(bind: p.id.base)").run()
            for (position, author) in p.authors.enumerated() {
                var userID: Int?
                if let user = author.user { userID = try await UserStore.upsert(user, on: db, now: now) }
                try await db.raw("""
                    INSERT INTO paper_authors (paper_id, position, name, hf_id, hidden, user_id, status, status_changed_at)
                    VALUES (\(bind: p.id.base), \(bind: position), \(bind: author.name), \(bind: author.hfID),
                      \(bind: author.hidden ? 1 : 0), \(bind: userID), \(bind: author.status),
                      \(bind: author.statusChangedAt?.millisecondsSince1970))
                    """).run()
            }
        }
        if !p.categories.isEmpty {
            try await db.raw("DELETE FROM paper_categories WHERE paper_id = \(bind: p.id.base)").run()
            for (position, category) in p.categories.enumerated() {
                try await db.raw("""
                    INSERT INTO paper_categories (paper_id, position, category) VALUES (\(bind: p.id.base), \(bind: position), \(bind: category))
                    ON CONFLICT (paper_id, category) DO NOTHING
                    """).run()
            }
        }
    }

    static func upsertFeatured(_ f: FeaturedPaper, submitterID: Int?, on db: any SQLDatabase, trending: Trending) async throws {
        let day = f.day.iso
        let row = try await db.raw("""
            INSERT INTO featured (paper_id, day, submitted_at, submitted_by, upvotes, imported_upvotes, num_comments,
              imported_comments, is_author_participating, trending_score)
            VALUES (\(bind: f.paper.id.base), \(bind: day), \(bind: f.submittedAt.millisecondsSince1970), \(bind: submitterID),
              \(bind: f.upvotes), \(bind: f.upvotes), \(bind: f.numComments), \(bind: f.numComments),
              \(bind: f.isAuthorParticipating ? 1 : 0), \(bind: f.trendingScore))
            ON CONFLICT (paper_id) DO UPDATE SET
              submitted_at = CASE WHEN excluded.day < featured.day THEN excluded.submitted_at ELSE featured.submitted_at END,
              submitted_by = CASE WHEN excluded.day < featured.day THEN COALESCE(excluded.submitted_by, featured.submitted_by)
                                  ELSE COALESCE(featured.submitted_by, excluded.submitted_by) END,
              day = CASE WHEN excluded.day < featured.day THEN excluded.day ELSE featured.day END,
              upvotes = featured.upvotes - featured.imported_upvotes
                        + CASE WHEN excluded.imported_upvotes > featured.imported_upvotes THEN excluded.imported_upvotes ELSE featured.imported_upvotes END,
              imported_upvotes = CASE WHEN excluded.imported_upvotes > featured.imported_upvotes THEN excluded.imported_upvotes ELSE featured.imported_upvotes END,
              num_comments = featured.num_comments - featured.imported_comments
                        + CASE WHEN excluded.imported_comments > featured.imported_comments THEN excluded.imported_comments ELSE featured.imported_comments END,
              imported_comments = CASE WHEN excluded.imported_comments > featured.imported_comments THEN excluded.imported_comments ELSE featured.imported_comments END,
              is_author_participating = CASE WHEN excluded.is_author_participating > featured.is_author_participating
                                             THEN excluded.is_author_participating ELSE featured.is_author_participating END
            RETURNING upvotes, num_comments, submitted_at, trending_score
            """).first()
        guard let row else { throw StoreError("featured upsert returned no row for \(f.paper.id.base)") }
        let score = trending.score(
            upvotes: try row.decode(column: "upvotes", as: Int.self),
            comments: try row.decode(column: "num_comments", as: Int.self),
            submittedAt: Timestamp(millisecondsSince1970: try row.decode(column: "submitted_at", as: Int64.self)))
        if try row.decode(column: "trending_score", as: Double.self) != score {
            try await db.raw("UPDATE featured SET trending_score = \(bind: score) WHERE paper_id = \(bind: f.paper.id.base)").run()
        }
    }

    static func bumpContentVersion(on db: any SQLDatabase) async throws {
        try await db.raw("UPDATE site_state SET value = value + 1 WHERE key = 'content_version'").run()
    }
}
