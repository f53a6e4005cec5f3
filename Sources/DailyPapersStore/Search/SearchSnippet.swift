import DailyPapersCore

/// The snippet of an abstract around the words a query matched, made in Swift (PostgreSQL's ts_headline
/// reads `<...>` and `&...;` in plain text as markup and drops them, and SQLite's `snippet()` tokenizes
/// again inside the database). Words match as the search matched them (`SearchTokenizer` stems; a
/// prefix matches the word as written). Marks as SQLite's `snippet()` does: U+E000 before a match,
/// U+E001 after it, `…` where the text was cut.
enum SearchSnippet {
    static func make(_ text: String, query: SearchQuery, words maxWords: Int = 28) -> String {
        let stems = Set(query.indexTerms.joined())
        let prefixes = query.parts.filter(\.prefix).flatMap(\.words).map { $0.lowercased() }
        let bytes = Array(text.utf8)
        var words: [Range<Int>] = []
        var hits: [Bool] = []
        // Only words that can stem to a term need stemming; a prefix matches the word as written.
        SearchTokenizer.forEachToken(text, lookingFor: stems) { term, range in
            words.append(range)
            var hit = stems.contains(term)
            if !hit, !prefixes.isEmpty {
                let written = String(decoding: bytes[range], as: UTF8.self).lowercased()
                hit = prefixes.contains { written.hasPrefix($0) }
            }
            hits.append(hit)
            return true
        }
        guard !words.isEmpty else { return text }
        // The window of `maxWords` words with the most matches, earliest first.
        let width = min(maxWords, words.count)
        var count = hits[0..<width].filter { $0 }.count
        var best = (start: 0, count: count)
        if width < words.count {
            for first in 1...(words.count - width) {
                count += (hits[first + width - 1] ? 1 : 0) - (hits[first - 1] ? 1 : 0)
                if count > best.count { best = (first, count) }
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(maxWords * 10)
        if best.start > 0 { out += Array("…".utf8) }
        var cursor = best.start > 0 ? words[best.start].lowerBound : 0
        for index in best.start..<(best.start + width) {
            let range = words[index]
            out += bytes[cursor..<range.lowerBound]
            if hits[index] { out += Array("\u{E000}".utf8) }
            out += bytes[range]
            if hits[index] { out += Array("\u{E001}".utf8) }
            cursor = range.upperBound
        }
        if best.start + width < words.count { out += Array("…".utf8) } else { out += bytes[cursor...] }
        return String(decoding: out, as: UTF8.self)
    }
}
