import DailyPapersCore
import Foundation
import SQLKit

extension PaperStore {
    /// Whether the search index still has to be built (papers stored before it existed, or a rebuild
    /// under way); searches rank every match until it is done.
    public func searchIndexPending() async throws -> Bool {
        try await database.read { db in
            try await db.raw("SELECT value FROM site_state WHERE key = 'search_pending'").first()?
                .decode(column: "value", as: Int.self) != 0
        }
    }

    /// Builds the search index from every stored paper, 500 papers a transaction, searches falling back
    /// to ranking every match meanwhile. Papers saved while it runs index themselves as usual. `listLength`
    /// changes how many papers each term keeps (a rebuild is what applies a new length). Returns how many
    /// papers were indexed.
    @discardableResult
    public func rebuildSearchIndex(listLength: Int? = nil, progress: @Sendable (Int) -> Void = { _ in }) async throws -> Int {
        try await database.write { db in
            try await db.raw("UPDATE site_state SET value = 1 WHERE key = 'search_pending'").run()
            if let listLength {
                try await db.raw("UPDATE site_state SET value = \(bind: max(1, listLength)) WHERE key = 'search_list_length'").run()
            }
            for table in ["search_postings", "search_terms", "search_documents"] { try await db.raw("DELETE FROM \(unsafeRaw: table)").run() }
            try await db.raw("UPDATE site_state SET value = 0 WHERE key = 'search_documents'").run()
        }
        var after = ""
        var done = 0
        while true {
            let cursor = after
            let ids: [String] = try await database.read { db in
                try await db.raw("SELECT arxiv_id FROM papers WHERE arxiv_id > \(bind: cursor) ORDER BY arxiv_id LIMIT 500")
                    .all().map { try $0.decode(column: "arxiv_id", as: String.self) }
            }
            guard let last = ids.last else { break }
            try await database.write { db in try await SearchIndex.index(ids, on: db) }
            done += ids.count
            progress(done)
            after = last
        }
        try await database.write { db in try await db.raw("UPDATE site_state SET value = 0 WHERE key = 'search_pending'").run() }
        return done
    }

    /// The plain search (best first, no filters) from the search index; nil when the index cannot prove
    /// the page (or is being built), and the caller ranks every match instead.
    func hitsFromSearchIndex(_ query: SearchQuery, filters: SearchFilters) async throws -> [SearchHit]? {
        let top = try await database.read { db in try await SearchIndex.top(query, wanted: filters.offset + filters.limit, on: db) }
        guard let top else { return nil }
        let ids = top.dropFirst(filters.offset).prefix(filters.limit).map(\.id)
        let records = try await papers(Array(ids))
        return ids.compactMap { id in
            records[id]?.featured.map { SearchHit(paper: $0, snippet: SearchSnippet.make($0.paper.abstract, query: query)) }
        }
    }
}
