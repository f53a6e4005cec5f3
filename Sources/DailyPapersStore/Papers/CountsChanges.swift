import DailyPapersCore
import SQLKit

/// A paper whose vote or comment counts (or discussion) changed, the featured day it is listed on, and the
/// counts version the change made.
public struct CountsChange: Sendable, Equatable {
    public let paper: String
    public let day: CalendarDay?
    public let version: Int64

    public init(paper: String, day: CalendarDay?, version: Int64) {
        self.paper = paper
        self.day = day
        self.version = version
    }
}

/// Votes and comments move counts often; cached pages may show counts a moment late (see ResponseCache in
/// the web module). Each change bumps the site's counts version and keeps, per paper, the version of its
/// latest change (migration 30), so that a process can tell which pages a run of votes made stale.
enum CountsChanges {
    /// Called in the transaction of the change. The version row is locked until commit, so changes commit
    /// in version order: a reader that has seen version v has seen every change up to v.
    static func record(_ paperID: String, on db: any SQLDatabase) async throws {
        guard let row = try await db.raw("""
            UPDATE site_state SET value = value + 1 WHERE key = 'counts_version' RETURNING value
            """).first() else { return }
        let version = try row.decode(column: "value", as: Int64.self)
        try await db.raw("""
            INSERT INTO counts_changes (paper_id, day, version)
            VALUES (\(bind: paperID), (SELECT day FROM featured WHERE paper_id = \(bind: paperID)), \(bind: version))
            ON CONFLICT (paper_id) DO UPDATE SET day = excluded.day, version = excluded.version
            """).run()
    }
}

extension PaperStore {
    /// The counts version now, and the papers whose counts changed after `version` (each with its latest
    /// change). The version is read first: every change up to it has committed, so none is missed.
    public func countsChanges(since version: Int64) async throws -> (counts: Int64, changes: [CountsChange]) {
        try await database.read { db in
            let counts = try await db.raw("SELECT value FROM site_state WHERE key = 'counts_version'").first()?
                .decode(column: "value", as: Int64.self) ?? 0
            let changes = try await db.raw("""
                SELECT paper_id, day, version FROM counts_changes WHERE version > \(bind: version)
                """).all().map { row in
                CountsChange(paper: try row.decode(column: "paper_id", as: String.self),
                             day: try RowDecoding.optional(row, "day", String.self).flatMap(CalendarDay.init(iso:)),
                             version: try row.decode(column: "version", as: Int64.self))
            }
            return (max(counts, changes.map(\.version).max() ?? counts), changes)
        }
    }
}
