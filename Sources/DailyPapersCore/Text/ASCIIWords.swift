/// The words of an ASCII text as both the search index and keywords take them: runs of letters and digits,
/// lower-cased. Most titles and abstracts are ASCII (99.7% of the corpus's); texts with other characters keep
/// the Unicode-aware paths (`SearchTokenizer`, `Terms.addCharacters`), which read the same words here.
///
/// A text is copied lower-cased into a buffer the caller keeps, then walked with `next` in a plain loop: the
/// callers' work per word then needs no closure (closures that change the caller's state cost an exclusivity
/// check per word).
public enum ASCIIWords {
    /// Replaces `buffer`'s contents with `text` lower-cased; false, leaving it empty, when the text is not all ASCII.
    public static func lowercased(_ text: String, into buffer: inout [UInt8]) -> Bool {
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: text.utf8)
        let ascii = buffer.withUnsafeMutableBufferPointer { bytes -> Bool in
            for i in bytes.indices {
                let byte = bytes[i]
                if byte >= 0x80 { return false }
                if byte >= 0x41 && byte <= 0x5A { bytes[i] = byte | 0x20 }
            }
            return true
        }
        if !ascii { buffer.removeAll(keepingCapacity: true) }
        return ascii
    }

    /// The next word of a lower-cased ASCII text at or after `position`, and whether a clause ended between the
    /// previous word and it (one of `. , ; : ( ) ? !`); `position` moves past it. Nil at the end.
    @inline(__always)
    public static func next(in text: UnsafeBufferPointer<UInt8>, from position: inout Int) -> (range: Range<Int>, afterClauseBreak: Bool)? {
        var i = position, clauseBreak = false
        while i < text.count, !isWordByte(text[i]) {
            if endsClause(text[i]) { clauseBreak = true }
            i += 1
        }
        guard i < text.count else { position = i; return nil }
        let start = i
        while i < text.count, isWordByte(text[i]) { i += 1 }
        position = i
        return (start..<i, clauseBreak)
    }

    @inline(__always)
    static func isWordByte(_ byte: UInt8) -> Bool { (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) }

    /// Whether a character ends a clause: a keyword's two-word phrase never spans one.
    @inline(__always)
    public static func endsClause(_ byte: UInt8?) -> Bool {
        switch byte {
        case UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: "("), UInt8(ascii: ")"),
             UInt8(ascii: "?"), UInt8(ascii: "!"): return true
        default: return false
        }
    }
}
