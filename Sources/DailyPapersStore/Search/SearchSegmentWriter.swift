import DailyPapersCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes a search index file (`SearchSegment`'s layout) from `search_documents` in bounded memory: what it holds
/// grows with the vocabulary and by 28 bytes a paper, not with the postings (2.7 GB at 2.5 M papers) or the text.
///
/// One pass reads the rows a page at a time, numbering terms as they first appear and writing each paper's
/// (term, impact, position mask) triples and term sequence to two scratch files beside the target; once the terms are sorted, every
/// section's place is known, the file is sized and mapped, and the postings are placed from the scratch file in
/// one sequential read (each list filled in paper order, as the rows came). Rows written after the pass began
/// (ids past the last it read) are left to the in-memory tail; the pass reads each row once, so a row deleted
/// meanwhile (a paper indexed again) cannot leave a hole.
enum SearchSegmentWriter {
    static let page = 5000
    /// Bytes gathered before a scratch file is written to.
    static let flushBytes = 8 << 20

    /// Writes the file at `path` (to `path.writing`, then renamed over it) from the rows `page` returns (those
    /// after the given id, in id order); returns how many papers it holds.
    static func write(to path: String, rows page: (Int64) async throws -> [SearchMemory.Row]) async throws -> Int {
        precondition(MemoryLayout<SearchMemory.Posting>.stride == 8 && MemoryLayout<SearchMemory.Posting>.offset(of: \.impact) == 4)
        let forwardPath = path + ".postings.scratch", sequencesPath = path + ".sequences.scratch", temporary = path + ".writing"
        defer { unlink(forwardPath); unlink(sequencesPath) }
        let forward = try Scratch(path: forwardPath), sequences = try Scratch(path: sequencesPath)

        // The pass: terms numbered as they first appear.
        var number: [String: Int32] = [:]
        var names: [String] = []
        var counts: [Int] = []
        var maxImpact: [Float] = []
        func numbered(_ term: String) -> Int32 {
            if let n = number[term] { return n }
            let n = Int32(names.count)
            number[term] = n
            names.append(term)
            counts.append(0)
            maxImpact.append(0)
            return n
        }
        var ids: [UInt8] = []
        var pairsPerDoc: [UInt32] = []
        var sequenceStarts: [UInt64] = [0]
        var lastRowID: Int64 = 0
        var after: Int64 = 0
        while true {
            let rows = try await page(after)
            guard let last = rows.last else { break }
            for row in rows {
                var id = Array(row.paper.utf8.prefix(SearchSegment.idWidth))
                id += [UInt8](repeating: 0, count: SearchSegment.idWidth - id.count)
                ids += id
                // The sequence by number, then each term's weighted count from the fields it stands in.
                var length: UInt64 = 0, field = 0
                var weighted: [Int32: Double] = [:], masks: [Int32: UInt32] = [:], distinct: [Int32] = []
                SearchIndex.forEachWord(in: row.sequence) { word in
                    let position = length
                    length += 1
                    guard word != "|" else { sequences.append(UInt32(bitPattern: -1)); field += 1; return }
                    let n = numbered(word)
                    sequences.append(UInt32(bitPattern: n))
                    if weighted[n] == nil { distinct.append(n) }
                    weighted[n, default: 0] += SearchIndex.fieldWeight(field)
                    masks[n, default: 0] |= SearchSegment.positionBit(Int(position))
                }
                sequenceStarts.append(sequenceStarts[sequenceStarts.count - 1] + length)
                for n in distinct {
                    let impact = Float(SearchRanking.impact(weightedCount: weighted[n]!, length: row.length))
                    counts[Int(n)] += 1
                    if impact > maxImpact[Int(n)] { maxImpact[Int(n)] = impact }
                    forward.append(UInt32(bitPattern: n))
                    forward.append(impact.bitPattern)
                    forward.append(masks[n]!)
                }
                pairsPerDoc.append(UInt32(distinct.count))
                lastRowID = max(lastRowID, row.id)
            }
            try forward.flushIfFull()
            try sequences.flushIfFull()
            after = last.id
        }
        try forward.close()
        try sequences.close()

        // Sorted terms, and every section's place.
        let docCount = pairsPerDoc.count
        let order = names.indices.sorted { names[$0].utf8.lexicographicallyPrecedes(names[$1].utf8) }
        var sortedPosition = [Int32](repeating: 0, count: names.count)
        for (position, term) in order.enumerated() { sortedPosition[term] = Int32(position) }
        var firstPosting = [Int](repeating: 0, count: names.count)
        var postingTotal = 0
        for term in order { firstPosting[term] = postingTotal; postingTotal += counts[term] }
        let nameBytes = names.reduce(0) { $0 + $1.utf8.count }
        let positionTotal = Int(sequenceStarts[sequenceStarts.count - 1])
        func aligned(_ n: Int) -> Int { (n + 7) / 8 * 8 }
        let papersAt = SearchSegment.headerSize
        let orderAt = aligned(papersAt + docCount * SearchSegment.idWidth)
        let termsAt = aligned(orderAt + docCount * 4)
        let namesAt = termsAt + names.count * 24
        let postingsAt = aligned(namesAt + nameBytes)
        let masksAt = postingsAt + postingTotal * 8
        let sequenceIndexAt = aligned(masksAt + postingTotal * 4)
        let sequencesAt = sequenceIndexAt + (docCount + 1) * 8
        let size = sequencesAt + positionTotal * 4

        let out = try MappedOutput(path: temporary, size: size)
        defer { out.unmap() }
        out.bytes(at: 0, SearchSegment.magic)
        out.u32(at: 8, UInt32(docCount)); out.u32(at: 12, UInt32(names.count))
        out.u64(at: 16, UInt64(bitPattern: lastRowID))
        out.u64(at: 24, UInt64(postingTotal)); out.u64(at: 32, UInt64(positionTotal))
        for (i, offset) in [papersAt, orderAt, termsAt, namesAt, postingsAt, masksAt, sequenceIndexAt, sequencesAt].enumerated() {
            out.u64(at: 40 + i * 8, UInt64(offset))
        }
        out.bytes(at: papersAt, ids)
        let byID = (0..<docCount).sorted { a, b in
            ids[(a * SearchSegment.idWidth)..<((a + 1) * SearchSegment.idWidth)]
                .lexicographicallyPrecedes(ids[(b * SearchSegment.idWidth)..<((b + 1) * SearchSegment.idWidth)])
        }
        for (i, doc) in byID.enumerated() { out.u32(at: orderAt + i * 4, UInt32(doc)) }
        var nameOffset = 0
        for (i, term) in order.enumerated() {
            let at = termsAt + i * 24
            let utf8 = Array(names[term].utf8)
            out.u32(at: at, UInt32(nameOffset)); out.u32(at: at + 4, UInt32(utf8.count))
            out.u64(at: at + 8, UInt64(firstPosting[term])); out.u32(at: at + 16, UInt32(counts[term]))
            out.u32(at: at + 20, maxImpact[term].bitPattern)
            out.bytes(at: namesAt + nameOffset, utf8)
            nameOffset += utf8.count
        }
        for (i, start) in sequenceStarts.enumerated() { out.u64(at: sequenceIndexAt + i * 8, start) }
        // Sequences, renumbered to the sorted terms.
        var position = 0
        try Scratch.read(sequencesPath) { word in
            let n = Int32(bitPattern: word)
            out.u32(at: sequencesAt + position * 4, UInt32(bitPattern: n < 0 ? -1 : sortedPosition[Int(n)]))
            position += 1
        }
        // Postings and their position masks, each list filled in paper order from the papers' (term, impact, mask)s.
        var filled = [Int](repeating: 0, count: names.count)
        var doc = 0, left = pairsPerDoc.first ?? 0, term: UInt32 = 0, impact: UInt32 = 0, held = 0
        while doc < docCount, left == 0 { doc += 1; left = doc < docCount ? pairsPerDoc[doc] : 0 }
        try Scratch.read(forwardPath) { word in
            switch held {
            case 0: term = word; held = 1; return
            case 1: impact = word; held = 2; return
            default: held = 0
            }
            let t = Int(Int32(bitPattern: term))
            let index = firstPosting[t] + filled[t]
            filled[t] += 1
            out.u32(at: postingsAt + index * 8, UInt32(doc)); out.u32(at: postingsAt + index * 8 + 4, impact)
            out.u32(at: masksAt + index * 4, word)
            left -= 1
            while doc < docCount, left == 0 { doc += 1; left = doc < docCount ? pairsPerDoc[doc] : 0 }
        }
        try out.finish()
        guard rename(temporary, path) == 0 else { throw StoreError("cannot put the search index file in place at \(path)") }
        return docCount
    }
}

/// A scratch file of 32-bit words, written through a buffer and read back in order.
private final class Scratch {
    let handle: FileHandle
    private var buffer: [UInt8] = []

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw StoreError("cannot write the scratch file \(path)")
        }
        self.handle = handle
        buffer.reserveCapacity(SearchSegmentWriter.flushBytes + 4096)
    }

    func append(_ word: UInt32) { withUnsafeBytes(of: word.littleEndian) { buffer.append(contentsOf: $0) } }

    func flushIfFull() throws { if buffer.count >= SearchSegmentWriter.flushBytes { try flush() } }

    func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        try flush()
        try handle.close()
    }

    /// Calls `body` with each word of the file at `path`, in order.
    static func read(_ path: String, _ body: (UInt32) -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw StoreError("cannot read the scratch file \(path)") }
        defer { try? handle.close() }
        while let data = try handle.read(upToCount: SearchSegmentWriter.flushBytes), !data.isEmpty {
            data.withUnsafeBytes { raw in
                for i in 0..<(raw.count / 4) { body(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))) }
            }
        }
    }
}

