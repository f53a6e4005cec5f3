import DailyPapersCore
import Foundation
import SQLKit

/// Keywords for the papers saved without them, many at a time: what a bulk import runs once at its end (its
/// batches leave keywords out) and a server runs at start for papers stored before keywords were kept.
///
/// Papers are taken in chunks, each one transaction: the chunk's terms are counted in memory, added to
/// `term_df` in one sorted pass that returns each term's new count, and every paper of the chunk is weighed
/// against those counts. Against weighing papers batch by batch as they are saved (`SimilarityIndex.index`),
/// each term row is written once a chunk instead of once a batch, and read back by the same statement. A
/// killed pass leaves whole chunks; the papers of the others still have no keywords row and are taken next time.
enum KeywordPass {
    static let chunk = KeywordChunk.size
    /// Rows a statement.
    static let rowsPerStatement = 500

    /// One paper's terms (`KeywordTerm`s of its chunk), with their counts, in term order.
    struct Counted: Sendable {
        let id: String
        let terms: [UInt64]
    }

    static func run(database: Database, progress: @Sendable (Int) -> Void) async throws -> Int {
        var done = 0
        var after = ""
        while true {
            let cursor = after
            let texts = try await database.read { db in
                try await db.raw("""
                    SELECT arxiv_id, title, abstract FROM papers p
                    WHERE arxiv_id > \(bind: cursor) AND NOT EXISTS (SELECT 1 FROM paper_keywords k WHERE k.paper_id = p.arxiv_id)
                    ORDER BY arxiv_id LIMIT \(bind: chunk)
                    """).all().map {
                    SimilarityRebuild.Text(id: try $0.decode(column: "arxiv_id", as: String.self),
                                           title: try $0.decode(column: "title", as: String.self),
                                           abstract: try $0.decode(column: "abstract", as: String.self))
                }
            }
            guard let last = texts.last else { return done }
            let counted = count(texts)
            let weighed = try await database.read { db in try await weigh(counted, on: db) }
            try await database.write { db in try await write(weighed, on: db) }
            done += texts.count
            progress(done)
            after = last.id
        }
    }

    /// The texts' terms, counted in one chunk.
    static func count(_ texts: [SimilarityRebuild.Text]) -> KeywordChunk {
        var chunk = KeywordChunk()
        for text in texts { chunk.add(id: text.id, title: text.title, abstract: text.abstract) }
        return chunk
    }

    /// Weighs a chunk's papers against the word counts as they stand (read, not written: the writer is free
    /// meanwhile) plus the chunk's own, on every core.
    /// `counted`: papers already in the counts (weighed again, not counted twice).
    static func weigh(_ chunk: KeywordChunk, counted: Set<String> = [], on db: any SQLDatabase) async throws -> WeighedKeywords {
        let words = chunk.words
        var increments = [Int](repeating: 0, count: words.count)
        var present = [Bool](repeating: false, count: words.count)
        var added = 0
        for paper in chunk.papers {
            let new = !counted.contains(paper.id)
            if new { added += 1 }
            for term in paper.terms where KeywordTerm.isWord(term) {
                let word = Int(KeywordTerm.words(term).1)
                present[word] = true
                if new { increments[word] += 1 }
            }
        }
        // Words only are counted (a phrase's count is estimated from its words'), looked up in key order.
        let sorted = (0..<Int32(words.count)).filter { present[Int($0)] }.sorted { words.precedes($0, $1) }
        var df = increments
        func add(_ rows: [any SQLRow]) throws {
            for row in rows {
                var term = try row.decode(column: "term", as: String.self)
                if let n = term.withUTF8({ words.find($0) }) { df[Int(n)] += try row.decode(column: "df", as: Int.self) }
            }
        }
        if db.isPostgres {
            // One statement, the words as one array: PostgreSQL answers a long IN list by scanning the table with the
            // list hashed, so 500 words a statement scanned all of term_df (122 k rows) some 120 times a chunk (370
            // scans, 17.8 M rows read, for the 74,728-paper corpus; perf showed the scans in the import's backend).
            try add(try await db.raw("SELECT term, df FROM term_df WHERE term = ANY(\(bind: sorted.map { words.string($0) }))").all())
        } else {
            for start in stride(from: 0, to: sorted.count, by: rowsPerStatement) {
                let binds: [any Encodable & Sendable] = sorted[start..<min(start + rowsPerStatement, sorted.count)].map { words.string($0) }
                try add(try await db.raw("SELECT term, df FROM term_df WHERE term IN (\(binds: binds))").all())
            }
        }
        let indexed = try await db.raw("SELECT value FROM site_state WHERE key = 'indexed_papers'").first()?
            .decode(column: "value", as: Int.self) ?? 0
        let documents = indexed + added
        let weighing = KeywordChunk.Weighing(df: df.map { Double(max($0, 1)) }, documents: documents)
        let keywords = await inParallel(chunk.papers) { slice in
            slice.map { SimilarityIndex.keywordsText(chunk.keywords($0, weighing: weighing, keep: SimilarityIndex.termsPerPaper)) }
        }
        let counted = sorted.filter { increments[Int($0)] > 0 }
        return WeighedKeywords(words: counted.map { words.string($0) }, increments: counted.map { Int64(increments[Int($0)]) },
                               papers: added, paperIDs: chunk.papers.map(\.id), keywords: keywords)
    }

