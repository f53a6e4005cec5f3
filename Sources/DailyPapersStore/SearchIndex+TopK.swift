import DailyPapersCore
import Foundation
import SQLKit

extension SearchIndex {
    struct Scored: Sendable {
        let id: String
        let score: Double
        let submittedAt: Int64

        /// Best first; among equal scores the newer, then by id, as the engines' searches order them.
        static func precedes(_ a: Scored, _ b: Scored) -> Bool {
            a.score != b.score ? a.score > b.score : a.submittedAt != b.submittedAt ? a.submittedAt > b.submittedAt : a.id < b.id
        }
    }

    /// The `wanted` best papers on the feed matching every term of the query, best first, read from the
    /// heads of the terms' lists (a threshold algorithm): a paper's score is known to lie between what
    /// its seen postings add up to and that plus each missing term's bound, and a paper in none of the
    /// lists read scores at most the sum of the bounds. Candidates are checked against their text (every
    /// term present, phrases in order, the exact score) best bound first, until no unchecked paper could
    /// enter the page. Reading deeper when that cannot be shown; nil when even the whole lists cannot show
    /// it (the caller ranks every match then), or when the query has a prefix (not indexed this way).
    static func top(_ query: SearchQuery, wanted: Int, on db: any SQLDatabase) async throws -> [Scored]? {
        guard wanted > 0, !query.parts.contains(where: \.prefix) else { return nil }
        var tokenizer = SearchTokenizer()
        let phrases = query.parts.map { $0.words.flatMap { tokenizer.terms($0) } }.filter { !$0.isEmpty }
        let words = Array(Set(phrases.joined())).sorted()
        guard !words.isEmpty else { return nil }
        let state = try await db.raw("""
            SELECT key, value FROM site_state WHERE key IN ('search_documents', 'search_pending')
            """).all().reduce(into: [String: Int]()) { $0[try $1.decode(column: "key", as: String.self)] = try $1.decode(column: "value", as: Int.self) }
        guard state["search_pending"] == 0, let documents = state["search_documents"] else { return nil }
        let binds: [any Encodable & Sendable] = words
        var stats: [String: (idf: Double, floor: Double)] = [:]
        for row in try await db.raw("SELECT term, df, floor FROM search_terms WHERE term IN (\(binds: binds)) AND df > 0").all() {
            stats[try row.decode(column: "term", as: String.self)] =
                (SearchRanking.idf(documents: documents, containing: try row.decode(column: "df", as: Int.self)),
                 try row.decode(column: "floor", as: Double.self))
        }
        // A word no paper holds: nothing matches every term.
        guard stats.count == words.count else { return [] }

        var checked: [String: Scored?] = [:]
        var depth = 64
        while true {
            let lists = try await heads(of: words, depth: depth, on: db)
            var bound: [String: Double] = [:]
            var complete: Set<String> = []
            for word in words {
                let list = lists[word] ?? []
                if list.count < depth {
                    bound[word] = stats[word]!.floor
                    if stats[word]!.floor == 0 { complete.insert(word) }
                } else {
                    bound[word] = list.last!.impact
                }
            }
            var known: [String: (sum: Double, seen: Set<String>)] = [:]
            for (word, list) in lists {
                for entry in list {
                    known[entry.paper, default: (0, [])].sum += stats[word]!.idf * entry.impact
                    known[entry.paper]!.seen.insert(word)
                }
            }
            var candidates: [(paper: String, upper: Double)] = []
            for (paper, k) in known {
                // A complete list that lacks the paper means the paper lacks the word.
                guard complete.isSubset(of: k.seen) else { continue }
                candidates.append((paper, words.reduce(k.sum) { k.seen.contains($1) ? $0 : $0 + stats[$1]!.idf * bound[$1]! }))
            }
            candidates.sort { $0.upper != $1.upper ? $0.upper > $1.upper : $0.paper < $1.paper }
            let unseen: Double? = complete.isEmpty ? words.reduce(0) { $0 + stats[$1]!.idf * bound[$1]! } : nil

            var best = checked.values.compactMap { $0 }.sorted(by: Scored.precedes)
            var next = 0
            while next < candidates.count {
                if best.count >= wanted, candidates[next].upper < best[wanted - 1].score { break }
                let batch = candidates[next..<min(next + 48, candidates.count)].map(\.paper).filter { checked[$0] == nil }
                next = min(next + 48, candidates.count)
                for (id, scored) in try await score(batch, phrases: phrases, words: words, idf: stats.mapValues(\.idf), on: db) {
                    checked[id] = scored
                }
                best = checked.values.compactMap { $0 }.sorted(by: Scored.precedes)
            }
            let page = Array(best.prefix(wanted))
            guard let unseenBound = unseen else { return page }
            if page.count == wanted, page[wanted - 1].score > unseenBound { return page }
            // The lists were read to their ends and still cannot rule out papers beyond them.
            if lists.values.allSatisfy({ $0.count < depth }) { return nil }
            depth *= 4
        }
    }

    /// The first `depth` postings of each word's list, highest impact first.
    static func heads(of words: [String], depth: Int, on db: any SQLDatabase) async throws -> [String: [(paper: String, impact: Double)]] {
        var sql = SQLQueryString("")
        for (i, word) in words.enumerated() {
            sql.appendLiteral(i == 0 ? "SELECT * FROM (" : " UNION ALL SELECT * FROM (")
            sql.appendLiteral("SELECT term, paper_id, impact FROM search_postings WHERE term = ")
            sql.appendInterpolation(bind: word)
            sql.appendLiteral(" ORDER BY impact DESC, paper_id LIMIT ")
            sql.appendInterpolation(bind: depth)
            sql.appendLiteral(") h\(i)")
        }
        var lists: [String: [(paper: String, impact: Double)]] = [:]
        for row in try await db.raw(sql).all() {
            lists[try row.decode(column: "term", as: String.self), default: []]
                .append((try row.decode(column: "paper_id", as: String.self), try row.decode(column: "impact", as: Double.self)))
        }
        return lists
    }

    /// Each paper's exact score, or nil when it is not on the feed or its text lacks a term or phrase.
    static func score(_ ids: [String], phrases: [[String]], words: [String], idf: [String: Double],
                      on db: any SQLDatabase) async throws -> [(String, Scored?)] {
        guard !ids.isEmpty else { return [] }
        let binds: [any Encodable & Sendable] = ids
        var shown: [String: Int64] = [:]
        for row in try await db.raw("SELECT paper_id, submitted_at FROM featured WHERE hidden = 0 AND paper_id IN (\(binds: binds))").all() {
            shown[try row.decode(column: "paper_id", as: String.self)] = try row.decode(column: "submitted_at", as: Int64.self)
        }
        var scored: [String: Scored] = [:]
        for doc in try await documents(ids.filter { shown[$0] != nil }, on: db)
        where phrases.allSatisfy({ doc.document.containsPhrase($0) }) {
            let length = doc.document.length
            let score = words.reduce(0.0) { sum, word in
                sum + idf[word]! * (doc.document.counts[word].map { SearchRanking.impact(weightedCount: $0, length: length) } ?? 0)
            }
            scored[doc.id] = Scored(id: doc.id, score: score, submittedAt: shown[doc.id]!)
        }
        return ids.map { ($0, scored[$0]) }
    }
}
