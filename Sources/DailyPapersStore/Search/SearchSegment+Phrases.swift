import DailyPapersCore

/// A cursor that can tell where its term stands in the paper it is at (the file's lists can).
protocol PositionedCursor: PostingCursor {
    /// The term's positions in the paper at the cursor, in order (positions count from the paper's first word, one
    /// position between fields, so no phrase spans two).
    mutating func positions(into out: inout [Int32])
}

extension SearchSegment {
    /// A query's phrases as places among the lists a walk goes through: each phrase word's cursor tells its
    /// positions in the paper at hand, and a phrase stands where the first word's position p has the k-th word's
    /// at p + k.
    struct Phrases {
        /// For each phrase, the index of each of its words' lists among the walk's (every phrase word is one of the
        /// walk's words); nil when a word has no list, and then no paper holds the phrase.
        let all: [[Int]?]

        /// `words`: the words whose lists the walk takes, in its order.
        init(_ phrases: [[String]], words: [String]) {
            all = phrases.map { phrase in
                let lists = phrase.map { words.firstIndex(of: $0) }
                return lists.contains(nil) ? nil : lists.map { $0! }
            }
        }

        /// Whether the walk reads list `i`'s positions.
        func reads(list i: Int) -> Bool { all.contains { $0?.contains(i) ?? false } }

        /// Whether the paper the cursors stand at holds every phrase.
        func held<Cursor: PositionedCursor>(_ cursors: UnsafeMutableBufferPointer<Cursor>) -> Bool {
            guard !all.isEmpty else { return true }
            var starts: [Int32] = [], other: [Int32] = []
            for phrase in all {
                guard let lists = phrase, lists.count > 1 else { return false }
                // The first word's positions still standing after each further word is looked at.
                cursors[lists[0]].positions(into: &starts)
                for (place, list) in lists.enumerated().dropFirst() {
                    cursors[list].positions(into: &other)
                    // Both in order: one merge keeps the starts whose word `place` stands `place` after them.
                    var kept = 0, j = 0
                    for start in starts {
                        let wanted = start &+ Int32(place)
                        while j < other.count, other[j] < wanted { j += 1 }
                        if j < other.count, other[j] == wanted { starts[kept] = start; kept += 1 }
                    }
                    starts.removeLast(starts.count - kept)
                    if starts.isEmpty { return false }
                }
            }
            return true
        }
    }
}
