import ArgumentParser
import DailyPapersStore
import Foundation
import Logging

/// Search covers papers on the feed; an imported corpus is not on it. This puts every paper of a
/// benchmark database on the feed: its day from the id's year and month, upvotes spread by a hash.
struct FeatureAllCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "feature-all", abstract: "Feature every paper (benchmark databases only).")

    @Option(help: "The database (a SQLite path or postgres:// URL).") var database: String

    func run() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let db = try await Database.open(try DatabaseLocation(parsing: database), logger: logger)
        let count = try await db.write { sql in
            try await sql.raw("""
                INSERT INTO featured (paper_id, day, submitted_at, upvotes, imported_upvotes, trending_score)
                SELECT arxiv_id,
                  '20' || substr(arxiv_id, 1, 2) || '-' || substr(arxiv_id, 3, 2) || '-' ||
                    CASE WHEN length(arxiv_id) % 2 = 0 THEN '10' ELSE '20' END,
                  created_at, length(title) % 40, length(title) % 40, 0
                FROM papers WHERE arxiv_id NOT IN (SELECT paper_id FROM featured) AND arxiv_id LIKE '____.%'
                """).run()
            return try await sql.raw("SELECT COUNT(*) AS n FROM featured").first()!.decode(column: "n", as: Int.self)
        }
        print("featured papers: \(count)")
        await db.close()
    }
}
