import DailyPapersCore
import Foundation
import SQLKit

/// Numbers for the stats page and the sparklines.
public struct StatsStore: Sendable {
    let database: Database
    public init(database: Database) { self.database = database }

    /// (time, upvotes) points of one paper, oldest first.
    public func upvoteHistory(_ id: ArxivID) async throws -> [(Timestamp, Int)] {
        try await database.read { db in
            try await db.raw("SELECT at, upvotes FROM upvote_history WHERE paper_id = \(bind: id.base) ORDER BY at").all().map {
                (Timestamp(millisecondsSince1970: try $0.decode(column: "at", as: Int64.self)), try $0.decode(column: "upvotes", as: Int.self))
            }
        }
    }

    /// Featured papers per day for the most recent `days` days that have any.
    public func papersPerDay(limit days: Int) async throws -> [(CalendarDay, Int)] {
        try await database.read { db in
            try await db.raw("""
                SELECT day, COUNT(*) AS n FROM featured WHERE hidden = 0 GROUP BY day ORDER BY day DESC LIMIT \(bind: days)
                """).all().compactMap { row -> (CalendarDay, Int)? in
                guard let d = CalendarDay(iso: try row.decode(column: "day", as: String.self)) else { return nil }
                return (d, try row.decode(column: "n", as: Int.self))
            }.reversed()
        }
    }

    /// The categories featured papers are listed in most often.
    public func topCategories(limit: Int) async throws -> [(String, Int)] {
        try await database.read { db in
            try await db.raw("""
                SELECT c.category, COUNT(*) AS n FROM paper_categories c JOIN featured f ON f.paper_id = c.paper_id
                WHERE f.hidden = 0 GROUP BY c.category ORDER BY n DESC, c.category LIMIT \(bind: limit)
                """).all().map { (try $0.decode(column: "category", as: String.self), try $0.decode(column: "n", as: Int.self)) }
        }
    }

    /// Per ISO week since `since`: papers submitted and distinct members who submitted.
    public func weekly(since: CalendarDay) async throws -> [(week: FeedPeriod, submissions: Int, activeUsers: Int)] {
        let rows = try await database.read { db in
            try await db.raw("SELECT day, submitted_by FROM featured WHERE hidden = 0 AND day >= \(bind: since.iso)").all().map {
                (try $0.decode(column: "day", as: String.self), try RowDecoding.optional($0, "submitted_by", Int.self))
            }
        }
        var submissions: [FeedPeriod: Int] = [:]
        var users: [FeedPeriod: Set<Int>] = [:]
        for (dayText, user) in rows {
            guard let day = CalendarDay(iso: dayText) else { continue }
            let (y, w) = FeedPeriod.isoWeek(of: day)
            let week = FeedPeriod.week(year: y, week: w)
            submissions[week, default: 0] += 1
            if let user { users[week, default: []].insert(user) }
        }
        return submissions.keys.sorted { $0.days.lowerBound < $1.days.lowerBound }
            .map { ($0, submissions[$0] ?? 0, users[$0]?.count ?? 0) }
    }
}
