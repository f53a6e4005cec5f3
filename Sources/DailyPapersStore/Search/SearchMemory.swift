import DailyPapersCore
import Foundation
import PostgresNIO
import SQLKit
import Synchronization

/// The inverted index behind the common search, held in memory by each process: for every term, the
/// papers holding it in the order they were indexed, each with the term's `SearchRanking` impact. A
/// query walks its rarest word's list and looks each paper up in the other words' lists, scoring it
/// exactly unless bounds show it cannot make the page; the cost grows with the rarest list's length, not
/// with a database's per-row costs. Every search reads it: prefixes merge their terms' lists, filters and sorts
/// are applied by the database to the candidates it gives (`PaperStore.filteredHits`).
///
/// It is built from `search_documents` on first use and follows that table by id before every search,
/// so a paper saved by any process is found by the next search of every process.
final class SearchMemory: Sendable {
    struct Posting {
        let doc: Int32
        let impact: Float
    }

    struct State {
        var loaded = false
        var lastID: Int64 = 0
        /// Ids applied within the look-back window (PostgreSQL only).
        var recent: Set<Int64> = []
        var papers: [String] = []
        var alive: [Bool] = []
        var docOf: [String: Int32] = [:]
        var postings: [String: [Posting]] = [:]
        /// Each term's highest impact so far (a dead posting's too: still an upper bound).
        var maxImpact: [String: Float] = [:]
        var aliveCount = 0
        /// Each paper's terms in order as numbers (-1 between fields), to tell a phrase without the text.
        var sequences: [[Int32]] = []
        var termNumbers: [String: Int32] = [:]
        var termNames: [String] = []
        /// Term numbers by their first two bytes (one byte for one-byte terms), for prefixes: a prefix looks at its
        /// own few thousand terms, not at every term (hundreds of thousands).
        var termsByHead: [UInt16: [Int32]] = [:]
        /// A paper's weighted count of each term by number while it is applied (zero otherwise).
        var weightScratch: [Double] = []
        /// The index file the rows above follow (`SearchSegment`): then this state holds only the rows written
        /// after it (the tail), numbered after the file's papers.
        var segment: SearchSegment?
        /// The file's papers indexed again since it was written (their rows are in the tail).
        var segmentDead: Set<Int32> = []
    }

    let state = Mutex(State())
    /// PostgreSQL numbers rows as they are written, not as they commit: a row committed after a higher
    /// id was seen is found by looking back this many ids.
    static let lookBack: Int64 = 512
    static let page = 5000

    struct Row {
        let id: Int64
        let paper: String
        let length: Int
        let sequence: String
    }

    /// Applies the rows written since the last call (all of them the first time). Returns whether the
    /// index is complete: false while it is being built (`site_state.search_pending`), when searches must
    /// not rely on it. Asked here because on PostgreSQL it rides in the statement that checks for new rows.
    @discardableResult
    func catchUp(on db: any SQLDatabase) async throws -> Bool {
        let (loaded, last) = state.withLock { ($0.loaded, $0.lastID) }
        if loaded, db.isPostgres { return try await followWindow(after: last, on: db) }
        if loaded {
            let rows = try await Self.rows("id > \(last) ORDER BY id", on: db)
            if !rows.isEmpty { state.withLock { apply(rows, to: &$0, postgres: false) } }
        } else {
            var after = state.withLock { $0.lastID }
            if after > 0, try await db.raw("SELECT MAX(id) AS n FROM search_documents").first()
                .flatMap({ try RowDecoding.optional($0, "n", Int64.self) }) ?? 0 < after {
                // The file holds rows this database does not (another database's, or one restored from
                // before it): ranked from memory alone, as without a file.
                state.withLock { $0 = State() }
                after = 0
            }
            while true {
                let rows = try await Self.rows("id > \(after) ORDER BY id LIMIT \(Self.page)", on: db)
                state.withLock { apply(rows, to: &$0, postgres: db.isPostgres) }
                guard let lastRow = rows.last, rows.count == Self.page else { break }
                after = lastRow.id
            }
            state.withLock { $0.loaded = true }
        }
        // Asked apart: on SQLite a statement more costs microseconds (it reads in-process), and a first load
        // is rare.
        return try await PaperStore.searchIndexPending(on: db) == false
    }

