import DailyPapersCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The search index as one file that every process maps (issue 26's shared index): each term's postings,
/// compressed, found by binary search in a sorted term table, with the term's positions in each paper beside them.
/// Pages are the OS's page cache, shared by every process on the machine; a process holds only what it touches, and
/// the kernel may drop it again.
///
/// Layout, little-endian, sections 8-byte aligned: a 104-byte header (magic, counts, the last `search_documents` id
/// the file holds, section offsets); paper ids (16 bytes each, zero-padded); doc numbers in paper-id order; the term
/// table (40 bytes a term: name offset and length, where its postings, positions and block table start, posting
/// count, highest impact); the name blob; the postings; the block tables; the positions. Every offset and count is
/// checked against the file's size when it is opened, and every read of a list against its section.
///
/// A list is blocks of 128 postings, each posting the distance from the paper before (a varint: one byte in the
/// lists of common words, which are the long ones) and the stored impact (two bytes), about 3 bytes a posting
/// against 8 uncompressed. Each block has an entry in the term's block table (16 bytes: its last paper, where its
/// postings and positions start, its highest impact), so a cursor finds the block holding a paper without reading
/// the ones before. Positions, for phrases: each posting's count and its positions (each the distance from the one
/// before, varints) in the list's order, so a phrase is checked by reading forward where the walk already is
/// instead of in each paper's term sequence, a random read into gigabytes.
///
/// Why compressed and read as runs: a search over a cold page cache at 2.5 M papers was bounded by bytes read from
/// disk (BENCHMARKS.md), most of them the long lists of common words. The mapping is advised random (a fault reads
/// its page, not the megabytes around it that a device's read-ahead may ask for), and a search asks the kernel
/// ahead for the exact runs it will read (`prefetch`): the lists it walks whole, in one sequential read each.
public final class SearchSegment: @unchecked Sendable {
    static let magic: [UInt8] = Array("DPSEG004".utf8)
    static let headerSize = 104
    static let idWidth = 16
    static let termWidth = 40
    static let blockWidth = 16
    static let blockSize = 128

    public let docCount: Int
    public let termCount: Int
    /// The last `search_documents` row the file holds: rows after it are the in-memory tail.
    let lastRowID: Int64
    private let base: UnsafeRawPointer
    private let size: Int
    private let papers: Int, order: Int, terms: Int, names: Int, postings: Int, blocks: Int, positions: Int
    private let postingBytes: Int, blockCount: Int, positionBytes: Int

    /// Maps the file read-only; a file cut short or not written by `write` is refused.
    public init(path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw StoreError("cannot open the search index file \(path)") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size >= Self.headerSize else { throw StoreError("\(path) is not a search index file") }
        let length = Int(info.st_size)
        size = length
        guard let mapped = mmap(nil, length, PROT_READ, MAP_SHARED, fd, 0), mapped != MAP_FAILED else {
            throw StoreError("cannot map the search index file \(path)")
        }
        let start = UnsafeRawPointer(mapped)
        base = start
        func u64(_ at: Int) -> Int { Int(truncatingIfNeeded: start.loadUnaligned(fromByteOffset: at, as: UInt64.self).littleEndian) }
        func u32(_ at: Int) -> Int { Int(start.loadUnaligned(fromByteOffset: at, as: UInt32.self).littleEndian) }
        let header = UnsafeRawBufferPointer(start: start, count: Self.headerSize)
        guard Array(header.prefix(8)) == Self.magic else {
            munmap(mapped, length)
            throw StoreError("\(path) is not a search index file of this version: write it again with `dailypapers reindex --search-file \(path)`")
        }
        let docs = u32(8), termTotal = u32(12), postingTotal = u64(24), blockTotal = u64(32), positionTotal = u64(40)
        let sections = (48...96).filter { $0 % 8 == 0 }.map(u64)
        // Each section must lie inside the file, with room for what the counts say (counts bounded first, so
        // no product overflows), and the last must end the file.
        guard postingTotal >= 0, postingTotal <= length, blockTotal >= 0, blockTotal <= length, positionTotal >= 0, positionTotal <= length
        else {
            munmap(mapped, length)
            throw StoreError("\(path) is cut short or damaged")
        }
        let sizes = [docs * Self.idWidth, docs * 4, termTotal * Self.termWidth, 0, postingTotal, blockTotal * Self.blockWidth, positionTotal]
        guard zip(sections, sizes).allSatisfy({ $0 >= Self.headerSize && $0 <= length && $1 <= length - $0 }),
              sections[6] + positionTotal == length else {
            munmap(mapped, length)
            throw StoreError("\(path) is cut short or damaged")
        }
        docCount = docs; termCount = termTotal; postingBytes = postingTotal; blockCount = blockTotal; positionBytes = positionTotal
        lastRowID = Int64(truncatingIfNeeded: u64(16))
        papers = sections[0]; order = sections[1]; terms = sections[2]; names = sections[3]; postings = sections[4]
        blocks = sections[5]; positions = sections[6]
        // Faults read their own page: runs worth reading ahead are asked for by `prefetch`.
        madvise(mapped, length, MADV_RANDOM)
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), size) }

    /// The paper numbered `doc` (empty for a number the file does not hold).
    func paper(_ doc: Int32) -> String {
        guard doc >= 0, Int(doc) < docCount else { return "" }
        let start = base.advanced(by: papers + Int(doc) * Self.idWidth).assumingMemoryBound(to: UInt8.self)
        let bytes = UnsafeBufferPointer(start: start, count: Self.idWidth)
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// The number of `paper`, if the file holds it.
    func doc(of paper: String) -> Int32? {
        var low = 0, high = docCount
        let key = Array(paper.utf8)
        while low < high {
            let mid = (low + high) / 2
            let doc = Int32(truncatingIfNeeded: base.loadUnaligned(fromByteOffset: order + mid * 4, as: UInt32.self).littleEndian)
            guard doc >= 0, Int(doc) < docCount else { return nil }
            let c = compare(id(doc), key)
            if c == 0 { return doc }
            if c < 0 { low = mid + 1 } else { high = mid }
        }
        return nil
    }

    private func id(_ doc: Int32) -> UnsafeBufferPointer<UInt8> {
        let start = base.advanced(by: papers + Int(doc) * Self.idWidth).assumingMemoryBound(to: UInt8.self)
        let all = UnsafeBufferPointer(start: start, count: Self.idWidth)
        return UnsafeBufferPointer(rebasing: all[..<(all.firstIndex(of: 0) ?? Self.idWidth)])
    }

    /// A term's list, if the file holds the term.
    func list(_ term: String) -> List? {
        let key = Array(term.utf8)
        var low = 0, high = termCount
        while low < high {
            let mid = (low + high) / 2
            let c = compare(name(mid), key)
            if c == 0 { return entry(mid) }
            if c < 0 { low = mid + 1 } else { high = mid }
        }
        return nil
    }

    /// The lists of every term starting with `start` (a prefix search).
    func lists(startingWith start: String) -> [List] {
        let key = Array(start.utf8)
        // The first term not before `start`, then every term on from it that starts with it (they sort together).
        var low = 0, high = termCount
        while low < high {
            let mid = (low + high) / 2
            if compare(name(mid), key) < 0 { low = mid + 1 } else { high = mid }
        }
        var out: [List] = []
        var i = low
        while i < termCount, name(i).starts(with: key) {
            if let entry = entry(i), entry.count > 0 { out.append(entry) }
            i += 1
        }
        return out
    }

    private func name(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        let at = terms + i * Self.termWidth
        let offset = Int(base.loadUnaligned(fromByteOffset: at, as: UInt32.self).littleEndian)
        let length = Int(base.loadUnaligned(fromByteOffset: at + 4, as: UInt32.self).littleEndian)
        guard names + offset + length <= size else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: base.advanced(by: names + offset).assumingMemoryBound(to: UInt8.self), count: length)
    }

    /// One term's list: where its postings, block table and positions lie in the mapping.
    struct List {
        let count: Int
        let maxImpact: Float
        /// Papers in the file: every paper number in the list is below it.
        let documents: Int
        let postings: UnsafeRawBufferPointer
        let blocks: UnsafeRawBufferPointer
        let positions: UnsafeRawBufferPointer

        /// A cursor at the list's first posting.
        func cursor() -> BlockCursor { BlockCursor(self) }

        /// Every posting, in order (what a prefix merges and "more like this" sums).
        func decoded() -> [SearchMemory.Posting] {
            var out: [SearchMemory.Posting] = []
            out.reserveCapacity(count)
            var cursor = cursor()
            defer { cursor.release() }
            while !cursor.isDone {
                out.append(SearchMemory.Posting(doc: cursor.doc, impact: cursor.impact))
                cursor.next()
            }
            return out
        }
    }

    private func entry(_ i: Int) -> List? {
        let at = terms + i * Self.termWidth
        func u64(_ offset: Int) -> Int { Int(truncatingIfNeeded: base.loadUnaligned(fromByteOffset: at + offset, as: UInt64.self).littleEndian) }
        let postingsAt = u64(8), positionsAt = u64(16), blocksAt = u64(24)
        let count = Int(base.loadUnaligned(fromByteOffset: at + 32, as: UInt32.self).littleEndian)
        let maxImpact = Float(bitPattern: base.loadUnaligned(fromByteOffset: at + 36, as: UInt32.self).littleEndian)
        // A list's runs end where the next term's begin (the last term's at its section's end).
        let next = i + 1 < termCount ? at + Self.termWidth : nil
        func following(_ offset: Int, _ total: Int) -> Int {
            next.map { Int(truncatingIfNeeded: base.loadUnaligned(fromByteOffset: $0 + offset, as: UInt64.self).littleEndian) } ?? total
        }
        let postingsEnd = following(8, postingBytes), positionsEnd = following(16, positionBytes), blocksEnd = following(24, blockCount)
        let blockTotal = (count + Self.blockSize - 1) / Self.blockSize
        guard count >= 0, postingsAt >= 0, postingsAt <= postingsEnd, postingsEnd <= postingBytes,
              positionsAt >= 0, positionsAt <= positionsEnd, positionsEnd <= positionBytes,
              blocksAt >= 0, blocksAt + blockTotal == blocksEnd, blocksEnd <= blockCount else { return nil }
        func run(_ section: Int, _ from: Int, _ to: Int) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(start: base.advanced(by: section + from), count: to - from)
        }
        return List(count: count, maxImpact: maxImpact, documents: docCount, postings: run(postings, postingsAt, postingsEnd),
                    blocks: run(blocks, blocksAt * Self.blockWidth, blocksEnd * Self.blockWidth),
                    positions: run(positions, positionsAt, positionsEnd))
    }

    /// Asks the kernel to read these runs now, as few long reads, before a walk touches them page by page.
    static func prefetch(_ run: UnsafeRawBufferPointer) {
        guard let start = run.baseAddress, run.count > 0 else { return }
        let page = 4096
        let from = Int(bitPattern: start) & ~(page - 1)
        madvise(UnsafeMutableRawPointer(bitPattern: from), Int(bitPattern: start) + run.count - from, MADV_WILLNEED)
    }

    private func compare(_ a: UnsafeBufferPointer<UInt8>, _ b: [UInt8]) -> Int {
        for i in 0..<min(a.count, b.count) where a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }
}

