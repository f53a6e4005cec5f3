import DailyPapersCore
import Foundation
import SQLKit
import Synchronization

/// Notifications (issue 28, item 5): a reply to one's comment, a comment on a paper one submitted or is a confirmed
/// author of, a new paper by an author one follows. Made in the transaction that makes their cause (the comment), so
/// none is lost or made twice; never for the member's own act; hidden (and not counted) once their actor is banned.
/// Mail per kind is the member's choice: replies by default, the rest off.
public struct NotificationStore: Sendable {
    let database: Database
    let counts: UnreadCounts
    public init(database: Database) {
        self.database = database
        counts = UnreadCounts()
    }

    public enum Kind: String, Sendable, CaseIterable {
        case reply, commentOnAuthored = "comment_on_authored", commentOnSubmitted = "comment_on_submitted"
        case followedAuthorPaper = "followed_author_paper"

        /// Mailed unless the member turns it off (the others only if they turn them on).
        public var mailedByDefault: Bool { self == .reply }
    }

    public struct Notification: Sendable {
        public let id: Int
        public let kind: Kind
        public let paper: String
        public let paperTitle: String
        public let commentID: Int?
        public let actor: String?
        public let excerpt: String?
        public let createdAt: Timestamp
        public let read: Bool
    }

    /// Notifications for a new comment, in the caller's transaction (`CommentStore.add`): its parent's author (a
    /// reply), the paper's confirmed authors, its submitter; each member once, by the first of those that applies;
    /// never the commenter. Returns who was notified and why.
    @discardableResult
    static func commented(paper: String, commentID: Int, parentID: Int?, actorID: Int, now: Timestamp,
                          on db: any SQLDatabase) async throws -> [(userID: Int, kind: Kind)] {
        var recipients: [(Int, Kind)] = []
        var seen: Set<Int> = [actorID]
        func add(_ ids: [Int], _ kind: Kind) { for id in ids where seen.insert(id).inserted { recipients.append((id, kind)) } }
        if let parentID {
            add(try await db.raw("SELECT user_id FROM comments WHERE id = \(bind: parentID)").all().map { try $0.decode(column: "user_id", as: Int.self) }, .reply)
        }
        add(try await db.raw("""
            SELECT DISTINCT user_id FROM paper_authors WHERE paper_id = \(bind: paper) AND status = 'claimed_verified' AND user_id IS NOT NULL
            """).all().map { try $0.decode(column: "user_id", as: Int.self) }, .commentOnAuthored)
        add(try await db.raw("SELECT submitted_by FROM featured WHERE paper_id = \(bind: paper) AND submitted_by IS NOT NULL").all()
            .map { try $0.decode(column: "submitted_by", as: Int.self) }, .commentOnSubmitted)
        for (userID, kind) in recipients {
            try await db.raw("""
                INSERT INTO notifications (user_id, kind, paper_id, comment_id, actor_id, created_at)
                VALUES (\(bind: userID), \(bind: kind.rawValue), \(bind: paper), \(bind: commentID), \(bind: actorID), \(bind: now.millisecondsSince1970))
                ON CONFLICT (user_id, kind, paper_id, comment_id) DO NOTHING
                """).run()
        }
        return recipients
    }

    public struct Mailing: Sendable {
        public let email: String
        public let username: String
        public let kind: Kind
        public let paper: String
        public let paperTitle: String
        public let actor: String
        public let excerpt: String
    }

    /// The mails a new comment's notifications call for: to recipients with a confirmed address who get that kind
    /// by mail (their choice, or the kind's default), not banned.
    public func mailings(commentID: Int) async throws -> [Mailing] {
        let defaults = Kind.allCases.filter(\.mailedByDefault).map { "'\($0.rawValue)'" }.joined(separator: ",")
        return try await database.read { db in
            try await db.raw("""
                SELECT u.email, u.username, n.kind, n.paper_id, p.title, a.username AS actor, c.body
                FROM notifications n JOIN users u ON u.id = n.user_id JOIN papers p ON p.arxiv_id = n.paper_id
                JOIN users a ON a.id = n.actor_id JOIN comments c ON c.id = n.comment_id
                LEFT JOIN notification_mail m ON m.user_id = n.user_id AND m.kind = n.kind
                WHERE n.comment_id = \(bind: commentID) AND u.email IS NOT NULL AND u.email_verified_at IS NOT NULL
                  AND u.banned_at IS NULL AND a.banned_at IS NULL
                  AND COALESCE(m.mail, CASE WHEN n.kind IN (\(unsafeRaw: defaults)) THEN 1 ELSE 0 END) = 1
                """).all().compactMap { row in
                guard let kind = Kind(rawValue: try row.decode(column: "kind", as: String.self)) else { return nil }
                return Mailing(email: try row.decode(column: "email", as: String.self), username: try row.decode(column: "username", as: String.self),
                               kind: kind, paper: try row.decode(column: "paper_id", as: String.self),
                               paperTitle: try row.decode(column: "title", as: String.self), actor: try row.decode(column: "actor", as: String.self),
                               excerpt: String(try row.decode(column: "body", as: String.self).prefix(500)))
            }
        }
    }

