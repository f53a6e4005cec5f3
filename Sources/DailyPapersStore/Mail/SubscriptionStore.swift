import DailyPapersCore
import Foundation
import SQLKit

/// Digest subscribers. Double opt-in: a new address is `pending` until its confirmation link is used;
/// only `active` subscriptions get digests. Every mail carries the manage token, which changes
/// preferences or unsubscribes without logging in.
public struct SubscriptionStore: Sendable {
    let database: Database
    public init(database: Database) { self.database = database }

    public enum Status: String, Sendable { case pending, active, unsubscribed, suspended }

    public struct Subscription: Sendable, Equatable {
        public var id: Int
        public var email: String
        public var status: Status
        public var preferences: DigestPreferences
        public var manageToken: String
        public var hardFailures: Int
        /// The member who subscribed while signed in, if any (their personal sections are ranked for them).
        public var userID: Int? = nil
    }

    public enum SubscribeOutcome: Sendable, Equatable {
        /// A confirmation mail should go out now.
        case confirmationNeeded(Subscription)
        /// A confirmation was sent moments ago: nothing more, so a form resubmitted in a loop floods no one.
        case confirmationRecentlySent
        /// Already confirmed; nothing to send.
        case alreadyActive(Subscription)
    }

    static let columns = "id, email, status, frequency, size, categories, keywords, authors, send_when_empty, manage_token, hard_failures, user_id, personal_sections"

    static func subscription(from row: any SQLRow) throws -> Subscription {
        func list(_ c: String) throws -> [String] {
            try RowDecoding.stringList(row, c)
        }
        return Subscription(
            id: try row.decode(column: "id", as: Int.self),
            email: try row.decode(column: "email", as: String.self),
            status: Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .pending,
            preferences: DigestPreferences(
                frequency: DigestFrequency(rawValue: try row.decode(column: "frequency", as: String.self)) ?? .daily,
                size: try row.decode(column: "size", as: Int.self),
                categories: try list("categories"), keywords: try list("keywords"), authors: try list("authors"),
                sendWhenEmpty: try row.decode(column: "send_when_empty", as: Int.self) != 0,
                personalSections: try row.decode(column: "personal_sections", as: Int.self) != 0),
            manageToken: try row.decode(column: "manage_token", as: String.self),
            hardFailures: try row.decode(column: "hard_failures", as: Int.self),
            userID: try row.decode(column: "user_id", as: Int?.self))
    }

