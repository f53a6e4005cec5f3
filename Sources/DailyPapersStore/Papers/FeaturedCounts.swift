import DailyPapersCore
import SQLKit

/// Keeps a featured paper's counts and trending score true to the votes and comments tables. Called in
/// the same transaction as the change, so a count can never drift from its rows however many clients
/// vote at once: it is recomputed from them, not incremented.
enum FeaturedCounts {
    struct Counts: Sendable { var upvotes: Int; var comments: Int }

    static func recompute(_ paperID: String, trending: Trending, on db: any SQLDatabase) async throws -> Counts? {
        // Under PostgreSQL's READ COMMITTED, the UPDATE below would count with a snapshot taken before it
        // waited for another voter's row lock, and lose that vote. Taking the row lock in a statement of
        // its own first means the counting statement starts after the other transaction committed.
        // (SQLite has one writer at a time; nothing to do.)
        if db.isPostgres {
            try await db.raw("SELECT paper_id FROM featured WHERE paper_id = \(bind: paperID) FOR UPDATE").run()
        }
        guard let row = try await db.raw("""
            UPDATE featured SET
              upvotes = imported_upvotes + (SELECT COUNT(*) FROM votes v WHERE v.paper_id = featured.paper_id),
              num_comments = imported_comments + (SELECT COUNT(*) FROM comments c
                  WHERE c.paper_id = featured.paper_id AND c.deleted_at IS NULL AND c.hidden_reason IS NULL)
            WHERE paper_id = \(bind: paperID)
            RETURNING upvotes, num_comments, submitted_at
            """).first() else { return nil }
        let counts = Counts(upvotes: try row.decode(column: "upvotes", as: Int.self),
                            comments: try row.decode(column: "num_comments", as: Int.self))
        let submitted = Timestamp(millisecondsSince1970: try row.decode(column: "submitted_at", as: Int64.self))
        let score = trending.score(upvotes: counts.upvotes, comments: counts.comments, submittedAt: submitted)
        try await db.raw("UPDATE featured SET trending_score = \(bind: score) WHERE paper_id = \(bind: paperID)").run()
        try await PaperStore.recordUpvotes(paperID, upvotes: counts.upvotes, on: db)
        try await CountsChanges.record(paperID, on: db)
        return counts
    }

    /// A comment was added, edited or deleted: shared renderings of the paper's page older than this are
    /// rendered again before a member sees them (see migration 29).
    static func discussionChanged(_ paperID: String, on db: any SQLDatabase) async throws {
        try await db.raw("UPDATE featured SET discussion_version = discussion_version + 1 WHERE paper_id = \(bind: paperID)").run()
    }
}