/// The file being written, sized beforehand and mapped for writing: sections are filled in place and the kernel
/// writes the pages back, so the postings never sit in the process's own memory.
private final class MappedOutput {
    let fd: Int32
    let size: Int
    let base: UnsafeMutableRawPointer

    init(path: String, size: Int) throws {
        fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw StoreError("cannot write the search index file \(path)") }
        guard ftruncate(fd, off_t(size)) == 0, let mapped = mmap(nil, max(size, 1), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0),
              mapped != MAP_FAILED else {
            Glibc.close(fd)
            throw StoreError("cannot size or map the search index file \(path) (\(size) bytes)")
        }
        self.size = size
        base = mapped
    }

    func u32(at offset: Int, _ value: UInt32) { base.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt32.self) }
    func u64(at offset: Int, _ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { base.advanced(by: offset).copyMemory(from: $0.baseAddress!, byteCount: 8) }
    }
    func bytes(at offset: Int, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { if let from = $0.baseAddress { base.advanced(by: offset).copyMemory(from: from, byteCount: $0.count) } }
    }

    /// Writes the pages to disk (the file is renamed into place only then).
    func finish() throws {
        guard msync(base, max(size, 1), MS_SYNC) == 0 else { throw StoreError("cannot write the search index file to disk") }
    }

    func unmap() {
        munmap(base, max(size, 1))
        Glibc.close(fd)
    }
}
