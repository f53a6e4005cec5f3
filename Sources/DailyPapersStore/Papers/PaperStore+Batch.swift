import DailyPapersCore
import Foundation
import SQLKit

/// Batched upserts: one statement per table per chunk, so a bulk import of millions of papers is not
/// bound by per-statement overhead. Semantics are those of `saveFeatured`: new metadata wins when
/// present, the first-version date only moves earlier, claims and affiliations already known are kept.
extension PaperStore {
    /// Rows per multi-row statement; keeps binds far below SQLite's and PostgreSQL's limits.
    static let chunk = 200

    static func upsertPapers(_ papers: [Paper], on db: any SQLDatabase, now: Int64, indexSimilarity: Bool = true) async throws {
        try await upsertPapers(PaperBatch(papers), on: db, now: now, indexSimilarity: indexSimilarity)
    }

    /// Returns the papers that were not stored before.
    @discardableResult
    static func upsertPapers(_ batch: PaperBatch, on db: any SQLDatabase, connection: Database.Connection? = nil, now: Int64,
                             indexSimilarity: Bool = true) async throws -> Set<String> {
        var added = Set<String>()
        for start in stride(from: 0, to: batch.papers.count, by: chunk) {
            let end = min(start + chunk, batch.papers.count)
            let slice = Array(batch.papers[start..<end])
            let ids = slice.map(\.id.base)
            // Papers not stored before have nothing to replace: their old author, category and search rows are not
            // looked for.
            let binds: [any Encodable & Sendable] = ids
            let stored = Set(try await db.raw("SELECT arxiv_id FROM papers WHERE arxiv_id IN (\(binds: binds))").all()
                .map { try $0.decode(column: "arxiv_id", as: String.self) })
            let new = Set(ids).subtracting(stored)
            added.formUnion(new)
            // Only new papers, their rows made beforehand: inserted as they are, on the connection itself.
            var inserted = false
            if let connection, stored.isEmpty, let rows = batch.newRows?[start..<end], !rows.contains(where: { $0 == nil }) {
                inserted = try await PaperRows.insertNew(rows.map { $0! }, now: now, on: connection, db)
            }
            if !inserted {
                try await upsertPaperRows(slice, on: db, now: now)
                try await upsertAuthorRows(slice.filter { !$0.authors.isEmpty }, stored: stored, on: db, now: now)
                try await upsertCategoryRows(slice.filter { !$0.categories.isEmpty }, stored: stored, on: db)
            }
            try await insertArrivals(slice.flatMap(Arrival.dated), on: db)
            if indexSimilarity { try await SimilarityIndex.index(ids, on: db) }
            try await SearchIndex.index(ids, prepared: batch.documents, new: new, on: db, connection: connection)
        }
        return added
    }

    /// The aggregate that joins a paper's author names for the search index, in each engine's words.
    static func authorList(on db: any SQLDatabase) -> String {
        db.isPostgres ? "string_agg(a.name, ', ' ORDER BY a.position)" : "group_concat(a.name, ', ')"
    }

    private static func upsertPaperRows(_ papers: [Paper], on db: any SQLDatabase, now: Int64) async throws {
        var sql = SQLQueryString("""
            INSERT INTO papers (\(unsafeRaw: PaperRows.paperColumns.joined(separator: ", "))) VALUES
            """)
        for (i, p) in papers.enumerated() {
            sql.appendLiteral(i == 0 ? " (" : ", (")
            sql.appendInterpolation(binds: PaperRows.paper(p, now: now).map(\.bind))
            sql.appendLiteral(")")
        }
        sql.appendLiteral("""
             ON CONFLICT (arxiv_id) DO UPDATE SET
              version = CASE WHEN papers.version IS NULL OR excluded.version > papers.version THEN excluded.version ELSE papers.version END,
              title = excluded.title,
              abstract = CASE WHEN excluded.abstract = '' THEN papers.abstract ELSE excluded.abstract END,
              primary_category = COALESCE(excluded.primary_category, papers.primary_category),
              first_version_at = CASE WHEN papers.first_version_at IS NULL OR excluded.first_version_at < papers.first_version_at
                                      THEN COALESCE(excluded.first_version_at, papers.first_version_at) ELSE papers.first_version_at END,
              latest_version_at = CASE WHEN papers.latest_version_at IS NULL OR excluded.latest_version_at > papers.latest_version_at
                                      THEN COALESCE(excluded.latest_version_at, papers.latest_version_at) ELSE papers.latest_version_at END,
              comment = COALESCE(excluded.comment, papers.comment),
              journal_ref = COALESCE(excluded.journal_ref, papers.journal_ref),
              doi = COALESCE(excluded.doi, papers.doi),
              github_repo = CASE WHEN papers.links_by_author = 1 THEN papers.github_repo ELSE COALESCE(excluded.github_repo, papers.github_repo) END,
              project_page = CASE WHEN papers.links_by_author = 1 THEN papers.project_page ELSE COALESCE(excluded.project_page, papers.project_page) END,
              thumbnail_url = COALESCE(excluded.thumbnail_url, papers.thumbnail_url),
              ai_summary = COALESCE(excluded.ai_summary, papers.ai_summary),
              ai_summary_generated = CASE WHEN excluded.ai_summary IS NOT NULL THEN 0 ELSE papers.ai_summary_generated END,
              ai_keywords = CASE WHEN excluded.ai_keywords = '[]' THEN papers.ai_keywords ELSE excluded.ai_keywords END,
              discussion_id = COALESCE(excluded.discussion_id, papers.discussion_id)
            """)
        try await db.raw(sql).run()
    }