    /// PostgreSQL's catch-up: rows committed within the look-back window that this process has not applied.
    /// Usually nothing is new: the window's count and sum of ids tell, without reading the ids (a row
    /// deleted and another added change the sum, ids being unique). Returns whether the index is complete.
    private func followWindow(after last: Int64, on db: any SQLDatabase) async throws -> Bool {
        let floor = last - Self.lookBack
        guard let postgres = db as? PostgresSQL else { throw StoreError("the search index follows its window on PostgreSQL only") }
        var bindings = PostgresBindings()
        bindings.append(floor)
        let window = try await postgres.rows(Window.self, bindings).first
        let complete = try window.flatMap { try RowDecoding.optional($0, "pending", Int.self) } == 0
        let inWindow = (try window?.decode(column: "n", as: Int64.self) ?? 0, try window?.decode(column: "total", as: Int64.self) ?? 0)
        let known = state.withLock { s in s.recent.filter { $0 > floor }.reduce((Int64(0), Int64(0))) { ($0.0 + 1, $0.1 + $1) } }
        guard inWindow != known else { return complete }
        let ids = Set(try await db.raw("SELECT id FROM search_documents WHERE id > \(bind: floor)").all()
            .map { try $0.decode(column: "id", as: Int64.self) })
        let missing = state.withLock { s in ids.filter { !s.recent.contains($0) } }
        if !missing.isEmpty {
            let rows = try await Self.rows("id IN (\(missing.map(String.init).joined(separator: ","))) ORDER BY id", on: db)
            state.withLock { apply(rows, to: &$0, postgres: true) }
        }
        // Rows deleted since (papers indexed again) leave the window's count, so the counts agree next time.
        state.withLock { s in s.recent = s.recent.filter { $0 <= floor || ids.contains($0) } }
        return complete
    }

    /// How many rows the look-back window holds and the sum of their ids, with whether the index is
    /// being built: asked before every search on PostgreSQL, so prepared.
    enum Window: PreparedText {
        static let name = "dailypapers_search_window"
        static let sql = """
            SELECT count(*) AS n, CAST(COALESCE(sum(id), 0) AS BIGINT) AS total,
              (SELECT value FROM site_state WHERE key = 'search_pending') AS pending
            FROM search_documents WHERE id > $1
            """
    }

    static func rows(_ condition: String, on db: any SQLDatabase) async throws -> [Row] {
        try await db.raw("SELECT id, paper_id, length, sequence FROM search_documents WHERE \(unsafeRaw: condition)").all().map {
            Row(id: try $0.decode(column: "id", as: Int64.self), paper: try $0.decode(column: "paper_id", as: String.self),
                length: try $0.decode(column: "length", as: Int.self), sequence: try $0.decode(column: "sequence", as: String.self))
        }
    }

    /// The index file ranked from, if any.
    var segmentInUse: SearchSegment? { state.withLock { $0.segment } }

    /// Ranks from `segment` and the rows written after it from now on (read at the next catch-up).
    func use(_ segment: SearchSegment) {
        state.withLock { s in
            s = State()
            s.segment = segment
            s.lastID = segment.lastRowID
        }
    }

    /// Applies rows at once (what a catch-up reads), for tests and tools.
    func load(_ rows: [Row]) {
        state.withLock { s in
            apply(rows, to: &s, postgres: false)
            s.loaded = true
        }
    }

    private func apply(_ rows: [Row], to s: inout State, postgres: Bool) {
        for row in rows {
            if postgres ? s.recent.contains(row.id) : row.id <= s.lastID { continue }
            if let segment = s.segment, let old = segment.doc(of: row.paper) { s.segmentDead.insert(old) }
            if let old = s.docOf[row.paper], s.alive[Int(old)] {
                s.alive[Int(old)] = false
                s.aliveCount -= 1
            }
            let doc = Int32(s.papers.count)
            s.papers.append(row.paper)
            s.alive.append(true)
            s.aliveCount += 1
            s.docOf[row.paper] = doc
            // Reserved at its length (words are space-separated): appending alone would leave up to as much
            // again in spare capacity, a gigabyte or so at 2.5 M papers.
            var sequence: [Int32] = []
            sequence.reserveCapacity(row.sequence.utf8.reduce(1) { $0 + ($1 == 0x20 ? 1 : 0) })
            SearchIndex.forEachWord(in: row.sequence) { term in
                if term == "|" { sequence.append(-1); return }
                if let n = s.termNumbers[term] { sequence.append(n); return }
                let n = Int32(s.termNumbers.count)
                s.termNumbers[term] = n
                s.termNames.append(term)
                s.termsByHead[Self.head(term.utf8), default: []].append(n)
                s.weightScratch.append(0)
                sequence.append(n)
            }
            s.sequences.append(sequence)
            // Each term's weighted count, from the fields it stands in; one posting a term.
            var field = 0
            var distinct: [Int32] = []
            for n in sequence {
                if n < 0 { field += 1; continue }
                if s.weightScratch[Int(n)] == 0 { distinct.append(n) }
                s.weightScratch[Int(n)] += SearchIndex.fieldWeight(field)
            }
            for n in distinct {
                let term = s.termNames[Int(n)]
                let impact = SearchRanking.impact(stored: SearchRanking.storedImpact(
                    SearchRanking.impact(weightedCount: s.weightScratch[Int(n)], length: row.length)))
                s.weightScratch[Int(n)] = 0
                s.postings[term, default: []].append(Posting(doc: doc, impact: impact))
                if impact > s.maxImpact[term] ?? 0 { s.maxImpact[term] = impact }
            }
            s.lastID = max(s.lastID, row.id)
            if postgres { s.recent.insert(row.id) }
        }
        if postgres, s.recent.count > Int(Self.lookBack) * 4 {
            let floor = s.lastID - Self.lookBack
            s.recent = s.recent.filter { $0 > floor }
        }
    }

