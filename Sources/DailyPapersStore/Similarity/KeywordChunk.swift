import DailyPapersCore

/// Papers' term counts gathered for one keyword write (`PaperStore.saveKeywords`): each term numbered once for
/// the chunk, each paper's terms as (number, count), a few bytes a term. A bulk import fills it as it reads
/// (off the writer), so choosing keywords needs no second read of the texts.
public struct KeywordChunk: Sendable {
    /// Papers a chunk holds before it is written: a first chunk of this size is already a fair sample for
    /// idf, and its terms fit in about 150 MB while they are counted.
    public static let size = 10_000

    private var number: [String: Int32] = [:]
    private var terms: [String] = []
    private var papers: [KeywordPass.Counted] = []
    private var position: [String: Int] = [:]

    public init() {}

    public var count: Int { papers.count }

    /// Adds a paper's title and abstract (a paper added again keeps its last text).
    public mutating func add(_ paper: Paper) {
        add(paper.id.base, Terms.counts(title: paper.title, abstract: paper.abstract))
    }

    mutating func add(_ id: String, _ counts: [String: Int]) {
        var own: [(term: Int32, count: Int32)] = []
        own.reserveCapacity(counts.count)
        for (term, count) in counts {
            let n: Int32
            if let known = number[term] { n = known } else {
                n = Int32(terms.count)
                number[term] = n
                terms.append(term)
            }
            own.append((n, Int32(count)))
        }
        if let at = position[id] {
            papers[at] = KeywordPass.Counted(id: id, terms: own)
        } else {
            position[id] = papers.count
            papers.append(KeywordPass.Counted(id: id, terms: own))
        }
    }

    /// The chunk with only the papers in `ids` (those the saves found new: a paper stored before has its keywords
    /// and is counted in `term_df` already).
    public func keeping(_ ids: Set<String>) -> KeywordChunk {
        var kept = self
        kept.papers = papers.filter { ids.contains($0.id) }
        kept.position = [:]
        return kept
    }

    /// The terms sorted (rows are written in key order, and two writers lock them alike) and the papers'
    /// terms renumbered to match.
    func sorted() -> (terms: [String], papers: [KeywordPass.Counted]) {
        let order = terms.indices.sorted { terms[$0] < terms[$1] }
        var position = [Int32](repeating: 0, count: terms.count)
        for (p, old) in order.enumerated() { position[old] = Int32(p) }
        return (order.map { terms[$0] }, papers.map { paper in
            KeywordPass.Counted(id: paper.id, terms: paper.terms.map { (position[Int($0.term)], $0.count) })
        })
    }
}

extension PaperStore {
    /// Weighs a chunk's papers for keywords against the word counts as they stand (reads only).
    public func weighKeywords(_ chunk: KeywordChunk) async throws -> WeighedKeywords {
        let (terms, papers) = chunk.sorted()
        return try await database.read { db in try await KeywordPass.weigh(papers, terms: terms, on: db) }
    }

    /// Adds a weighed chunk to the word counts and keeps its keywords, in one transaction.
    public func saveKeywords(_ weighed: WeighedKeywords) async throws {
        guard weighed.papers > 0 else { return }
        try await database.write { db in try await KeywordPass.write(weighed, on: db) }
    }
}