    /// Adds a weighed chunk's words to the counts and keeps its keywords, in the caller's transaction (on SQLite's
    /// connection itself when given: a chunk is tens of thousands of rows).
    static func write(_ weighed: WeighedKeywords, on db: any SQLDatabase, connection: Database.Connection? = nil) async throws {
        let counts = " ON CONFLICT (term) DO UPDATE SET df = term_df.df + excluded.df"
        let keywords = " ON CONFLICT (paper_id) DO UPDATE SET keywords = excluded.keywords"
        if case .sqlite(let sqlite) = connection {
            try await sqlite.insert(into: "term_df", columns: ["term", "df"], rows: weighed.wordRows, suffix: counts)
            try await db.raw("UPDATE site_state SET value = value + \(bind: weighed.papers) WHERE key = 'indexed_papers'").run()
            try await sqlite.insert(into: "paper_keywords", columns: ["paper_id", "keywords"], rows: weighed.keywordRows, suffix: keywords)
            return
        }
        guard db.isPostgres else {
            for (table, columns, rows, suffix) in [("term_df", "term, df", weighed.wordRows, counts),
                                                   ("paper_keywords", "paper_id, keywords", weighed.keywordRows, keywords)] {
                for start in stride(from: 0, to: rows.count, by: rowsPerStatement) {
                    var sql = SQLQueryString("INSERT INTO \(unsafeRaw: table) (\(unsafeRaw: columns)) VALUES ")
                    sql.appendRows(rows[start..<min(start + rowsPerStatement, rows.count)].map { $0.map(\.bind) })
                    sql.appendLiteral(suffix)
                    try await db.raw(sql).run()
                }
            }
            return try await db.raw("UPDATE site_state SET value = value + \(bind: weighed.papers) WHERE key = 'indexed_papers'").run()
        }
        // PostgreSQL: each table's rows as arrays in one statement (a chunk's tens of thousands of rows were a
        // hundred statements, each parsed and planned).
        try await db.raw("""
            INSERT INTO term_df (term, df) SELECT * FROM unnest(\(bind: weighed.words)::text[], \(bind: weighed.increments)::int8[])\(unsafeRaw: counts)
            """).run()
        try await db.raw("UPDATE site_state SET value = value + \(bind: weighed.papers) WHERE key = 'indexed_papers'").run()
        try await db.raw("""
            INSERT INTO paper_keywords (paper_id, keywords) SELECT * FROM unnest(\(bind: weighed.paperIDs)::text[], \(bind: weighed.keywords)::text[])\(unsafeRaw: keywords)
            """).run()
    }
}

/// A chunk of papers weighed for keywords, ready to write: its words with how many of its papers hold each (in
/// key order), and each paper's keywords. Weighed against the counts read before the write; a paper saved
/// meanwhile by another process is missing from those counts, which moves a weight by a hair, not a count.
public struct WeighedKeywords: Sendable {
    /// The chunk's words in key order, with how many of its new papers hold each.
    let words: [String]
    let increments: [Int64]
    /// How many papers were counted.
    let papers: Int
    /// Each paper and its keywords, as `paper_keywords` keeps them.
    let paperIDs: [String]
    let keywords: [String]

    /// As rows, for multi-row statements.
    var wordRows: [[SQLValue]] { zip(words, increments).map { [.text($0), .integer($1)] } }
    var keywordRows: [[SQLValue]] { zip(paperIDs, keywords).map { [.text($0), .text($1)] } }
}

/// `work` over slices of `items` on the machine's cores, the results joined in the items' order.
func inParallel<T: Sendable, R: Sendable>(_ items: [T], _ work: @escaping @Sendable (ArraySlice<T>) -> [R]) async -> [R] {
    let parts = max(1, min(ProcessInfo.processInfo.activeProcessorCount, items.count / 100))
    let size = (items.count + parts - 1) / parts
    return await withTaskGroup(of: (Int, [R]).self) { group in
        for part in 0..<parts {
            let slice = items[min(part * size, items.count)..<min((part + 1) * size, items.count)]
            group.addTask { (part, work(slice)) }
        }
        var results: [[R]] = Array(repeating: [], count: parts)
        for await (part, result) in group { results[part] = result }
        return Array(results.joined())
    }
}