    /// Notifies the followers of the authors of papers indexed since the last call (`search_documents` rows past the
    /// cursor kept in `site_state`), at most `batch` rows a call; returns how many rows it read and how many
    /// notifications it made. The first
    /// call on a database starts from its newest row: following an author brings their papers from then on, not a
    /// flood from the whole history. A paper indexed again (a new version) notifies nobody twice.
    public static let followBatch = 5000

    public func notifyFollowers(batch: Int = followBatch, now: Timestamp = .now) async throws -> (rows: Int, made: Int) {
        try await database.write { db in
            let cursor = try await db.raw("SELECT value FROM site_state WHERE key = 'notify_cursor'").first()
                .flatMap { try RowDecoding.optional($0, "value", Int64.self) }
            let newest = try await db.raw("SELECT MAX(id) AS n FROM search_documents").first()
                .flatMap { try RowDecoding.optional($0, "n", Int64.self) } ?? 0
            guard let cursor else {
                try await Self.setCursor(newest, on: db)
                return (0, 0)
            }
            let rows = try await db.raw("""
                SELECT id, paper_id FROM search_documents WHERE id > \(bind: cursor) ORDER BY id LIMIT \(bind: batch)
                """).all()
            guard let last = try rows.last?.decode(column: "id", as: Int64.self) else { return (0, 0) }
            let papers: [any Encodable & Sendable] = Array(Set(try rows.map { try $0.decode(column: "paper_id", as: String.self) }))
            let pairs = try await db.raw("""
                SELECT DISTINCT f.user_id, a.paper_id FROM paper_authors a JOIN follows f ON f.kind = 'author' AND f.target = a.name
                WHERE a.paper_id IN (\(binds: papers))
                """).all()
            var made = 0
            for pair in pairs {
                let inserted = try await db.raw("""
                    INSERT INTO notifications (user_id, kind, paper_id, comment_id, created_at)
                    VALUES (\(bind: try pair.decode(column: "user_id", as: Int.self)), \(bind: Kind.followedAuthorPaper.rawValue),
                            \(bind: try pair.decode(column: "paper_id", as: String.self)), 0, \(bind: now.millisecondsSince1970))
                    ON CONFLICT (user_id, kind, paper_id, comment_id) DO NOTHING RETURNING id
                    """).all()
                made += inserted.count
            }
            try await Self.setCursor(last, on: db)
            return (rows.count, made)
        }
    }

