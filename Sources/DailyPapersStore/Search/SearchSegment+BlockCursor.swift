import DailyPapersCore

extension SearchSegment {
    /// A cursor over one list of the file: decodes a block of 128 postings at a time into its own buffers, finds
    /// the block holding a paper in the list's block table (galloping from the current one), and reads the
    /// positions of the posting it stands on for phrases. Every read stays inside the list's runs, so a damaged
    /// list ends early or answers wrongly, never reads outside the mapping.
    final class BlockCursor: PostingCursor {
        let count: Int
        private let documents: Int
        private let postings: UnsafeRawBufferPointer
        private let table: UnsafeRawBufferPointer
        private let positionRun: UnsafeRawBufferPointer
        private let blockTotal: Int
        private let docs: UnsafeMutablePointer<Int32>
        private let impacts: UnsafeMutablePointer<Float>
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
            blockTotal = list.blocks.count / SearchSegment.blockWidth
            docs = .allocate(capacity: SearchSegment.blockSize)
            impacts = .allocate(capacity: SearchSegment.blockSize)
            if count == 0 || !load(0) { isDone = true }
        }

        deinit {
            docs.deallocate()
            impacts.deallocate()
        }

        var doc: Int32 { docs[at] }
        var impact: Float { impacts[at] }

        func next() {
            at += 1
            if at < filled { return }
            if !load(block + 1) { isDone = true }
        }

        func seek(to target: Int32) {
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
            // In this block: halving over what is left of it.
            var low = at, high = filled - 1
            while low < high {
                let mid = (low + high) / 2
                if docs[mid] < target { low = mid + 1 } else { high = mid }
            }
            at = low
        }

        private func lastDoc(_ block: Int) -> Int32 {
            Int32(bitPattern: table.loadUnaligned(fromByteOffset: block * SearchSegment.blockWidth, as: UInt32.self).littleEndian)
        }

        private func tableWord(_ block: Int, _ offset: Int) -> Int {
            Int(table.loadUnaligned(fromByteOffset: block * SearchSegment.blockWidth + offset, as: UInt32.self).littleEndian)
        }

        /// Decodes block `b`; false past the last block or when its bytes are not what the table says.
        private func load(_ b: Int) -> Bool {
            guard b < blockTotal else { return false }
            let n = min(SearchSegment.blockSize, count - b * SearchSegment.blockSize)
            var p = tableWord(b, 4)
            let end = b + 1 < blockTotal ? tableWord(b + 1, 4) : postings.count
            guard n > 0, p <= end, end <= postings.count else { return false }
            var previous = b == 0 ? Int32(-1) : lastDoc(b - 1)
            guard previous >= -1, Int(previous) < documents else { return false }
            var i = 0
            while i < n {
                // Papers rise and stay below the file's count; a list that says otherwise is damaged and ends here.
                guard let delta = Varint.read(postings, at: &p, end: end), p + 2 <= end, delta > 0,
                      delta < UInt64(documents), Int(previous) + Int(delta) < documents else { break }
                previous += Int32(delta)
                docs[i] = previous
                impacts[i] = Float(UInt16(littleEndian: postings.loadUnaligned(fromByteOffset: p, as: UInt16.self))) * step
                p += 2
                i += 1
            }
            guard i > 0 else { return false }
            block = b
            filled = i
            at = 0
            return true
        }

        /// The positions of the term in the paper at the cursor, in order, into `out` (emptied first).
        func positions(into out: inout [Int32]) {
            out.removeAll(keepingCapacity: true)
            let ordinal = block * SearchSegment.blockSize + at
            if positionOrdinal < block * SearchSegment.blockSize || positionOrdinal > ordinal {
                positionOrdinal = block * SearchSegment.blockSize
                positionByte = tableWord(block, 8)
            }
            let end = positionRun.count
            while positionOrdinal < ordinal {
                guard let n = Varint.read(positionRun, at: &positionByte, end: end) else { return }
                for _ in 0..<min(n, UInt64(end)) { guard Varint.read(positionRun, at: &positionByte, end: end) != nil else { return } }
                positionOrdinal += 1
            }
            var p = positionByte
            guard let n = Varint.read(positionRun, at: &p, end: end) else { return }
            var position: Int64 = -1
            for k in 0..<min(n, UInt64(end)) {
                guard let delta = Varint.read(positionRun, at: &p, end: end) else { return }
                position = k == 0 ? Int64(delta) : position + Int64(delta)
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

    static func append(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 { out.append(UInt8(v & 0x7f) | 0x80); v >>= 7 }
        out.append(UInt8(v))
    }
}

extension SearchSegment {
    /// A cursor over one of the lists a search walks in the file: a word's own list, or a prefix's terms' lists
    /// merged in memory.
    enum FileCursor: PositionedCursor {
        case list(BlockCursor)
        case merged(MergedCursor)

        var count: Int { switch self { case .list(let c): c.count; case .merged(let c): c.cursor.count } }
        var isDone: Bool { switch self { case .list(let c): c.isDone; case .merged(let c): c.cursor.isDone } }
        var doc: Int32 { switch self { case .list(let c): c.doc; case .merged(let c): c.cursor.doc } }
        var impact: Float { switch self { case .list(let c): c.impact; case .merged(let c): c.cursor.impact } }
        func next() { switch self { case .list(let c): c.next(); case .merged(let c): c.cursor.next() } }
        func seek(to doc: Int32) { switch self { case .list(let c): c.seek(to: doc); case .merged(let c): c.cursor.seek(to: doc) } }

        /// A merged list holds no positions (no phrase word is a prefix).
        func positions(into out: inout [Int32]) {
            switch self {
            case .list(let c): c.positions(into: &out)
            case .merged: out.removeAll()
            }
        }
    }

    /// A prefix's merged postings, copied into a buffer this object owns for the walk (a cursor may not keep an
    /// array's buffer past the closure that lent it).
    final class MergedCursor {
        private let storage: UnsafeMutableBufferPointer<SearchMemory.Posting>
        var cursor: ArrayCursor

        init(_ postings: [SearchMemory.Posting]) {
            storage = .allocate(capacity: postings.count)
            _ = storage.initialize(from: postings)
            cursor = ArrayCursor(UnsafeBufferPointer(storage))
        }

        deinit { storage.deallocate() }
    }
}
