import DailyPapersCore
import Foundation
import SQLKit

/// Sign-in sessions. The cookie holds a random token; the table holds only its hash, so a copy of
/// the database does not sign anyone in. Every process reads the same table, so a session started
/// on one web process is valid on all of them.
public struct SessionStore: Sendable {
    let database: Database
    public init(database: Database) { self.database = database }

    public struct Session: Sendable {
        public var tokenHash: String
        public var account: Account
        public var csrfToken: String
        public var lastSeenAt: Timestamp
        public var expiresAt: Timestamp
    }

    public func create(tokenHash: String, userID: Int, csrfToken: String, now: Timestamp, expiresAt: Timestamp) async throws {
        try await database.write { db in
            try await db.raw("""
                INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at)
                VALUES (\(bind: tokenHash), \(bind: userID), \(bind: csrfToken), \(bind: now.millisecondsSince1970),
                        \(bind: now.millisecondsSince1970), \(bind: expiresAt.millisecondsSince1970))
                """).run()
            // Keep the table small: expired sessions of this user go when a new one starts.
            try await db.raw("DELETE FROM sessions WHERE user_id = \(bind: userID) AND expires_at < \(bind: now.millisecondsSince1970)").run()
        }
    }

    /// The live session for a token hash, with its account; nil when unknown or expired.
    /// A banned account has no sessions (banning deletes them), so it is never returned here.
    public func session(tokenHash: String, now: Timestamp) async throws -> Session? {
        let memory = database.sessionMemory
        if let kept = memory.session(tokenHash, now: now.secondsSince1970) { return kept }
        return try await database.read { db in
            guard let row = try await db.raw("""
                SELECT \(unsafeRaw: AccountStore.columnsOfU),
                       s.csrf_token, s.last_seen_at, s.expires_at
                FROM sessions s JOIN users u ON u.id = s.user_id
                WHERE s.token_hash = \(bind: tokenHash) AND s.expires_at > \(bind: now.millisecondsSince1970)
                """).first() else { return nil }
            let account = try AccountStore.account(from: row)
            if account.isBanned { return nil }
            let session = Session(tokenHash: tokenHash, account: account,
                                  csrfToken: try row.decode(column: "csrf_token", as: String.self),
                                  lastSeenAt: Timestamp(millisecondsSince1970: try row.decode(column: "last_seen_at", as: Int64.self)),
                                  expiresAt: Timestamp(millisecondsSince1970: try row.decode(column: "expires_at", as: Int64.self)))
            memory.keep(session, now: now.secondsSince1970)
            return session
        }
    }

    /// Slides the expiry forward (the caller does this at most every few minutes, not on every request).
    public func touch(tokenHash: String, now: Timestamp, expiresAt: Timestamp) async throws {
        try await database.write { db in
            try await db.raw("""
                UPDATE sessions SET last_seen_at = \(bind: now.millisecondsSince1970), expires_at = \(bind: expiresAt.millisecondsSince1970)
                WHERE token_hash = \(bind: tokenHash)
                """).run()
        }
        database.sessionMemory.forget(tokenHash)
    }

    public func delete(tokenHash: String) async throws {
        try await database.write { db in try await db.raw("DELETE FROM sessions WHERE token_hash = \(bind: tokenHash)").run() }
        database.sessionMemory.forget(tokenHash)
    }
}

/// One-time links sent by mail: email verification and password reset. Stored as hashes; a token
/// works once, before it expires, and a new one of the same purpose retires the older ones.
public struct AccountTokenStore: Sendable {
    let database: Database
    public init(database: Database) { self.database = database }

    public enum Purpose: String, Sendable { case verifyEmail = "verify_email", resetPassword = "reset_password" }

    public func issue(tokenHash: String, userID: Int, purpose: Purpose, now: Timestamp, expiresAt: Timestamp) async throws {
        try await database.write { db in
            try await db.raw("""
                UPDATE account_tokens SET used_at = \(bind: now.millisecondsSince1970)
                WHERE user_id = \(bind: userID) AND purpose = \(bind: purpose.rawValue) AND used_at IS NULL
                """).run()
            try await db.raw("""
                INSERT INTO account_tokens (token_hash, user_id, purpose, created_at, expires_at)
                VALUES (\(bind: tokenHash), \(bind: userID), \(bind: purpose.rawValue), \(bind: now.millisecondsSince1970),
                        \(bind: expiresAt.millisecondsSince1970))
                """).run()
        }
    }

    /// Uses up a token: returns its user when the token is known, of this purpose, unused and unexpired.
    public func consume(tokenHash: String, purpose: Purpose, now: Timestamp) async throws -> Int? {
        try await database.write { db in
            try await db.raw("""
                UPDATE account_tokens SET used_at = \(bind: now.millisecondsSince1970)
                WHERE token_hash = \(bind: tokenHash) AND purpose = \(bind: purpose.rawValue) AND used_at IS NULL
                  AND expires_at > \(bind: now.millisecondsSince1970)
                RETURNING user_id
                """).first().map { try $0.decode(column: "user_id", as: Int.self) }
        }
    }

    /// Whether a token is live, without using it (the reset form shows only for a live link).
    public func isLive(tokenHash: String, purpose: Purpose, now: Timestamp) async throws -> Bool {
        try await database.read { db in
            try await db.raw("""
                SELECT 1 AS x FROM account_tokens WHERE token_hash = \(bind: tokenHash) AND purpose = \(bind: purpose.rawValue)
                  AND used_at IS NULL AND expires_at > \(bind: now.millisecondsSince1970)
                """).first() != nil
        }
    }
}
