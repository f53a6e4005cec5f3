import DailyPapersCore
import SQLKit

/// What moderators do, each action in one transaction with its log entry.
public struct ModerationStore: Sendable {
    let database: Database
    let trending: Trending
    public init(database: Database, trending: Trending) {
        self.database = database
        self.trending = trending
    }

    public struct LogEntry: Sendable, Equatable {
        public var at: Timestamp
        public var moderator: String
        public var action: String
        public var target: String
        public var reason: String
    }

    public enum ModerationError: Error, Equatable {
        case notFound
        case cannotBanStaff
    }

    /// Takes a paper off the feed (it stays in the database, with its votes and comments).
    public func hidePaper(_ paper: ArxivID, reason: String, moderatorID: Int, now: Timestamp = .now) async throws {
        try await database.write { db in
            guard try await db.raw("""
                UPDATE featured SET hidden = 1, hidden_reason = \(bind: reason) WHERE paper_id = \(bind: paper.base) RETURNING paper_id
                """).first() != nil else { throw ModerationError.notFound }
            try await Self.log(moderatorID, "hide paper", paper.base, reason, now, on: db)
            try await PaperStore.bumpContentVersion(on: db)
        }
    }

    public func hiddenReason(paper: ArxivID) async throws -> String? {
        try await database.read { db in
            try await db.raw("SELECT hidden_reason FROM featured WHERE paper_id = \(bind: paper.base) AND hidden = 1")
                .first()?.decode(column: "hidden_reason", as: String?.self)
        }
    }

    public func hideComment(_ commentID: Int, reason: String, moderatorID: Int, now: Timestamp = .now) async throws {
        try await database.write { db in
            guard let row = try await db.raw("""
                UPDATE comments SET hidden_reason = \(bind: reason) WHERE id = \(bind: commentID) RETURNING paper_id
                """).first() else { throw ModerationError.notFound }
            let paper = try row.decode(column: "paper_id", as: String.self)
            try await Self.log(moderatorID, "hide comment", "comment \(commentID) on \(paper)", reason, now, on: db)
            _ = try await FeaturedCounts.recompute(paper, trending: trending, on: db)
            // Hidden text must leave cached pages at once, not after the counts' grace period.
            try await PaperStore.bumpContentVersion(on: db)
        }
    }

    /// Bans a member: their sessions end at once and every posting or voting path checks the ban.
    /// Moderators and admins cannot be banned this way (an admin changes their role first).
    public func ban(username: String, reason: String, moderatorID: Int, now: Timestamp = .now) async throws {
        defer { database.sessionMemory.forgetAll() }
        try await database.write { db in
            guard let row = try await db.raw("SELECT id, role FROM users WHERE lower(username) = lower(\(bind: username))").first() else {
                throw ModerationError.notFound
            }
            guard try row.decode(column: "role", as: String.self) == Role.member.rawValue else { throw ModerationError.cannotBanStaff }
            let id = try row.decode(column: "id", as: Int.self)
            try await db.raw("""
                UPDATE users SET banned_at = \(bind: now.millisecondsSince1970), ban_reason = \(bind: reason) WHERE id = \(bind: id)
                """).run()
            try await db.raw("DELETE FROM sessions WHERE user_id = \(bind: id)").run()
            try await Self.log(moderatorID, "ban user", username, reason, now, on: db)
        }
    }

    public func log(limit: Int = 200) async throws -> [LogEntry] {
        try await database.read { db in
            try await db.raw("""
                SELECT m.at, u.username, m.action, m.target, m.reason FROM moderation_log m JOIN users u ON u.id = m.moderator_id
                ORDER BY m.at DESC, m.id DESC LIMIT \(bind: limit)
                """).all().map { row in
                LogEntry(at: Timestamp(millisecondsSince1970: try row.decode(column: "at", as: Int64.self)),
                         moderator: try row.decode(column: "username", as: String.self),
                         action: try row.decode(column: "action", as: String.self),
                         target: try row.decode(column: "target", as: String.self),
                         reason: try row.decode(column: "reason", as: String.self))
            }
        }
    }

