import DailyPapersCore

extension SearchSegment {
    /// A cursor over one list of the file: decodes a block of 128 postings at a time into its own buffers, finds
    /// the block holding a paper in the list's block table (galloping from the current one), and reads the
    /// positions of the posting it stands on for phrases. Every read stays inside the list's runs, so a damaged
    /// list ends early or answers wrongly, never reads outside the mapping. A prefix's lists merged in memory are
    /// read through the same cursor, a block of 128 at a time from the merged array (`merged`).
    ///
    /// A struct of pointers and numbers, so a walk's array of cursors is read and moved in place without reference
    /// counting (a class here cost a third of a common word's walk); its buffers are freed by `release`.
    struct BlockCursor: PositionedCursor {
        let count: Int
        private let documents: Int
        private let postings: UnsafeRawBufferPointer
        private let table: UnsafeRawBufferPointer
        private let positionRun: UnsafeRawBufferPointer
        private let merged: UnsafeBufferPointer<SearchMemory.Posting>?
        private let mergedCeiling: Float
        private let blockTotal: Int
        /// A pair term's list: papers alone, no impacts or positions (its highest impact is zero).
        private let papersOnly: Bool
        /// 128 paper numbers, then 128 impacts.
        private let buffer: UnsafeMutableRawPointer
        private var block = -1
        /// Postings decoded in the current block, and the cursor's place among them.
        private var filled = 0
        private var at = 0
        /// The posting whose positions start at `positionByte` (read forward from the block's first).
        private var positionOrdinal = -1
        private var positionByte = 0
        private(set) var isDone = false
        private let step = SearchRanking.impactStep

        init(_ list: List) {
            count = list.count
            documents = list.documents
            postings = list.postings
            table = list.blocks
            positionRun = list.positions
            merged = nil
            mergedCeiling = 0
            blockTotal = list.blocks.count / SearchSegment.blockWidth
            papersOnly = list.maxImpact == 0
            buffer = .allocate(byteCount: SearchSegment.blockSize * 8, alignment: 8)
            if count == 0 || !load(0) { isDone = true }
        }

        /// A cursor over postings in memory (a prefix's merged lists), which must outlive it.
        init(merged list: UnsafeBufferPointer<SearchMemory.Posting>, maxImpact: Float) {
            count = list.count
            documents = Int(Int32.max)
            postings = UnsafeRawBufferPointer(start: nil, count: 0)
            table = postings
            positionRun = postings
            merged = list
            mergedCeiling = maxImpact
            blockTotal = (list.count + SearchSegment.blockSize - 1) / SearchSegment.blockSize
            papersOnly = false
            buffer = .allocate(byteCount: SearchSegment.blockSize * 8, alignment: 8)
            if count == 0 || !load(0) { isDone = true }
        }

        /// Frees the buffers; the cursor is not used again.
        func release() { buffer.deallocate() }

        private var docs: UnsafeMutablePointer<Int32> { buffer.assumingMemoryBound(to: Int32.self) }
        private var impacts: UnsafeMutablePointer<Float> { (buffer + SearchSegment.blockSize * 4).assumingMemoryBound(to: Float.self) }

        var doc: Int32 { docs[at] }
        var impact: Float { impacts[at] }

        /// The highest impact in the current block (the list's, for merged postings).
        var blockCeiling: Float {
            merged != nil ? mergedCeiling
                : Float(bitPattern: table.loadUnaligned(fromByteOffset: block * SearchSegment.blockWidth + 12, as: UInt32.self).littleEndian)
        }

        mutating func next() {
            at += 1
            if at < filled { return }
            if !load(block + 1) { isDone = true }
        }

        mutating func nextBlock() {
            if !load(block + 1) { isDone = true }
        }

        mutating func seek(to target: Int32) {
            if isDone || docs[at] >= target { return }
            if docs[filled - 1] < target {
                // Not in this block: the first later block whose last paper is not before `target`.
                var low = block + 1
                guard low < blockTotal else { isDone = true; return }
                var step = 1
                while low + step < blockTotal, lastDoc(low + step) < target { low += step; step *= 2 }
                var high = min(low + step, blockTotal)
                while low < high {
                    let mid = (low + high) / 2
                    if lastDoc(mid) < target { low = mid + 1 } else { high = mid }
                }
                guard low < blockTotal, load(low) else { isDone = true; return }
                if docs[filled - 1] < target { isDone = true; return }
            }
            // In this block: the next few (a walk against a list about as long), then halving over the rest.
            var low = at
            let near = min(at + 8, filled - 1)
            while low < near, docs[low] < target { low += 1 }
            if docs[low] >= target { at = low; return }
            var high = filled - 1
            while low < high {
                let mid = (low + high) / 2
                if docs[mid] < target { low = mid + 1 } else { high = mid }
            }
            at = low
        }

