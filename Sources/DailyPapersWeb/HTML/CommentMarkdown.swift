/// The Markdown subset comments may use, rendered safely: paragraphs, line breaks, `*emphasis*`,
/// `**strong**`, `` `code` ``, fenced code blocks, `[links](https://...)` and bare URLs, `-`/`1.` lists
/// and `>` quotes. Nothing typed ever becomes markup: text is escaped as it is copied, tags come only
/// from this file, and links must be http, https or mailto (so no `javascript:`), carrying
/// `rel="nofollow ugc noopener"`. Raw HTML in a comment shows as the text it is.
enum CommentMarkdown {
    static let linkRel = "nofollow ugc noopener"
    /// Quotes inside quotes stop nesting here; deeper `>` are shown as text.
    static let maximumQuoteDepth = 3

    static func render(_ source: String) -> String {
        var out = ""
        blocks(source.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)[...],
               depth: 0, into: &out)
        return out
    }

    private static func blocks(_ lines: ArraySlice<Substring>, depth: Int, into out: inout String) {
        var i = lines.startIndex
        var paragraph: [Substring] = []
        func flush() {
            guard !paragraph.isEmpty else { return }
            out += "<p>" + paragraph.map { inline($0) }.joined(separator: "<br>") + "</p>"
            paragraph = []
        }
        while i < lines.endIndex {
            let line = lines[i]
            let trimmed = line.drop(while: { $0 == " " })
            if trimmed.hasPrefix("```") {
                flush()
                var code: [Substring] = []
                i += 1
                while i < lines.endIndex, !lines[i].drop(while: { $0 == " " }).hasPrefix("```") { code.append(lines[i]); i += 1 }
                out += "<pre><code>" + HTML.escaped(code.joined(separator: "\n")) + "</code></pre>"
                i += 1
            } else if trimmed.hasPrefix(">"), depth < maximumQuoteDepth {
                flush()
                var quoted: [Substring] = []
                while i < lines.endIndex, lines[i].drop(while: { $0 == " " }).hasPrefix(">") {
                    var q = lines[i].drop(while: { $0 == " " }).dropFirst()
                    if q.hasPrefix(" ") { q = q.dropFirst() }
                    quoted.append(q)
                    i += 1
                }
                out += "<blockquote>"
                blocks(quoted[...], depth: depth + 1, into: &out)
                out += "</blockquote>"
            } else if let (ordered, _) = listItem(trimmed) {
                flush()
                out += ordered ? "<ol>" : "<ul>"
                while i < lines.endIndex, let (o, item) = listItem(lines[i].drop(while: { $0 == " " })), o == ordered {
                    out += "<li>" + inline(item) + "</li>"
                    i += 1
                }
                out += ordered ? "</ol>" : "</ul>"
            } else if trimmed.isEmpty {
                flush()
                i += 1
            } else {
                paragraph.append(line)
                i += 1
            }
        }
        flush()
    }

    /// `- item`, `* item`, `+ item` or `12. item`.
    private static func listItem(_ line: Substring) -> (ordered: Bool, text: Substring)? {
        if let first = line.first, "-*+".contains(first), line.dropFirst().first == " " {
            return (false, line.dropFirst(2))
        }
        let digits = line.prefix(while: { $0.isASCII && $0.isNumber })
        if !digits.isEmpty, digits.count <= 9 {
            let rest = line.dropFirst(digits.count)
            if rest.hasPrefix(". ") { return (true, rest.dropFirst(2)) }
        }
        return nil
    }

    static func inline(_ text: Substring, links: Bool = true) -> String {
        var out = ""
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            let rest = text[i...]
            if c == "`", let close = rest.dropFirst().firstIndex(of: "`") {
                out += "<code>" + HTML.escaped(String(text[text.index(after: i)..<close])) + "</code>"
                i = text.index(after: close)
                continue
            }
            if links, c == "[", let (label, url, end) = markdownLink(rest) {
                out += anchor(url, label: inline(label, links: false))
                i = end
                continue
            }
            if links, c == "h", isWordStart(text, i), let (url, end) = bareURL(rest) {
                out += anchor(String(url), label: HTML.escaped(String(url)))
                i = end
                continue
            }
            if c == "*", rest.hasPrefix("**"), let close = rest.dropFirst(2).range(of: "**"), close.lowerBound > text.index(i, offsetBy: 2) {
                out += "<strong>" + inline(text[text.index(i, offsetBy: 2)..<close.lowerBound], links: links) + "</strong>"
                i = close.upperBound
                continue
            }
            if (c == "*" || c == "_"), isWordStart(text, i), let close = emphasisEnd(rest, marker: c) {
                out += "<em>" + inline(text[text.index(after: i)..<close], links: links) + "</em>"
                i = text.index(after: close)
                continue
            }
            HTML.escape(String(c), into: &out)
            i = text.index(after: i)
        }
        return out
    }

    private static func isWordStart(_ text: Substring, _ i: Substring.Index) -> Bool {
        i == text.startIndex || !(text[text.index(before: i)].isLetter || text[text.index(before: i)].isNumber)
    }

    /// The closing marker of `*em*` / `_em_`: not right after the opening, not preceded by a space,
    /// and (for `_`) not inside a word, so snake_case_names stay as typed.
    private static func emphasisEnd(_ s: Substring, marker: Character) -> Substring.Index? {
        var j = s.index(after: s.startIndex)
        guard j < s.endIndex, s[j] != " ", s[j] != marker else { return nil }
        while j < s.endIndex {
            if s[j] == marker, s[s.index(before: j)] != " " {
                let next = s.index(after: j)
                if marker == "_", next < s.endIndex, s[next].isLetter || s[next].isNumber { j = next; continue }
                return j
            }
            j = s.index(after: j)
        }
        return nil
    }

    /// `[label](url)` with an allowed scheme.
    private static func markdownLink(_ s: Substring) -> (Substring, String, Substring.Index)? {
        guard let closeLabel = s.firstIndex(of: "]") else { return nil }
        let afterLabel = s.index(after: closeLabel)
        guard afterLabel < s.endIndex, s[afterLabel] == "(",
              let closeURL = s[afterLabel...].firstIndex(of: ")") else { return nil }
        let label = s[s.index(after: s.startIndex)..<closeLabel]
        let url = s[s.index(after: afterLabel)..<closeURL].trimmingCharacters(in: .whitespaces)
        guard !label.isEmpty, allowed(url) else { return nil }
        return (label, url, s.index(after: closeURL))
    }

    private static func bareURL(_ s: Substring) -> (Substring, Substring.Index)? {
        guard s.hasPrefix("http://") || s.hasPrefix("https://") else { return nil }
        var end = s.firstIndex(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "\"" }) ?? s.endIndex
        // Sentence punctuation after a URL is not part of it.
        while end > s.startIndex, ".,;:!?)'".contains(s[s.index(before: end)]) { end = s.index(before: end) }
        let url = s[..<end]
        return url.count > "https://".count ? (url, end) : nil
    }

    static func allowed(_ url: String) -> Bool {
        let lower = url.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") || lower.hasPrefix("mailto:") else { return false }
        return !url.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "\"" })
    }

    private static func anchor(_ url: String, label: String) -> String {
        "<a href=\"" + HTML.escaped(url) + "\" rel=\"" + linkRel + "\">" + label + "</a>"
    }
}
