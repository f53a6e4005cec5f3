import DailyPapersCore
import Foundation
import SQLKit

/// Papers and their place on the daily feed. Writes here; reads in PaperStore+Queries.swift.
public struct PaperStore: Sendable {
    let database: Database
    public init(database: Database) { self.database = database }

    /// Stores featured papers in one transaction: all of them or none.
    /// Idempotent: storing the same values again changes no row. A paper featured on two days keeps
    /// the earlier day; imported vote and comment counts only grow, and local votes are kept on top.
    public func saveFeatured(_ items: [FeaturedPaper], trending: Trending) async throws {
        guard !items.isEmpty else { return }
        try await database.write { db in
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            try await Self.upsertPapers(items.map(\.paper), on: db, now: now)
            for item in items {
                var submitter: Int?
                if let by = item.submittedBy { submitter = try await UserStore.upsert(by, on: db, now: now) }
                try await Self.upsertFeatured(item, submitterID: submitter, on: db, trending: trending)
            }
            try await Self.bumpContentVersion(on: db)
        }
    }

    /// Stores papers that are not (yet) on the feed.
    /// Saves papers in one transaction. `indexSimilarity: false` leaves their similar papers and keywords to
    /// `rebuildSimilarity` (a bulk load builds them once at the end instead of per batch).
    public func savePapers(_ papers: [Paper], indexSimilarity: Bool = true) async throws {
        try await savePapers(PaperBatch(papers), indexSimilarity: indexSimilarity)
    }

    /// `savePapers` for a batch made ready beforehand (off the writer). Returns the papers it added (not stored before).
    @discardableResult
    public func savePapers(_ batch: PaperBatch, indexSimilarity: Bool = true) async throws -> Set<String> {
        guard batch.count > 0 else { return [] }
        return try await database.writeWithConnection { db, connection in
            let added = try await Self.upsertPapers(batch, on: db, connection: connection, now: Int64(Date().timeIntervalSince1970 * 1000),
                                                    indexSimilarity: indexSimilarity)
            try await Self.bumpContentVersion(on: db)
            return added
        }
    }

    /// OAI-PMH deleted records: the paper stays (votes and comments refer to it) but leaves the feed.
    public func markWithdrawn(_ ids: [ArxivID]) async throws {
        guard !ids.isEmpty else { return }
        let binds: [any Encodable & Sendable] = ids.map(\.base)
        try await database.write { db in
            try await db.raw("UPDATE papers SET withdrawn = 1 WHERE arxiv_id IN (\(binds: binds))").run()
            try await db.raw("UPDATE featured SET hidden = 1 WHERE paper_id IN (\(binds: binds))").run()
            try await Self.bumpContentVersion(on: db)
        }
    }

    static func upsertFeatured(_ f: FeaturedPaper, submitterID: Int?, on db: any SQLDatabase, trending: Trending) async throws {
        let day = f.day.iso
        let row = try await db.raw("""
            INSERT INTO featured (paper_id, day, submitted_at, submitted_by, upvotes, imported_upvotes, num_comments,
              imported_comments, is_author_participating, trending_score)
            VALUES (\(bind: f.paper.id.base), \(bind: day), \(bind: f.submittedAt.millisecondsSince1970), \(bind: submitterID),
              \(bind: f.upvotes), \(bind: f.upvotes), \(bind: f.numComments), \(bind: f.numComments),
              \(bind: f.isAuthorParticipating ? 1 : 0), \(bind: f.trendingScore))
            ON CONFLICT (paper_id) DO UPDATE SET
              submitted_at = CASE WHEN excluded.day < featured.day THEN excluded.submitted_at ELSE featured.submitted_at END,
              submitted_by = CASE WHEN excluded.day < featured.day THEN COALESCE(excluded.submitted_by, featured.submitted_by)
                                  ELSE COALESCE(featured.submitted_by, excluded.submitted_by) END,
              day = CASE WHEN excluded.day < featured.day THEN excluded.day ELSE featured.day END,
              upvotes = featured.upvotes - featured.imported_upvotes
                        + CASE WHEN excluded.imported_upvotes > featured.imported_upvotes THEN excluded.imported_upvotes ELSE featured.imported_upvotes END,
              imported_upvotes = CASE WHEN excluded.imported_upvotes > featured.imported_upvotes THEN excluded.imported_upvotes ELSE featured.imported_upvotes END,
              num_comments = featured.num_comments - featured.imported_comments
                        + CASE WHEN excluded.imported_comments > featured.imported_comments THEN excluded.imported_comments ELSE featured.imported_comments END,
              imported_comments = CASE WHEN excluded.imported_comments > featured.imported_comments THEN excluded.imported_comments ELSE featured.imported_comments END,
              is_author_participating = CASE WHEN excluded.is_author_participating > featured.is_author_participating
                                             THEN excluded.is_author_participating ELSE featured.is_author_participating END
            RETURNING upvotes, num_comments, submitted_at, trending_score
            """).first()
        guard let row else { throw StoreError("featured upsert returned no row for \(f.paper.id.base)") }
        try await recordUpvotes(f.paper.id.base, upvotes: try row.decode(column: "upvotes", as: Int.self), on: db)
        let score = trending.score(
            upvotes: try row.decode(column: "upvotes", as: Int.self),
            comments: try row.decode(column: "num_comments", as: Int.self),
            submittedAt: Timestamp(millisecondsSince1970: try row.decode(column: "submitted_at", as: Int64.self)))
        if try row.decode(column: "trending_score", as: Double.self) != score {
            try await db.raw("UPDATE featured SET trending_score = \(bind: score) WHERE paper_id = \(bind: f.paper.id.base)").run()
        }
    }

    /// Adds a history point when the count differs from the last one recorded.
    static func recordUpvotes(_ paperID: String, upvotes: Int, on db: any SQLDatabase) async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        try await db.raw("""
            INSERT INTO upvote_history (paper_id, at, upvotes)
            SELECT \(bind: paperID), \(bind: now), \(bind: upvotes)
            WHERE COALESCE((SELECT upvotes FROM upvote_history WHERE paper_id = \(bind: paperID) ORDER BY at DESC LIMIT 1), -1) <> \(bind: upvotes)
            ON CONFLICT (paper_id, at) DO UPDATE SET upvotes = excluded.upvotes
            """).run()
    }

    static func bumpContentVersion(on db: any SQLDatabase) async throws {
        try await db.raw("UPDATE site_state SET value = value + 1 WHERE key = 'content_version'").run()
    }
}

extension PaperStore {
    /// Hands the ids of the papers `p` meeting `condition` (fixed SQL) to `body`, 500 at a time in id
    /// order, each batch its own transaction: the index rebuilds and backfills. A cursor on the id, not an
    /// offset, walks them, so a batch whose work changes which papers meet the condition skips none.
    /// Returns how many it handed over.
    func inBatches(papersWhere condition: String, progress: @Sendable (Int) -> Void,
                   _ body: @Sendable ([String], any SQLDatabase) async throws -> Void) async throws -> Int {
        var after = ""
        var done = 0
        while true {
            let cursor = after
            let ids: [String] = try await database.read { db in
                try await db.raw("""
                    SELECT arxiv_id FROM papers p WHERE arxiv_id > \(bind: cursor) AND \(unsafeRaw: condition)
                    ORDER BY arxiv_id LIMIT 500
                    """).all().map { try $0.decode(column: "arxiv_id", as: String.self) }
            }
            guard let last = ids.last else { return done }
            try await database.write { db in try await body(ids, db) }
            done += ids.count
            progress(done)
            after = last
        }
    }
}