    struct Match {
        let paper: String
        let score: Double
    }

    /// The `limit` best papers holding every word, a term starting with each prefix (`prefixes`: each one's
    /// starts, `SearchQuery.indexPrefixes`) and each phrase's words side by side in one field, best first, and
    /// whether they are all there are. `only`: of these papers alone. With an index file, its papers and the rows
    /// written since are ranked as one index: the same idf over both, each walked apart, the best of the two kept
    /// (the file's papers numbered first, as they were indexed first).
    func top(_ words: [String], prefixes: [[String]] = [], phrases: [[String]] = [], limit: Int,
             only: Set<String>? = nil) -> (complete: Bool, best: [Match]) {
        // Under the lock: the lists, and the walk of the rows written since the file (few); the file's own walk
        // after it, outside, so a process's searches over the file run side by side (the file is never written, and
        // the segment held here stays mapped until its walk ends).
        let prepared: Prepared? = state.withLock { s in
            let segment = s.segment
            let base = segment?.docCount ?? 0
            // Each term's lists, words first then prefixes: the tail's as arrays (a prefix's merged), the file's
            // as its lists (a prefix's merged into arrays of their own).
            var tailLists: [[Posting]] = [], tailCeilings: [Double] = []
            var segmentLists: [SearchSegment.List] = [], segmentMerged: [[Posting]] = [], segmentCeilings: [Double] = []
            var inTail = true, inSegment = segment != nil
            var containing: [Int] = []
            func add(tail: [Posting]?, tailCeiling: Float, file: SearchSegment.List?, merged: [Posting]?, fileCeiling: Float) {
                let tailCount = tail?.count ?? 0, fileCount = file?.count ?? merged?.count ?? 0
                if let tail, tailCount > 0 { tailLists.append(tail); tailCeilings.append(Double(tailCeiling)) } else { inTail = false }
                if fileCount > 0 {
                    if let file { segmentLists.append(file) } else if let merged { segmentMerged.append(merged) }
                    segmentCeilings.append(Double(fileCeiling))
                } else { inSegment = false }
                containing.append(tailCount + fileCount)
            }
            for word in words {
                let file = segment?.list(word)
                add(tail: s.postings[word], tailCeiling: s.maxImpact[word] ?? .infinity, file: file, merged: nil, fileCeiling: file?.maxImpact ?? 0)
            }
            for starts in prefixes {
                var lists: [(count: Int, maxImpact: Float, postings: () -> [Posting])] = []
                for start in starts {
                    // A one-byte start looks in every bucket of its byte.
                    let heads = start.utf8.count >= 2 ? [Self.head(start.utf8)] : (0...255).map { UInt16(start.utf8.first ?? 0) << 8 | UInt16($0) }
                    for head in heads {
                        for n in s.termsByHead[head] ?? [] {
                            let term = s.termNames[Int(n)]
                            guard term.utf8.starts(with: start.utf8), let list = s.postings[term] else { continue }
                            lists.append((list.count, s.maxImpact[term] ?? .infinity, { list }))
                        }
                    }
                }
                // One budget for the whole query: sixteen prefixes of two letters must not merge sixteen times as much.
                let budget = Self.prefixPostingsLimit / prefixes.count
                let tail = Self.union(lists, documents: s.papers.count, limit: budget)
                let file = segment.map { segment in
                    Self.union(starts.flatMap { segment.lists(startingWith: $0) }.map { list in (list.count, list.maxImpact, { list.decoded() }) },
                               documents: base, limit: budget)
                }
                add(tail: tail.list, tailCeiling: tail.maxImpact, file: nil, merged: file?.list, fileCeiling: file?.maxImpact ?? 0)
            }
            if containing.contains(0) { return nil }
            let documents = s.aliveCount + base - s.segmentDead.count
            let idf = containing.map { SearchRanking.idf(documents: documents, containing: $0) }
            var results: [(score: Double, doc: Int, paper: String)] = []
            var complete = true
            if inTail {
                let phraseNumbers = phrases.map { $0.map { s.termNumbers[$0] ?? -2 } }
                var heap = TopHeap(capacity: limit)
                let sequences = s.sequences
                // No paper indexed twice in this process: no list holds a dead posting.
                let alive: [Bool]? = s.aliveCount == s.alive.count ? nil : s.alive
                // `only`'s papers by their current numbers (so none of them dead).
                let considered = only.map { ids in
                    var keep = [Bool](repeating: false, count: s.papers.count)
                    for id in ids { if let doc = s.docOf[id] { keep[Int(doc)] = true } }
                    return keep
                } ?? alive
                complete = Self.withBuffers(tailLists[...], []) { buffers in
                    var cursors = buffers.map(ArrayCursor.init)
                    return Self.intersect(&cursors, idf: idf, ceilings: zip(idf, tailCeilings).map(*), considering: considered, into: &heap) { doc, _ in
                        // Phrases are looked at only for a paper that would enter the page.
                        phraseNumbers.allSatisfy { Self.contains(sequences[Int(doc)], $0) }
                    }
                }
                results += heap.sorted().map { ($0.score, base + $0.doc, s.papers[$0.doc]) }
            }
            var file: FileWalk?
            // The file's phrases of common words filtered by their pair terms' lists, the rest told by positions.
            let plan = inSegment ? segment?.plan(phrases) : nil
            if plan?.none == true { inSegment = false }
            if inSegment, let segment, let plan {
                var considered: [Bool]?
                if only != nil || !s.segmentDead.isEmpty {
                    var keep = [Bool](repeating: only == nil, count: base)
                    if let only { for id in only { if let doc = segment.doc(of: id) { keep[Int(doc)] = true } } }
                    for doc in s.segmentDead { keep[Int(doc)] = false }
                    considered = keep
                }
                file = FileWalk(segment: segment, lists: segmentLists, merged: segmentMerged, ceilings: segmentCeilings,
                                considered: considered, shortest: containing.min() ?? 0, filters: plan.filters, phrases: plan.positional)
            }
            var prepared = Prepared(idf: idf, complete: complete, results: results, file: file)
            // A prefix's merged postings (up to 32 MB) are walked here, one search at a time, so many prefix searches
            // at once cannot each hold theirs.
            if file?.merged.isEmpty == false { prepared.walkFile(words: words, limit: limit) }
            return prepared
        }
        guard var prepared else { return (true, []) }
        prepared.walkFile(words: words, limit: limit)
        // The two walks' best, as one heap would keep them: higher score first, then the paper indexed first.
        prepared.results.sort { $0.score != $1.score ? $0.score > $1.score : $0.doc < $1.doc }
        if prepared.results.count > limit { prepared.complete = false }
        return (prepared.complete, prepared.results.prefix(limit).map { Match(paper: $0.paper, score: $0.score) })
    }

