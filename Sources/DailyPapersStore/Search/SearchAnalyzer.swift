import DailyPapersCore

/// Makes what the search index keeps of a paper (`SearchIndex.Prepared`: its length and term sequence) from the
/// bytes of its texts: each word numbered once in a `ByteTable` and stemmed once for all the papers an analyzer
/// sees, and the sequence written as bytes. The same rows as through `SearchRanking.Document` (a test compares
/// them), without the strings, dictionaries and locked stem cache that made the search analysis a fifth of a bulk
/// import. Fields with characters other than ASCII are split by `SearchTokenizer`, as before.
///
/// One analyzer serves one task at a time (a bulk import keeps one for its reader); its tables are dropped when
/// they pass `limit`, so a long import's memory stays flat.
public struct SearchAnalyzer: Sendable {
    static let limit = 64 << 20

    private var tokens = ByteTable()
    /// For each token, its stem's number.
    private var stemOf: [Int32] = []
    private var stems = ByteTable()
    private var sequence: [UInt8] = []
    private var fieldStart = 0
    private var length = 0
    private var scratch: [UInt8] = []
    /// Which tables numbered the tokens (`AnalyzedWords` users keep numbers of this analyzer's tokens, not of the
    /// fresh tables that replace them past `limit`).
    private let tables = UInt64.random(in: 1...UInt64.max)

    public init() {}

    mutating func prepare(title: String, abstract: String, authors: String) -> SearchIndex.Prepared {
        var none = NoWords()
        return prepare(title: title, abstract: abstract, authors: authors, words: &none)
    }

    /// `prepare`, handing the title's and abstract's words to `words` as they are read (a bulk import counts them
    /// for keywords: one lower-casing, one walk and one lookup a word for both).
    mutating func prepare<Words: AnalyzedWords>(title: String, abstract: String, authors: String, words: inout Words) -> SearchIndex.Prepared {
        if tokens.footprint + stems.footprint > Self.limit { self = SearchAnalyzer() }
        sequence.removeAll(keepingCapacity: true)
        length = 0
        for (i, text) in [title, abstract, authors].enumerated() {
            if i > 0 { sequence.append(contentsOf: " | ".utf8) }
            fieldStart = sequence.count
            // Keywords count the title twice, the abstract once, and not the authors.
            let weight: UInt64 = i == 0 ? 2 : i == 1 ? 1 : 0
            var lowered = scratch
            scratch = []
            if ASCIIWords.lowercased(text, into: &lowered) {
                let source = tables
                lowered.withUnsafeBufferPointer { text in
                    var position = 0
                    while let (range, afterClauseBreak) = ASCIIWords.next(in: text, from: &position) {
                        let word = UnsafeBufferPointer(rebasing: text[range])
                        let token = tokens.number(word)
                        if token.new { stemOf.append(PorterStemmer.stem(Array(word)).withUnsafeBufferPointer { number(stem: $0) }) }
                        add(stemOf[Int(token.number)])
                        if weight > 0 { words.word(word, token: token.number, of: source, afterClauseBreak: afterClauseBreak, weight: weight) }
                    }
                }
                if weight > 0 { words.endField() }
            } else {
                for term in SearchTokenizer.terms(text) { add(number(stem: term)) }
                if weight > 0 { words.text(text, weight: weight) }
            }
            scratch = lowered
        }
        return SearchIndex.Prepared(length: length, sequence: String(decoding: sequence, as: UTF8.self))
    }

    /// One term of the paper, into its field's sequence.
    private mutating func add(_ stem: Int32) {
        if sequence.count > fieldStart { sequence.append(0x20) }
        stems.append(stem, to: &sequence)
        length += 1
    }

    private mutating func number(stem: String) -> Int32 {
        var stem = stem
        return stem.withUTF8 { number(stem: $0) }
    }

    private mutating func number(stem: UnsafeBufferPointer<UInt8>) -> Int32 { stems.number(stem).number }
}

/// Who else takes a paper's words as `SearchAnalyzer` reads them (`KeywordChunk`): each word of an ASCII title or
/// abstract with the analyzer's number for it, or a whole field with other characters, between `begin` and `finish`.
protocol AnalyzedWords {
    mutating func begin()
    mutating func finish(id: String)
    mutating func word(_ bytes: UnsafeBufferPointer<UInt8>, token: Int32, of source: UInt64, afterClauseBreak: Bool, weight: UInt64)
    mutating func endField()
    mutating func text(_ text: String, weight: UInt64)
}

/// Nobody: the search rows alone.
struct NoWords: AnalyzedWords {
    func begin() {}
    func finish(id: String) {}
    func word(_ bytes: UnsafeBufferPointer<UInt8>, token: Int32, of source: UInt64, afterClauseBreak: Bool, weight: UInt64) {}
    func endField() {}
    func text(_ text: String, weight: UInt64) {}
}
