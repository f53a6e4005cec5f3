/// "For you" without a model from elsewhere (issue 28, item 3): a paper is the sparse vector of its keywords (the
/// site's tf-idf terms, `Terms.weights`, heaviest first), a reader the papers they upvoted, saved and submitted
/// (positive) and the ones they marked "not interested" (negative). A candidate scores by how close it is to the
/// reader's papers as a whole (the centroid) and to the nearest one of them (so a reader of two topics is served
/// both), and is pushed down by its closeness to what they turned away.
public struct ReaderProfile: Sendable {
    /// Term -> weight, unit length.
    public typealias Vector = [String: Double]

    let positives: [Vector]
    let negatives: [Vector]
    let centroid: Vector

    /// How much the nearest positive counts against the centroid, and how hard a negative pushes.
    public static let nearestShare = 0.5
    public static let negativeWeight = 1.0
    /// Positives (the first given: the latest) a candidate is compared with one by one, and negatives: each costs a
    /// comparison per candidate, so a member with a long history costs a bounded ranking. The centroid holds them all.
    public static let compared = 50

    /// `positives` and `negatives` latest first.
    public init(positives: [Vector], negatives: [Vector] = []) {
        self.positives = Array(positives.prefix(Self.compared))
        self.negatives = Array(negatives.prefix(Self.compared))
        var sum: Vector = [:]
        for v in positives { for (term, w) in v { sum[term, default: 0] += w } }
        centroid = Self.normalized(sum)
    }

    public var isEmpty: Bool { positives.isEmpty }

    /// A paper's vector from its keywords, heaviest first: weights fall with rank (the stored keywords keep their
    /// order, not their weights), then the vector is scaled to unit length.
    public static func vector(keywords: [String]) -> Vector {
        var v: Vector = [:]
        for (rank, term) in keywords.enumerated() where v[term] == nil { v[term] = 1 / (1 + Double(rank) / 8) }
        return normalized(v)
    }

    static func normalized(_ v: Vector) -> Vector {
        let norm = v.values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else { return [:] }
        return v.mapValues { $0 / norm }
    }

    /// The cosine of two unit vectors.
    public static func similarity(_ a: Vector, _ b: Vector) -> Double {
        let (small, large) = a.count <= b.count ? (a, b) : (b, a)
        var dot = 0.0
        for (term, w) in small { if let x = large[term] { dot += w * x } }
        return dot
    }

    public struct Scored: Sendable {
        public let score: Double
        /// The positive paper (its index) the candidate is nearest to: "like X you saved".
        public let because: Int?
        /// Its closeness to the nearest negative.
        public let turnedAway: Double
    }

    public func score(_ candidate: Vector) -> Scored {
        var nearest = 0.0, because: Int?
        for (i, p) in positives.enumerated() {
            let s = Self.similarity(candidate, p)
            if s > nearest { nearest = s; because = i }
        }
        let turnedAway = negatives.reduce(0.0) { max($0, Self.similarity(candidate, $1)) }
        let positive = (1 - Self.nearestShare) * Self.similarity(candidate, centroid) + Self.nearestShare * nearest
        return Scored(score: positive - Self.negativeWeight * turnedAway, because: because, turnedAway: turnedAway)
    }

    /// The candidates best first (ties by their order given). Candidates closer to the reader's "not interested"
    /// papers than the median candidate is go after all others: turning a paper away clears its neighbourhood
    /// from the top of the list, not only that paper.
    public func rank(_ candidates: [Vector]) -> [(index: Int, scored: Scored)] {
        let scored = candidates.map(score)
        var cutoff = Double.infinity
        if !negatives.isEmpty {
            let away = scored.map(\.turnedAway).sorted()
            if !away.isEmpty { cutoff = away[away.count / 2] }
        }
        return scored.enumerated().map { (index: $0.offset, scored: $0.element) }.sorted { a, b in
            let aAway = a.scored.turnedAway > cutoff && a.scored.turnedAway > 0, bAway = b.scored.turnedAway > cutoff && b.scored.turnedAway > 0
            if aAway != bAway { return !aAway }
            if a.scored.score != b.scored.score { return a.scored.score > b.scored.score }
            return a.index < b.index
        }
    }
}