    static func json(_ list: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(list)) ?? Data("[]".utf8), as: UTF8.self)
    }

    /// Starts (or restarts) a subscription. `resendAfter` seconds must pass between two confirmation mails.
    public func subscribe(email: String, preferences: DigestPreferences, userID: Int?, manageToken: String,
                          confirmTokenHash: String, expiresAt: Timestamp, resendAfter: Double = 600,
                          now: Timestamp = .now) async throws -> SubscribeOutcome {
        let email = email.lowercased()
        return try await database.write { db in
            let ms = now.millisecondsSince1970
            if let row = try await db.raw("SELECT \(unsafeRaw: Self.columns), confirm_sent_at FROM subscriptions WHERE email = \(bind: email)").first() {
                let existing = try Self.subscription(from: row)
                if existing.status == .active { return .alreadyActive(existing) }
                if existing.status == .pending, let sent = try RowDecoding.optional(row, "confirm_sent_at", Int64.self),
                   Double(ms - sent) / 1000 < resendAfter {
                    return .confirmationRecentlySent
                }
                try await db.raw("""
                    UPDATE subscriptions SET status = 'pending', frequency = \(bind: preferences.frequency.rawValue), size = \(bind: preferences.size),
                      categories = \(bind: Self.json(preferences.categories)), keywords = \(bind: Self.json(preferences.keywords)),
                      authors = \(bind: Self.json(preferences.authors)), send_when_empty = \(bind: preferences.sendWhenEmpty ? 1 : 0),
                      personal_sections = \(bind: preferences.personalSections ? 1 : 0),
                      confirm_token_hash = \(bind: confirmTokenHash), confirm_expires_at = \(bind: expiresAt.millisecondsSince1970),
                      confirm_sent_at = \(bind: ms), hard_failures = 0, user_id = COALESCE(\(bind: userID), user_id)
                    WHERE id = \(bind: existing.id)
                    """).run()
                var updated = existing
                updated.status = .pending
                updated.preferences = preferences
                return .confirmationNeeded(updated)
            }
            guard let row = try await db.raw("""
                INSERT INTO subscriptions (email, user_id, status, frequency, size, categories, keywords, authors, send_when_empty,
                  personal_sections, manage_token, confirm_token_hash, confirm_expires_at, confirm_sent_at, created_at)
                VALUES (\(bind: email), \(bind: userID), 'pending', \(bind: preferences.frequency.rawValue), \(bind: preferences.size),
                  \(bind: Self.json(preferences.categories)), \(bind: Self.json(preferences.keywords)), \(bind: Self.json(preferences.authors)),
                  \(bind: preferences.sendWhenEmpty ? 1 : 0), \(bind: preferences.personalSections ? 1 : 0), \(bind: manageToken), \(bind: confirmTokenHash),
                  \(bind: expiresAt.millisecondsSince1970), \(bind: ms), \(bind: ms))
                RETURNING \(unsafeRaw: Self.columns)
                """).first() else { throw StoreError("subscription insert returned no row") }
            return .confirmationNeeded(try Self.subscription(from: row))
        }
    }

    /// Uses a confirmation link: the subscription becomes active. Nil when unknown or expired.
    public func confirm(tokenHash: String, now: Timestamp = .now) async throws -> Subscription? {
        try await database.write { db in
            try await db.raw("""
                UPDATE subscriptions SET status = 'active', confirmed_at = \(bind: now.millisecondsSince1970),
                  confirm_token_hash = NULL, confirm_expires_at = NULL
                WHERE confirm_token_hash = \(bind: tokenHash) AND status = 'pending' AND confirm_expires_at > \(bind: now.millisecondsSince1970)
                RETURNING \(unsafeRaw: Self.columns)
                """).first().map(Self.subscription(from:))
        }
    }

    public func subscription(manageToken: String) async throws -> Subscription? {
        try await database.read { db in
            try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM subscriptions WHERE manage_token = \(bind: manageToken)")
                .first().map(Self.subscription(from:))
        }
    }

    public func subscription(email: String) async throws -> Subscription? {
        try await database.read { db in
            try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM subscriptions WHERE email = \(bind: email.lowercased())")
                .first().map(Self.subscription(from:))
        }
    }

    @discardableResult
    public func update(manageToken: String, preferences: DigestPreferences) async throws -> Bool {
        try await database.write { db in
            try await db.raw("""
                UPDATE subscriptions SET frequency = \(bind: preferences.frequency.rawValue), size = \(bind: preferences.size),
                  categories = \(bind: Self.json(preferences.categories)), keywords = \(bind: Self.json(preferences.keywords)),
                  authors = \(bind: Self.json(preferences.authors)), send_when_empty = \(bind: preferences.sendWhenEmpty ? 1 : 0),
                  personal_sections = \(bind: preferences.personalSections ? 1 : 0)
                WHERE manage_token = \(bind: manageToken) RETURNING id
                """).first() != nil
        }
    }

    /// Idempotent: unsubscribing twice is fine. Returns false for an unknown token.
    @discardableResult
    public func unsubscribe(manageToken: String, now: Timestamp = .now) async throws -> Bool {
        try await database.write { db in
            try await db.raw("""
                UPDATE subscriptions SET status = 'unsubscribed', unsubscribed_at = COALESCE(unsubscribed_at, \(bind: now.millisecondsSince1970))
                WHERE manage_token = \(bind: manageToken) RETURNING id
                """).first() != nil
        }
    }

    /// Active subscriptions of one frequency (optionally one address), in id order.
    public func active(_ frequency: DigestFrequency, email: String? = nil) async throws -> [Subscription] {
        try await database.read { db in
            var sql = SQLQueryString("SELECT \(unsafeRaw: Self.columns) FROM subscriptions WHERE status = 'active' AND frequency = \(bind: frequency.rawValue)")
            if let email { sql.appendLiteral(" AND email = "); sql.appendInterpolation(bind: email.lowercased()) }
            sql.appendLiteral(" ORDER BY id")
            return try await db.raw(sql).all().map(Self.subscription(from:))
        }
    }

    public func isActive(id: Int) async throws -> Bool {
        try await database.read { db in
            try await db.raw("SELECT 1 AS x FROM subscriptions WHERE id = \(bind: id) AND status = 'active'").first() != nil
        }
    }

    /// A permanent refusal (5xx) for this address; at `limit` in a row the subscription is suspended.
    /// Returns true when it was suspended now.
    public func recordHardFailure(id: Int, limit: Int) async throws -> Bool {
        try await database.write { db in
            guard let row = try await db.raw("""
                UPDATE subscriptions SET hard_failures = hard_failures + 1 WHERE id = \(bind: id) RETURNING hard_failures
                """).first() else { return false }
            guard try row.decode(column: "hard_failures", as: Int.self) >= limit else { return false }
            try await db.raw("UPDATE subscriptions SET status = 'suspended' WHERE id = \(bind: id) AND status = 'active'").run()
            return true
        }
    }

    public func clearHardFailures(id: Int) async throws {
        try await database.writeWithoutTransaction { db in
            try await db.raw("UPDATE subscriptions SET hard_failures = 0 WHERE id = \(bind: id) AND hard_failures > 0").run()
        }
    }
}