/// A file as the kernel knows it: device, inode, size and modification time.
struct FileIdentity: Equatable, Sendable {
    let device: UInt64, inode: UInt64, size: Int64, modified: Int, modifiedNanoseconds: Int

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev); inode = UInt64(info.st_ino); size = Int64(info.st_size)
        modified = Int(info.st_mtim.tv_sec); modifiedNanoseconds = Int(info.st_mtim.tv_nsec)
    }
}

extension SearchSegment {
    /// Writes the rows (one per paper, in `search_documents` id order: a paper's number is its place) as a segment
    /// file (`SearchSegmentWriter`: to a temporary file beside `path`, then renamed over it, so a process never maps a
    /// half-written file).
    static func write(_ rows: [SearchMemory.Row], to path: String) async throws {
        _ = try await SearchSegmentWriter.write(to: path) { after in
            Array(rows.lazy.filter { $0.id > after }.prefix(SearchSegmentWriter.page))
        }
    }
}

extension SearchSegment {
    /// The `limit` best papers holding every word (and each phrase's words side by side), best first: the same
    /// walk and scores as `SearchMemory.top`, over the file's lists.
    func top(_ words: [String], phrases: [[String]] = [], limit: Int) -> [SearchMemory.Match] {
        var found: [List] = []
        for word in words {
            guard let list = list(word), list.count > 0 else { return [] }
            found.append(list)
        }
        let idf = found.map { SearchRanking.idf(documents: docCount, containing: $0.count) }
        let plan = plan(phrases)
        guard !plan.none else { return [] }
        var heap = TopHeap(capacity: limit)
        _ = Self.walk(found, filters: plan.filters, idf: idf, ceilings: zip(idf, found.map { Double($0.maxImpact) }).map(*), considering: nil,
                      phrases: Phrases(plan.positional, words: words), shortest: found.map(\.count).min() ?? 0, into: &heap)
        return heap.sorted().map { SearchMemory.Match(paper: paper(Int32($0.doc)), score: $0.score) }
    }

