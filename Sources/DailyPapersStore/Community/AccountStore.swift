import DailyPapersCore
import Foundation
import SQLKit

/// Local accounts: sign-up, credentials, verification, roles and bans. Password hashing happens in the
/// web layer; this store only keeps the hash.
public struct AccountStore: Sendable {
    let database: Database
    public init(database: Database) { self.database = database }

    public enum CreateError: Error, Equatable {
        case usernameTaken
        case emailTaken
    }

    static let columns = "id, username, fullname, email, role, email_verified_at, banned_at, ban_reason"
    /// `columns` with `u.` before each (the session look-up, on every signed-in request, joins users as u).
    static let columnsOfU = columns(alias: "u")

    static func columns(alias: String) -> String {
        columns.split(separator: ",").map { "\(alias).\($0.trimmingCharacters(in: .whitespaces))" }.joined(separator: ", ")
    }

    static func account(from row: any SQLRow) throws -> Account {
        Account(id: try row.decode(column: "id", as: Int.self),
                username: try row.decode(column: "username", as: String.self),
                fullname: try row.decode(column: "fullname", as: String.self),
                email: try RowDecoding.optional(row, "email", String.self),
                role: Role(rawValue: try row.decode(column: "role", as: String.self)) ?? .member,
                emailVerified: try RowDecoding.optional(row, "email_verified_at", Int64.self) != nil,
                bannedAt: try RowDecoding.timestamp(row, "banned_at"),
                banReason: try RowDecoding.optional(row, "ban_reason", String.self))
    }

    /// Creates a member. Usernames compare without case (so `Alice` cannot shadow `alice`), emails are
    /// stored lower-cased. Refused, changing nothing, when either is taken.
    public func create(username: String, fullname: String, email: String, passwordHash: String,
                       role: Role = .member, verified: Bool = false, now: Timestamp = .now) async throws -> Account {
        let email = email.lowercased()
        do {
            return try await insertMember(username: username, fullname: fullname, email: email, passwordHash: passwordHash,
                                          role: role, verified: verified, now: now)
        } catch let error where "\(error)".contains("users_member_name") {
            // Another process created the same name (in another case) between our check and our insert.
            throw CreateError.usernameTaken
        }
    }

    private func insertMember(username: String, fullname: String, email: String, passwordHash: String,
                              role: Role, verified: Bool, now: Timestamp) async throws -> Account {
        try await database.write { db in
            if try await db.raw("SELECT 1 AS x FROM users WHERE lower(username) = lower(\(bind: username))").first() != nil {
                throw CreateError.usernameTaken
            }
            if try await db.raw("SELECT 1 AS x FROM users WHERE email = \(bind: email)").first() != nil {
                throw CreateError.emailTaken
            }
            let ms = now.millisecondsSince1970
            let verifiedAt: Int64? = verified ? ms : nil
            guard let row = try await db.raw("""
                INSERT INTO users (username, fullname, email, password_hash, role, email_verified_at, kind, is_pro, created_at)
                VALUES (\(bind: username), \(bind: fullname), \(bind: email), \(bind: passwordHash), \(bind: role.rawValue),
                        \(bind: verifiedAt), 'user', 0, \(bind: ms))
                RETURNING \(unsafeRaw: Self.columns)
                """).first() else { throw StoreError("account insert returned no row") }
            return try Self.account(from: row)
        }
    }

    /// The account and its password hash for a log-in name: the username (any case) or the email.
    public func credentials(login: String) async throws -> (account: Account, passwordHash: String?)? {
        try await database.read { db in
            guard let row = try await db.raw("""
                SELECT \(unsafeRaw: Self.columns), password_hash FROM users
                WHERE lower(username) = lower(\(bind: login)) OR email = \(bind: login.lowercased())
                ORDER BY CASE WHEN username = \(bind: login) THEN 0 ELSE 1 END LIMIT 1
                """).first() else { return nil }
            return (try Self.account(from: row), try RowDecoding.optional(row, "password_hash", String.self))
        }
    }

    public func account(id: Int) async throws -> Account? {
        try await database.read { db in
            try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM users WHERE id = \(bind: id)").first().map(Self.account(from:))
        }
    }

    public func account(username: String) async throws -> Account? {
        try await database.read { db in
            try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM users WHERE lower(username) = lower(\(bind: username))")
                .first().map(Self.account(from:))
        }
    }

    public func account(email: String) async throws -> Account? {
        try await database.read { db in
            try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM users WHERE email = \(bind: email.lowercased())")
                .first().map(Self.account(from:))
        }
    }

    /// A new password ends every session of the account but the one that changed it (if any).
    public func setPassword(userID: Int, hash: String, keepingSession keep: String? = nil) async throws {
        try await database.write { db in
            try await db.raw("UPDATE users SET password_hash = \(bind: hash) WHERE id = \(bind: userID)").run()
            try await db.raw("DELETE FROM sessions WHERE user_id = \(bind: userID) AND token_hash <> \(bind: keep ?? "")").run()
        }
        database.sessionMemory.forgetAll()
    }

    public func markEmailVerified(userID: Int, now: Timestamp = .now) async throws {
        try await database.write { db in
            try await db.raw("""
                UPDATE users SET email_verified_at = COALESCE(email_verified_at, \(bind: now.millisecondsSince1970)) WHERE id = \(bind: userID)
                """).run()
        }
        database.sessionMemory.forgetAll()
    }

    /// Returns false when there is no such user.
    @discardableResult
    public func setRole(username: String, role: Role) async throws -> Bool {
        defer { database.sessionMemory.forgetAll() }
        return try await database.write { db in
            try await db.raw("""
                UPDATE users SET role = \(bind: role.rawValue) WHERE lower(username) = lower(\(bind: username)) RETURNING id
                """).first() != nil
        }
    }
}
