import DailyPapersCore
@testable import DailyPapersIngest
import Foundation
import Testing

/// The dump reader's own JSON reading (`JSONScanner`) against Foundation's: the same strings out of every escape,
/// unknown values of any shape skipped, and malformed text refused by name.
@Suite struct JSONScannerTests {
    /// Titles written by `JSONSerialization` (escapes, control characters, astral scalars) read back as they were.
    @Test func stringsReadBackAsFoundationWroteThem() throws {
        let titles = ["plain", "quote \" and backslash \\ and slash /", "tab\tnew\nline\r", "\u{0}\u{1}\u{1F} controls",
                      "émigré 数学 ∑", "astral 𝔸 😀 scalars", "a\u{2028}b", String(repeating: "long ", count: 2000)]
        for title in titles {
            let object: [String: Any] = ["id": "2101.00001", "title": title, "abstract": title, "categories": ["cs.LG", "math.CO"],
                                         "extra": ["nested": [1, 2.5e-3, -3, true, false, NSNull(), ["deep": [[]]]], "s": "x\"y"]]
            let line = try JSONSerialization.data(withJSONObject: object)
            let paper = try ArxivJSONLReader.paper(fromLine: line)
            #expect(paper.title == TextHelpers.unwrap(title))
            #expect(paper.abstract == TextHelpers.unwrap(title))
            #expect(paper.categories == ["cs.LG", "math.CO"])
        }
        // \u escapes, a surrogate pair among them, as other writers put them.
        let escaped = #"{"id":"2101.00001","title":"caf\u00e9 \ud835\udd38 \u0041\/b","authors":null,"versions":[]}"#
        #expect(try ArxivJSONLReader.paper(fromLine: Data(escaped.utf8)).title == "café 𝔸 A/b")
    }

    @Test func malformedTextIsRefusedByName() {
        let bad = [
            #"{"id":"2101.00001","title":"x""#: "not valid JSON",
            #"{"id":"2101.00001","title":"x"} trailing"#: "not valid JSON",
            #"{"id":"2101.00001","title":"a\ud800b"}"#: "lone surrogate",
            #"{"id":"2101.00001","title":"a\qb"}"#: "unknown escape",
            "{\"id\":\"2101.00001\",\"title\":\"a\u{1}b\"}": "control character",
            #"{"id":"2101.00001","title":5}"#: "\"title\" is not a string",
            #"{"id":"2101.00001","title":"x","other":[1,2}}"#: "closes nothing",
            #"{"id":"2101.00001","title":"x","other":nul}"#: "unknown literal",
            #"{"id":"2101.00001","title":"x","categories":["a",null]}"#: "holds a null",
            "{\"id\":\"2101.00001\",\"title\":\"x\",\"deep\":" + String(repeating: "[", count: 100_000) + "}": "nesting deeper",
            "[]": "expected '{'",
            "": "expected '{'",
        ]
        for (line, reason) in bad {
            #expect { try ArxivJSONLReader.paper(fromLine: Data(line.utf8)) } throws: { error in
                (error as? IngestError)?.message.contains(reason) == true
            }
        }
        // Bytes that are not UTF-8 inside a string.
        var invalid = Array(#"{"id":"2101.00001","title":"a"#.utf8)
        invalid += [0xFF, 0xFE] + Array(#""}"#.utf8)
        #expect { try ArxivJSONLReader.paper(fromLine: invalid) } throws: { error in
            (error as? IngestError)?.message.contains("not UTF-8") == true
        }
    }
}