    /// What `top` found under the lock: each word's idf, the tail's best (score, number, paper), and the file's walk to make.
    private struct Prepared {
        let idf: [Double]
        var complete: Bool
        var results: [(score: Double, doc: Int, paper: String)]
        var file: FileWalk?

        /// Walks the file's lists (if not done yet), adding its best to the results.
        mutating func walkFile(words: [String], limit: Int) {
            guard let file else { return }
            self.file = nil
            var heap = TopHeap(capacity: limit)
            let idf = idf
            // Words' lists, then prefixes' merged ones: the order of `idf`.
            let done = SearchMemory.withBuffers(file.merged[...], []) { merged in
                SearchSegment.walk(file.lists, merged: merged, mergedCeilings: file.ceilings.suffix(merged.count).map(Float.init),
                                   filters: file.filters, idf: idf, ceilings: zip(idf, file.ceilings).map(*), considering: file.considered,
                                   phrases: SearchSegment.Phrases(file.phrases, words: words), shortest: file.shortest, into: &heap)
            }
            complete = complete && done
            results += heap.sorted().map { ($0.score, $0.doc, file.segment.paper(Int32($0.doc))) }
        }
    }

    /// The file's lists for a walk outside the lock, with the segment that maps them.
    private struct FileWalk {
        let segment: SearchSegment
        let lists: [SearchSegment.List]
        let merged: [[Posting]]
        let ceilings: [Double]
        let considered: [Bool]?
        let shortest: Int
        /// Pair terms' lists every paper holding the phrases is in, and the phrases still told by positions.
        let filters: [SearchSegment.List]
        let phrases: [[String]]
    }

    /// The lists as buffers, for a loop that touches millions of postings without reference counting.
    fileprivate static func withBuffers<R>(_ lists: ArraySlice<[Posting]>, _ buffers: [UnsafeBufferPointer<Posting>],
                                       _ body: ([UnsafeBufferPointer<Posting>]) -> R) -> R {
        guard let first = lists.first else { return body(buffers) }
        return first.withUnsafeBufferPointer { withBuffers(lists.dropFirst(), buffers + [$0], body) }
    }
}
