import DailyPapersCore

extension SearchSegment {
    /// The bit a term's position sets in its posting's mask (positions count from a paper's first word, field
    /// separators included, as in its sequence).
    static func positionBit(_ position: Int) -> UInt32 { 1 &<< UInt32(position & 31) }

    /// A query's phrases in the file's term numbers, with the place of each phrase word's list among the lists a
    /// walk goes through, so the walk's cursors find the word's posting (and its mask) for the paper at hand.
    struct Phrases {
        struct Phrase {
            let numbers: [Int32]
            /// Index of each word's list in the walk's lists; nil if a word has none there (then the sequence tells).
            let lists: [Int]?
        }

        let all: [Phrase]

        /// `words`: the words whose lists the walk takes, in its order.
        init(_ phrases: [[String]], words: [String], in segment: SearchSegment) {
            all = phrases.map { phrase in
                let lists = phrase.map { words.firstIndex(of: $0) }
                return Phrase(numbers: phrase.map { segment.list($0)?.number ?? -2 },
                              lists: lists.contains(nil) ? nil : lists.map { $0! })
            }
        }

        var isEmpty: Bool { all.isEmpty }

        /// Whether paper `doc` holds every phrase: the masks of its postings (at the walk's `cursors`) first, and
        /// its sequence only when they line up.
        func held(by doc: Int32, cursors: UnsafeBufferPointer<Int>, masks: [UnsafeBufferPointer<UInt32>], in segment: SearchSegment) -> Bool {
            for phrase in all {
                if let lists = phrase.lists {
                    var fit = UInt32.max
                    for (place, list) in lists.enumerated() {
                        // Word k of the phrase at position p + k: rotated right by k, its bit lands on p's.
                        let shift = UInt32(place & 31)
                        let mask = masks[list][cursors[list]]
                        fit &= (mask &>> shift) | (mask &<< (32 - shift))
                    }
                    if fit == 0 { return false }
                }
                if !SearchMemory.contains(segment.sequence(doc), phrase.numbers) { return false }
            }
            return true
        }
    }
}
