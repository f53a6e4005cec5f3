/// The best `capacity` (score, doc) pairs seen, in a min-heap on score (ties: the lower doc number
/// stays, as the paper indexed first).
struct TopHeap {
    let capacity: Int
    private var items: [(score: Double, doc: Int)] = []

    init(capacity: Int) { self.capacity = max(capacity, 1) }

    private static func worse(_ a: (score: Double, doc: Int), _ b: (score: Double, doc: Int)) -> Bool {
        a.score != b.score ? a.score < b.score : a.doc > b.doc
    }

    mutating func offer(_ score: Double, _ doc: Int) {
        if items.count < capacity {
            items.append((score, doc))
            var i = items.count - 1
            while i > 0, Self.worse(items[i], items[(i - 1) / 2]) { items.swapAt(i, (i - 1) / 2); i = (i - 1) / 2 }
        } else if Self.worse(items[0], (score, doc)) {
            items[0] = (score, doc)
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < items.count, Self.worse(items[l], items[m]) { m = l }
                if r < items.count, Self.worse(items[r], items[m]) { m = r }
                if m == i { break }
                items.swapAt(i, m)
                i = m
            }
        }
    }

    var isFull: Bool { items.count >= capacity }

    /// The lowest score kept (meaningful once full).
    var lowestScore: Double { items.first?.score ?? -.infinity }

    /// Whether `offer` would keep this pair.
    func wouldTake(_ score: Double, _ doc: Int) -> Bool { !isFull || Self.worse(items[0], (score, doc)) }

    func sorted() -> [(score: Double, doc: Int)] { items.sorted { Self.worse($1, $0) } }
}
