/// What a prefix (`diffus*`) reads: the index's terms it starts, found by their first two bytes, their lists
/// merged into one.
extension SearchMemory {
    /// A term's bucket in `termsByHead`: its first two bytes (a one-byte term: that byte and a zero).
    static func head(_ bytes: String.UTF8View) -> UInt16 {
        var i = bytes.makeIterator()
        return UInt16(i.next() ?? 0) << 8 | UInt16(i.next() ?? 0)
    }

    /// A query's prefixes' postings at most, shared among them: their commonest terms' lists are merged until this
    /// many (`co*` in a large corpus starts tens of thousands of terms); what a search walks and holds stays bounded.
    static let prefixPostingsLimit = 4_000_000

    /// The lists of a prefix's terms merged into one in paper order, each paper once with its highest impact (a
    /// paper holding "diffuse" and "diffusion" matches `diffus*` by the better of the two), and that list's highest
    /// impact. Lists beyond `limit` postings are left out, the longest kept (the longest alone, if it is beyond).
    static func union(_ lists: [(count: Int, maxImpact: Float, postings: () -> [Posting])], documents: Int,
                      limit: Int = prefixPostingsLimit) -> (list: [Posting], maxImpact: Float) {
        var total = 0, kept: [(postings: [Posting], maxImpact: Float)] = []
        // Chosen by their counts; only the kept are read (a file's are decoded then).
        for entry in lists.sorted(by: { $0.count > $1.count }) {
            if !kept.isEmpty, total + entry.count > limit { break }
            kept.append((entry.postings(), entry.maxImpact))
            total += entry.count
        }
        let maxImpact = kept.map(\.maxImpact).max() ?? 0
        if kept.count == 1 { return (Array(kept[0].postings), maxImpact) }
        var merged: [Posting] = []
        if total > documents / 8 {
            // Many postings against few papers: one slot a paper, read out in order.
            var best = [Float](repeating: -1, count: documents)
            for list in kept {
                for posting in list.postings where Int(posting.doc) < documents { best[Int(posting.doc)] = max(best[Int(posting.doc)], posting.impact) }
            }
            for (doc, impact) in best.enumerated() where impact >= 0 { merged.append(Posting(doc: Int32(doc), impact: impact)) }
        } else {
            merged.reserveCapacity(total)
            for list in kept { merged.append(contentsOf: list.postings) }
            merged.sort { $0.doc != $1.doc ? $0.doc < $1.doc : $0.impact > $1.impact }
            var out: [Posting] = []
            out.reserveCapacity(merged.count)
            for posting in merged where out.last?.doc != posting.doc { out.append(posting) }
            merged = out
        }
        return (merged, maxImpact)
    }
}
