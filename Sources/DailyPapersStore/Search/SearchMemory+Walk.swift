import DailyPapersCore

/// The walk every ranked search makes, over the in-memory lists and the file's alike: the shortest list driven,
/// the others sought forward, bounds skipping papers that cannot make the page.
extension SearchMemory {
    /// Offers `heap` every paper in all the lists that `accept`s (and `considering` marks, when given), with its score (the sum of idf x impact,
    /// in the words' order, so a score does not depend on which list was shortest). Returns whether every
    /// such paper is in the heap. Walks the shortest list and finds each of its papers in the others,
    /// rarest word first, whose cursors only move forward.
    ///
    /// Once the heap is full, a paper whose score cannot reach the heap's lowest, even with the best
    /// impact of every word not yet looked up (`ceilings`: idf x the word's highest impact), is passed over
    /// without looking further. So the common words of a query ("for", "the", "model"), whose lists hold
    /// most papers and add little to a score, are looked up only for papers that would make the page.
    static func intersect<Cursor: PostingCursor>(_ cursors: inout [Cursor], idf: [Double], ceilings: [Double], considering: [Bool]?,
                                                into heap: inout TopHeap, accept: (Int32, UnsafeMutableBufferPointer<Cursor>) -> Bool) -> Bool {
        let order = cursors.indices.sorted { cursors[$0].count < cursors[$1].count }
        // What the words from the k-th in `order` on can add at most.
        var rest = [Double](repeating: 0, count: order.count + 1)
        for k in order.indices.reversed() { rest[k] = rest[k + 1] + ceilings[order[k]] }
        var impacts = [Float](repeating: 0, count: cursors.count)
        var complete = true
        // Below this a paper cannot enter the heap: once it is full, its lowest score less a hair, as a bound
        // sums in another order than a score and may round the other way.
        var cut = -Double.infinity
        // The cursors in place, read and moved without the array's checks at every posting.
        cursors.withUnsafeMutableBufferPointer { cursors in
            let driver = order[0]
            outer: while !cursors[driver].isDone {
                // A block of the driver whose best cannot make the page, whatever the other words add, is passed over
                // without reading a posting of it.
                if cut > -Double.infinity, idf[driver] * Double(cursors[driver].blockCeiling) + rest[1] < cut {
                    complete = false
                    cursors[driver].nextBlock()
                    continue
                }
                paper: do {
                    let doc = cursors[driver].doc
                    if let considering, !considering[Int(doc)] { break paper }
                    let impact = cursors[driver].impact
                    var known = idf[driver] * Double(impact)
                    if known + rest[1] < cut { complete = false; break paper }
                    impacts[driver] = impact
                    for k in 1..<order.count {
                        let i = order[k]
                        cursors[i].seek(to: doc)
                        guard !cursors[i].isDone else { break outer }
                        guard cursors[i].doc == doc else { break paper }
                        impacts[i] = cursors[i].impact
                        known += idf[i] * Double(impacts[i])
                        if known + rest[k + 1] < cut { complete = false; break paper }
                    }
                    var score = 0.0
                    for i in 0..<impacts.count { score += idf[i] * Double(impacts[i]) }
                    guard heap.wouldTake(score, Int(doc)) else { complete = false; break paper }
                    guard accept(doc, cursors) else { break paper }
                    if heap.isFull { complete = false }
                    heap.offer(score, Int(doc))
                    if heap.isFull { cut = heap.lowestScore - 1e-9 * max(1, abs(heap.lowestScore)) }
                }
                cursors[driver].next()
            }
        }
        return complete
    }

    /// Whether `phrase` stands in `sequence` (term numbers), its terms side by side.
    static func contains<Terms: RandomAccessCollection<Int32>>(_ sequence: Terms, _ phrase: [Int32]) -> Bool where Terms.Index == Int {
        guard sequence.count >= phrase.count, let first = phrase.first else { return false }
        for start in sequence.startIndex...(sequence.endIndex - phrase.count) where sequence[start] == first {
            if sequence[start..<(start + phrase.count)].elementsEqual(phrase) { return true }
        }
        return false
    }
}
