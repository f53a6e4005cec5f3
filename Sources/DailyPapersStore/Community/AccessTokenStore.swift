import DailyPapersCore
import Foundation
import SQLKit

/// Personal access tokens: a member creates one in settings for a program (a script, Hugging Face's client, an
/// assistant) and revokes it there. The token is shown once; the table keeps its SHA-256 only, so a copy of the
/// database acts as nobody. A token reads, or reads and writes (`Scope`), as its member, while the member is not
/// banned and the token not revoked.
public struct AccessTokenStore: Sendable {
    let database: Database
    public init(database: Database) { self.database = database }

    public enum Scope: String, Sendable, CaseIterable {
        case read, write
    }

    public struct Token: Sendable, Equatable {
        public let id: Int
        public let name: String
        public let scope: Scope
        public let createdAt: Timestamp
        public let lastUsedAt: Timestamp?
    }

    /// Live tokens a member may hold at once: enough for every program, few enough that the table stays small.
    public static let perMember = 20
    public static let nameLength = 100

    public enum Problem: Error, Equatable {
        case tooMany, badName
    }

    /// Keeps a new token's hash; the caller shows the token itself once. Throws `Problem` for a name that is empty,
    /// too long or on several lines, and when the member holds `perMember` live tokens already.
    public func create(userID: Int, name: String, scope: Scope, tokenHash: String, now: Timestamp = .now) async throws -> Token {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= Self.nameLength, !name.contains(where: { $0.isNewline }) else { throw Problem.badName }
        return try await database.write { db in
            // Two creations at once count one after the other (SQLite's writer does this by itself).
            if db.isPostgres { try await db.raw("SELECT id FROM users WHERE id = \(bind: userID) FOR UPDATE").run() }
            let live = try await db.raw("""
                SELECT count(*) AS n FROM access_tokens WHERE user_id = \(bind: userID) AND revoked_at IS NULL
                """).first()?.decode(column: "n", as: Int.self) ?? 0
            guard live < Self.perMember else { throw Problem.tooMany }
            let row = try await db.raw("""
                INSERT INTO access_tokens (user_id, name, token_hash, scope, created_at)
                VALUES (\(bind: userID), \(bind: name), \(bind: tokenHash), \(bind: scope.rawValue), \(bind: now.millisecondsSince1970))
                RETURNING id
                """).first()
            return Token(id: try row?.decode(column: "id", as: Int.self) ?? 0, name: name, scope: scope, createdAt: now, lastUsedAt: nil)
        }
    }

    /// A member's live tokens, newest first.
    public func tokens(userID: Int) async throws -> [Token] {
        try await database.read { db in
            try await db.raw("""
                SELECT id, name, scope, created_at, last_used_at FROM access_tokens
                WHERE user_id = \(bind: userID) AND revoked_at IS NULL ORDER BY id DESC
                """).all().map { row in
                Token(id: try row.decode(column: "id", as: Int.self), name: try row.decode(column: "name", as: String.self),
                      scope: Scope(rawValue: try row.decode(column: "scope", as: String.self)) ?? .read,
                      createdAt: Timestamp(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)),
                      lastUsedAt: try row.decode(column: "last_used_at", as: Int64?.self).map(Timestamp.init(millisecondsSince1970:)))
            }
        }
    }

    /// Revokes one of the member's tokens; false when the member holds no such live token (someone else's id
    /// changes nothing).
    public func revoke(userID: Int, tokenID: Int, now: Timestamp = .now) async throws -> Bool {
        try await database.write { db in
            let rows = try await db.raw("""
                UPDATE access_tokens SET revoked_at = \(bind: now.millisecondsSince1970)
                WHERE id = \(bind: tokenID) AND user_id = \(bind: userID) AND revoked_at IS NULL RETURNING id
                """).all()
            return !rows.isEmpty
        }
    }

    /// The member and scope a token acts for; nil for an unknown or revoked token, or a banned member. Marks it
    /// used (at most once a minute, so a busy program does not write on every request).
    public func member(tokenHash: String, now: Timestamp = .now) async throws -> (account: Account, token: Token)? {
        let found: (Account, Token)? = try await database.read { db in
            guard let row = try await db.raw("""
                SELECT \(unsafeRaw: AccountStore.columnsOfU), t.id AS token_id, t.name AS token_name, t.scope, t.created_at AS token_created,
                       t.last_used_at
                FROM access_tokens t JOIN users u ON u.id = t.user_id
                WHERE t.token_hash = \(bind: tokenHash) AND t.revoked_at IS NULL
                """).first() else { return nil }
            let account = try AccountStore.account(from: row)
            if account.isBanned { return nil }
            return (account, Token(id: try row.decode(column: "token_id", as: Int.self), name: try row.decode(column: "token_name", as: String.self),
                                   scope: Scope(rawValue: try row.decode(column: "scope", as: String.self)) ?? .read,
                                   createdAt: Timestamp(millisecondsSince1970: try row.decode(column: "token_created", as: Int64.self)),
                                   lastUsedAt: try row.decode(column: "last_used_at", as: Int64?.self).map(Timestamp.init(millisecondsSince1970:))))
        }
        guard let (account, token) = found else { return nil }
        if (token.lastUsedAt?.millisecondsSince1970 ?? 0) < now.millisecondsSince1970 - 60_000 {
            try await database.write { db in
                try await db.raw("UPDATE access_tokens SET last_used_at = \(bind: now.millisecondsSince1970) WHERE id = \(bind: token.id)").run()
            }
        }
        return (account, token)
    }
}