    /// `SearchMemory.intersect` over the file's `lists` and, after them, prefixes' postings merged in memory
    /// (`merged`, with their highest impacts) and the lists that only filter (`filters`: pair terms, which add
    /// nothing to a score): what the walk reads asked for ahead, its cursors freed after.
    static func walk(_ lists: [List], merged: [UnsafeBufferPointer<SearchMemory.Posting>] = [], mergedCeilings: [Float] = [],
                     filters: [List] = [], idf: [Double], ceilings: [Double], considering: [Bool]?, phrases: Phrases, shortest: Int,
                     into heap: inout TopHeap) -> Bool {
        let shortest = ([shortest] + filters.map(\.count)).min() ?? shortest
        prefetch(lists + filters, shortest: shortest, phrases: phrases)
        var cursors = lists.map { $0.cursor() } + zip(merged, mergedCeilings).map { BlockCursor(merged: $0, maxImpact: $1) }
            + filters.map { $0.cursor() }
        defer { for cursor in cursors { cursor.release() } }
        let nothing = [Double](repeating: 0, count: filters.count)
        return SearchMemory.intersect(&cursors, idf: idf + nothing, ceilings: ceilings + nothing, considering: considering, into: &heap) { _, cursors in
            phrases.held(cursors)
        }
    }

