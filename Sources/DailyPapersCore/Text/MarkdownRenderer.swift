/// Renders a comment's bytes (blocks in CommentMarkdown.swift); here the inline spans of a line: `` `code` ``,
/// `[label](url)`, bare URLs, `**strong**`, `*em*` and `_em_`, in time linear in the length whatever it holds.
///
/// Why it is built this way: a renderer that looks ahead for each opening marker ("is there a `]` later?
/// a closing `*`?") rescans the rest of the line at every marker, so a comment of 10,000 `[` took seconds.
/// Here one backward pass over the bytes records, for every position, where the next delimiter of each
/// kind is; each look-ahead is then one array read, and a link's URL is checked once per closing bracket.
/// All delimiters are ASCII, so slicing the UTF-8 bytes at them never splits a character.
struct MarkdownRenderer {
    let b: [UInt8]
    /// The delimiters looked ahead for.
    enum Delimiter: Int, CaseIterable {
        case backtick, closeBracket, closeParen, doubleStar
        /// A `*` not preceded by a space (it may close emphasis).
        case starCloser
        /// A `_` not preceded by a space nor followed by a letter or digit (snake_case stays as typed).
        case underscoreCloser
    }
    /// For each delimiter kind k and position i, at `k * (b.count + 1) + i`: the first index >= i holding that
    /// delimiter, or `b.count`. One array, filled in one backward pass.
    private var nextTable: [Int32] = []
    /// Links are tried in increasing position, so the `[`s sharing one `]` come together: the last answer is
    /// the only one worth keeping.
    private var lastLinkTarget: (closeLabel: Int, target: (url: Range<Int>, close: Int)?)?
    var out: [UInt8] = []

    /// Nesting of emphasis inside emphasis stops here; deeper markers show as typed.
    static let maximumNesting = 8

    init(_ text: String) {
        b = Array(text.utf8)
        out.reserveCapacity(b.count + b.count / 4 + 16)
        buildTables()
    }