        private func lastDoc(_ block: Int) -> Int32 {
            if let merged { return merged[min((block + 1) * SearchSegment.blockSize, merged.count) - 1].doc }
            return Int32(bitPattern: table.loadUnaligned(fromByteOffset: block * SearchSegment.blockWidth, as: UInt32.self).littleEndian)
        }

        private func tableWord(_ block: Int, _ offset: Int) -> Int {
            Int(table.loadUnaligned(fromByteOffset: block * SearchSegment.blockWidth + offset, as: UInt32.self).littleEndian)
        }

        /// Decodes block `b`; false past the last block or when its bytes are not what the table says.
        private mutating func load(_ b: Int) -> Bool {
            guard b < blockTotal else { return false }
            let n = min(SearchSegment.blockSize, count - b * SearchSegment.blockSize)
            guard n > 0 else { return false }
            if let merged {
                for i in 0..<n {
                    docs[i] = merged[b * SearchSegment.blockSize + i].doc
                    impacts[i] = merged[b * SearchSegment.blockSize + i].impact
                }
                block = b; filled = n; at = 0
                return true
            }
            var p = tableWord(b, 4)
            let end = b + 1 < blockTotal ? tableWord(b + 1, 4) : postings.count
            guard p <= end, end <= postings.count, let bytes = postings.baseAddress else { return false }
            var previous = b == 0 ? Int32(-1) : lastDoc(b - 1)
            guard previous >= -1, Int(previous) < documents else { return false }
            let limit = Int32(truncatingIfNeeded: min(documents, Int(Int32.max)))
            var i = 0
            while i < n {
                // A gap is one byte in the long lists; longer ones go the general way.
                var delta: UInt64
                if p < end, bytes.load(fromByteOffset: p, as: UInt8.self) < 0x80 {
                    delta = UInt64(bytes.load(fromByteOffset: p, as: UInt8.self))
                    p += 1
                } else {
                    guard let read = Varint.read(postings, at: &p, end: end) else { break }
                    delta = read
                }
                // Papers rise and stay below the file's count; a list that says otherwise is damaged and ends here.
                guard p + (papersOnly ? 0 : 2) <= end, delta > 0, delta < UInt64(limit), previous < limit &- Int32(delta) else { break }
                previous += Int32(delta)
                docs[i] = previous
                if papersOnly {
                    impacts[i] = 0
                } else {
                    impacts[i] = Float(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: p, as: UInt16.self))) * step
                    p += 2
                }
                i += 1
            }
            guard i > 0 else { return false }
            block = b
            filled = i
            at = 0
            return true
        }

        /// The positions of the term in the paper at the cursor, in order, into `out` (emptied first; none for
        /// merged postings).
        mutating func positions(into out: inout [Int32]) {
            out.removeAll(keepingCapacity: true)
            guard merged == nil, !papersOnly else { return }
            let ordinal = block * SearchSegment.blockSize + at
            if positionOrdinal < block * SearchSegment.blockSize || positionOrdinal > ordinal {
                positionOrdinal = block * SearchSegment.blockSize
                positionByte = tableWord(block, 8)
            }
            // Each posting's positions follow their length in bytes: the ones before are stepped over, not read.
            let end = positionRun.count
            while positionOrdinal < ordinal {
                guard let length = Varint.read(positionRun, at: &positionByte, end: end), length <= UInt64(end - positionByte) else { return }
                positionByte += Int(length)
                positionOrdinal += 1
            }
            var p = positionByte
            guard let length = Varint.read(positionRun, at: &p, end: end), length <= UInt64(end - p) else { return }
            let stop = p + Int(length)
            var position: Int64 = -1
            while p < stop {
                guard let delta = Varint.read(positionRun, at: &p, end: stop) else { return }
                position = position < 0 ? Int64(delta) : position + Int64(delta)
                out.append(Int32(truncatingIfNeeded: position))
            }
        }
    }
}

/// Unsigned LEB128 varints: seven bits a byte, low first, the high bit set on every byte but the last.
enum Varint {
    /// The varint at `at` (moved past it), or nil if it runs past `end` or past ten bytes.
    @inline(__always)
    static func read(_ bytes: UnsafeRawBufferPointer, at: inout Int, end: Int) -> UInt64? {
        var value: UInt64 = 0, shift: UInt64 = 0
        while at < end, shift < 64 {
            let byte = bytes[at]
            at += 1
            value |= UInt64(byte & 0x7f) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        return nil
    }

    static func size(_ value: UInt64) -> Int {
        var v = value, n = 1
        while v >= 0x80 { v >>= 7; n += 1 }
        return n
    }
}

