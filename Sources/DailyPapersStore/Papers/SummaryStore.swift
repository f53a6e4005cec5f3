import DailyPapersCore
import SQLKit

/// Generated summaries: which featured papers lack a summary and may be asked about now, what each attempt gave,
/// and the summary itself, marked as generated and written only where the paper still has none.
public struct SummaryStore: Sendable {
    let database: Database
    public init(database: Database) { self.database = database }

    public struct Candidate: Sendable, Equatable {
        public let id: ArxivID
        public let title: String
        public let abstract: String
    }

    /// A paper whose attempts failed this many times is not asked about again.
    public static let maximumAttempts = 3

    /// Featured papers (not hidden) without a summary, newest days and most upvoted first, that were never asked
    /// about or whose last failure is old enough (2, then 4 hours after the first and second).
    public func due(limit: Int, now: Timestamp = .now) async throws -> [Candidate] {
        guard limit > 0 else { return [] }
        let hour: Int64 = 3_600_000
        return try await database.read { db in
            try await db.raw("""
                SELECT p.arxiv_id, p.title, p.abstract FROM featured f JOIN papers p ON p.arxiv_id = f.paper_id
                LEFT JOIN summary_attempts a ON a.paper_id = p.arxiv_id
                WHERE f.hidden = 0 AND (p.ai_summary IS NULL OR p.ai_summary = '') AND p.abstract <> ''
                  AND (a.paper_id IS NULL OR (a.outcome = 'failed' AND a.attempts < \(bind: Self.maximumAttempts)
                       AND a.last_attempt_at < \(bind: now.millisecondsSince1970) - \(bind: 2 * hour) * a.attempts))
                ORDER BY f.day DESC, f.upvotes DESC, p.arxiv_id LIMIT \(bind: limit)
                """).all().map { row in
                Candidate(id: ArxivID(base: try row.decode(column: "arxiv_id", as: String.self), version: nil),
                          title: try row.decode(column: "title", as: String.self),
                          abstract: try row.decode(column: "abstract", as: String.self))
            }
        }
    }

    /// Requests made since `since` (each paper's last attempt counts once), for the hourly budget every process shares.
    public func attempts(since: Timestamp) async throws -> Int {
        try await database.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM summary_attempts WHERE last_attempt_at >= \(bind: since.millisecondsSince1970)")
                .first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    /// The summary, marked as generated, if the paper still has none (an import may have brought one meanwhile).
    @discardableResult
    public func write(_ summary: String, paper: ArxivID, now: Timestamp = .now) async throws -> Bool {
        try await database.write { db in
            let written = try await db.raw("""
                UPDATE papers SET ai_summary = \(bind: summary), ai_summary_generated = 1
                WHERE arxiv_id = \(bind: paper.base) AND (ai_summary IS NULL OR ai_summary = '') RETURNING arxiv_id
                """).first() != nil
            try await Self.attempt(paper, outcome: written ? "written" : "skipped", now: now, on: db)
            if written { try await PaperStore.bumpContentVersion(on: db) }
            return written
        }
    }

    public func failed(_ paper: ArxivID, now: Timestamp = .now) async throws {
        try await database.write { db in try await Self.attempt(paper, outcome: "failed", now: now, on: db) }
    }

    static func attempt(_ paper: ArxivID, outcome: String, now: Timestamp, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO summary_attempts (paper_id, attempts, last_attempt_at, outcome)
            VALUES (\(bind: paper.base), 1, \(bind: now.millisecondsSince1970), \(bind: outcome))
            ON CONFLICT (paper_id) DO UPDATE SET attempts = summary_attempts.attempts + 1,
              last_attempt_at = excluded.last_attempt_at, outcome = excluded.outcome
            """).run()
    }
}
