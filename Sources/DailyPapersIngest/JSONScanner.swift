/// Reads JSON text in place, value by value, for record shapes known in advance (a metadata dump's flat lines):
/// the caller asks for the value it expects at each key, and unknown values are skipped. `JSONDecoder` built a
/// tree and a `Decodable` value of every line, a sixth of a bulk import's reading; this makes only the strings the
/// record keeps. Strict where it reads (strings, escapes, UTF-8, brackets and literals), bounded in nesting.
struct JSONScanner {
    struct Failure: Error {
        let message: String
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private(set) var position = 0
    /// How deep a skipped value may nest: deeper text is refused, not walked.
    static let maxDepth = 256

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var atEnd: Bool { position >= bytes.count }

    private func fail(_ what: String) -> Failure { Failure(message: "not valid JSON (\(what) at byte \(position + 1))") }

    mutating func skipSpace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    /// The next byte after white space, not consumed.
    mutating func peek() -> UInt8? {
        skipSpace()
        return position < bytes.count ? bytes[position] : nil
    }

    mutating func expect(_ byte: UInt8) throws(Failure) {
        guard peek() == byte else { throw fail("expected '\(Character(Unicode.Scalar(byte)))'") }
        position += 1
    }

    /// Calls `body` with each key of an object, positioned at its value; `body` must read or skip the value.
    mutating func forEachMember(_ body: (inout JSONScanner, UnsafeBufferPointer<UInt8>) throws(Failure) -> Void) throws(Failure) {
        try expect(0x7B)
        if peek() == 0x7D { position += 1; return }
        while true {
            guard peek() == 0x22 else { throw fail("expected a key") }
            let key = try rawString()
            try expect(0x3A)
            try body(&self, key)
            switch peek() {
            case 0x2C: position += 1
            case 0x7D: position += 1; return
            default: throw fail("expected ',' or '}'")
            }
        }
    }

    /// Calls `body` with the scanner at each element of an array.
    mutating func forEachElement(_ body: (inout JSONScanner) throws(Failure) -> Void) throws(Failure) {
        try expect(0x5B)
        if peek() == 0x5D { position += 1; return }
        while true {
            try body(&self)
            switch peek() {
            case 0x2C: position += 1
            case 0x5D: position += 1; return
            default: throw fail("expected ',' or ']'")
            }
        }
    }

    /// Whether the next value is `null` (consumed if so).
    mutating func null() throws(Failure) -> Bool {
        guard peek() == 0x6E else { return false }
        try literal("null")
        return true
    }

    /// A string, or nil for `null`; another kind of value is refused, naming `key`.
    mutating func optionalString(_ key: String) throws(Failure) -> String? {
        if try null() { return nil }
        guard peek() == 0x22 else { throw Failure(message: "\"\(key)\" is not a string") }
        return try string()
    }

    /// A string value.
    mutating func string() throws(Failure) -> String {
        let raw = try rawString()
        // Without a backslash the raw bytes are the text; with one, escapes are decoded.
        if !raw.contains(0x5C) {
            guard let text = String(validating: raw, as: UTF8.self) else { throw fail("not UTF-8") }
            return text
        }
        return try unescaped(raw)
    }

    /// A string's bytes between its quotes, escapes left in (only checked to end where they should).
    private mutating func rawString() throws(Failure) -> UnsafeBufferPointer<UInt8> {
        guard peek() == 0x22 else { throw fail("expected a string") }
        position += 1
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte == 0x22 {
                position += 1
                return UnsafeBufferPointer(rebasing: bytes[start..<(position - 1)])
            }
            if byte == 0x5C { position += 2; continue }
            if byte < 0x20 { throw fail("a control character in a string") }
            position += 1
        }
        throw fail("an unterminated string")
    }

    private func unescaped(_ raw: UnsafeBufferPointer<UInt8>) throws(Failure) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        func hex(_ at: Int) throws(Failure) -> UInt32 {
            guard at + 4 <= raw.count else { throw Failure(message: "not valid JSON (a short \\u escape)") }
            var value: UInt32 = 0
            for byte in raw[at..<(at + 4)] {
                let digit: UInt8
                switch byte {
                case 0x30...0x39: digit = byte - 0x30
                case 0x41...0x46: digit = byte - 0x41 + 10
                case 0x61...0x66: digit = byte - 0x61 + 10
                default: throw Failure(message: "not valid JSON (a \\u escape that is not hexadecimal)")
                }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
        while i < raw.count {
            let byte = raw[i]
            guard byte == 0x5C else { out.append(byte); i += 1; continue }
            guard i + 1 < raw.count else { throw Failure(message: "not valid JSON (an escape at a string's end)") }
            switch raw[i + 1] {
            case 0x22: out.append(0x22)
            case 0x5C: out.append(0x5C)
            case 0x2F: out.append(0x2F)
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                var scalar = try hex(i + 2)
                i += 6
                if scalar >= 0xD800, scalar < 0xDC00 {
                    // A high surrogate takes the low one that must follow.
                    guard i + 1 < raw.count, raw[i] == 0x5C, raw[i + 1] == 0x75 else {
                        throw Failure(message: "not valid JSON (a lone surrogate in a \\u escape)")
                    }
                    let low = try hex(i + 2)
                    guard low >= 0xDC00, low < 0xE000 else { throw Failure(message: "not valid JSON (a lone surrogate in a \\u escape)") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                } else if scalar >= 0xDC00, scalar < 0xE000 {
                    throw Failure(message: "not valid JSON (a lone surrogate in a \\u escape)")
                }
                out.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
                continue
            default: throw Failure(message: "not valid JSON (an unknown escape)")
            }
            i += 2
        }
        guard let text = String(validating: out, as: UTF8.self) else { throw Failure(message: "not valid JSON (not UTF-8)") }
        return text
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard position + expected.count <= bytes.count, bytes[position..<(position + expected.count)].elementsEqual(expected) else {
            throw fail("an unknown literal")
        }
        position += expected.count
    }

    /// Skips one value of any kind, its brackets matched, at most `maxDepth` deep.
    mutating func skipValue() throws(Failure) {
        var closers: [UInt8] = []
        repeat {
            switch peek() {
            case 0x22?: _ = try rawString()
            case 0x7B?, 0x5B?:
                guard closers.count < Self.maxDepth else { throw fail("nesting deeper than \(Self.maxDepth)") }
                closers.append(bytes[position] == 0x7B ? 0x7D : 0x5D)
                position += 1
            case 0x7D?, 0x5D?:
                guard closers.last == bytes[position] else { throw fail("a bracket that closes nothing") }
                closers.removeLast()
                position += 1
            case 0x2C?, 0x3A?:
                guard !closers.isEmpty else { throw fail("a stray separator") }
                position += 1
            case 0x74?: try literal("true")
            case 0x66?: try literal("false")
            case 0x6E?: try literal("null")
            case let byte? where byte == 0x2D || (byte >= 0x30 && byte <= 0x39):
                while position < bytes.count {
                    let c = bytes[position]
                    guard (c >= 0x30 && c <= 0x39) || c == 0x2B || c == 0x2D || c == 0x2E || c == 0x45 || c == 0x65 else { break }
                    position += 1
                }
            case nil: throw fail("the text ends inside a value")
            default: throw fail("an unexpected character")
            }
        } while !closers.isEmpty
    }
}
