import ArgumentParser
import DailyPapersCore
import DailyPapersStore
import Foundation
import Logging

/// Search quality over every paper in a database, through `PaperStore.searchHits` (what the search page and
/// `/api/papers/search` call), with seeded draws so every engine and every build answers the same questions:
/// - known-item search by title: each of N random papers' exact title, found first?
/// - four distinctive words of an abstract: for each of M random papers, four words drawn from the twelve of its
///   abstract that the fewest other papers hold (but at least one other, so no word names the paper alone),
///   found in the top ten?
struct SearchQualityBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "quality", abstract: "Known-item search quality: titles, abstract words.")

    @Option(help: "The database (a SQLite path or postgres:// URL).") var database: String
    @Option(help: "Papers whose exact title is searched.") var titles = 1000
    @Option(help: "Papers searched by four distinctive words of their abstract.") var abstracts = 200
    @Option(help: "Random seed for drawing the papers.") var seed: UInt64 = 7
    @Option(help: "List this many of the misses of each kind.") var misses = 5

    func run() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let db = try await Database.open(try DatabaseLocation(parsing: database), logger: logger)
        let store = PaperStore(database: db)
        let papers: [(id: String, title: String, abstract: String)] = try await db.read { sql in
            try await sql.raw("SELECT arxiv_id, title, abstract FROM papers ORDER BY arxiv_id").all().map {
                (try $0.decode(column: "arxiv_id", as: String.self), try $0.decode(column: "title", as: String.self),
                 try $0.decode(column: "abstract", as: String.self))
            }
        }
        try await store.loadSearchIndex()
        var rng = SplitMix64(seed: seed)
        func draw(_ n: Int) -> [Int] {
            var picked = Set<Int>()
            while picked.count < min(n, papers.count) { picked.insert(Int(rng.next() % UInt64(papers.count))) }
            return picked.sorted()
        }

        var titleHits = 0
        var titleMisses: [String] = []
        for i in draw(titles) {
            let first = try await store.searchHits(papers[i].title, filters: SearchFilters(limit: 1)).first?.paper.id.base
            if first == papers[i].id { titleHits += 1 } else if titleMisses.count < misses {
                titleMisses.append("\(papers[i].id) \"\(papers[i].title.prefix(80))\" -> \(first ?? "nothing")")
            }
        }

        // Document frequencies of abstract words (lower-cased letters and digits, four characters or more).
        func words(_ text: String) -> Set<String> {
            Set(text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }).filter { $0.count >= 4 }.map(String.init))
        }
        var df: [String: Int] = [:]
        for p in papers { for w in words(p.abstract) { df[w, default: 0] += 1 } }
        var wordHits = 0, asked = 0
        var wordMisses: [String] = []
        for i in draw(abstracts) {
            let candidates = words(papers[i].abstract).filter { df[$0, default: 0] >= 2 }.sorted { (df[$0]!, $0) < (df[$1]!, $1) }.prefix(12)
            guard candidates.count >= 4 else { continue }
            var pool = Array(candidates)
            var query: [String] = []
            while query.count < 4 { query.append(pool.remove(at: Int(rng.next() % UInt64(pool.count)))) }
            asked += 1
            let top = try await store.searchHits(query.joined(separator: " "), filters: SearchFilters(limit: 10)).map(\.paper.id.base)
            if top.contains(papers[i].id) { wordHits += 1 } else if wordMisses.count < misses {
                wordMisses.append("\(papers[i].id) \"\(query.joined(separator: " "))\" -> \(top.count) results")
            }
        }
        let engine = db.isPostgres ? "postgresql" : "sqlite"
        print(String(format: "papers %d  engine %@  exact title first: %d of %d (%.1f%%)  four abstract words in the top 10: %d of %d (%.1f%%)",
                     papers.count, engine, titleHits, titles, Double(titleHits) / Double(max(titles, 1)) * 100,
                     wordHits, asked, Double(wordHits) / Double(max(asked, 1)) * 100))
        for m in titleMisses { print("  title miss: " + m) }
        for m in wordMisses { print("  words miss: " + m) }
        await db.close()
    }
}
