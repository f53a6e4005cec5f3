import DailyPapersCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes a search index file (`SearchSegment`'s layout) from `search_documents` in bounded memory: what it holds
/// grows with the vocabulary and by 20 bytes a paper, not with the postings or the text.
///
/// One pass reads the rows a page at a time, numbering terms as they first appear and writing each paper's
/// (term, impact, positions) records to a scratch file beside the target, while counting each list's postings and
/// the bytes its compressed postings and positions will take (a posting's size depends only on the paper before it
/// in the same list, which the pass knows). Once the terms are sorted, every list's place is known, the file is
/// sized and mapped, and the lists are filled from the scratch file in one sequential read (each in paper order, as
/// the rows came). Rows written after the pass began (ids past the last it read) are left to the in-memory tail; the
/// pass reads each row once, so a row deleted meanwhile (a paper indexed again) cannot leave a hole.
enum SearchSegmentWriter {
    static let page = 5000
    /// Bytes gathered before a scratch file is written to.
    static let flushBytes = 8 << 20

    /// Writes the file at `path` (to `path.writing`, then renamed over it) from the rows `page` returns (those
    /// after the given id, in id order); returns how many papers it holds.
    static func write(to path: String, rows page: (Int64) async throws -> [SearchMemory.Row]) async throws -> Int {
        let forwardPath = path + ".postings.scratch", temporary = path + ".writing"
        defer { unlink(forwardPath) }
        let common = try await commonTerms(rows: page)
        let forward = try Scratch(path: forwardPath)

        // The pass: terms numbered as they first appear, each list's size counted.
        var number: [String: Int32] = [:]
        var names: [String] = []
        var counts: [Int] = [], maxImpact: [UInt16] = [], postingBytes: [Int] = [], positionBytes: [Int] = [], lastDoc: [Int32] = []
        // A paper's weighted count of each term by number while it is read (zero otherwise), and its (term, position)
        // pairs as term << 32 | position.
        var weighted: [Double] = [], pairs: [UInt64] = []
        // Whether each term is common; the pair terms by their words' numbers (first << 32 | second); a paper's terms
        // by position (-1 between fields) and its pair terms.
        var isCommon: [Bool] = [], pairNumber: [UInt64: Int32] = [:], termAt: [Int32] = [], paperPairs: [Int32] = []
        func added(_ name: String, common: Bool) -> Int32 {
            let n = Int32(names.count)
            names.append(name)
            counts.append(0); maxImpact.append(0); postingBytes.append(0); positionBytes.append(0); lastDoc.append(-1)
            weighted.append(0); isCommon.append(common)
            return n
        }
        func numbered(_ term: String) -> Int32 {
            if let n = number[term] { return n }
            let n = added(term, common: common.contains(term))
            number[term] = n
            return n
        }
        var ids: [UInt8] = []
        var lastRowID: Int64 = 0
        var after: Int64 = 0
        var docCount = 0
        while true {
            let rows = try await page(after)
            guard let last = rows.last else { break }
            for row in rows {
                var id = Array(row.paper.utf8.prefix(SearchSegment.idWidth))
                id += [UInt8](repeating: 0, count: SearchSegment.idWidth - id.count)
                ids += id
                let doc = Int32(docCount)
                docCount += 1
                // Each term's weighted count from the fields it stands in, and its positions (a position between
                // fields, so no phrase spans two): (term, position) pairs sorted by term, counts in a table by term.
                var position: Int32 = 0, field = 0
                pairs.removeAll(keepingCapacity: true)
                termAt.removeAll(keepingCapacity: true)
                SearchIndex.forEachWord(in: row.sequence) { word in
                    defer { position += 1 }
                    guard word != "|" else { field += 1; termAt.append(-1); return }
                    let n = numbered(word)
                    termAt.append(n)
                    weighted[Int(n)] += SearchIndex.fieldWeight(field)
                    pairs.append(UInt64(UInt32(bitPattern: n)) << 32 | UInt64(UInt32(bitPattern: position)))
                }
                // Two common words side by side (in one field) make a pair term: a posting for the paper alone (no impact,
                // no positions).
                paperPairs.removeAll(keepingCapacity: true)
                if termAt.count > 1 {
                    for p in 1..<termAt.count {
                        let a = termAt[p - 1], b = termAt[p]
                        guard a >= 0, b >= 0, isCommon[Int(a)], isCommon[Int(b)] else { continue }
                        let key = UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))
                        if let n = pairNumber[key] { paperPairs.append(n); continue }
                        let n = added(SearchSegment.pairTerm(names[Int(a)], names[Int(b)]), common: false)
                        pairNumber[key] = n
                        paperPairs.append(n)
                    }
                }
                paperPairs.sort()
                var previousPair: Int32 = -1
                for t in paperPairs where t != previousPair {
                    previousPair = t
                    counts[Int(t)] += 1
                    postingBytes[Int(t)] += Varint.size(UInt64(doc - lastDoc[Int(t)]))
                    lastDoc[Int(t)] = doc
                    forward.append(UInt32(t)); forward.append(0); forward.append(0); forward.append(0)
                }
                pairs.sort()
                var i = 0
                while i < pairs.count {
                    let t = Int(pairs[i] >> 32)
                    var end = i + 1
                    while end < pairs.count, Int(pairs[end] >> 32) == t { end += 1 }
                    let impact = SearchRanking.storedImpact(SearchRanking.impact(weightedCount: weighted[t], length: row.length))
                    weighted[t] = 0
                    counts[t] += 1
                    maxImpact[t] = max(maxImpact[t], impact)
                    postingBytes[t] += Varint.size(UInt64(doc - lastDoc[t])) + 2
                    lastDoc[t] = doc
                    // The positions' bytes (a varint of each from the one before), after their length.
                    var bytes = 0, before: Int32 = 0
                    for k in i..<end {
                        let p = Int32(truncatingIfNeeded: pairs[k])
                        bytes += Varint.size(UInt64(k == i ? p : p - before))
                        before = p
                    }
                    positionBytes[t] += Varint.size(UInt64(bytes)) + bytes
                    forward.append(UInt32(t))
                    forward.append(UInt32(impact))
                    forward.append(UInt32(end - i))
                    forward.append(UInt32(bytes))
                    for k in i..<end { forward.append(UInt32(truncatingIfNeeded: pairs[k])) }
                    i = end
                }
                forward.append(UInt32.max)  // the paper's end
                lastRowID = max(lastRowID, row.id)
            }
            try forward.flushIfFull()
            after = last.id
        }
        try forward.close()
        // The common words that stand in the file, each marked by an empty list: a search knows from the marks that a
        // pair of them missing from the file stands side by side in none of its papers.
        for term in names.indices where isCommon[term] && counts[term] > 0 { _ = added(SearchSegment.commonMark(names[term]), common: false) }

        // Sorted terms, and every list's place.
        let order = names.indices.sorted { names[$0].utf8.lexicographicallyPrecedes(names[$1].utf8) }
        var postingsOf = [Int](repeating: 0, count: names.count), positionsOf = postingsOf, blocksOf = postingsOf
        var postingTotal = 0, positionTotal = 0, blockTotal = 0
        for term in order {
            postingsOf[term] = postingTotal; positionsOf[term] = positionTotal; blocksOf[term] = blockTotal
            guard postingBytes[term] < Int(UInt32.max), positionBytes[term] < Int(UInt32.max) else {
                throw StoreError("the term \(names[term]) holds more than 4 GB of postings or positions, more than an index file takes")
            }
            postingTotal += postingBytes[term]; positionTotal += positionBytes[term]
            blockTotal += (counts[term] + SearchSegment.blockSize - 1) / SearchSegment.blockSize
        }
        let nameBytes = names.reduce(0) { $0 + $1.utf8.count }
        func aligned(_ n: Int) -> Int { (n + 7) / 8 * 8 }
        let papersAt = SearchSegment.headerSize
        let orderAt = aligned(papersAt + docCount * SearchSegment.idWidth)
        let termsAt = aligned(orderAt + docCount * 4)
        let namesAt = termsAt + names.count * SearchSegment.termWidth
        let postingsAt = aligned(namesAt + nameBytes)
        let blocksAt = aligned(postingsAt + postingTotal)
        let positionsAt = aligned(blocksAt + blockTotal * SearchSegment.blockWidth)
        let size = positionsAt + positionTotal

        let out = try MappedOutput(path: temporary, size: size)
        defer { out.unmap() }
        out.bytes(at: 0, SearchSegment.magic)
        out.u32(at: 8, UInt32(docCount)); out.u32(at: 12, UInt32(names.count))
        out.u64(at: 16, UInt64(bitPattern: lastRowID))
        out.u64(at: 24, UInt64(postingTotal)); out.u64(at: 32, UInt64(blockTotal)); out.u64(at: 40, UInt64(positionTotal))
        for (i, offset) in [papersAt, orderAt, termsAt, namesAt, postingsAt, blocksAt, positionsAt].enumerated() {
            out.u64(at: 48 + i * 8, UInt64(offset))
        }
        out.bytes(at: papersAt, ids)
        let byID = (0..<docCount).sorted { a, b in
            ids[(a * SearchSegment.idWidth)..<((a + 1) * SearchSegment.idWidth)]
                .lexicographicallyPrecedes(ids[(b * SearchSegment.idWidth)..<((b + 1) * SearchSegment.idWidth)])
        }
        for (i, doc) in byID.enumerated() { out.u32(at: orderAt + i * 4, UInt32(doc)) }
        var nameOffset = 0
        for (i, term) in order.enumerated() {
            let at = termsAt + i * SearchSegment.termWidth
            let utf8 = Array(names[term].utf8)
            out.u32(at: at, UInt32(nameOffset)); out.u32(at: at + 4, UInt32(utf8.count))
            out.u64(at: at + 8, UInt64(postingsOf[term])); out.u64(at: at + 16, UInt64(positionsOf[term]))
            out.u64(at: at + 24, UInt64(blocksOf[term])); out.u32(at: at + 32, UInt32(counts[term]))
            out.u32(at: at + 36, SearchRanking.impact(stored: maxImpact[term]).bitPattern)
            out.bytes(at: namesAt + nameOffset, utf8)
            nameOffset += utf8.count
        }
        // The lists, each filled in paper order from the papers' records: a block's table entry is begun at its
        // first posting and its last paper and highest impact kept as it fills.
        var postingAt = postingsOf.map { postingsAt + $0 }, positionAt = positionsOf.map { positionsAt + $0 }
        var filled = [Int](repeating: 0, count: names.count)
        var previous = [Int32](repeating: -1, count: names.count)
        var doc: Int32 = 0, term = 0, impact: UInt16 = 0, left = 0, state = 0, position: Int32 = 0
        try Scratch.read(forwardPath) { word in
            switch state {
            case 0:
                if word == UInt32.max { doc += 1; return }
                term = Int(word); state = 1
            case 1:
                impact = UInt16(truncatingIfNeeded: word); state = 2
            case 2:
                left = Int(word)
                state = 3
            case 3:
                let k = filled[term]
                let entry = blocksAt + (blocksOf[term] + k / SearchSegment.blockSize) * SearchSegment.blockWidth
                if k % SearchSegment.blockSize == 0 {
                    out.u32(at: entry + 4, UInt32(postingAt[term] - postingsAt - postingsOf[term]))
                    out.u32(at: entry + 8, UInt32(positionAt[term] - positionsAt - positionsOf[term]))
                    out.u32(at: entry + 12, 0)
                }
                out.u32(at: entry, UInt32(bitPattern: doc))
                if SearchRanking.impact(stored: impact) > out.f32(at: entry + 12) { out.u32(at: entry + 12, SearchRanking.impact(stored: impact).bitPattern) }
                filled[term] = k + 1
                out.varint(UInt64(doc - previous[term]), at: &postingAt[term])
                previous[term] = doc
                // A list whose highest impact is zero (a pair term's) is papers alone: a reader knows it by that zero.
                guard maxImpact[term] > 0 else { state = left > 0 ? 4 : 0; return }
                out.u16(at: postingAt[term], impact)
                postingAt[term] += 2
                out.varint(UInt64(word), at: &positionAt[term])
                position = 0
                state = left > 0 ? 4 : 0
            default:
                let p = Int32(bitPattern: word)
                if maxImpact[term] > 0 { out.varint(UInt64(p - position), at: &positionAt[term]) }
                position = p
                left -= 1
                if left == 0 { state = 0 }
            }
        }
        try out.finish()
        guard rename(temporary, path) == 0 else { throw StoreError("cannot put the search index file in place at \(path)") }
        return docCount
    }

    /// Papers read to tell the common words, and the share of them a word must be in to be one. At 1% the pairs made
    /// the file 2.4 times as large at 75 k papers (179 MB against 76 MB), at 5% 1.3 times, at 10% 1.15 times: a phrase
    /// with a word in fewer than a tenth of the papers intersects a short list and reads few positions anyway.
    static let commonSample = 20_000
    static let commonShare = 0.1

    /// The words in at least `commonShare` of the first `commonSample` papers (all of them for fewer, in at least one):
    /// the words whose lists are long, and whose phrases the file answers from pair terms instead of positions.
    static func commonTerms(rows page: (Int64) async throws -> [SearchMemory.Row]) async throws -> Set<String> {
        var containing: [String: Int] = [:], seen = Set<String>(), papers = 0, after: Int64 = 0
        while papers < commonSample {
            let rows = try await page(after)
            guard let last = rows.last else { break }
            for row in rows where papers < commonSample {
                papers += 1
                seen.removeAll(keepingCapacity: true)
                SearchIndex.forEachWord(in: row.sequence) { word in
                    if word != "|", seen.insert(word).inserted { containing[word, default: 0] += 1 }
                }
            }
            after = last.id
        }
        let least = max(1, Int(Double(papers) * commonShare))
        return Set(containing.filter { $0.value >= least }.keys)
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
    func u16(at offset: Int, _ value: UInt16) { base.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt16.self) }
    func f32(at offset: Int) -> Float { Float(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))) }
    func varint(_ value: UInt64, at offset: inout Int) {
        var v = value
        while v >= 0x80 { base.storeBytes(of: UInt8(v & 0x7f) | 0x80, toByteOffset: offset, as: UInt8.self); v >>= 7; offset += 1 }
        base.storeBytes(of: UInt8(v), toByteOffset: offset, as: UInt8.self)
        offset += 1
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
