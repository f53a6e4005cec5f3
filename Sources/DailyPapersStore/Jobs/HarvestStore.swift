import DailyPapersCore
import Foundation
import SQLKit

/// Where each incremental harvest stopped. A page's papers and the position after it are written in
/// one transaction, so a harvest killed at any moment resumes exactly after the last saved page.
public struct HarvestStore: Sendable {
    public struct State: Sendable, Equatable {
        public var lastDatestamp: String?
        public var resumptionToken: String?
    }

    let database: Database
    public init(database: Database) { self.database = database }

    public func state(_ source: String) async throws -> State {
        try await database.read { db in
            guard let row = try await db.raw("SELECT last_datestamp, resumption_token FROM harvest_state WHERE source = \(bind: source)").first()
            else { return State() }
            return State(lastDatestamp: try RowDecoding.optional(row, "last_datestamp", String.self),
                         resumptionToken: try RowDecoding.optional(row, "resumption_token", String.self))
        }
    }

    /// Saves one harvested page and where to continue. `datestamp` only ever moves forward.
    public func savePage(source: String, papers: [Paper], withdrawn: [ArxivID], datestamp: String?, resumptionToken: String?) async throws {
        try await database.write { db in
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            try await PaperStore.upsertPapers(papers, on: db, now: now)
            if !withdrawn.isEmpty {
                let binds: [any Encodable & Sendable] = withdrawn.map(\.base)
                try await db.raw("UPDATE papers SET withdrawn = 1 WHERE arxiv_id IN (\(binds: binds))").run()
                try await db.raw("UPDATE featured SET hidden = 1 WHERE paper_id IN (\(binds: binds))").run()
            }
            try await db.raw("""
                INSERT INTO harvest_state (source, last_datestamp, resumption_token, updated_at)
                VALUES (\(bind: source), \(bind: datestamp), \(bind: resumptionToken), \(bind: now))
                ON CONFLICT (source) DO UPDATE SET
                  last_datestamp = CASE WHEN harvest_state.last_datestamp IS NULL OR excluded.last_datestamp > harvest_state.last_datestamp
                                        THEN COALESCE(excluded.last_datestamp, harvest_state.last_datestamp) ELSE harvest_state.last_datestamp END,
                  resumption_token = excluded.resumption_token,
                  updated_at = excluded.updated_at
                """).run()
            if !papers.isEmpty || !withdrawn.isEmpty { try await PaperStore.bumpContentVersion(on: db) }
        }
    }
}
