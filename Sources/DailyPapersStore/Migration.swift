import Logging
import SQLKit

/// One numbered, append-only schema change. `why` is recorded with it so the schema explains itself.
public struct Migration: Sendable {
    public let number: Int
    public let name: String
    public let why: String
    public let statements: [String]
}

/// Applies the migrations the database has not seen yet, each in its own transaction, in order.
public enum Migrator {
    /// Returns the numbers applied by this call (empty when the schema was current).
    @discardableResult
    public static func migrate(_ database: Database, logger: Logger) async throws -> [Int] {
        try await database.write { db in
            try await db.raw("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                  number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)
                """).run()
        }
        var applied: [Int] = []
        for migration in Migrations.all {
            // Checked inside the write transaction, so two processes starting together apply each once.
            let didApply = try await database.write { db -> Bool in
                let seen = try await db.raw("SELECT number FROM schema_migrations WHERE number = \(bind: migration.number)").first()
                guard seen == nil else { return false }
                for statement in migration.statements { try await db.raw(SQLQueryString(statement)).run() }
                let now = Int64(Date().timeIntervalSince1970 * 1000)
                try await db.raw("""
                    INSERT INTO schema_migrations (number, name, applied_at)
                    VALUES (\(bind: migration.number), \(bind: migration.name), \(bind: now))
                    """).run()
                return true
            }
            if didApply {
                logger.info("applied migration \(migration.number) \(migration.name)")
                applied.append(migration.number)
            }
        }
        return applied
    }

    public static func appliedNumbers(_ database: Database) async throws -> [Int] {
        try await database.read { db in
            try await db.raw("SELECT number FROM schema_migrations ORDER BY number").all().map { try $0.decode(column: "number", as: Int.self) }
        }
    }
}

import Foundation