    /// Asks ahead for what a walk over `lists` (and lists in memory, the shortest of all `shortest` long) will
    /// read: block tables whole; postings and a phrase word's positions whole unless the walk would seek into so
    /// few of their pages that reading those one by one is cheaper. The measure: a disk reads 64 KiB in sequence
    /// in about the time of one random page (0.1-0.15 ms against 600-900 MB/s here), and the walk lands in at
    /// most one place a paper of the shortest list.
    static func prefetch(_ lists: [List], shortest: Int, phrases: Phrases) {
        let worthReading = max(shortest, 1) * 64 * 1024
        for (i, list) in lists.enumerated() {
            prefetch(list.blocks)
            if list.postings.count <= worthReading { prefetch(list.postings) }
            if phrases.reads(list: i), list.positions.count <= worthReading { prefetch(list.positions) }
        }
    }
}

extension SearchSegment {
    /// The best papers for a plain search (its words and phrases), best first, with their scores.
    public func ranked(_ text: String, limit: Int) -> [(paper: String, score: Double)] {
        guard let query = SearchQuery(text), !query.parts.contains(where: \.prefix) else { return [] }
        let phrases = query.indexTerms
        return top(Array(Set(phrases.joined())).sorted(), phrases: phrases.filter { $0.count > 1 }, limit: limit).map { ($0.paper, $0.score) }
    }
}

