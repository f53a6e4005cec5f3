import DailyPapersCore
import Foundation
import SQLKit

/// Threaded comments under featured papers. Deleting keeps the row without its text, so replies keep
/// their place; every change recomputes the paper's comment count and trending score.
public struct CommentStore: Sendable {
    let database: Database
    let trending: Trending
    public init(database: Database, trending: Trending) {
        self.database = database
        self.trending = trending
    }

    public enum CommentError: Error, Equatable {
        case notOnFeed
        case noSuchComment
        case parentElsewhere
        case parentDeleted
        case notYours
        case editWindowPassed
        case alreadyDeleted
    }

    public func add(paper: ArxivID, parentID: Int?, userID: Int, body: String, now: Timestamp = .now) async throws -> Int {
        try await database.write { db in
            guard try await db.raw("SELECT 1 AS x FROM featured WHERE paper_id = \(bind: paper.base) AND hidden = 0").first() != nil else {
                throw CommentError.notOnFeed
            }
            if let parentID {
                guard let parent = try await db.raw("SELECT paper_id, deleted_at FROM comments WHERE id = \(bind: parentID)").first() else {
                    throw CommentError.noSuchComment
                }
                guard try parent.decode(column: "paper_id", as: String.self) == paper.base else { throw CommentError.parentElsewhere }
                guard try RowDecoding.optional(parent, "deleted_at", Int64.self) == nil else { throw CommentError.parentDeleted }
            }
            guard let row = try await db.raw("""
                INSERT INTO comments (paper_id, parent_id, user_id, body, created_at)
                VALUES (\(bind: paper.base), \(bind: parentID), \(bind: userID), \(bind: body), \(bind: now.millisecondsSince1970))
                RETURNING id
                """).first() else { throw StoreError("comment insert returned no row") }
            _ = try await FeaturedCounts.recompute(paper.base, trending: trending, on: db)
            try await FeaturedCounts.discussionChanged(paper.base, on: db)
            let id = try row.decode(column: "id", as: Int.self)
            try await NotificationStore.commented(paper: paper.base, commentID: id, parentID: parentID, actorID: userID, now: now, on: db)
            return id
        }
    }

    /// The author may edit within `window` seconds of posting.
    public func edit(commentID: Int, userID: Int, body: String, window: Double, now: Timestamp = .now) async throws {
        try await database.write { db in
            let row = try await owned(commentID, userID, on: db)
            let created = Timestamp(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self))
            guard now.secondsSince1970 - created.secondsSince1970 <= window else { throw CommentError.editWindowPassed }
            try await db.raw("""
                UPDATE comments SET body = \(bind: body), edited_at = \(bind: now.millisecondsSince1970) WHERE id = \(bind: commentID)
                """).run()
            let paper = try row.decode(column: "paper_id", as: String.self)
            try await FeaturedCounts.discussionChanged(paper, on: db)
            try await CountsChanges.record(paper, on: db)
        }
    }

    public func delete(commentID: Int, userID: Int, now: Timestamp = .now) async throws {
        try await database.write { db in
            let row = try await owned(commentID, userID, on: db)
            try await db.raw("""
                UPDATE comments SET body = '', deleted_at = \(bind: now.millisecondsSince1970) WHERE id = \(bind: commentID)
                """).run()
            let paper = try row.decode(column: "paper_id", as: String.self)
            _ = try await FeaturedCounts.recompute(paper, trending: trending, on: db)
            try await FeaturedCounts.discussionChanged(paper, on: db)
        }
    }

    private func owned(_ commentID: Int, _ userID: Int, on db: any SQLDatabase) async throws -> any SQLRow {
        guard let row = try await db.raw("""
            SELECT paper_id, user_id, created_at, deleted_at FROM comments WHERE id = \(bind: commentID)
            """).first() else { throw CommentError.noSuchComment }
        guard try row.decode(column: "user_id", as: Int.self) == userID else { throw CommentError.notYours }
        guard try RowDecoding.optional(row, "deleted_at", Int64.self) == nil else { throw CommentError.alreadyDeleted }
        return row
    }

    static let selectColumns = """
        c.id, c.paper_id, c.parent_id, c.body, c.created_at, c.edited_at, c.deleted_at, c.hidden_reason,
        u.username AS u_username, u.fullname AS u_fullname, u.hf_id AS u_hf_id, u.avatar_url AS u_avatar_url,
        u.kind AS u_kind, u.is_pro AS u_is_pro
        """

    static func comment(from row: any SQLRow) throws -> Comment {
        guard let author = try RowDecoding.user(from: row, prefix: "u_") else { throw StoreError("comment without author") }
        return Comment(id: try row.decode(column: "id", as: Int.self),
                       paperID: ArxivID(base: try row.decode(column: "paper_id", as: String.self), version: nil),
                       parentID: try RowDecoding.optional(row, "parent_id", Int.self),
                       author: author,
                       body: try row.decode(column: "body", as: String.self),
                       createdAt: Timestamp(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)),
                       editedAt: try RowDecoding.timestamp(row, "edited_at"),
                       deleted: try RowDecoding.optional(row, "deleted_at", Int64.self) != nil,
                       hiddenReason: try RowDecoding.optional(row, "hidden_reason", String.self))
    }

    /// All comments of a paper, oldest first (the page builds the tree).
    public func comments(paper: ArxivID) async throws -> [Comment] {
        try await database.read { db in
            try await db.raw("""
                SELECT \(unsafeRaw: Self.selectColumns) FROM comments c JOIN users u ON u.id = c.user_id
                WHERE c.paper_id = \(bind: paper.base) ORDER BY c.created_at, c.id
                """).all().map(Self.comment(from:))
        }
    }

    public func comment(id: Int) async throws -> Comment? {
        try await database.read { db in
            try await db.raw("""
                SELECT \(unsafeRaw: Self.selectColumns) FROM comments c JOIN users u ON u.id = c.user_id WHERE c.id = \(bind: id)
                """).first().map(Self.comment(from:))
        }
    }

    /// A user's visible comments, newest first: not deleted, not hidden, and not on a paper taken off the
    /// feed (a hidden paper's discussion must not stay readable through its commenters' pages).
    public func comments(byUsername username: String, limit: Int = 50) async throws -> [Comment] {
        try await database.read { db in
            try await db.raw("""
                SELECT \(unsafeRaw: Self.selectColumns) FROM comments c JOIN users u ON u.id = c.user_id
                WHERE lower(u.username) = lower(\(bind: username)) AND c.deleted_at IS NULL AND c.hidden_reason IS NULL
                  AND NOT EXISTS (SELECT 1 FROM featured f WHERE f.paper_id = c.paper_id AND f.hidden = 1)
                  AND NOT EXISTS (SELECT 1 FROM papers p WHERE p.arxiv_id = c.paper_id AND p.withdrawn = 1)
                ORDER BY c.created_at DESC LIMIT \(bind: limit)
                """).all().map(Self.comment(from:))
        }
    }
}
