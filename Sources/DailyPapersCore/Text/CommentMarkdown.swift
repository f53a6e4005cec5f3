/// The Markdown subset comments may use, rendered safely: paragraphs, line breaks, `*emphasis*`,
/// `**strong**`, `` `code` ``, fenced code blocks, `[links](https://...)` and bare URLs, `-`/`1.` lists
/// and `>` quotes. Nothing typed ever becomes markup: text is escaped as it is copied, tags come only
/// from this file, and links must be http, https or mailto (so no `javascript:`), carrying
/// `rel="nofollow ugc noopener"`. Raw HTML in a comment shows as the text it is.
public enum CommentMarkdown {
    public static let linkRel = "nofollow ugc noopener"
    /// Quotes inside quotes stop nesting here; deeper `>` are shown as text.
    public static let maximumQuoteDepth = 3

    public static func render(_ source: String) -> String {
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
                out += "<pre><code>" + TextHelpers.htmlEscaped(code.joined(separator: "\n")) + "</code></pre>"
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

    /// One line's inline spans (see `InlineMarkdown`).
    static func inline(_ text: Substring) -> String {
        var renderer = InlineMarkdown(text)
        return renderer.render()
    }
}
