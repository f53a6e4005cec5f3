import DailyPapersCore
import PostgresNIO
import SQLKit

/// The rows a paper is stored as, column by column: what both ways of saving papers write (SQLKit's multi-row
/// upserts in `PaperStore+Batch`, and a bulk import's new papers written on SQLite's connection directly), so the
/// two cannot drift apart.
enum PaperRows {
    static let paperColumns = ["arxiv_id", "version", "title", "abstract", "primary_category", "first_version_at", "latest_version_at",
                               "comment", "journal_ref", "doi", "github_repo", "project_page", "thumbnail_url", "ai_summary", "ai_keywords",
                               "discussion_id", "created_at"]

    static func paper(_ p: Paper, now: Int64) -> [SQLValue] {
        [.text(p.id.base), SQLValue(p.id.version), .text(p.title), .text(p.abstract), SQLValue(p.primaryCategory),
         SQLValue(p.firstVersionAt?.millisecondsSince1970), SQLValue(p.latestVersionAt?.millisecondsSince1970), SQLValue(p.comment),
         SQLValue(p.journalRef), SQLValue(p.doi), SQLValue(p.githubRepo), SQLValue(p.projectPage), SQLValue(p.thumbnailURL),
         SQLValue(p.aiSummary), .text(JSONText.stringArray(p.aiKeywords)), SQLValue(p.discussionID), .integer(now)]
    }

    static let authorColumns = ["paper_id", "position", "name", "hf_id", "hidden", "user_id", "status", "status_changed_at", "affiliations"]

    /// The author at `position` of the paper; `userID`: the account its claim is linked to (`UserStore.upsert`).
    static func author(_ a: Author, of paper: String, at position: Int, userID: Int?) -> [SQLValue] {
        [.text(paper), .integer(Int64(position)), .text(a.name), SQLValue(a.hfID), .integer(a.hidden ? 1 : 0), SQLValue(userID),
         SQLValue(a.status), SQLValue(a.statusChangedAt?.millisecondsSince1970), .text(JSONText.stringArray(a.affiliations))]
    }

    static let categoryColumns = ["paper_id", "position", "category"]

    /// A paper's categories in order, each once.
    static func categories(_ p: Paper) -> [[SQLValue]] {
        var seen = Set<String>()
        return p.categories.compactMap { c in
            seen.insert(c).inserted ? [.text(p.id.base), .integer(Int64(seen.count - 1)), .text(c)] : nil
        }
    }

    /// A new paper's rows made ready off the writer (`PaperBatch`), for papers with no author linked to an account
    /// (linking looks the account up on the writer). The paper's row lacks its last column, `created_at`, the time
    /// of the write.
    struct New: Sendable {
        let paper: [SQLValue]
        let authors: [[SQLValue]]
        let categories: [[SQLValue]]

        init?(_ p: Paper) {
            guard !p.authors.contains(where: { $0.user != nil }) else { return nil }
            paper = PaperRows.paper(p, now: 0).dropLast()
            authors = p.authors.enumerated().map { PaperRows.author($1, of: p.id.base, at: $0, userID: nil) }
            categories = PaperRows.categories(p)
        }
    }

    /// Inserts new papers' rows on the transaction's connection: SQLite statements with SQLite values, or PostgreSQL's
    /// COPY. False when another process stored one of the papers meanwhile (PostgreSQL, whose transactions see others'
    /// commits): the COPY is undone to a savepoint and the caller upserts instead.
    static func insertNew(_ rows: [New], now: Int64, on connection: Database.Connection, _ db: any SQLDatabase) async throws -> Bool {
        let papers = rows.map { $0.paper + [.integer(now)] }, authors = rows.flatMap(\.authors), categories = rows.flatMap(\.categories)
        switch connection {
        case .sqlite(let sqlite):
            try await sqlite.insert(into: "papers", columns: paperColumns, rows: papers)
            try await sqlite.insert(into: "paper_authors", columns: authorColumns, rows: authors)
            try await sqlite.insert(into: "paper_categories", columns: categoryColumns, rows: categories)
            return true
        case .postgres(let postgres):
            try await db.raw("SAVEPOINT new_papers").run()
            do {
                for (table, columns, values) in [("papers", paperColumns, papers), ("paper_authors", authorColumns, authors),
                                                 ("paper_categories", categoryColumns, categories)] where !values.isEmpty {
                    try await postgres.copyFrom(table: table, columns: columns, logger: db.logger) { writer in
                        try await writer.write(CopyText.encode(values))
                    }
                }
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
                try await db.raw("ROLLBACK TO SAVEPOINT new_papers").run()
                return false
            }
            try await db.raw("RELEASE SAVEPOINT new_papers").run()
            return true
        }
    }
}
