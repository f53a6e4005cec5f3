import DailyPapersCore
import SQLKit

/// Upvotes: one per account per paper. Setting a vote is idempotent (voting twice changes nothing and
/// says so), which is what makes a double click or a retried request harmless.
public struct VoteStore: Sendable {
    let database: Database
    let trending: Trending
    public init(database: Database, trending: Trending) {
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
        Set(try await viewerState(userID: userID, papers: papers).filter(\.value.voted).keys)
    }

    /// What a page shown to a member needs fresh, whatever its shared rendering shows: per featured paper
    /// among `papers`, its upvotes now, whether the member upvoted it and saved it, and its discussion's version;
    /// per other paper, whether they saved it. One query for the whole page (two when it shows papers not on the feed).
    public func viewerState(userID: Int, papers: [ArxivID]) async throws -> [String: PaperViewerState] {
        guard !papers.isEmpty else { return [:] }
        // Every signed-in page asks, for up to 100 papers: one text parameter for the ids and one text
        // column for the answer, since binding and decoding each value through SQLKit costs more than the
        // query itself (arXiv ids hold no space).
        let ids = papers.map(\.base).joined(separator: " ")
        return try await database.read { db in
            let row: (any SQLRow)?
            if db.isPostgres {
                row = try await db.raw("""
                    SELECT string_agg(f.paper_id || ' ' || f.upvotes || ' ' || f.discussion_version || ' ' ||
                      CASE WHEN EXISTS (SELECT 1 FROM votes v WHERE v.user_id = \(bind: userID) AND v.paper_id = f.paper_id) THEN 1 ELSE 0 END || ' ' ||
                      CASE WHEN EXISTS (SELECT 1 FROM collection_papers cp WHERE cp.collection_id = (\(unsafeRaw: Self.savedCollection(userID))) AND cp.paper_id = f.paper_id) THEN 1 ELSE 0 END, ' ') AS states
                    FROM featured f WHERE f.paper_id = ANY (string_to_array(\(bind: ids), ' '))
                    """).first()
            } else {
                row = try await db.raw("""
                    WITH wanted (id) AS (SELECT value FROM json_each('["' || replace(\(bind: ids), ' ', '","') || '"]'))
                    SELECT group_concat(f.paper_id || ' ' || f.upvotes || ' ' || f.discussion_version || ' ' ||
                      EXISTS (SELECT 1 FROM votes v WHERE v.user_id = \(bind: userID) AND v.paper_id = f.paper_id) || ' ' ||
                      EXISTS (SELECT 1 FROM collection_papers cp WHERE cp.collection_id = (\(unsafeRaw: Self.savedCollection(userID))) AND cp.paper_id = f.paper_id), ' ') AS states
                    FROM featured f WHERE f.paper_id IN (SELECT id FROM wanted)
                    """).first()
            }
            let fields = (try row.flatMap { try RowDecoding.optional($0, "states", String.self) } ?? "").split(separator: " ")
            var states: [String: PaperViewerState] = [:]
            var i = 0
            while i + 4 < fields.count {
                if let upvotes = Int(fields[i + 1]), let version = Int64(fields[i + 2]) {
                    states[String(fields[i])] = PaperViewerState(upvotes: upvotes, voted: fields[i + 3] == "1", discussionVersion: version,
                                                                 saved: fields[i + 4] == "1")
                }
                i += 5
            }
            // Papers not on the feed (search results, a paper's own page) have no counts, only whether they are saved:
            // asked only when the page shows some.
            let missing = papers.map(\.base).filter { states[$0] == nil }
            if !missing.isEmpty {
                let binds: [any Encodable & Sendable] = missing
                for row in try await db.raw("""
                    SELECT cp.paper_id FROM collection_papers cp
                    WHERE cp.collection_id = (\(unsafeRaw: Self.savedCollection(userID))) AND cp.paper_id IN (\(binds: binds))
                    """).all() {
                    states[try row.decode(column: "paper_id", as: String.self)] = PaperViewerState(upvotes: 0, voted: false, discussionVersion: 0, saved: true)
                }
            }
            return states
        }
    }

    /// The member's "Saved" collection's id, as a subquery (`CollectionStore`); the id is an integer, so written inline.
    static func savedCollection(_ userID: Int) -> String {
        "SELECT c.id FROM collections c WHERE c.user_id = \(userID) AND c.is_saved = 1"
    }

    /// How many times the paper's discussion has changed (0 for a paper not on the feed).
    public func discussionVersion(paper: ArxivID) async throws -> Int64 {
        try await database.read { db in
            try await db.raw("SELECT discussion_version FROM featured WHERE paper_id = \(bind: paper.base)")
                .first()?.decode(column: "discussion_version", as: Int64.self) ?? 0
        }
    }

    /// Local votes on a paper (for checks and benchmarks: the featured count must equal imported + this).
    public func count(paper: ArxivID) async throws -> Int {
        try await database.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM votes WHERE paper_id = \(bind: paper.base)").first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }
}

/// A featured paper as one member sees it now (see `VoteStore.viewerState`).
public struct PaperViewerState: Sendable, Equatable {
    public var upvotes: Int
    public var voted: Bool
    public var discussionVersion: Int64
    /// In the member's "Saved" collection.
    public var saved: Bool

    public init(upvotes: Int, voted: Bool, discussionVersion: Int64, saved: Bool = false) {
        self.upvotes = upvotes
        self.voted = voted
        self.discussionVersion = discussionVersion
        self.saved = saved
    }
}
