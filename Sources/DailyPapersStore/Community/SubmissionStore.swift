import DailyPapersCore
import SQLKit

/// Community submissions: a member puts a paper on today's feed, within the instance's rules.
/// Everything (rules, paper, featuring, the submitter's own upvote, the optional comment) happens in
/// one transaction, so a refused or failed submission leaves nothing behind.
public struct SubmissionStore: Sendable {
    let database: Database
    let trending: Trending
    public init(database: Database, trending: Trending) {
        self.database = database
        self.trending = trending
    }

    public enum Outcome: Sendable, Equatable {
        /// Now on the feed of this day.
        case featured(CalendarDay)
        /// It was on the feed already: the submission became an upvote (false when the user had upvoted it before).
        case alreadyFeatured(day: CalendarDay, upvoted: Bool)
    }

    public enum SubmissionError: Error, Equatable {
        case dailyCapReached(Int)
        case tooOld(days: Int, limit: Int)
        case removedByModerators
    }

    public func submit(_ paper: Paper, userID: Int, comment: String?, rules: SubmissionRules,
                       now: Timestamp = .now) async throws -> Outcome {
        try await database.write { db in
            let id = paper.id.base
            if let row = try await db.raw("SELECT day, hidden FROM featured WHERE paper_id = \(bind: id)").first() {
                guard try row.decode(column: "hidden", as: Int.self) == 0 else { throw SubmissionError.removedByModerators }
                let day = CalendarDay(iso: try row.decode(column: "day", as: String.self)) ?? CalendarDay(utcOf: now)
                let upvoted = try await db.raw("""
                    INSERT INTO votes (user_id, paper_id, created_at) VALUES (\(bind: userID), \(bind: id), \(bind: now.millisecondsSince1970))
                    ON CONFLICT (user_id, paper_id) DO NOTHING RETURNING user_id
                    """).first() != nil
                if upvoted { _ = try await FeaturedCounts.recompute(id, trending: trending, on: db) }
                return .alreadyFeatured(day: day, upvoted: upvoted)
            }
            let today = CalendarDay(utcOf: now)
            let dayStart = Int64(today.daysSinceEpoch) * 86_400_000
            let submittedToday = try await db.raw("""
                SELECT COUNT(*) AS n FROM featured WHERE submitted_by = \(bind: userID) AND submitted_at >= \(bind: dayStart)
                """).first()?.decode(column: "n", as: Int.self) ?? 0
            guard submittedToday < rules.dailyCap else { throw SubmissionError.dailyCapReached(rules.dailyCap) }
            if let first = paper.firstVersionAt {
                let days = Int((now.secondsSince1970 - first.secondsSince1970) / 86_400)
                guard days <= rules.maximumAgeDays else { throw SubmissionError.tooOld(days: days, limit: rules.maximumAgeDays) }
            }
            try await PaperStore.upsertPapers([paper], on: db, now: now.millisecondsSince1970)
            try await db.raw("""
                INSERT INTO featured (paper_id, day, submitted_at, submitted_by, trending_score)
                VALUES (\(bind: id), \(bind: today.iso), \(bind: now.millisecondsSince1970), \(bind: userID),
                        \(bind: trending.score(upvotes: 0, comments: 0, submittedAt: now)))
                """).run()
            // The submitter's own upvote, as on Hacker News: a submission is a vote for the paper.
            try await db.raw("""
                INSERT INTO votes (user_id, paper_id, created_at) VALUES (\(bind: userID), \(bind: id), \(bind: now.millisecondsSince1970))
                """).run()
            if let comment, !comment.isEmpty {
                try await db.raw("""
                    INSERT INTO comments (paper_id, user_id, body, created_at)
                    VALUES (\(bind: id), \(bind: userID), \(bind: comment), \(bind: now.millisecondsSince1970))
                    """).run()
            }
            _ = try await FeaturedCounts.recompute(id, trending: trending, on: db)
            try await PaperStore.bumpContentVersion(on: db)
            return .featured(today)
        }
    }
}