    private static func upsertAuthorRows(_ papers: [Paper], stored: Set<String>, on db: any SQLDatabase, now: Int64) async throws {
        guard !papers.isEmpty else { return }
        var rows: [[any Encodable & Sendable]] = []
        for p in papers {
            for (position, a) in p.authors.enumerated() {
                var userID: Int?
                if let user = a.user { userID = try await UserStore.upsert(user, on: db, now: now) }
                rows.append(PaperRows.author(a, of: p.id.base, at: position, userID: userID).map(\.bind))
            }
        }
        for start in stride(from: 0, to: rows.count, by: chunk * 2) {
            var sql = SQLQueryString("INSERT INTO paper_authors (\(unsafeRaw: PaperRows.authorColumns.joined(separator: ", "))) VALUES")
            for (i, row) in rows[start..<min(start + chunk * 2, rows.count)].enumerated() {
                sql.appendLiteral(i == 0 ? " (" : ", (")
                sql.appendInterpolation(binds: row)
                sql.appendLiteral(")")
            }
            // The same person at the same place keeps what other sources said of them (claims, affiliations).
            sql.appendLiteral("""
                 ON CONFLICT (paper_id, position) DO UPDATE SET
                  hf_id = CASE WHEN excluded.name = paper_authors.name THEN COALESCE(excluded.hf_id, paper_authors.hf_id) ELSE excluded.hf_id END,
                  user_id = CASE WHEN excluded.name = paper_authors.name THEN COALESCE(excluded.user_id, paper_authors.user_id) ELSE excluded.user_id END,
                  status = CASE WHEN excluded.name = paper_authors.name THEN COALESCE(excluded.status, paper_authors.status) ELSE excluded.status END,
                  status_changed_at = CASE WHEN excluded.name = paper_authors.name
                    THEN COALESCE(excluded.status_changed_at, paper_authors.status_changed_at) ELSE excluded.status_changed_at END,
                  affiliations = CASE WHEN excluded.affiliations = '[]' AND excluded.name = paper_authors.name
                    THEN paper_authors.affiliations ELSE excluded.affiliations END,
                  hidden = excluded.hidden,
                  name = excluded.name
                """)
            try await db.raw(sql).run()
        }
        // Drop positions past the new list's end (an author list that shrank; a new paper has no old list).
        let counts = papers.filter { stored.contains($0.id.base) }.map { [$0.id.base, $0.authors.count] as [any Encodable & Sendable] }
        guard !counts.isEmpty else { return }
        if db.isPostgres {
            // A join probes the primary key once per paper; the form below ran a subplan over the whole
            // list for every author row it looked at (0.3 s per 200 papers, growing with the table).
            var sql = SQLQueryString("DELETE FROM paper_authors a USING (VALUES ")
            sql.appendRows(counts)
            sql.appendLiteral(") AS counts (pid, n) WHERE a.paper_id = counts.pid AND a.position >= counts.n")
            try await db.raw(sql).run()
        } else {
            // SQLite has no DELETE ... USING; `paper_id IN (...)` first, so the primary key index limits
            // the delete to this chunk's papers.
            var sql = SQLQueryString("WITH counts (pid, n) AS (VALUES ")
            sql.appendRows(counts)
            sql.appendLiteral(") DELETE FROM paper_authors WHERE paper_id IN (SELECT pid FROM counts) AND position >= (SELECT n FROM counts WHERE counts.pid = paper_authors.paper_id)")
            try await db.raw(sql).run()
        }
    }

    private static func upsertCategoryRows(_ papers: [Paper], stored: Set<String>, on db: any SQLDatabase) async throws {
        guard !papers.isEmpty else { return }
        var rows: [[any Encodable & Sendable]] = []
        var kept: [[any Encodable & Sendable]] = []
        for p in papers {
            for row in PaperRows.categories(p) {
                rows.append(row.map(\.bind))
                if stored.contains(p.id.base) { kept.append([row[0].bind, row[2].bind]) }
            }
        }
        var insert = SQLQueryString("INSERT INTO paper_categories (\(unsafeRaw: PaperRows.categoryColumns.joined(separator: ", "))) VALUES ")
        insert.appendRows(rows)
        insert.appendLiteral(" ON CONFLICT (paper_id, category) DO UPDATE SET position = excluded.position")
        try await db.raw(insert).run()
        // A stored paper loses the categories its new record no longer lists.
        guard !kept.isEmpty else { return }
        var remove = SQLQueryString("WITH c (pid, cat) AS (VALUES ")
        remove.appendRows(kept)
        remove.appendLiteral(") DELETE FROM paper_categories WHERE paper_id IN (SELECT pid FROM c) AND NOT EXISTS (SELECT 1 FROM c WHERE c.pid = paper_categories.paper_id AND c.cat = paper_categories.category)")
        try await db.raw(remove).run()
    }
}
