import Foundation

/// Byte strings numbered 0, 1, 2... in the order they are first seen: the words of many texts counted by number
/// instead of as `String` keys. A bulk import spent a third of its time hashing strings (Swift's `Hasher` is
/// SipHash, and each word was made a `String`, hashed and compared several times); here a word is hashed once
/// from the bytes in place (FNV-1a), looked up by open addressing and compared with `memcmp`, and its bytes are
/// kept once, end to end.
public struct ByteTable: Sendable {
    private struct Entry {
        let start: Int
        let length: Int32
        let hash: UInt32
    }

    private var bytes: [UInt8] = []
    private var entries: [Entry] = []
    /// Open addressing: a number, or -1 for an empty slot; the size is a power of two at least twice `count`.
    private var slots: [Int32]

    public init() { slots = [Int32](repeating: -1, count: 1024) }

    public var count: Int { entries.count }
    /// Bytes the table holds (its keys, the slots and the bookkeeping), for bounding its memory.
    public var footprint: Int { bytes.count + entries.count * 16 + slots.count * 4 }

    /// The number of these bytes, given the next free one if they are new.
    public mutating func number(_ key: UnsafeBufferPointer<UInt8>) -> (number: Int32, new: Bool) {
        let hash = Self.hash(key)
        let (found, slot) = probe(key, hash: hash)
        if let found { return (found, false) }
        let number = Int32(entries.count)
        entries.append(Entry(start: bytes.count, length: Int32(key.count), hash: hash))
        bytes.append(contentsOf: key)
        slots[slot] = number
        if entries.count * 2 > slots.count { grow() }
        return (number, true)
    }

    public mutating func number(_ key: String) -> Int32 {
        var key = key
        return key.withUTF8 { number($0).number }
    }

    /// The number of these bytes if the table has them.
    public func find(_ key: UnsafeBufferPointer<UInt8>) -> Int32? { probe(key, hash: Self.hash(key)).found }

    /// The key's number if it is there, else the empty slot where it would go.
    @inline(__always)
    private func probe(_ key: UnsafeBufferPointer<UInt8>, hash: UInt32) -> (found: Int32?, slot: Int) {
        slots.withUnsafeBufferPointer { slots in
            entries.withUnsafeBufferPointer { entries in
                bytes.withUnsafeBufferPointer { bytes in
                    let mask = slots.count - 1
                    var slot = Int(hash) & mask
                    while true {
                        let n = slots[slot]
                        if n < 0 { return (nil, slot) }
                        let entry = entries[Int(n)]
                        if entry.hash == hash, Int(entry.length) == key.count,
                           key.isEmpty || memcmp(bytes.baseAddress! + entry.start, key.baseAddress!, key.count) == 0 {
                            return (n, slot)
                        }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }
    }

    /// Calls `body` with the bytes of a number.
    @inline(__always)
    public func withBytes<R>(_ number: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let entry = entries[Int(number)]
        return bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[entry.start..<entry.start + Int(entry.length)])) }
    }

    /// Appends the bytes of a number to `out`.
    @inline(__always)
    public func append(_ number: Int32, to out: inout [UInt8]) {
        let entry = entries[Int(number)]
        bytes.withUnsafeBufferPointer { out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[entry.start..<entry.start + Int(entry.length)])) }
    }

    public func string(_ number: Int32) -> String { withBytes(number) { String(decoding: $0, as: UTF8.self) } }

    /// Whether the bytes of `a` sort before those of `b` (byte order, which is code point order, as `String`'s `<`
    /// for text in its usual composed form).
    public func precedes(_ a: Int32, _ b: Int32) -> Bool {
        let x = entries[Int(a)], y = entries[Int(b)]
        let n = Int(min(x.length, y.length))
        let c = n == 0 ? 0 : bytes.withUnsafeBufferPointer { memcmp($0.baseAddress! + x.start, $0.baseAddress! + y.start, n) }
        return c != 0 ? c < 0 : x.length < y.length
    }

    private mutating func grow() {
        var larger = [Int32](repeating: -1, count: slots.count * 2)
        let mask = larger.count - 1
        for (number, entry) in entries.enumerated() {
            var slot = Int(entry.hash) & mask
            while larger[slot] >= 0 { slot = (slot + 1) & mask }
            larger[slot] = Int32(number)
        }
        slots = larger
    }

    /// FNV-1a, 32 bits, then a final mix so that the low bits (the slot) depend on every byte.
    @inline(__always)
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var h: UInt32 = 2_166_136_261
        for byte in key { h = (h ^ UInt32(byte)) &* 16_777_619 }
        h ^= h >> 15
        h = h &* 0x2C1B_3C6D
        h ^= h >> 12
        return h
    }
}
