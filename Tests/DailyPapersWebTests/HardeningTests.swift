import DailyPapersCore
import DailyPapersStore
import DailyPapersTestSupport
@testable import DailyPapersWeb
import Foundation
import Synchronization
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// What a hostile visitor tried, each through the public interface: every case failed before its fix.
@Suite struct HardeningTests {
    @Test(arguments: ["/", "/papers/2412.01981", "/papers/date/2024-12-04", "/api/daily_papers?date=2024-12-04",
                      "/feeds/daily.atom", "/search?q=diffusion", "/healthz"])
    func headAnswersAsGetWithoutTheBody(path: String) async throws {
        try await withApp { client in
            let get = try await client.execute(uri: path, method: .get)
            let head = try await client.execute(uri: path, method: .head)
            #expect(get.status == .ok)
            #expect(head.status == .ok, "\(path)")
            #expect(head.body.readableBytes == 0)
            #expect(head.headers[.contentType] == get.headers[.contentType])
            #expect(head.headers[.contentLength] == String(get.body.readableBytes))
            if let etag = get.headers[.eTag] { #expect(head.headers[.eTag] == etag) }
        }
    }

    /// A NUL reached PostgreSQL as a 500 (it cannot compare text holding one); it is a plain 400 on both engines.
    @Test(arguments: ["/api/daily_papers?submitter=a%00b", "/search?q=model&author=%00", "/users/x%00", "/papers?sort=%2500"])
    func aNULInTheAddressIsAClearRefusal(path: String) async throws {
        try await withApp { client in
            let r = try await client.execute(uri: path, method: .get)
            if path.hasSuffix("%2500") {
                #expect(r.status == .badRequest && !String(buffer: r.body).contains("NUL"))  // an escaped percent sign, not a NUL
            } else {
                #expect(r.status == .badRequest)
                #expect(String(buffer: r.body).contains("NUL character"))
            }
        }
    }

    @Test func headOfAMissingPageIsA404() async throws {
        try await withApp { client in
            let head = try await client.execute(uri: "/papers/2401.99999", method: .head)
            #expect(head.status == .notFound)
            #expect(head.body.readableBytes == 0)
        }
    }

    @Test func httpsSitesSendHSTSAndHostPrefixedCookies() async throws {
        try await withApp { client in
            let page = try await client.execute(uri: "/login", method: .get)
            #expect(page.headers[HTTPField.Name("Strict-Transport-Security")!] == "max-age=31536000")
            let cookie = try #require(page.headers[values: .setCookie].first)
            #expect(cookie.hasPrefix("__Host-dp_form=") && cookie.contains("Secure") && cookie.contains("Path=/") && !cookie.contains("Domain"))
        }
    }

    /// A sibling subdomain can set a second `dp_session` cookie that a browser sends first; two different
    /// values are ignored rather than trusting whichever comes first.
    @Test func aDuplicatedSessionCookieSignsNobodyIn() async throws {
        try await withAppEnvironment { client, env in
            _ = try await TestAccounts.create(env, "grace")
            let grace = try await TestAccounts.signIn(client, "grace")
            let token = try #require(grace.cookie("__Host-dp_session"))
            let alone = try await client.execute(uri: "/settings", method: .get, headers: [.cookie: "__Host-dp_session=\(token)"])
            #expect(alone.status == .ok)
            let doubled = try await client.execute(uri: "/settings", method: .get,
                                                   headers: [.cookie: "__Host-dp_session=planted; __Host-dp_session=\(token)"])
            #expect(doubled.status == .seeOther)
        }
    }

    @Test func aPasswordWithANulIsRefusedAndNeverMatchesItsPrefix() async throws {
        try await withAppEnvironment { client, env in
            let browser = BrowserSession(client)
            let token = try await browser.token(from: "/signup")
            let signup = try await browser.post("/signup", ["csrf": token, "username": "nul", "email": "nul@example.org",
                                                            "password": "long enough\u{0}anything"])
            #expect(signup.status == .badRequest)
            #expect(String(buffer: signup.body).contains("NUL"))
            _ = try await TestAccounts.create(env, "grace")
            // bcrypt would read "correct horse battery\0x" as the real password.
            let login = try await browser.post("/login", ["csrf": token, "login": "grace", "password": TestAccounts.password + "\u{0}x"])
            #expect(login.status == .badRequest)
        }
    }

    /// Five wrong passwords from one address throttle that address for the name, not the name's owner elsewhere.
    @Test func wrongPasswordsFromOneAddressDoNotLockTheOwnerOut() async throws {
        try await withAppEnvironment(configure: { $0.trustProxy = true }) { client, env in
            _ = try await TestAccounts.create(env, "grace")
            let attacker = BrowserSession(client)
            let token = try await attacker.token(from: "/login")
            let from: (String) -> HTTPFields = { [HTTPField.Name("X-Forwarded-For")!: $0] }
            try await expectRefusedAfterBurst(5, refill: 12) {
                let status = try await attacker.post("/login", ["csrf": token, "login": "grace", "password": "wrong guess"], headers: from("203.0.113.9")).status
                if status != .tooManyRequests { #expect(status == .badRequest) }
                return status
            }
            // Another address of the same IPv6 /64 is the same client.
            try await expectRefusedAfterBurst(5, refill: 12) {
                try await attacker.post("/login", ["csrf": token, "login": "grace", "password": "x"], headers: from("2001:db8:1:2::1")).status
            }
            let sameNetwork = try await attacker.post("/login", ["csrf": token, "login": "grace", "password": "x"], headers: from("2001:db8:1:2:ffff::9"))
            #expect(sameNetwork.status == .tooManyRequests)
            // The owner, elsewhere, logs in.
            let owner = BrowserSession(client)
            let ownerToken = try await owner.token(from: "/login")
            let ok = try await owner.post("/login", ["csrf": ownerToken, "login": "grace", "password": TestAccounts.password],
                                          headers: from("198.51.100.7"))
            #expect(ok.status == .seeOther)
        }
    }

    @Test func rateLimitBucketsSurviveAFloodOfNewKeys() throws {
        let limiter = RateLimiter(scale: 1, maximumBuckets: 1_000)
        let now = 1_000_000.0
        for _ in 0..<5 { try limiter.check(.login, account: "grace", ip: "203.0.113.9", now: now) }
        #expect(throws: WebError.self) { try limiter.check(.login, account: "grace", ip: "203.0.113.9", now: now) }
        // Thousands of made-up addresses, each seen once: the held-back client stays held back.
        for i in 0..<5_000 { try limiter.check(.vote, account: nil, ip: "10.\(i / 65536).\(i / 256 % 256).\(i % 256)", now: now + 1) }
        #expect(throws: WebError.self) { try limiter.check(.login, account: "grace", ip: "203.0.113.9", now: now + 2) }
    }

    @Test(arguments: [
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2::", "2001:db8:1:2::/64"),
        ("[2001:db8::1]", "2001:db8:0:0::/64"),
        ("::ffff:192.0.2.1", "192.0.2.1"),
        ("192.0.2.1", "192.0.2.1"),
        ("not an address", "not an address"),
    ])
    func addressesAreCountedByNetwork(address: String, network: String) {
        #expect(RateLimiter.network(address) == network)
    }

    /// A chain of replies far deeper than anyone writes: the page renders, without nesting past the indent limit.
    @Test func aVeryDeepReplyChainRendersFlat() async throws {
        try await withAppEnvironment { client, env in
            let author = try await TestAccounts.create(env, "grace")
            let store = CommentStore(database: env.database, trending: .standard)
            let paper = ArxivID(parsing: "2412.01981")!
            var parent: Int?
            for i in 0..<400 { parent = try await store.add(paper: paper, parentID: parent, userID: author.id, body: "reply \(i)") }
            let page = try await client.execute(uri: "/papers/2412.01981", method: .get)
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains("reply 399"))
            var depth = 0, deepest = 0
            var rest = Substring(html)
            while let open = rest.range(of: "<ol class=\"comments") {
                let close = rest.range(of: "</ol>")
                if let close, close.lowerBound < open.lowerBound {
                    depth -= 1
                    rest = rest[close.upperBound...]
                } else {
                    depth += 1
                    deepest = max(deepest, depth)
                    rest = rest[open.upperBound...]
                }
            }
            #expect(deepest <= CommentThreadView.maximumIndent + 1)
        }
    }

    /// Comments on a paper the moderators took off the feed leave the commenters' pages too.
    @Test func commentsOnAHiddenPaperLeaveMemberPages() async throws {
        try await withAppEnvironment { client, env in
            let author = try await TestAccounts.create(env, "grace")
            let moderator = try await TestAccounts.create(env, "mod", role: .moderator)
            let paper = ArxivID(parsing: "2412.01981")!
            _ = try await CommentStore(database: env.database, trending: .standard).add(paper: paper, parentID: nil, userID: author.id, body: "visible words")
            #expect(String(buffer: try await client.execute(uri: "/users/grace", method: .get).body).contains("visible words"))
            try await ModerationStore(database: env.database, trending: .standard).hidePaper(paper, reason: "spam", moderatorID: moderator.id)
            #expect(!String(buffer: try await client.execute(uri: "/users/grace", method: .get).body).contains("visible words"))
        }
    }

    /// Imported code and project links become links only when they are http(s), on pages, in Markdown and in the API.
    @Test func importedLinksKeepHttpAndHttpsOnly() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("links-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var text = try String(contentsOfFile: Fixtures.path("hf-daily/2024-12-04.json"), encoding: .utf8)
        // The first paper's links, rewritten to hostile schemes.
        let items = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        var first = items[0]
        var paper = try #require(first["paper"] as? [String: Any])
        let id = try #require(paper["id"] as? String)
        paper["githubRepo"] = "javascript:alert(document.cookie)"
        paper["projectPage"] = " data:text/html,<script>alert(1)</script>"
        first["paper"] = paper
        text = String(decoding: try JSONSerialization.data(withJSONObject: [first]), as: UTF8.self)
        try text.write(to: folder.appendingPathComponent("2024-12-04.json"), atomically: true, encoding: .utf8)
        try await withApp(importing: [folder.path]) { client in
            for path in ["/papers/\(id)", "/papers/\(id).md", "/api/papers/\(id)", "/api/daily_papers?date=2024-12-04", "/"] {
                let body = String(buffer: try await client.execute(uri: path, method: .get).body)
                #expect(!body.contains("javascript:") && !body.contains("data:text"), "\(path)")
            }
            let api = String(buffer: try await client.execute(uri: "/api/papers/\(id)", method: .get).body)
            #expect(!api.contains("\"githubRepo\":\"j"))
        }
    }

    @Test(arguments: [
        "https://github.com/owner/name", "http://example.org/x?a=1",
    ])
    func webLinksPass(url: String) { #expect(LinkFinder.webURL(url) == url) }

    @Test(arguments: [
        "javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x", "vbscript:x", "//evil.example/x", "https://",
        "https://exa mple.org", "https://example.org/\"onmouseover=x", "https://example.org/\u{0}", "ftp://example.org/x", "",
    ])
    func otherLinksDoNot(url: String) { #expect(LinkFinder.webURL(url) == nil) }

    /// Spellings of one search share one cached feed, and its title is the canonical query.
    @Test func searchFeedsAreKeyedByTheCanonicalQuery() async throws {
        try await withApp { client in
            let a = String(buffer: try await client.execute(uri: "/feeds/search.atom?q=Diffusion.", method: .get).body)
            let b = String(buffer: try await client.execute(uri: "/feeds/search.atom?q=%20diffusion%20", method: .get).body)
            #expect(a == b)
            #expect(a.contains("“diffusion”"))
        }
    }

    @Test func searchDepthIsBoundedAndCheapToRefuse() async throws {
        try await withApp { client in
            let deep = try await client.execute(uri: "/search?q=model&p=50", method: .get)
            #expect(deep.status == .badRequest)
            #expect(String(buffer: deep.body).contains("results go 1000 deep"))
            let api = try await client.execute(uri: "/api/papers/search?q=model&limit=100&p=10", method: .get)
            #expect(api.status == .badRequest)
            #expect(try await client.execute(uri: "/search?q=model&p=49", method: .get).status == .ok)
        }
    }
}

@Suite struct ResponseCacheBoundsTests {
    @Test func theCacheStaysWithinItsBytesAndKeepsWhatIsUsed() async throws {
        try await TestDatabase.with { t in
            let cache = ResponseCache(database: t.database, store: PaperStore(database: t.database), checkInterval: 60, countsGrace: 1,
                                      maximumBytes: 200_000, maximumEntries: 1_000)
            let page = String(repeating: "x", count: 5_000)
            let renders = Atomic<Int>(0)
            _ = try await cache.entry("hot", contentType: "text/plain") { renders.add(1, ordering: .relaxed); return page }
            for i in 0..<500 {
                _ = try await cache.entry("cold-\(i)", contentType: "text/plain") { page + String(i) }
                // The hot page is read all along: it is the last to be evicted.
                _ = try await cache.entry("hot", contentType: "text/plain") { renders.add(1, ordering: .relaxed); return page }
                #expect(cache.usage.bytes <= 200_000)
            }
            #expect(renders.load(ordering: .relaxed) == 1)
            #expect(cache.usage.entries > 10)
        }
    }

    /// Many readers missing the same page at once wait for one render instead of all rendering it.
    @Test func concurrentMissesOfOneKeyRenderOnce() async throws {
        try await TestDatabase.with { t in
            let cache = ResponseCache(database: t.database, store: PaperStore(database: t.database), checkInterval: 60, countsGrace: 1)
            let renders = RenderCount()
            let bodies = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        let e = try await cache.entry("page", contentType: "text/plain") {
                            renders.add()
                            try await Task.sleep(for: .milliseconds(100))
                            return "the page"
                        }
                        return String(buffer: e.body)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(bodies == Array(repeating: "the page", count: 50))
            #expect(renders.value == 1)
            // A render that fails hands nothing to its waiters: each tries again, and the error is not kept.
            await #expect(throws: WebError.self) {
                _ = try await cache.entry("missing", contentType: "text/plain") { () async throws -> String in throw WebError.notFound("no") }
            }
        }
    }
}

final class RenderCount: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
