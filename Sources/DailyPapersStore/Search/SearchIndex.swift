import DailyPapersCore
import Foundation
import SQLKit

/// What the search index keeps in the database: each paper's terms in order, field after field, and their number
/// (`search_documents`), written in the transaction that saves the paper; a term's weighted count follows from the
/// fields it stands in (`SearchRanking`'s weights). Each process builds its
/// inverted index in memory from these rows and follows new ones by their id (`SearchMemory`); a paper
/// indexed again (new metadata) gets a new row, with a new id, in place of its old one.
enum SearchIndex {
    /// The text the index reads for these papers (title, abstract and author names), analysed.
    static func documents(_ ids: [String], on db: any SQLDatabase) async throws -> [(id: String, prepared: Prepared)] {
        guard !ids.isEmpty else { return [] }
        let binds: [any Encodable & Sendable] = ids
        var analyzer = SearchAnalyzer()
        return try await db.raw("""
            SELECT p.arxiv_id, p.title, p.abstract,
              COALESCE((SELECT \(unsafeRaw: PaperStore.authorList(on: db)) FROM paper_authors a WHERE a.paper_id = p.arxiv_id), '') AS authors
            FROM papers p WHERE p.arxiv_id IN (\(binds: binds))
            """).all().map { row in
            (try row.decode(column: "arxiv_id", as: String.self),
             analyzer.prepare(title: try row.decode(column: "title", as: String.self),
                              abstract: try row.decode(column: "abstract", as: String.self),
                              authors: try row.decode(column: "authors", as: String.self)))
        }
    }

    /// A paper's row as the index keeps it: its length (terms in all) and term sequence (fields' terms joined by
    /// spaces, fields by ` | `: title, abstract, authors), made by `SearchAnalyzer`.
    struct Prepared: Sendable, Equatable {
        let length: Int
        let sequence: String
        init(length: Int, sequence: String) {
            self.length = length
            self.sequence = sequence
        }
    }

    /// The weight of a term standing in the `field`th field of a sequence (title, abstract, authors).
    @inline(__always)
    static func fieldWeight(_ field: Int) -> Double {
        field == 0 ? SearchRanking.titleWeight : field == 1 ? SearchRanking.abstractWeight : SearchRanking.authorsWeight
    }

    /// Indexes these papers from their stored text, or, for papers not indexed before, from `prepared` (the
    /// analysis of the text just saved) without reading it back.
    static func index(_ ids: [String], prepared: [String: Prepared] = [:], new: Set<String> = [], on db: any SQLDatabase,
                      connection: Database.Connection? = nil) async throws {
        let fresh = ids.filter { new.contains($0) && prepared[$0] != nil }
        let stored = ids.filter { !(new.contains($0) && prepared[$0] != nil) }
        var rows: [[SQLValue]] = fresh.map { id in
            let p = prepared[id]!
            return [.text(id), .integer(Int64(p.length)), .text(p.sequence)]
        }
        let docs = try await documents(stored, on: db)
        if !docs.isEmpty {
            let binds: [any Encodable & Sendable] = docs.map(\.id)
            try await db.raw("DELETE FROM search_documents WHERE paper_id IN (\(binds: binds))").run()
            rows += docs.map { [.text($0.id), .integer(Int64($0.prepared.length)), .text($0.prepared.sequence)] }
        }
        if case .sqlite(let sqlite) = connection {
            return try await sqlite.insert(into: "search_documents", columns: ["paper_id", "length", "sequence"], rows: rows)
        }
        for start in stride(from: 0, to: rows.count, by: 300) {
            var sql = SQLQueryString("INSERT INTO search_documents (paper_id, length, sequence) VALUES ")
            sql.appendRows(rows[start..<min(start + 300, rows.count)].map { $0.map(\.bind) })
            try await db.raw(sql).run()
        }
    }

    /// Calls `body` with each space-separated word of `text`.
    static func forEachWord(in text: String, _ body: (String) -> Void) {
        forEachSpaceSeparated(text) { body(String(decoding: $0, as: UTF8.self)) }
    }

    /// The non-empty runs of bytes between spaces, without making a string of each.
    private static func forEachSpaceSeparated(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != 0x20 { end += 1 }
                if end > start { body(UnsafeBufferPointer(rebasing: bytes[start..<end])) }
                start = end + 1
            }
        }
    }
}
