/// The Markdown subset comments may use, rendered safely: paragraphs, line breaks, `*emphasis*`,
/// `**strong**`, `` `code` ``, fenced code blocks, `[links](https://...)` and bare URLs, `-`/`1.` lists
/// and `>` quotes. Nothing typed ever becomes markup: text is escaped as it is copied, tags come only
/// from this module, and links must be http, https or mailto (so no `javascript:`), carrying
/// `rel="nofollow ugc noopener"`. Raw HTML in a comment shows as the text it is.
///
/// The whole comment is rendered from its UTF-8 bytes in one buffer: blocks are ranges of lines, and every
/// inline span is a sub-range of a line (a quote or list marker only cuts a prefix off), so the look-ahead
/// tables of `MarkdownRenderer` are built once per comment and the work stays linear in its length.
public enum CommentMarkdown {
    public static let linkRel = "nofollow ugc noopener"
    /// Quotes inside quotes stop nesting here; deeper `>` are shown as text.
    public static let maximumQuoteDepth = 3

    public static func render(_ source: String) -> String {
        var renderer = MarkdownRenderer(source)
        return renderer.render()
    }
}

extension MarkdownRenderer {
    /// The comment's lines as ranges, without their `\n` (nor the `\r` of a `\r\n`).
    func lines() -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = 0
        for i in b.indices where b[i] == UInt8(ascii: "\n") {
            result.append(start..<(i > start && b[i - 1] == UInt8(ascii: "\r") ? i - 1 : i))
            start = i + 1
        }
        result.append(start..<b.count)
        return result
    }

    mutating func blocks(_ lines: ArraySlice<Range<Int>>, depth: Int) {
        var i = lines.startIndex
        var paragraph: [Range<Int>] = []
        func trimmed(_ line: Range<Int>) -> Range<Int> {
            var start = line.lowerBound
            while start < line.upperBound, b[start] == UInt8(ascii: " ") { start += 1 }
            return start..<line.upperBound
        }
        func flush(_ r: inout MarkdownRenderer) {
            guard !paragraph.isEmpty else { return }
            r.append("<p>")
            for (n, line) in paragraph.enumerated() {
                if n > 0 { r.append("<br>") }
                r.span(line, links: true, nesting: 0)
            }
            r.append("</p>")
            paragraph = []
        }
        while i < lines.endIndex {
            let line = lines[i]
            let t = trimmed(line)
            if starts(with: "```", t) {
                flush(&self)
                i += 1
                let first = i
                while i < lines.endIndex, !starts(with: "```", trimmed(lines[i])) { i += 1 }
                append("<pre><code>")
                for n in first..<i {
                    if n > first { out.append(UInt8(ascii: "\n")) }
                    escape(lines[n])
                }
                append("</code></pre>")
                i += 1
            } else if t.first.map({ b[$0] == UInt8(ascii: ">") }) == true, depth < CommentMarkdown.maximumQuoteDepth {
                flush(&self)
                var quoted: [Range<Int>] = []
                while i < lines.endIndex, case let q = trimmed(lines[i]), q.first.map({ b[$0] == UInt8(ascii: ">") }) == true {
                    var start = q.lowerBound + 1
                    if start < q.upperBound, b[start] == UInt8(ascii: " ") { start += 1 }
                    quoted.append(start..<q.upperBound)
                    i += 1
                }
                append("<blockquote>")
                blocks(quoted[...], depth: depth + 1)
                append("</blockquote>")
            } else if let (ordered, _) = listItem(t) {
                flush(&self)
                append(ordered ? "<ol>" : "<ul>")
                while i < lines.endIndex, let (o, item) = listItem(trimmed(lines[i])), o == ordered {
                    append("<li>")
                    span(item, links: true, nesting: 0)
                    append("</li>")
                    i += 1
                }
                append(ordered ? "</ol>" : "</ul>")
            } else if t.isEmpty {
                flush(&self)
                i += 1
            } else {
                paragraph.append(line)
                i += 1
            }
        }
        flush(&self)
    }

    /// `- item`, `* item`, `+ item` or `12. item`: whether it is ordered, and the item's text.
    func listItem(_ line: Range<Int>) -> (ordered: Bool, text: Range<Int>)? {
        guard let first = line.first else { return nil }
        if [UInt8(ascii: "-"), UInt8(ascii: "*"), UInt8(ascii: "+")].contains(b[first]), first + 1 < line.upperBound,
           b[first + 1] == UInt8(ascii: " ") {
            return (false, first + 2..<line.upperBound)
        }
        var end = first
        while end < line.upperBound, end - first < 10, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b[end]) { end += 1 }
        if end > first, end - first <= 9, end + 1 < line.upperBound, b[end] == UInt8(ascii: "."), b[end + 1] == UInt8(ascii: " ") {
            return (true, end + 2..<line.upperBound)
        }
        return nil
    }

    func starts(with prefix: String, _ r: Range<Int>) -> Bool {
        r.count >= prefix.utf8.count && zip(b[r.lowerBound...], prefix.utf8).allSatisfy { $0 == $1 }
    }
}
