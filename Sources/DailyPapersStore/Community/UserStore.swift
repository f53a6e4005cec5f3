import DailyPapersCore
import Foundation
import SQLKit

/// Accounts as they appear next to papers.
public struct UserStore: Sendable {
    let database: Database
    public init(database: Database) { self.database = database }

    /// Inserts or refreshes a user known from an import, returning its row id. Runs inside the caller's transaction.
    static func upsert(_ user: UserRef, on db: any SQLDatabase, now: Int64) async throws -> Int {
        let row = try await db.raw("""
            INSERT INTO users (username, fullname, hf_id, avatar_url, kind, is_pro, created_at)
            VALUES (\(bind: user.username), \(bind: user.fullname), \(bind: user.hfID), \(bind: user.avatarURL),
                    \(bind: user.kind), \(bind: user.isPro ? 1 : 0), \(bind: now))
            ON CONFLICT (username) DO UPDATE SET
              fullname = excluded.fullname,
              hf_id = COALESCE(excluded.hf_id, users.hf_id),
              avatar_url = COALESCE(excluded.avatar_url, users.avatar_url),
              kind = excluded.kind,
              is_pro = excluded.is_pro
            RETURNING id
            """).first()
        guard let row else { throw StoreError("user upsert returned no row for '\(user.username)'") }
        return try row.decode(column: "id", as: Int.self)
    }

    public func user(username: String) async throws -> UserRef? {
        try await database.read { db in
            try await db.raw("""
                SELECT username, fullname, hf_id, avatar_url, kind, is_pro FROM users WHERE lower(username) = lower(\(bind: username))
                """).first().flatMap { try RowDecoding.user(from: $0, prefix: "") }
        }
    }
}

public struct StoreError: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