    static func log(_ moderatorID: Int, _ action: String, _ target: String, _ reason: String, _ now: Timestamp,
                    on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO moderation_log (at, moderator_id, action, target, reason)
            VALUES (\(bind: now.millisecondsSince1970), \(bind: moderatorID), \(bind: action), \(bind: target), \(bind: reason))
            """).run()
    }
}

/// Authorship claims: a member says which author of a paper they are; an admin confirms or rejects.
/// A confirmed claim links the author to the account and marks the paper as having its author here.
public struct ClaimStore: Sendable {
    let database: Database
    public init(database: Database) { self.database = database }

    public struct Claim: Sendable, Equatable {
        public var paper: ArxivID
        public var paperTitle: String
        public var username: String
        public var authorName: String
        public var status: String
        public var createdAt: Timestamp
    }

    public enum ClaimError: Error, Equatable {
        case noSuchAuthor
        case alreadyClaimed
        case noSuchClaim
    }

    public func claim(paper: ArxivID, authorPosition: Int, userID: Int, now: Timestamp = .now) async throws {
        try await database.write { db in
            guard let author = try await db.raw("""
                SELECT user_id FROM paper_authors WHERE paper_id = \(bind: paper.base) AND position = \(bind: authorPosition)
                """).first() else { throw ClaimError.noSuchAuthor }
            if try RowDecoding.optional(author, "user_id", Int.self) != nil { throw ClaimError.alreadyClaimed }
            guard try await db.raw("""
                INSERT INTO author_claims (paper_id, user_id, author_position, status, created_at)
                VALUES (\(bind: paper.base), \(bind: userID), \(bind: authorPosition), 'pending', \(bind: now.millisecondsSince1970))
                ON CONFLICT (paper_id, user_id) DO NOTHING RETURNING paper_id
                """).first() != nil else { throw ClaimError.alreadyClaimed }
        }
    }

    public func pending(limit: Int = 200) async throws -> [Claim] {
        try await database.read { db in
            try await db.raw("""
                SELECT c.paper_id, p.title, u.username, a.name, c.status, c.created_at
                FROM author_claims c JOIN papers p ON p.arxiv_id = c.paper_id JOIN users u ON u.id = c.user_id
                JOIN paper_authors a ON a.paper_id = c.paper_id AND a.position = c.author_position
                WHERE c.status = 'pending' ORDER BY c.created_at LIMIT \(bind: limit)
                """).all().map { row in
                Claim(paper: ArxivID(base: try row.decode(column: "paper_id", as: String.self), version: nil),
                      paperTitle: try row.decode(column: "title", as: String.self),
                      username: try row.decode(column: "username", as: String.self),
                      authorName: try row.decode(column: "name", as: String.self),
                      status: try row.decode(column: "status", as: String.self),
                      createdAt: Timestamp(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)))
            }
        }
    }

    public func decide(paper: ArxivID, username: String, confirm: Bool, adminID: Int, now: Timestamp = .now) async throws {
        try await database.write { db in
            guard let row = try await db.raw("""
                UPDATE author_claims SET status = \(bind: confirm ? "confirmed" : "rejected"),
                  decided_at = \(bind: now.millisecondsSince1970), decided_by = \(bind: adminID)
                WHERE paper_id = \(bind: paper.base) AND status = 'pending'
                  AND user_id = (SELECT id FROM users WHERE lower(username) = lower(\(bind: username)))
                RETURNING user_id, author_position
                """).first() else { throw ClaimError.noSuchClaim }
            if confirm {
                let userID = try row.decode(column: "user_id", as: Int.self)
                try await db.raw("""
                    UPDATE paper_authors SET user_id = \(bind: userID), status = 'claimed_verified',
                      status_changed_at = \(bind: now.millisecondsSince1970)
                    WHERE paper_id = \(bind: paper.base) AND position = \(bind: try row.decode(column: "author_position", as: Int.self))
                    """).run()
                try await db.raw("UPDATE featured SET is_author_participating = 1 WHERE paper_id = \(bind: paper.base)").run()
                try await PaperStore.bumpContentVersion(on: db)
            }
            try await ModerationStore.log(adminID, confirm ? "confirm claim" : "reject claim", "\(username) on \(paper.base)",
                                          confirm ? "confirmed" : "rejected", now, on: db)
        }
    }
}
