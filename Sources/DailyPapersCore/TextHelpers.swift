/// Text shaping shared by pages, Markdown and feeds.
public enum TextHelpers {
    /// Joins hard-wrapped lines and collapses runs of whitespace: arXiv abstracts come wrapped at ~80 columns.
    public static func unwrap(_ text: String) -> String {
        var text = text
        return text.withUTF8(unwrapASCII) ?? unwrapCharacters(text)
    }

    /// `unwrap` Character by Character, for any text.
    static func unwrapCharacters(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for ch in text {
            if ch.isWhitespace {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" ") }
                pendingSpace = false
                out.append(ch)
            }
        }
        return out
    }

    /// `unwrap` for ASCII text (most abstracts) on its bytes, nil for other text: iterating Characters to ask each
    /// whether it is white space was a twentieth of a bulk import's time, and the byte view's iterator most of
    /// the rest.
    static func unwrapASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var any: UInt8 = 0
        for byte in bytes { any |= byte }
        guard any < 0x80 else { return nil }
        return String(unsafeUninitializedCapacity: bytes.count) { out in
            var n = 0
            var pendingSpace = false
            for byte in bytes {
                // Character.isWhitespace in ASCII: tab, line feed, vertical tab, form feed, carriage return, space.
                if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) {
                    pendingSpace = n > 0
                } else {
                    if pendingSpace { out[n] = 0x20; n += 1 }
                    pendingSpace = false
                    out[n] = byte
                    n += 1
                }
            }
            return n
        }
    }

    /// At most `limit` characters, cut at a word boundary, with an ellipsis when cut.
    public static func excerpt(_ text: String, limit: Int) -> String {
        guard text.count > limit else { return text }
        var cut = text.prefix(limit)
        if let space = cut.lastIndex(of: " "), cut.distance(from: cut.startIndex, to: space) > limit / 2 {
            cut = cut[..<space]
        }
        while let last = cut.last, ",.;: ".contains(last) { cut = cut.dropLast() }
        return cut + "…"
    }

    /// "A, B, C and 12 others": the first `shown` names and a count of the rest.
    public static func shortAuthorList(_ names: [String], shown: Int = 3) -> String {
        if names.count <= shown + 1 { return names.joined(separator: ", ") }
        let rest = names.count - shown
        return names.prefix(shown).joined(separator: ", ") + " and \(rest) others"
    }

    /// A person's name for comparison: case and accents folded, runs of spaces and dots as one space.
    public static func normalizedName(_ name: String) -> String {
        name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            .split(whereSeparator: { $0 == " " || $0 == "." || $0 == "\t" }).joined(separator: " ")
    }

    /// Text for HTML (pages and mail bodies): `< > & " '` escaped, so it is safe in text and attributes.
    public static func htmlEscaped(_ text: String) -> String {
        var out = ""
        appendHTMLEscaped(text, to: &out)
        return out
    }

    public static func appendHTMLEscaped(_ text: String, to out: inout String) {
        // Fast path: most text needs no escaping.
        if !text.utf8.contains(where: { $0 == 0x3C || $0 == 0x3E || $0 == 0x26 || $0 == 0x22 || $0 == 0x27 }) {
            out += text
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
    }
}
