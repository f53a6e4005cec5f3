import DailyPapersCore
import Foundation
import SQLKit

/// Rules that put ingested papers on the feed by themselves, so a small community's feed is never empty.
public struct AutoFeatureRules: Sendable, Equatable {
    /// Papers in any of these categories (empty: any category).
    public var categories: [String]
    /// Papers whose title or abstract holds any of these words or phrases (empty: no keyword filter).
    public var keywords: [String]
    /// At most this many automatic features per day.
    public var dailyMaximum: Int

    public init(categories: [String] = [], keywords: [String] = [], dailyMaximum: Int = 10) {
        self.categories = categories
        self.keywords = keywords
        self.dailyMaximum = dailyMaximum
    }

    public var isEnabled: Bool { dailyMaximum > 0 && !(categories.isEmpty && keywords.isEmpty) }

    /// Automatic features are submitted by this account, so they are told apart and counted per day.
    public static let submitter = UserRef(username: "dailypapers-auto", fullname: "Featured automatically", kind: "bot")
}

extension PaperStore {
    /// Features up to the day's remaining allowance of papers ingested since `since` that match the rules
    /// and are not on the feed yet, newest first. Returns the ids featured.
    @discardableResult
    public func autoFeature(_ rules: AutoFeatureRules, day: CalendarDay, since: Timestamp, now: Timestamp,
                            trending: Trending) async throws -> [ArxivID] {
        guard rules.isEnabled else { return [] }
        return try await database.write { db in
            let bot = try await UserStore.upsert(AutoFeatureRules.submitter, on: db, now: now.millisecondsSince1970)
            let already = try await db.raw("""
                SELECT COUNT(*) AS n FROM featured WHERE day = \(bind: day.iso) AND submitted_by = \(bind: bot)
                """).first()?.decode(column: "n", as: Int.self) ?? 0
            let remaining = rules.dailyMaximum - already
            guard remaining > 0 else { return [] }
            var sql = SQLQueryString("""
                SELECT p.arxiv_id FROM papers p LEFT JOIN featured f ON f.paper_id = p.arxiv_id
                WHERE f.paper_id IS NULL AND p.withdrawn = 0 AND p.created_at >= \(bind: since.millisecondsSince1970)
                """)
            if !rules.categories.isEmpty {
                let cats: [any Encodable & Sendable] = rules.categories
                sql.appendLiteral(" AND EXISTS (SELECT 1 FROM paper_categories c WHERE c.paper_id = p.arxiv_id AND c.category IN (")
                sql.appendInterpolation(binds: cats)
                sql.appendLiteral("))")
            }
            if !rules.keywords.isEmpty {
                sql.appendLiteral(" AND (")
                for (i, k) in rules.keywords.enumerated() {
                    sql.appendLiteral(i == 0 ? "" : " OR ")
                    Self.appendMatch(Self.likePattern(k.lowercased()), columns: ["LOWER(p.title)", "LOWER(p.abstract)"], to: &sql)
                }
                sql.appendLiteral(")")
            }
            sql.appendLiteral(" ORDER BY p.first_version_at DESC, p.arxiv_id LIMIT ")
            sql.appendInterpolation(bind: remaining)
            let ids = try await db.raw(sql).all().map { try $0.decode(column: "arxiv_id", as: String.self) }
            let score = trending.score(upvotes: 0, comments: 0, submittedAt: now)
            for id in ids {
                try await db.raw("""
                    INSERT INTO featured (paper_id, day, submitted_at, submitted_by, trending_score)
                    VALUES (\(bind: id), \(bind: day.iso), \(bind: now.millisecondsSince1970), \(bind: bot), \(bind: score))
                    ON CONFLICT (paper_id) DO NOTHING
                    """).run()
            }
            if !ids.isEmpty { try await Self.bumpContentVersion(on: db) }
            return ids.map { ArxivID(base: $0, version: nil) }
        }
    }
}