extension SearchSegment {
    /// Reads up to `budget` bytes of the file into the OS page cache and returns how many it read: first what every
    /// search goes through (the paper ids each result is named by, the paper order, the term table and names), then
    /// the longest lists whole (postings, block table, positions), which are what the common words of a search read.
    /// Without it, after a start on a cold cache, each of these is read a page at a time as searches fault on it:
    /// the ids alone are a random read a result (40 MB at 2.5 M papers). The page cache is the machine's, shared by
    /// every process that maps the file, and the kernel may drop the pages again. Blocks until read: call it off the
    /// request path.
    public func preload(budget: Int) -> Int {
        // Sections were checked against the file's size when it was mapped (the names' end is the postings' start,
        // which a damaged header might put first: then none).
        func run(_ at: Int, _ count: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base.advanced(by: at), count: count) }
        var wanted = [run(papers, docCount * Self.idWidth), run(order, docCount * 4), run(terms, termCount * Self.termWidth),
                      run(names, max(0, postings - names))]
        let longest = (0..<termCount).compactMap(entry).map { (bytes: $0.postings.count + $0.blocks.count + $0.positions.count, list: $0) }
            .sorted { $0.bytes > $1.bytes }
        wanted += longest.flatMap { [$0.list.blocks, $0.list.postings, $0.list.positions] }
        var runs: [UnsafeRawBufferPointer] = [], total = 0
        for r in wanted {
            guard total + r.count <= budget else { break }
            runs.append(r)
            total += r.count
        }
        // All asked for at once, so the kernel reads them side by side; then each page touched, to wait for them.
        for r in runs { Self.prefetch(r) }
        var sum: UInt8 = 0
        for r in runs where r.count > 0 {
            for offset in stride(from: 0, to: r.count, by: 4096) { sum &+= r[offset] }
        }
        withExtendedLifetime(sum) {}
        return total
    }
}

extension PaperStore {
    /// Writes every indexed paper as a segment file (`SearchSegment`); returns how many.
    public func writeSearchSegment(to path: String) async throws -> Int {
        try await SearchSegmentWriter.write(to: path) { after in
            try await database.read { db in
                try await SearchMemory.rows("id > \(after) ORDER BY id LIMIT \(SearchSegmentWriter.page)", on: db)
            }
        }
    }

    /// Ranks from the index file at `path` and the rows written after it (followed in memory). A file that is
    /// not one, or is damaged, is refused here; one newer than the database is dropped at the first search.
    public func useSearchIndexFile(_ path: String) throws {
        database.searchMemory.use(try SearchSegment(path: path))
    }

    /// Which file is at `path` now (device, inode, size, time written), to tell when another was put in its
    /// place; nil when there is none.
    public static func searchIndexFileVersion(_ path: String) -> String? {
        FileIdentity(path: path).map { "\($0.device):\($0.inode):\($0.size):\($0.modified).\($0.modifiedNanoseconds)" }
    }

    /// Maps the search index file at `path` in place of the one in use (a new file `reindex --search-file`
    /// renamed over it); returns how many papers it holds. A damaged file is refused and the one in use kept.
    public func reloadSearchIndexFile(_ path: String) throws -> Int {
        let segment = try SearchSegment(path: path)
        database.searchMemory.use(segment)
        return segment.docCount
    }

    /// Reads up to `budget` bytes of the index file in use into the OS page cache (`SearchSegment.preload`); 0 without
    /// one. Blocks until read.
    public func preloadSearchIndexFile(budget: Int) -> Int {
        database.searchMemory.segmentInUse?.preload(budget: budget) ?? 0
    }

    /// The in-memory index's best papers for a plain search, as `SearchSegment.ranked` gives the file's.
    public func rankedFromMemory(_ text: String, limit: Int) async throws -> [(paper: String, score: Double)] {
        guard let query = SearchQuery(text), !query.parts.contains(where: \.prefix) else { return [] }
        let memory = database.searchMemory
        _ = try await database.read { db in try await memory.catchUp(on: db) }
        let phrases = query.indexTerms
        return memory.top(Array(Set(phrases.joined())).sorted(), phrases: phrases.filter { $0.count > 1 }, limit: limit).best.map { ($0.paper, $0.score) }
    }
}
