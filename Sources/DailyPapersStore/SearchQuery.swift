/// Turns whatever a reader typed into a safe FTS5 query: every word becomes a quoted term (so FTS5's
/// operators and syntax errors cannot arise), `"quoted phrases"` stay phrases, and a trailing `*`
/// makes a prefix (`diffus*`). All terms must match. Returns nil when nothing searchable is left.
public struct SearchQuery: Sendable, Equatable {
    public let terms: [String]

    public init?(_ text: String, maxTerms: Int = 16) {
        var terms: [String] = []
        var rest = Substring(text.prefix(1000))
        while !rest.isEmpty, terms.count < maxTerms {
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
            let quoted = "\"" + words.joined(separator: " ") + "\""
            terms.append(prefix && words.count == 1 && words[0].count >= 2 ? quoted + "*" : quoted)
        }
        guard !terms.isEmpty else { return nil }
        self.terms = terms
    }

    /// The FTS5 MATCH expression.
    public var match: String { terms.joined(separator: " ") }
}
