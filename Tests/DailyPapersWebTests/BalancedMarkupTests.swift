import DailyPapersCore
@testable import DailyPapersWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The end tags a document leaves unmatched or mismatched, as a list of problems (empty when balanced):
/// a strict tag stack (the site's writer closes every element it opens, even where HTML would allow an
/// end tag to be left out), void elements and `/>` closing nothing, raw text (`script`, `style`) and
/// escapable raw text (`textarea`, `title`) skipped to their end tag.
func markupProblems(_ html: String) -> [String] {
    let voids: Set<String> = ["input", "img", "meta", "link", "br", "hr", "source", "wbr", "area", "base", "col", "embed", "track"]
    let rawText: Set<String> = ["script", "style", "textarea", "title"]
    let bytes = Array(html.utf8)
    var stack: [String] = []
    var problems: [String] = []
    var i = 0
    func name(from start: Int) -> (String, Int) {
        var j = start
        while j < bytes.count, bytes[j] != 0x20, bytes[j] != 0x3E, bytes[j] != 0x2F, bytes[j] != 0x0A, bytes[j] != 0x09 { j += 1 }
        return (String(decoding: bytes[start..<j], as: UTF8.self).lowercased(), j)
    }
    /// The index of the `>` ending a tag begun before `from`, quotes respected.
    func tagEnd(from: Int) -> Int {
        var j = from
        var quote: UInt8? = nil
        while j < bytes.count {
            let b = bytes[j]
            if let q = quote { if b == q { quote = nil } } else if b == 0x22 || b == 0x27 { quote = b } else if b == 0x3E { return j }
            j += 1
        }
        return bytes.count
    }
    while i < bytes.count {
        guard bytes[i] == 0x3C else { i += 1; continue }
        if i + 1 < bytes.count, bytes[i + 1] == 0x21 {  // <!doctype …> (the site writes no comments)
            i = tagEnd(from: i) + 1
            continue
        }
        if i + 1 < bytes.count, bytes[i + 1] == 0x2F {  // an end tag
            let (tag, _) = name(from: i + 2)
            if let open = stack.popLast() {
                if open != tag { problems.append("</\(tag)> closes <\(open)> at byte \(i)") }
            } else {
                problems.append("</\(tag)> with nothing open at byte \(i)")
            }
            i = tagEnd(from: i) + 1
            continue
        }
        let (tag, after) = name(from: i + 1)
        guard !tag.isEmpty, tag.first!.isLetter else { i += 1; continue }  // a lone "<" in text
        let end = tagEnd(from: after)
        let selfClosing = end > 0 && end < bytes.count && bytes[end - 1] == 0x2F
        i = end + 1
        if voids.contains(tag) || selfClosing { continue }
        if rawText.contains(tag) {
            let closing = Array("</\(tag)".utf8)
            var j = i
            while j + closing.count <= bytes.count, Array(bytes[j..<j + closing.count]) != closing { j += 1 }
            if j + closing.count > bytes.count { problems.append("<\(tag)> never closed"); return problems }
            i = tagEnd(from: j) + 1
            continue
        }
        stack.append(tag)
    }
    problems += stack.reversed().map { "<\($0)> never closed" }
    return problems
}

/// Pages cannot be written unbalanced (`HTMLWriter` closes what it opens): every page the site serves,
/// to readers, members and moderators, with hostile content in it, is checked tag by tag.
@Suite struct BalancedMarkupTests {
    @Test func theCheckerFindsWhatIsUnbalanced() {
        #expect(markupProblems("<!doctype html><html><body><p>a<br>b</p><svg><path d=\"x\"/></svg></body></html>").isEmpty)
        #expect(markupProblems("<textarea></div></textarea><script>if (a < b) {}</script>").isEmpty)
        #expect(!markupProblems("<div><p>a</div>").isEmpty)
        #expect(!markupProblems("<div>").isEmpty)
        #expect(!markupProblems("</p>").isEmpty)
        #expect(!markupProblems("<p title=\"a>b\"><b></p>").isEmpty)
    }

    /// Search snippets mark matches with U+E000/U+E001; an abstract may hold those characters itself.
    @Test func snippetMarkersNeverUnbalanceACard() {
        for snippet in ["a \u{E000}b\u{E001} c", "\u{E000}open", "close\u{E001}", "\u{E001}\u{E000}\u{E000}x\u{E001}\u{E001}", "<b>\u{E000}</mark>\u{E001}"] {
            var h = HTML()
            PaperCardView.highlighted(snippet, into: &h)
            #expect(markupProblems(h.output).isEmpty, "\(snippet.debugDescription) → \(h.output)")
        }
        var h = HTML()
        PaperCardView.highlighted("a \u{E000}b\u{E001} c", into: &h)
        #expect(h.output == "a <mark>b</mark> c")
    }

    @Test func everyPageIsBalancedForReadersMembersAndModerators() async throws {
        try await withAppEnvironment { client, env in
            _ = try await TestAccounts.create(env, "chief", role: .admin)
            _ = try await TestAccounts.create(env, "writer")
            let writer = try await TestAccounts.signIn(client, "writer")
            // Content built to break markup: tags, stray search markers, an unfinished Markdown link.
            let hostile = "</div></article><script>x</script> \u{E000}open **bold [link](https://a.example/</p>"
            let token = try await writer.token(from: "/papers/2412.01981")
            let posted = try await writer.post("/comments", ["csrf": token, "paper": "2412.01981", "body": hostile])
            #expect(posted.status == .seeOther)
            let admin = try await TestAccounts.signIn(client, "chief")
            let reader = BrowserSession(client)
            let paths = ["/", "/papers/2412.01981", "/papers/2412.01981?msg=saved", "/search?q=diffusion",
                         "/search?q=%22video%22&sort=newest&code=1", "/search?q=", "/search?q=zzzznothing",
                         "/papers/date/2024-12-04", "/papers/week/2024-W49", "/papers/month/2024-12", "/papers/date/2001-01-01", "/users/writer",
                         "/users/nobody", "/stats", "/docs", "/new", "/new/cs.LG", "/login", "/signup", "/password-reset", "/password-reset/0123abcd", "/verify-email?token=0123abcd",
                         "/subscribe", "/subscribe?email=a%40example.org", "/subscription/0123abcd", "/unsubscribe/0123abcd",
                         "/submit", "/settings", "/moderation", "/admin/digest", "/admin/digest?email=writer%40example.org",
                         "/admin/digest/preview.html?email=writer%40example.org&date=2024-12-04&period=daily",
                         "/no/such/page", "/papers/not-an-id"]
            var checked = 0
            for (who, browser) in [("reader", reader), ("member", writer), ("admin", admin)] {
                for path in paths {
                    let response = try await browser.get(path)
                    guard response.headers[.contentType]?.hasPrefix("text/html") == true else { continue }
                    let problems = markupProblems(String(buffer: response.body))
                    #expect(problems.isEmpty, "\(path) for a \(who): \(problems.prefix(3))")
                    checked += 1
                }
            }
            #expect(checked >= 60)
        }
    }
}
