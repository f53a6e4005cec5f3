import DailyPapersCore

/// Similar papers from the search index itself ("more like this"): a paper's most telling words (its BM25
/// weights: idf x impact) are a query that any paper holding some of them answers, scored by the same
/// weights. No table of per-paper terms to write at import (thirty rows a paper, inserted all over a
/// b-tree, were most of a bulk import's time), and a paper has neighbours as soon as the index has it.
extension SearchMemory {
    /// Words a paper is compared by, at most.
    static let relatedTerms = 25
    /// Postings a comparison walks, at most: the words are taken most telling first until their lists
    /// would pass this (common words, which add little to a score, are the ones left out).
    static let relatedPostings = 3_000_000

    /// The papers most like a document (`counts`: its weighted term counts, `length` its terms), best first,
    /// leaving out `paper` itself; each score is the share of the document's own score (0-1).
    func related(counts: [String: Double], length: Int, excluding paper: String, limit: Int) -> [Match] {
        state.withLock { s in
            let segment = s.segment
            let base = segment?.docCount ?? 0
            let documents = s.aliveCount + base - s.segmentDead.count
            guard documents > 1, limit > 0 else { return [] }
            // Each word's weight in the query: its idf times its impact in the document.
            var words: [(term: String, tail: [Posting]?, file: SearchSegment.List?, idf: Double, weight: Double)] = []
            for (term, count) in counts {
                let tail = s.postings[term]
                let file = segment?.list(term)
                let containing = (tail?.count ?? 0) + (file?.count ?? 0)
                // A word no other paper holds says nothing about its neighbours.
                guard containing > 1 else { continue }
                let idf = SearchRanking.idf(documents: documents, containing: containing)
                words.append((term, tail, file, idf, idf * SearchRanking.impact(weightedCount: count, length: length)))
            }
            // Equal weights by term, so the same paper always gets the same words (a dictionary's order is not).
            words.sort { $0.weight != $1.weight ? $0.weight > $1.weight : $0.term < $1.term }
            var walked = 0
            var chosen: [(term: String, tail: [Posting]?, file: SearchSegment.List?, idf: Double, weight: Double)] = []
            for word in words where chosen.count < Self.relatedTerms {
                let size = (word.tail?.count ?? 0) + (word.file?.count ?? 0)
                if walked + size > Self.relatedPostings { continue }
                walked += size
                chosen.append(word)
            }
            let own = chosen.reduce(0) { $0 + $1.weight * $1.weight }
            guard own > 0 else { return [] }
            // Scores by paper number (the file's papers first, then the tail's): a flat array when the walk
            // touches many papers, else a dictionary.
            let total = base + s.papers.count
            var scores: [Int: Double] = [:]
            var flat: [Double] = walked * 8 > total ? [Double](repeating: 0, count: total) : []
            func add(_ doc: Int, _ value: Double) {
                if flat.isEmpty { scores[doc, default: 0] += value } else { flat[doc] += value }
            }
            for word in chosen {
                if let file = word.file {
                    SearchSegment.prefetch(file.postings)
                    var cursor = file.cursor()
                    defer { cursor.release() }
                    while !cursor.isDone {
                        add(Int(cursor.doc), word.weight * word.idf * Double(cursor.impact))
                        cursor.next()
                    }
                }
                if let tail = word.tail { for p in tail { add(base + Int(p.doc), word.weight * word.idf * Double(p.impact)) } }
            }
            let skip = Set([segment?.doc(of: paper).map(Int.init), s.docOf[paper].map { base + Int($0) }].compactMap { $0 })
            func usable(_ doc: Int) -> Bool {
                if skip.contains(doc) { return false }
                if doc < base { return !s.segmentDead.contains(Int32(doc)) }
                return s.alive[doc - base]
            }
            var heap = TopHeap(capacity: limit)
            if flat.isEmpty {
                for (doc, score) in scores where usable(doc) { heap.offer(score, doc) }
            } else {
                for doc in flat.indices where flat[doc] > 0 && usable(doc) { heap.offer(flat[doc], doc) }
            }
            return heap.sorted().map { item in
                Match(paper: item.doc < base ? segment!.paper(Int32(item.doc)) : s.papers[item.doc - base],
                      score: min(item.score / own, 1))
            }
        }
    }
}
