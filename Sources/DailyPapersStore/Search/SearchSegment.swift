import DailyPapersCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The search index as one file that every process maps (issue 26's shared index, first part): the papers'
/// postings (the same 8-byte `Posting` the in-memory index walks), each term's list found by binary search in a
/// sorted term table, and each paper's term sequence for phrases. Pages are the OS's page cache, shared by every
/// process on the machine; a process holds only what it touches, and the kernel may drop it again.
///
/// Layout, little-endian, sections 8-byte aligned: a 104-byte header (magic, counts, the last `search_documents` id
/// the file holds, section offsets); paper ids (16 bytes each, zero-padded); doc numbers in paper-id order; the term
/// table (24 bytes a term: name offset and length in the name blob, first posting, posting count, highest impact); the
/// name blob; the postings; each posting's position mask (4 bytes, in the postings' order); each paper's first
/// sequence position (docCount + 1 of them); the sequences (term numbers, -1 between fields). Every offset and count
/// is checked against the file's size when it is opened.
///
/// Why position masks: a phrase of common words ("multi-adapter representation": its words in 30-40% of papers, the
/// phrase in a handful) has tens of thousands of papers holding every word, and reading each one's sequence to look
/// for the phrase is a random read into gigabytes, slow from a cold disk. A posting's mask has bit p mod 32 set for
/// each position p of its term in the paper, so words side by side show as the masks lined up after rotating each by
/// its place in the phrase; only a paper whose masks line up has its sequence read. The masks sit beside the postings
/// the walk already reads, and a search without a phrase never touches them.
public final class SearchSegment: @unchecked Sendable {
    static let magic: [UInt8] = Array("DPSEG002".utf8)
    static let headerSize = 104
    static let idWidth = 16

    public let docCount: Int
    public let termCount: Int
    /// The last `search_documents` row the file holds: rows after it are the in-memory tail.
    let lastRowID: Int64
    private let base: UnsafeRawPointer
    private let size: Int
    private let papers: Int, order: Int, terms: Int, names: Int, postings: Int, masks: Int, sequenceIndex: Int, sequences: Int
    private let postingCount: Int, positionCount: Int

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
        let docs = u32(8), termTotal = u32(12), postingTotal = u64(24), positionTotal = u64(32)
        let sections = (40...96).filter { $0 % 8 == 0 }.map(u64)
        // Each section must lie inside the file, with room for what the counts say (counts bounded first, so
        // no product overflows).
        let sizes = [docs * Self.idWidth, docs * 4, termTotal * 24, 0, postingTotal * 8, postingTotal * 4, (docs + 1) * 8, positionTotal * 4]
        guard postingTotal >= 0, postingTotal <= length, positionTotal >= 0, positionTotal <= length,
              zip(sections, sizes).allSatisfy({ $0 >= Self.headerSize && $0 % 4 == 0 && $0 <= length && $1 <= length - $0 }) else {
            munmap(mapped, length)
            throw StoreError("\(path) is cut short or damaged")
        }
        docCount = docs; termCount = termTotal; postingCount = postingTotal; positionCount = positionTotal
        lastRowID = Int64(truncatingIfNeeded: u64(16))
        papers = sections[0]; order = sections[1]; terms = sections[2]; names = sections[3]; postings = sections[4]
        masks = sections[5]; sequenceIndex = sections[6]; sequences = sections[7]
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

    /// A term's number and list (papers in doc order with the term's impact), the list's position masks, and its
    /// highest impact.
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

    /// The lists of every term starting with `start` (a prefix search), with their highest impacts.
    func lists(startingWith start: String) -> [(postings: UnsafeBufferPointer<SearchMemory.Posting>, maxImpact: Float)] {
        let key = Array(start.utf8)
        // The first term not before `start`, then every term on from it that starts with it (they sort together).
        var low = 0, high = termCount
        while low < high {
            let mid = (low + high) / 2
            if compare(name(mid), key) < 0 { low = mid + 1 } else { high = mid }
        }
        var out: [(postings: UnsafeBufferPointer<SearchMemory.Posting>, maxImpact: Float)] = []
        var i = low
        while i < termCount, name(i).starts(with: key) {
            if let entry = entry(i), entry.postings.count > 0 { out.append((entry.postings, entry.maxImpact)) }
            i += 1
        }
        return out
    }

    private func name(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        let at = terms + i * 24
        let offset = Int(base.loadUnaligned(fromByteOffset: at, as: UInt32.self).littleEndian)
        let length = Int(base.loadUnaligned(fromByteOffset: at + 4, as: UInt32.self).littleEndian)
        guard names + offset + length <= size else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: base.advanced(by: names + offset).assumingMemoryBound(to: UInt8.self), count: length)
    }

    struct List {
        let number: Int32
        let postings: UnsafeBufferPointer<SearchMemory.Posting>
        let masks: UnsafeBufferPointer<UInt32>
        let maxImpact: Float
    }

    private func entry(_ i: Int) -> List? {
        let at = terms + i * 24
        let first = Int(truncatingIfNeeded: base.loadUnaligned(fromByteOffset: at + 8, as: UInt64.self).littleEndian)
        let count = Int(base.loadUnaligned(fromByteOffset: at + 16, as: UInt32.self).littleEndian)
        let maxImpact = Float(bitPattern: base.loadUnaligned(fromByteOffset: at + 20, as: UInt32.self).littleEndian)
        guard first >= 0, count >= 0, first + count <= postingCount else { return nil }
        let start = base.advanced(by: postings + first * 8).assumingMemoryBound(to: SearchMemory.Posting.self)
        let maskStart = base.advanced(by: masks + first * 4).assumingMemoryBound(to: UInt32.self)
        return List(number: Int32(i), postings: UnsafeBufferPointer(start: start, count: count),
                    masks: UnsafeBufferPointer(start: maskStart, count: count), maxImpact: maxImpact)
    }

    /// The paper's terms in order as term numbers, -1 between fields.
    func sequence(_ doc: Int32) -> UnsafeBufferPointer<Int32> {
        guard doc >= 0, Int(doc) < docCount else { return UnsafeBufferPointer(start: nil, count: 0) }
        let at = sequenceIndex + Int(doc) * 8
        let start = Int(truncatingIfNeeded: base.loadUnaligned(fromByteOffset: at, as: UInt64.self).littleEndian)
        let end = Int(truncatingIfNeeded: base.loadUnaligned(fromByteOffset: at + 8, as: UInt64.self).littleEndian)
        guard start >= 0, start <= end, end <= positionCount else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: base.advanced(by: sequences + start * 4).assumingMemoryBound(to: Int32.self), count: end - start)
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
    /// walk and scores as `SearchMemory.top`, over the mapped lists.
    func top(_ words: [String], phrases: [[String]] = [], limit: Int) -> [SearchMemory.Match] {
        var lists: [UnsafeBufferPointer<SearchMemory.Posting>] = [], masks: [UnsafeBufferPointer<UInt32>] = []
        var ceilings: [Double] = []
        for word in words {
            guard let list = list(word), list.postings.count > 0 else { return [] }
            lists.append(list.postings)
            masks.append(list.masks)
            ceilings.append(Double(list.maxImpact))
        }
        let idf = lists.map { SearchRanking.idf(documents: docCount, containing: $0.count) }
        let phrases = Phrases(phrases, words: words, in: self)
        var heap = TopHeap(capacity: limit)
        _ = SearchMemory.intersect(lists, idf: idf, ceilings: zip(idf, ceilings).map(*), considering: nil, into: &heap) { doc, cursors in
            phrases.held(by: doc, cursors: cursors, masks: masks, in: self)
        }
        return heap.sorted().map { SearchMemory.Match(paper: paper(Int32($0.doc)), score: $0.score) }
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

    /// The in-memory index's best papers for a plain search, as `SearchSegment.ranked` gives the file's.
    public func rankedFromMemory(_ text: String, limit: Int) async throws -> [(paper: String, score: Double)] {
        guard let query = SearchQuery(text), !query.parts.contains(where: \.prefix) else { return [] }
        let memory = database.searchMemory
        _ = try await database.read { db in try await memory.catchUp(on: db) }
        let phrases = query.indexTerms
        return memory.top(Array(Set(phrases.joined())).sorted(), phrases: phrases.filter { $0.count > 1 }, limit: limit).best.map { ($0.paper, $0.score) }
    }
}
