/// Text shaping shared by pages, Markdown and feeds.
public enum TextHelpers {
    /// Joins hard-wrapped lines and collapses runs of whitespace: arXiv abstracts come wrapped at ~80 columns.
    public static func unwrap(_ text: String) -> String {
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

    /// Text for HTML that is not built by the web module's writer (mail bodies): `< > & " '` escaped.
    public static func htmlEscaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
