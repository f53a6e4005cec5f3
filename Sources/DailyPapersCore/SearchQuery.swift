import Foundation

/// Reads whatever a reader typed as a search: words, `"quoted phrases"`, and a trailing `*` making a prefix
/// (`diffus*`); every other character separates words, so no text is an operator or a syntax error. All terms must
/// match. Returns nil when nothing searchable is left.
public struct SearchQuery: Sendable, Equatable {
    /// One term: a word, or the words of a phrase in order; `prefix` for a single word ending in `*`.
    public struct Term: Sendable, Equatable {
        public var words: [String]
        public var prefix: Bool
    }

    public let parts: [Term]

    public init?(_ text: String, maxTerms: Int = 16) {
        var parts: [Term] = []
        var rest = Substring(text.prefix(1000))
        while !rest.isEmpty, parts.count < maxTerms {
            rest = rest.drop(while: { $0.isWhitespace })
            guard let first = rest.first else { break }
            var raw: Substring
            var isPhrase = false
            if first == "\"", let close = rest.dropFirst().firstIndex(of: "\"") {
                raw = rest[rest.index(after: rest.startIndex)..<close]
                rest = rest[rest.index(after: close)...]
                isPhrase = true
            } else {
                let end = rest.firstIndex(where: { $0.isWhitespace }) ?? rest.endIndex
                raw = rest[..<end]
                rest = rest[end...]
            }
            var prefix = false
            if !isPhrase, raw.hasSuffix("*") { prefix = true; raw = raw.dropLast() }
            // Keep letters, digits and inner spaces; everything else separates words, as the tokenizer would.
            let words = raw.split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
            guard !words.isEmpty else { continue }
            parts.append(Term(words: words, prefix: prefix && words.count == 1 && words[0].count >= 2))
        }
        guard !parts.isEmpty else { return nil }
        self.parts = parts
    }

    /// The query as one canonical text: lower case, one space between terms, phrases quoted, prefixes
    /// with `*`. Queries that search the same thing have the same text (`Model.`, `model`, ` MODEL `), so
    /// caches key on it and made-up variants cannot multiply entries.
    public var normalized: String {
        parts.map { term in
            let words = term.words.joined(separator: " ").lowercased()
            return term.words.count > 1 ? "\"" + words + "\"" : words + (term.prefix ? "*" : "")
        }.joined(separator: " ")
    }

    /// Each word or phrase (prefixes left out) as the search index's terms.
    public var indexTerms: [[String]] {
        parts.filter { !$0.prefix }.map { $0.words.flatMap(SearchTokenizer.terms) }.filter { !$0.isEmpty }
    }

    /// Each prefix (`diffus*`) as the starts of the index's terms it matches: the letters as typed (lower case,
    /// accents removed) and their stem, since the index holds stems: "studies*" finds the stem "studi" of "study",
    /// "happy*" both "happy..." and "happi" (of "happiness"). One start that begins another covers it.
    public var indexPrefixes: [[String]] {
        parts.filter(\.prefix).map { term in
            let written = term.words[0].lowercased().folding(options: .diacriticInsensitive, locale: nil)
            var starts = [written]
            for stem in SearchTokenizer.terms(written) where !stem.isEmpty && !starts.contains(where: stem.hasPrefix) {
                starts.removeAll { $0.hasPrefix(stem) }
                starts.append(stem)
            }
            return starts
        }
    }
}