    static func setCursor(_ id: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO site_state (key, value) VALUES ('notify_cursor', \(bind: id))
            ON CONFLICT (key) DO UPDATE SET value = excluded.value
            """).run()
    }

    /// Forgets the kept unread counts of a new comment's recipients, so this process's next page shows theirs at
    /// once (other processes within `UnreadCounts.lifetime`).
    public func commentNotified(commentID: Int) async throws {
        let users = try await database.read { db in
            try await db.raw("SELECT user_id FROM notifications WHERE comment_id = \(bind: commentID)").all()
                .map { try $0.decode(column: "user_id", as: Int.self) }
        }
        for user in users { counts.forget(user) }
    }

    /// Unread notifications, counted at most every few seconds per member per process (the header shows it on
    /// every page).
    public func unreadCount(userID: Int) async throws -> Int {
        let now = Date().timeIntervalSince1970
        if let kept = counts.kept(userID, now: now) { return kept }
        let n = try await database.read { db in
            try await db.raw("""
                SELECT count(*) AS n FROM notifications n LEFT JOIN users a ON a.id = n.actor_id
                WHERE n.user_id = \(bind: userID) AND n.read_at IS NULL AND a.banned_at IS NULL
                """).first()?.decode(column: "n", as: Int.self) ?? 0
        }
        counts.keep(userID, n, now: now)
        return n
    }

    /// The member's latest notifications, newest first (those of banned actors left out).
    public func latest(userID: Int, limit: Int = 50) async throws -> [Notification] {
        try await database.read { db in
            try await db.raw("""
                SELECT n.id, n.kind, n.paper_id, p.title, n.comment_id, a.username, c.body, n.created_at, n.read_at
                FROM notifications n JOIN papers p ON p.arxiv_id = n.paper_id
                LEFT JOIN users a ON a.id = n.actor_id LEFT JOIN comments c ON c.id = n.comment_id AND n.comment_id > 0
                WHERE n.user_id = \(bind: userID) AND a.banned_at IS NULL
                ORDER BY n.id DESC LIMIT \(bind: limit)
                """).all().compactMap { row in
                guard let kind = Kind(rawValue: try row.decode(column: "kind", as: String.self)) else { return nil }
                let comment = try row.decode(column: "comment_id", as: Int.self)
                return Notification(id: try row.decode(column: "id", as: Int.self), kind: kind, paper: try row.decode(column: "paper_id", as: String.self),
                                    paperTitle: try row.decode(column: "title", as: String.self), commentID: comment > 0 ? comment : nil,
                                    actor: try row.decode(column: "username", as: String?.self),
                                    excerpt: try row.decode(column: "body", as: String?.self).map { String($0.prefix(200)) },
                                    createdAt: Timestamp(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)),
                                    read: try row.decode(column: "read_at", as: Int64?.self) != nil)
            }
        }
    }

    /// Marks the member's notifications up to `upTo` (an id they were shown) read.
    public func markRead(userID: Int, upTo: Int, now: Timestamp = .now) async throws {
        try await database.write { db in
            try await db.raw("""
                UPDATE notifications SET read_at = \(bind: now.millisecondsSince1970)
                WHERE user_id = \(bind: userID) AND id <= \(bind: upTo) AND read_at IS NULL
                """).run()
        }
        counts.forget(userID)
    }

    /// The kinds the member gets by mail.
    public func mailed(userID: Int) async throws -> Set<Kind> {
        let chosen = try await database.read { db in
            try await db.raw("SELECT kind, mail FROM notification_mail WHERE user_id = \(bind: userID)").all().compactMap { row -> (Kind, Bool)? in
                Kind(rawValue: try row.decode(column: "kind", as: String.self)).map { ($0, (try? row.decode(column: "mail", as: Int.self)) == 1) }
            }
        }
        var out = Set(Kind.allCases.filter(\.mailedByDefault))
        for (kind, on) in chosen { if on { out.insert(kind) } else { out.remove(kind) } }
        return out
    }

    /// Sets which kinds the member gets by mail.
    public func setMailed(userID: Int, _ kinds: Set<Kind>) async throws {
        try await database.write { db in
            for kind in Kind.allCases {
                try await db.raw("""
                    INSERT INTO notification_mail (user_id, kind, mail) VALUES (\(bind: userID), \(bind: kind.rawValue), \(bind: kinds.contains(kind) ? 1 : 0))
                    ON CONFLICT (user_id, kind) DO UPDATE SET mail = excluded.mail
                    """).run()
            }
        }
    }

    /// Per member, the unread count and when it was read; forgotten after `lifetime` seconds, when read, or when a
    /// comment in this process notifies them.
    final class UnreadCounts: Sendable {
        private let kept = Mutex<[Int: (n: Int, at: Double)]>([:])
        static let lifetime = 5.0
        static let bound = 100_000

        func kept(_ userID: Int, now: Double) -> Int? {
            kept.withLock { $0[userID].flatMap { now - $0.at < Self.lifetime ? $0.n : nil } }
        }

        func keep(_ userID: Int, _ n: Int, now: Double) {
            kept.withLock { kept in
                if kept.count >= Self.bound { kept.removeAll(keepingCapacity: true) }
                kept[userID] = (n, now)
            }
        }

        func forget(_ userID: Int) { _ = kept.withLock { $0.removeValue(forKey: userID) } }
    }
}
