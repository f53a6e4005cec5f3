/// The snippet of an abstract around the words a query matched, for PostgreSQL, whose ts_headline reads
/// `<...>` and `&...;` in plain text as markup and drops them. Marks as SQLite's `snippet()` does here:
/// U+E000 before a match, U+E001 after it, `…` where the text was cut.
enum SearchSnippet {
    static func make(_ text: String, query: SearchQuery, words maxWords: Int = 28) -> String {
        // Word ranges in the text; what lies between them is kept as it is.
        var words: [Range<String.Index>] = []
        var start: String.Index?
        for i in text.indices {
            let isWord = text[i].isLetter || text[i].isNumber
            if isWord, start == nil { start = i }
            if !isWord, let s = start { words.append(s..<i); start = nil }
        }
        if let s = start { words.append(s..<text.endIndex) }
        guard !words.isEmpty else { return text }

        let needles = query.parts.flatMap { term in term.words.map { (stem($0.lowercased()), term.prefix) } }
        let hits = words.map { range -> Bool in
            let word = text[range].lowercased()
            return needles.contains { needle, prefix in prefix ? word.hasPrefix(needle) : stem(word) == needle }
        }
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
        var out = best.start > 0 ? "…" : ""
        var cursor = best.start > 0 ? words[best.start].lowerBound : text.startIndex
        for index in best.start..<(best.start + width) {
            let range = words[index]
            out += text[cursor..<range.lowerBound]
            out += hits[index] ? "\u{E000}\(text[range])\u{E001}" : String(text[range])
            cursor = range.upperBound
        }
        if best.start + width < words.count { out += "…" } else { out += text[cursor...] }
        return out
    }

    /// A light English suffix-stripping, enough to see "models" in a search for "model".
    static func stem(_ word: String) -> String {
        for suffix in ["ations", "ation", "ings", "ing", "ies", "es", "ed", "s"] where word.count > suffix.count + 2 && word.hasSuffix(suffix) {
            return String(word.dropLast(suffix.count))
        }
        return word
    }
}
