import Foundation

/// The relevance score of the search index: BM25 over a paper's title, abstract and author names, a
/// title word counting as ten abstract words and an author name as three (FTS5's `bm25` with the same
/// weights, which the filtered searches use).
///
/// A score is a sum over the query's words of `idf(word) * impact(word, paper)`. The impact depends on
/// the paper alone, so the index can store it and keep each word's papers in order of it; idf depends on
/// the corpus and is applied when searching. For that, length normalisation uses a fixed reference length
/// instead of the corpus's current average (which moves with every paper and would reorder the stored
/// lists): the average of arXiv papers' title, abstract and author list, measured on the 74,728 papers of
/// the real corpus.
public enum SearchRanking {
    public static let titleWeight = 10.0, abstractWeight = 1.0, authorsWeight = 3.0
    static let k1 = 1.2, b = 0.75
    public static let referenceLength = 190.0

    /// A word's contribution before idf, from its weighted count in the paper and the paper's length.
    public static func impact(weightedCount w: Double, length: Int) -> Double {
        w * (k1 + 1) / (w + k1 * (1 - b + b * Double(length) / referenceLength))
    }

    /// An impact as the index keeps it: 16 bits over [0, k1 + 1), the range every impact falls in (steps of 0.00003, far
    /// below the differences that order papers). The index file stores two bytes a posting instead of four, and the
    /// in-memory index rounds the same way, so both rank alike.
    public static func storedImpact(_ impact: Double) -> UInt16 {
        UInt16(max(0, min(impact, k1 + 1)) / (k1 + 1) * 65535 + 0.5)
    }

    /// The impact a stored one stands for.
    @inline(__always)
    public static func impact(stored: UInt16) -> Float { Float(stored) * impactStep }

    public static let impactStep = Float((k1 + 1) / 65535)

    /// Inverse document frequency, as FTS5 takes it: a word in more than half the papers still counts a little.
    public static func idf(documents: Int, containing: Int) -> Double {
        let n = Double(documents), c = Double(containing)
        return max(log((n - c + 0.5) / (c + 0.5)), 1e-6)
    }

    /// A paper as the index sees it: each field's terms in order (for phrases), and each term's weighted count.
    public struct Document: Sendable {
        public let fields: [[String]]
        public let counts: [String: Double]
        public var length: Int { fields.reduce(0) { $0 + $1.count } }

        public init(title: String, abstract: String, authors: String) {
            fields = [SearchTokenizer.terms(title), SearchTokenizer.terms(abstract), SearchTokenizer.terms(authors)]
            var counts: [String: Double] = [:]
            for (field, weight) in zip(fields, [titleWeight, abstractWeight, authorsWeight]) {
                for term in field { counts[term, default: 0] += weight }
            }
            self.counts = counts
        }
    }
}
