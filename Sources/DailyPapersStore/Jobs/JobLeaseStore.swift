import DailyPapersCore
import SQLKit

/// Leases on named jobs, so that of several processes sharing a database only one runs a scheduled job
/// at a time. A lease is a row with an expiry: the holder renews it while it works, and if the holder dies
/// the lease simply runs out. One upsert takes it, on either engine, so two processes cannot both win.
public struct JobLeaseStore: Sendable {
    let database: Database
    public init(database: Database) { self.database = database }

    /// Takes or renews the lease `name` for `holder` until `now + duration`. False when another holder
    /// has it and it has not expired.
    public func acquire(_ name: String, holder: String, for duration: Duration, now: Timestamp = .now) async throws -> Bool {
        let (seconds, attoseconds) = duration.components
        let expires = now.millisecondsSince1970 + seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return try await database.write { db in
            try await db.raw("""
                INSERT INTO job_leases (name, holder, expires_at) VALUES (\(bind: name), \(bind: holder), \(bind: expires))
                ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                WHERE job_leases.holder = excluded.holder OR job_leases.expires_at < \(bind: now.millisecondsSince1970)
                RETURNING holder
                """).first() != nil
        }
    }

    /// Gives the lease up (only if `holder` still has it), so the next scheduled run need not wait for expiry.
    public func release(_ name: String, holder: String) async throws {
        try await database.write { db in
            try await db.raw("DELETE FROM job_leases WHERE name = \(bind: name) AND holder = \(bind: holder)").run()
        }
    }

    /// Who holds `name` now, if anyone does.
    public func holder(of name: String, now: Timestamp = .now) async throws -> String? {
        try await database.read { db in
            try await db.raw("""
                SELECT holder FROM job_leases WHERE name = \(bind: name) AND expires_at >= \(bind: now.millisecondsSince1970)
                """).first()?.decode(column: "holder", as: String.self)
        }
    }
}
