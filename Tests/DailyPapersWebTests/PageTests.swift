import DailyPapersTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct PageTests {
    @Test func homeShowsTheLatestDayWithNavigation() async throws {
        try await withApp { client in
            for uri in ["/", "/papers"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                    let html = response.body.text
                    #expect(html.contains("Wednesday, December 4, 2024"))
                    #expect(html.contains("Free Process Rewards without Process Labels"))
                    #expect(html.contains("href=\"/papers/date/2024-03-29\" rel=\"prev\""))  // skips the empty days between
                    #expect(!html.contains("rel=\"next\""))
                    #expect(html.contains("Get trending papers in your email inbox!"))
                    #expect(html.contains("action=\"/subscribe\" method=\"get\""))
                    #expect(html.contains("href=\"https://arxiv.org/pdf/2412.01981\""))
                    #expect(!hasInlineScript(html))
                    #expect(!html.contains("https://cdn"))  // nothing is loaded from other hosts
                }
            }
        }
    }

    @Test func dayWeekAndMonthPages() async throws {
        try await withApp { client in
            try await client.execute(uri: "/papers/date/2024-03-29", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.body.text.contains("href=\"/papers/date/2024-12-04\" rel=\"next\""))
            }
            try await client.execute(uri: "/papers/week/2024-W49", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.body.text.contains("Week 49 of 2024"))
                #expect(response.body.text.contains("href=\"/papers/week/2024-W13\" rel=\"prev\""))
            }
            try await client.execute(uri: "/papers/month/2024-12?sort=trending", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.body.text.contains("December 2024"))
                #expect(response.body.text.contains("aria-current=\"true\">Trending"))
            }
            try await client.execute(uri: "/papers/date/2024-12-05", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.body.text.contains("No papers were featured in this period."))
            }
        }
    }

    @Test(arguments: [
        ("/papers/date/2024-12-32", "is not a date as YYYY-MM-DD"),
        ("/papers/week/2024-49", "is not an ISO week as YYYY-Www"),
        ("/papers/month/2024-00", "is not a month as YYYY-MM"),
        ("/papers/<script>", "is not an arXiv id"),
        ("/papers/date/2024-12-04?sort=best", "Unknown sort"),
        ("/search?q=x&from=yesterday", "from: &#39;yesterday&#39; is not a date as YYYY-MM-DD."),
        ("/search?q=x&from=2024-12-05&to=2024-12-01", "is after to"),
        ("/search?q=x&category=%3Cscript%3E", "is not an arXiv category"),
        ("/search?q=x&sort=random", "sort: use relevance, newest, upvotes or stars."),
    ])
    func malformedAddressesAnswer400WithReason(uri: String, reason: String) async throws {
        try await withApp { client in
            try await client.execute(uri: uri, method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(response.body.text.contains(reason))
                #expect(!response.body.text.contains("<script>"))
            }
        }
    }

    @Test func unknownPagesAnswerAHelpful404() async throws {
        try await withApp { client in
            try await client.execute(uri: "/no/such/page", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.body.text.contains("Not found"))
                #expect(response.body.text.contains("today&#39;s papers"))  // text is escaped, quotes included
            }
            try await client.execute(uri: "/papers/2412.99999", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.body.text.contains("No paper 2412.99999"))
            }
        }
    }

    @Test func paperPageShowsEverything() async throws {
        try await withApp { client in
            try await client.execute(uri: "/papers/2412.01981", method: .get) { response in
                #expect(response.status == .ok)
                let html = response.body.text
                #expect(html.contains("<h1>Free Process Rewards without Process Labels</h1>"))
                #expect(html.contains("Lifan Yuan"))
                #expect(html.contains("Different from its counterpart outcome reward models"))
                #expect(html.contains("Submitted by Lievan (@lievan)"))
                #expect(html.contains("href=\"/papers/date/2024-12-04\""))
                #expect(html.contains("type=\"text/markdown\" href=\"/papers/2412.01981.md\""))
            }
            try await client.execute(uri: "/papers/2412.01981.md", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/markdown; charset=utf-8")
                let md = response.body.text
                #expect(md.hasPrefix("# Free Process Rewards without Process Labels\n"))
                #expect(md.contains("**Upvotes:** 17"))
                #expect(md.contains("- PDF: <https://arxiv.org/pdf/2412.01981>"))
                #expect(md.contains("<https://papers.example.org/papers/2412.01981>"))
            }
            // The paper's URL answers Markdown to a program that asks for it first, the page to a browser.
            for (accept, markdown) in [("text/markdown", true), ("text/markdown, text/html;q=0.9", true),
                                       ("text/html,application/xhtml+xml,*/*;q=0.8", false), ("*/*", false),
                                       ("text/html, text/markdown", false), ("text/markdown;q=0", false)] {
                try await client.execute(uri: "/papers/2412.01981", method: .get, headers: [.accept: accept]) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == (markdown ? "text/markdown; charset=utf-8" : "text/html; charset=utf-8"), "\(accept)")
                    #expect(response.body.text.hasPrefix("# Free Process Rewards") == markdown, "\(accept)")
                    #expect(response.headers[.vary]?.contains("Accept") == true)
                }
            }
        }
    }

    @Test func importedTextIsEscapedEverywhere() async throws {
        let folder = NSTemporaryDirectory() + "hostile-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let hostile = #"[{"paper":{"id":"2412.00001","authors":[{"name":"<img src=x onerror=alert(1)>"}],"title":"<script>alert('t')</script> & more","summary":"\"quoted\" <b>bold</b>","upvotes":1},"numComments":0}]"#
        try hostile.write(toFile: folder + "/2024-12-06.json", atomically: true, encoding: .utf8)
        try await withApp(importing: [folder]) { client in
            for uri in ["/", "/papers/2412.00001"] {
                try await client.execute(uri: uri, method: .get) { response in
                    let html = response.body.text
                    #expect(!html.contains("<script>alert"))
                    #expect(!html.contains("<img src=x"))
                    #expect(html.contains("&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt; &amp; more"))
                }
            }
            try await client.execute(uri: "/search?q=process&sort=newest&author=Lifan&code=1", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.body.text.contains("selected>newest"))
            }
            try await client.execute(uri: "/search?q=bold", method: .get) { response in
                // The snippet is escaped before the match is highlighted.
                #expect(response.body.text.contains("&lt;b&gt;<mark>bold</mark>&lt;/b&gt;"))
                #expect(!response.body.text.contains("<b>bold"))
            }
            try await client.execute(uri: "/papers/2412.00001.md", method: .get) { response in
                #expect(response.body.text.hasPrefix(#"# \<script\>alert('t')\</script\> & more"#))
            }
        }
    }

    @Test func securityHeadersAndStaticAssets() async throws {
        try await withApp { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                let html = response.body.text
                let css = try #require(html.firstMatch(of: #/href="(/static/app\.css\?v=[0-9a-f]+)"/#)?.1)
                try await client.execute(uri: String(css), method: .get) { asset in
                    #expect(asset.status == .ok)
                    #expect(asset.headers[.cacheControl]?.contains("immutable") == true)
                    #expect(asset.body.text.contains("prefers-color-scheme: dark"))
                }
            }
        }
    }
}