    mutating func render() -> String {
        blocks(lines()[...], depth: 0)
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func buildTables() {
        let n = b.count, stride = n + 1
        let kinds = Delimiter.allCases.count
        nextTable = [Int32](unsafeUninitializedCapacity: kinds * stride) { table, count in
            let none = Int32(n)
            var tick = none, bracket = none, paren = none, double = none, star = none, underscore = none
            for k in 0..<kinds { table[k * stride + n] = none }
            b.withUnsafeBufferPointer { b in
                var i = n - 1
                while i >= 0 {
                    let c = b[i]
                    switch c {
                    case UInt8(ascii: "`"): tick = Int32(i)
                    case UInt8(ascii: "]"): bracket = Int32(i)
                    case UInt8(ascii: ")"): paren = Int32(i)
                    case UInt8(ascii: "*"):
                        if i + 1 < n, b[i + 1] == UInt8(ascii: "*") { double = Int32(i) }
                        if i > 0, b[i - 1] != UInt8(ascii: " ") { star = Int32(i) }
                    case UInt8(ascii: "_"):
                        if i > 0, b[i - 1] != UInt8(ascii: " "), !Self.isWordCharacter(b, startingAt: i + 1) { underscore = Int32(i) }
                    default: break
                    }
                    table[i] = tick
                    table[stride + i] = bracket
                    table[2 * stride + i] = paren
                    table[3 * stride + i] = double
                    table[4 * stride + i] = star
                    table[5 * stride + i] = underscore
                    i -= 1
                }
            }
            count = kinds * stride
        }
    }

    private func next(_ kind: Delimiter, from i: Int) -> Int {
        i <= b.count ? Int(nextTable[kind.rawValue * (b.count + 1) + i]) : b.count
    }

    mutating func span(_ range: Range<Int>, links: Bool, nesting: Int) {
        let hi = range.upperBound
        var i = range.lowerBound
        while i < hi {
            let c = b[i]
            if !Self.mayStartSpan(c) {
                let start = i
                i += 1
                while i < hi, !Self.mayStartSpan(b[i]) { i += 1 }
                copy(start..<i)
                continue
            }
            switch c {
            case UInt8(ascii: "`"):
                let close = next(.backtick, from: i + 1)
                if close < hi {
                    append("<code>"); escape(i + 1..<close); append("</code>")
                    i = close + 1
                    continue
                }
            case UInt8(ascii: "[") where links:
                if let (label, url, end) = link(at: i, before: hi) {
                    openAnchor(url)
                    span(label, links: false, nesting: nesting)
                    append("</a>")
                    i = end
                    continue
                }
            case UInt8(ascii: "h") where links:
                if isWordStart(i, range.lowerBound), let end = bareURL(at: i, before: hi) {
                    openAnchor(i..<end)
                    escape(i..<end)
                    append("</a>")
                    i = end
                    continue
                }
            case UInt8(ascii: "*"), UInt8(ascii: "_"):
                guard nesting < Self.maximumNesting else { break }
                if c == UInt8(ascii: "*"), i + 1 < hi, b[i + 1] == UInt8(ascii: "*") {
                    let close = next(.doubleStar, from: i + 2)
                    if close + 1 < hi, close > i + 2 {
                        append("<strong>"); span(i + 2..<close, links: links, nesting: nesting + 1); append("</strong>")
                        i = close + 2
                        continue
                    }
                }
                if isWordStart(i, range.lowerBound), let close = emphasisEnd(at: i, marker: c, before: hi) {
                    append("<em>"); span(i + 1..<close, links: links, nesting: nesting + 1); append("</em>")
                    i = close + 1
                    continue
                }
            default: break
            }
            escape(i..<i + 1)
            i += 1
        }
    }

    /// The closing marker of `*em*` / `_em_`: not right after the opening, not after a space.
    private func emphasisEnd(at i: Int, marker: UInt8, before hi: Int) -> Int? {
        guard i + 1 < hi, b[i + 1] != UInt8(ascii: " "), b[i + 1] != marker else { return nil }
        var close = next(marker == UInt8(ascii: "*") ? .starCloser : .underscoreCloser, from: i + 2)
        // A `_` ending the span closes even when the line goes on with a letter past the span's end.
        if marker == UInt8(ascii: "_"), hi - 1 >= i + 2, b[hi - 1] == marker, b[hi - 2] != UInt8(ascii: " ") { close = min(close, hi - 1) }
        return close < hi ? close : nil
    }

    /// `[label](url)` with an allowed scheme: the label's range, the URL's range and the index after `)`.
    private mutating func link(at i: Int, before hi: Int) -> (Range<Int>, Range<Int>, Int)? {
        let closeLabel = next(.closeBracket, from: i)
        guard closeLabel < hi, closeLabel > i + 1 else { return nil }
        let target: (url: Range<Int>, close: Int)?
        if let last = lastLinkTarget, last.closeLabel == closeLabel { target = last.target } else {
            target = linkTarget(after: closeLabel)
            lastLinkTarget = (closeLabel, target)
        }
        guard let target, target.close < hi else { return nil }
        return (i + 1..<closeLabel, target.url, target.close + 1)
    }

    /// `(url)` right after a label's `]`, the URL trimmed of spaces and with an allowed scheme.
    private func linkTarget(after closeLabel: Int) -> (url: Range<Int>, close: Int)? {
        let open = closeLabel + 1
        guard open < b.count, b[open] == UInt8(ascii: "(") else { return nil }
        let close = next(.closeParen, from: open)
        guard close < b.count else { return nil }
        var start = open + 1, end = close
        while start < end, b[start] == UInt8(ascii: " ") || b[start] == UInt8(ascii: "\t") { start += 1 }
        while end > start, b[end - 1] == UInt8(ascii: " ") || b[end - 1] == UInt8(ascii: "\t") { end -= 1 }
        guard hasAllowedScheme(start..<end), !b[start..<end].contains(where: Self.endsURL) else { return nil }
        // Non-ASCII white space (U+00A0 and the like) cannot be in a URL either.
        guard !String(decoding: b[start..<end], as: UTF8.self).contains(where: \.isWhitespace) else { return nil }
        return (start..<end, close)
    }

    /// A bare `http://` or `https://` URL at `i`, without the sentence's trailing punctuation: its end.
    private func bareURL(at i: Int, before hi: Int) -> Int? {
        guard startsWith("http://", at: i, before: hi) || startsWith("https://", at: i, before: hi) else { return nil }
        var end = i
        while end < hi, !Self.endsURL(b[end]) { end += 1 }
        while end > i, ".,;:!?)'".utf8.contains(b[end - 1]) { end -= 1 }
        return end - i > "https://".utf8.count ? end : nil
    }

    private static func endsURL(_ c: UInt8) -> Bool {
        c == 32 || (9...13).contains(c) || c == UInt8(ascii: "<") || c == UInt8(ascii: ">") || c == UInt8(ascii: "\"")
    }

    private func hasAllowedScheme(_ r: Range<Int>) -> Bool {
        ["https://", "http://", "mailto:"].contains { scheme in
            r.count >= scheme.utf8.count && zip(b[r.lowerBound...], scheme.utf8).allSatisfy { typed, wanted in
                (typed >= UInt8(ascii: "A") && typed <= UInt8(ascii: "Z") ? typed | 0x20 : typed) == wanted
            }
        }
    }

    private func startsWith(_ s: StaticString, at i: Int, before hi: Int) -> Bool {
        let n = s.utf8CodeUnitCount
        guard hi - i >= n else { return false }
        for k in 0..<n where b[i + k] != s.utf8Start[k] { return false }
        return true
    }

    private func isWordStart(_ i: Int, _ lo: Int) -> Bool {
        guard i > lo else { return true }
        var start = i - 1
        while start > 0, b[start] & 0xC0 == 0x80, i - start < 4 { start -= 1 }
        return !isWordCharacter(startingAt: start)
    }

    /// Whether the character starting at byte `i` is a letter or a digit (false past the end).
    private func isWordCharacter(startingAt i: Int) -> Bool {
        b.withUnsafeBufferPointer { Self.isWordCharacter($0, startingAt: i) }
    }

    private static func isWordCharacter(_ b: UnsafeBufferPointer<UInt8>, startingAt i: Int) -> Bool {
        guard i < b.count else { return false }
        let c = b[i]
        if c < 0x80 { return (c | 0x20 >= UInt8(ascii: "a") && c | 0x20 <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) }
        // The scalar, decoded by hand from its 2 to 4 bytes (the text came from a String: it is valid UTF-8).
        let length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2
        guard i + length <= b.count else { return false }
        var value = UInt32(c) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        for k in 1..<length { value = value << 6 | UInt32(b[i + k] & 0x3F) }
        guard let scalar = Unicode.Scalar(value) else { return false }
        return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    private mutating func openAnchor(_ url: Range<Int>) {
        append("<a href=\"")
        escape(url)
        append("\" rel=\"" + CommentMarkdown.linkRel + "\">")
    }

    mutating func append(_ s: String) { out.append(contentsOf: s.utf8) }

    /// Copies `r` escaped: runs of ordinary bytes in one append, the five special ones as entities.
    mutating func escape(_ r: Range<Int>) {
        var run = r.lowerBound
        for i in r {
            let c = b[i]
            guard Self.needsEscape(c) else { continue }
            copy(run..<i)
            switch c {
            case UInt8(ascii: "<"): append("&lt;")
            case UInt8(ascii: ">"): append("&gt;")
            case UInt8(ascii: "&"): append("&amp;")
            case UInt8(ascii: "\""): append("&quot;")
            default: append("&#39;")
            }
            run = i + 1
        }
        copy(run..<r.upperBound)
    }

    /// Bytes of the source copied as they are, in one go.
    @inline(__always) mutating func copy(_ r: Range<Int>) {
        guard !r.isEmpty else { return }
        if r.count == 1 { out.append(b[r.lowerBound]); return }
        b.withUnsafeBufferPointer { source in out.append(contentsOf: UnsafeBufferPointer(rebasing: source[r])) }
    }

    @inline(__always) static func needsEscape(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"), UInt8(ascii: "\""), UInt8(ascii: "'"): true
        default: false
        }
    }
    /// Bytes that may start an inline span (or need escaping): every other byte is copied in a run.
    @inline(__always) static func mayStartSpan(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "`"), UInt8(ascii: "["), UInt8(ascii: "h"), UInt8(ascii: "*"), UInt8(ascii: "_"): true
        default: needsEscape(c)
        }
    }
}
