import DailyPapersCore
import SQLKit

/// Upvotes: one per account per paper. Setting a vote is idempotent (voting twice changes nothing and
/// says so), which is what makes a double click or a retried request harmless.
public struct VoteStore: Sendable {
    let database: Database
    let trending: Trending
    public init(database: Database, trending: Trending = .standard) {
        self.database = database
        self.trending = trending
    }

    public struct Result: Sendable, Equatable {
        public var upvotes: Int
        public var voted: Bool
        /// False when the vote was already in the asked state.
        public var changed: Bool
    }

    public enum VoteError: Error, Equatable {
        /// Only papers on the feed (featured, not hidden) take votes.
        case notOnFeed
    }

    public func setVote(userID: Int, paper: ArxivID, voted: Bool, now: Timestamp = .now) async throws -> Result {
        try await database.write { db in
            guard try await db.raw("""
                SELECT 1 AS x FROM featured WHERE paper_id = \(bind: paper.base) AND hidden = 0
                """).first() != nil else { throw VoteError.notOnFeed }
            let changed: Bool
            if voted {
                changed = try await db.raw("""
                    INSERT INTO votes (user_id, paper_id, created_at) VALUES (\(bind: userID), \(bind: paper.base), \(bind: now.millisecondsSince1970))
                    ON CONFLICT (user_id, paper_id) DO NOTHING RETURNING user_id
                    """).first() != nil
            } else {
                changed = try await db.raw("""
                    DELETE FROM votes WHERE user_id = \(bind: userID) AND paper_id = \(bind: paper.base) RETURNING user_id
                    """).first() != nil
            }
            if changed {
                let counts = try await FeaturedCounts.recompute(paper.base, trending: trending, on: db)
                return Result(upvotes: counts?.upvotes ?? 0, voted: voted, changed: true)
            }
            let upvotes = try await db.raw("SELECT upvotes FROM featured WHERE paper_id = \(bind: paper.base)")
                .first()?.decode(column: "upvotes", as: Int.self) ?? 0
            return Result(upvotes: upvotes, voted: voted, changed: false)
        }
    }

    /// Which of these papers the user has upvoted (for the buttons' state on a page).
    public func votedPapers(userID: Int, among papers: [ArxivID]) async throws -> Set<String> {
        guard !papers.isEmpty else { return [] }
        let binds: [any Encodable & Sendable] = papers.map(\.base)
        return try await database.read { db in
            Set(try await db.raw("""
                SELECT paper_id FROM votes WHERE user_id = \(bind: userID) AND paper_id IN (\(binds: binds))
                """).all().map { try $0.decode(column: "paper_id", as: String.self) })
        }
    }

    /// Local votes on a paper (for checks and benchmarks: the featured count must equal imported + this).
    public func count(paper: ArxivID) async throws -> Int {
        try await database.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM votes WHERE paper_id = \(bind: paper.base)").first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }
}
