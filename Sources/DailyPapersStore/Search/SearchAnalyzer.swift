import DailyPapersCore

/// Makes what the search index keeps of a paper (`SearchIndex.Prepared`: its length, forward entry and term
/// sequence) from the bytes of its texts: each word numbered once in a `ByteTable` and stemmed once for all the
/// papers an analyzer sees, the weighted counts kept by number, and the two texts written as bytes. The same
/// rows as through `SearchRanking.Document` (a test compares them), without the strings, dictionaries and
/// locked stem cache that made the search analysis a fifth of a bulk import. Fields with characters other than
/// ASCII are split by `SearchTokenizer`, as before.
///
/// One analyzer serves one task at a time (a bulk import keeps one for its reader); its tables are dropped when
/// they pass `limit`, so a long import's memory stays flat.
public struct SearchAnalyzer: Sendable {
    static let limit = 64 << 20

    private var tokens = ByteTable()
    /// For each token, its stem's number.
    private var stemOf: [Int32] = []
    private var stems = ByteTable()
    /// For each stem, its first eight bytes as a number (big-endian, zero-padded): most comparisons of two stems
    /// end there, without reading their bytes.
    private var head: [UInt64] = []
    /// For each stem, its weighted count in the paper being analysed, valid when `seen` holds this paper's mark.
    private var weights: [Double] = []
    private var seen: [UInt32] = []
    private var mark: UInt32 = 0
    private var distinct: [Int32] = []
    private struct Keyed {
        let head: UInt64
        let stem: Int32
    }
    private var order: [Keyed] = []
    private var sequence: [UInt8] = []
    private var fieldStart = 0
    private var length = 0
    private var scratch: [UInt8] = []

    public init() {}

    mutating func prepare(title: String, abstract: String, authors: String) -> SearchIndex.Prepared {
        if tokens.footprint + stems.footprint > Self.limit { self = SearchAnalyzer() }
        mark &+= 1
        if mark == 0 { seen = [UInt32](repeating: 0, count: seen.count); mark = 1 }
        distinct.removeAll(keepingCapacity: true)
        sequence.removeAll(keepingCapacity: true)
        length = 0
        for (i, (text, weight)) in [(title, SearchRanking.titleWeight), (abstract, SearchRanking.abstractWeight),
                                    (authors, SearchRanking.authorsWeight)].enumerated() {
            if i > 0 { sequence.append(contentsOf: " | ".utf8) }
            fieldStart = sequence.count
            var lowered = scratch
            scratch = []
            if ASCIIWords.lowercased(text, into: &lowered) {
                lowered.withUnsafeBufferPointer { text in
                    var position = 0
                    while let (range, _) = ASCIIWords.next(in: text, from: &position) {
                        add(stem(UnsafeBufferPointer(rebasing: text[range])), weight: weight)
                    }
                }
            } else {
                for term in SearchTokenizer.terms(text) { add(number(stem: term), weight: weight) }
            }
            scratch = lowered
        }
        // The forward entry: `term:count`, in the terms' order: by their first eight bytes, then (the rare stems
        // that share those) by all of them.
        order.removeAll(keepingCapacity: true)
        for stem in distinct { order.append(Keyed(head: head[Int(stem)], stem: stem)) }
        order.sort { $0.head < $1.head }
        var from = 0
        while from < order.count {
            var to = from + 1
            while to < order.count, order[to].head == order[from].head { to += 1 }
            if to - from > 1 { order[from..<to].sort { stems.precedes($0.stem, $1.stem) } }
            from = to
        }
        var entry: [UInt8] = []
        entry.reserveCapacity(distinct.count * 12)
        for item in order {
            if !entry.isEmpty { entry.append(0x20) }
            stems.append(item.stem, to: &entry)
            entry.append(UInt8(ascii: ":"))
            Self.appendDigits(Int(weights[Int(item.stem)]), to: &entry)
        }
        return SearchIndex.Prepared(length: length, terms: String(decoding: entry, as: UTF8.self),
                                    sequence: String(decoding: sequence, as: UTF8.self))
    }

    /// A count's decimal digits.
    private static func appendDigits(_ value: Int, to out: inout [UInt8]) {
        guard value >= 10 else { return out.append(UInt8(truncatingIfNeeded: 0x30 + max(value, 0))) }
        appendDigits(value / 10, to: &out)
        out.append(UInt8(truncatingIfNeeded: 0x30 + value % 10))
    }

    /// One term of the paper: into its field's sequence, and its weighted count.
    private mutating func add(_ stem: Int32, weight: Double) {
        if sequence.count > fieldStart { sequence.append(0x20) }
        stems.append(stem, to: &sequence)
        length += 1
        let s = Int(stem)
        if s >= seen.count {
            seen.append(contentsOf: repeatElement(0, count: s + 1 - seen.count))
            weights.append(contentsOf: repeatElement(0, count: s + 1 - weights.count))
        }
        if seen[s] != mark { seen[s] = mark; weights[s] = 0; distinct.append(stem) }
        weights[s] += weight
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

    private mutating func number(stem: UnsafeBufferPointer<UInt8>) -> Int32 {
        let (n, new) = stems.number(stem)
        if new {
            var key: UInt64 = 0
            for i in 0..<8 { key = key << 8 | UInt64(i < stem.count ? stem[i] : 0) }
            head.append(key)
        }
        return n
    }
}
