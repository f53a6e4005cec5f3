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

    public init() {}

    mutating func prepare(title: String, abstract: String, authors: String) -> SearchIndex.Prepared {
        if tokens.footprint + stems.footprint > Self.limit { self = SearchAnalyzer() }
        sequence.removeAll(keepingCapacity: true)
        length = 0
        for (i, text) in [title, abstract, authors].enumerated() {
            if i > 0 { sequence.append(contentsOf: " | ".utf8) }
            fieldStart = sequence.count
            var lowered = scratch
            scratch = []
            if ASCIIWords.lowercased(text, into: &lowered) {
                lowered.withUnsafeBufferPointer { text in
                    var position = 0
                    while let (range, _) = ASCIIWords.next(in: text, from: &position) {
                        add(stem(UnsafeBufferPointer(rebasing: text[range])))
                    }
                }
            } else {
                for term in SearchTokenizer.terms(text) { add(number(stem: term)) }
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

    /// An ASCII token's stem, by number.
    private mutating func stem(_ token: UnsafeBufferPointer<UInt8>) -> Int32 {
        let (n, new) = tokens.number(token)
        if new {
            stemOf.append(PorterStemmer.stem(Array(token)).withUnsafeBufferPointer { number(stem: $0) })
        }
        return stemOf[Int(n)]
    }

    private mutating func number(stem: String) -> Int32 {
        var stem = stem
        return stem.withUTF8 { number(stem: $0) }
    }

    private mutating func number(stem: UnsafeBufferPointer<UInt8>) -> Int32 { stems.number(stem).number }
}
