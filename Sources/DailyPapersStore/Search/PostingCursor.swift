/// A place in one term's list of postings (papers in number order, each with the term's impact), moving forward
/// only: what a search's walk (`SearchMemory.intersect`) reads, whether the list is an array in memory
/// (`ArrayCursor`) or compressed blocks in the index file (`SearchSegment.BlockCursor`).
protocol PostingCursor {
    /// Postings in the whole list.
    var count: Int { get }
    /// Whether the cursor is past the last posting.
    var isDone: Bool { get }
    /// The paper at the cursor (only while not done).
    var doc: Int32 { get }
    /// The term's impact in that paper.
    var impact: Float { get }
    /// To the next posting.
    mutating func next()
    /// To the first posting whose paper is not before `doc` (the cursor stays if it is there already).
    mutating func seek(to doc: Int32)
    /// The highest impact of the postings from the cursor to the end of its block (a bound: the walk passes over a
    /// block whose best cannot make the page).
    var blockCeiling: Float { get }
    /// To the first posting of the next block.
    mutating func nextBlock()
}

/// A cursor over postings in memory: the in-memory index's lists and prefixes' merged ones.
struct ArrayCursor: PostingCursor {
    let list: UnsafeBufferPointer<SearchMemory.Posting>
    private(set) var at = 0

    init(_ list: UnsafeBufferPointer<SearchMemory.Posting>) { self.list = list }

    var count: Int { list.count }
    var isDone: Bool { at >= list.count }
    var doc: Int32 { list[at].doc }
    var impact: Float { list[at].impact }
    mutating func next() { at += 1 }
    /// No blocks in memory: no bound but the walk's own.
    var blockCeiling: Float { .infinity }
    mutating func nextBlock() { at += 1 }

    /// A look at the next few (the usual case, walking a shorter list against a longer one), then galloping and
    /// halving.
    mutating func seek(to doc: Int32) {
        var low = at
        let near = min(at + 4, list.count)
        while low < near {
            if list[low].doc >= doc { at = low; return }
            low += 1
        }
        var step = 1
        while low + step < list.count, list[low + step].doc < doc { low += step; step *= 2 }
        var high = min(low + step, list.count)
        while low < high {
            let mid = (low + high) / 2
            if list[mid].doc < doc { low = mid + 1 } else { high = mid }
        }
        at = low
    }
}
