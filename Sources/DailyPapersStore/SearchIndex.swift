import DailyPapersCore
import Foundation
import SQLKit

/// An impact-ordered index for the common search (words, best first, nothing filtered), the same on both
/// engines. For each term it keeps the papers where the term weighs most (`listLength` of them, in
/// `search_postings`, by `SearchRanking` impact), how many papers hold it (`search_terms.df`) and `floor`:
/// no paper missing from the list has a higher impact (0 while the list is complete). With those, a
/// search can prove its page without ranking every match (`SearchIndex+TopK`), and the size of the index
/// grows with the vocabulary, not with the corpus.
///
/// A paper is indexed in the transaction that saves it. A paper indexed again (new metadata) replaces its
/// postings; document frequencies count each paper once, with the terms it first had.
public enum SearchIndex {
    /// Papers kept per term unless `search_list_length` in `site_state` says otherwise. Deeper lists
    /// prove more pages, at the cost of space and of time spent saving papers.
    static let defaultListLength = 1000
    static let chunk = 400

    static func listLength(on db: any SQLDatabase) async throws -> Int {
        try await db.raw("SELECT value FROM site_state WHERE key = 'search_list_length'").first()?
            .decode(column: "value", as: Int.self) ?? defaultListLength
    }

    struct Analysed {
        let id: String
        let document: SearchRanking.Document
    }

    /// The text the index reads for these papers: title, abstract and author names, as FTS5 holds them.
    static func documents(_ ids: [String], on db: any SQLDatabase) async throws -> [Analysed] {
        guard !ids.isEmpty else { return [] }
        let binds: [any Encodable & Sendable] = ids
        var tokenizer = SearchTokenizer()
        return try await db.raw("""
            SELECT p.arxiv_id, p.title, p.abstract,
              COALESCE((SELECT \(unsafeRaw: PaperStore.authorList(on: db)) FROM paper_authors a WHERE a.paper_id = p.arxiv_id), '') AS authors
            FROM papers p WHERE p.arxiv_id IN (\(binds: binds))
            """).all().map { row in
            Analysed(id: try row.decode(column: "arxiv_id", as: String.self),
                     document: SearchRanking.Document(title: try row.decode(column: "title", as: String.self),
                                                      abstract: try row.decode(column: "abstract", as: String.self),
                                                      authors: try row.decode(column: "authors", as: String.self),
                                                      tokenizer: &tokenizer))
        }
    }

    static func index(_ ids: [String], on db: any SQLDatabase) async throws {
        let docs = try await documents(ids, on: db)
        guard !docs.isEmpty else { return }
        let binds: [any Encodable & Sendable] = docs.map(\.id)
        let seen = Set(try await db.raw("SELECT paper_id FROM search_documents WHERE paper_id IN (\(binds: binds))").all()
            .map { try $0.decode(column: "paper_id", as: String.self) })
        try await db.raw("DELETE FROM search_postings WHERE paper_id IN (\(binds: binds))").run()
        try await db.raw("DELETE FROM search_documents WHERE paper_id IN (\(binds: binds))").run()
        try await insertRows("INSERT INTO search_documents (paper_id, length) VALUES ",
                             docs.map { [$0.id, $0.document.length] }, on: db)

        // Document frequencies, every term of the batch touched (an increment of 0 for papers seen
        // before), in sorted order: the row locks serialise two processes indexing the same terms.
        var increments: [String: Int] = [:]
        for doc in docs {
            let isNew = !seen.contains(doc.id)
            for term in doc.document.counts.keys { increments[term, default: 0] += isNew ? 1 : 0 }
        }
        let terms = increments.keys.sorted()
        for start in stride(from: 0, to: terms.count, by: chunk) {
            var sql = SQLQueryString("INSERT INTO search_terms (term, df, floor) VALUES ")
            sql.appendRows(terms[start..<min(start + chunk, terms.count)].map { [$0, increments[$0]!, 0.0] })
            sql.appendLiteral(" ON CONFLICT (term) DO UPDATE SET df = search_terms.df + excluded.df")
            try await db.raw(sql).run()
        }
        let added = docs.filter { !seen.contains($0.id) }.count
        if added > 0 {
            try await db.raw("UPDATE site_state SET value = value + \(bind: added) WHERE key = 'search_documents'").run()
        }

        // A posting goes in when it beats the term's floor; lists that grew past their length are cut back.
        var floors: [String: (floor: Double, df: Int)] = [:]
        for start in stride(from: 0, to: terms.count, by: chunk) {
            let slice: [any Encodable & Sendable] = Array(terms[start..<min(start + chunk, terms.count)])
            for row in try await db.raw("SELECT term, floor, df FROM search_terms WHERE term IN (\(binds: slice))").all() {
                floors[try row.decode(column: "term", as: String.self)] =
                    (try row.decode(column: "floor", as: Double.self), try row.decode(column: "df", as: Int.self))
            }
        }
        let listLength = try await listLength(on: db)
        var rows: [[any Encodable & Sendable]] = []
        var grown: Set<String> = []
        for doc in docs {
            for (term, impact) in doc.document.impacts where impact > floors[term]?.floor ?? 0 {
                rows.append([term, impact, doc.id])
                if let df = floors[term]?.df, df > listLength { grown.insert(term) }
            }
        }
        try await insertRows("INSERT INTO search_postings (term, impact, paper_id) VALUES ", rows, on: db)
        for term in grown.sorted() { try await trim(term, to: listLength, on: db) }
    }

    /// Cuts a term's list back to `listLength`, raising its floor to the best impact it let go.
    static func trim(_ term: String, to listLength: Int, on db: any SQLDatabase) async throws {
        let cut = try await db.raw("""
            DELETE FROM search_postings WHERE term = \(bind: term) AND (impact, paper_id) IN (
              SELECT impact, paper_id FROM search_postings WHERE term = \(bind: term)
              ORDER BY impact DESC, paper_id \(unsafeRaw: db.isPostgres ? "" : "LIMIT -1") OFFSET \(bind: listLength))
            RETURNING impact
            """).all().map { try $0.decode(column: "impact", as: Double.self) }
        guard let highest = cut.max() else { return }
        try await db.raw("UPDATE search_terms SET floor = \(bind: highest) WHERE term = \(bind: term) AND floor < \(bind: highest)").run()
    }

    static func insertRows(_ head: String, _ rows: [[any Encodable & Sendable]], on db: any SQLDatabase) async throws {
        for start in stride(from: 0, to: rows.count, by: chunk) {
            var sql = SQLQueryString(head)
            sql.appendRows(rows[start..<min(start + chunk, rows.count)])
            try await db.raw(sql).run()
        }
    }
}
