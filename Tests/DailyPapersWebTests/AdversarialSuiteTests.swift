import DailyPapersCore
import DailyPapersStore
import DailyPapersWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// A standing hostile suite: every query parameter, path segment, form field, header and cookie of the
/// site gets each of the inputs below, signed out and signed in, with wrong methods and content types.
/// The promise checked: never a 5xx, every answer within `bound`, and the site still up afterwards.
@Suite struct AdversarialSuiteTests {
    /// Each answer must come within this. Alone, answers take milliseconds; the suite runs beside the others
    /// on two cores in a debug build, so the bound is loose, yet a quadratic path on these inputs (the old
    /// comment renderer on 10,000 `[`) takes far longer in a debug build.
    static let bound: Duration = .seconds(5)

    /// The first requests of a new application pay for its start (first queries, the search index): done
    /// before anything is timed.
    static func warmUp(_ client: any TestClientProtocol) async throws {
        for path in ["/", "/papers/2412.01981", "/search?q=model", "/api/papers/search?q=model", "/feeds/daily.atom", "/login", "/signup"] {
            _ = try await client.execute(uri: path, method: .get)
        }
    }

    /// A hostile value, and whether it is already percent-encoded (to send bytes that are not UTF-8).
    struct Value: Sendable, CustomStringConvertible {
        let text: String
        let encoded: Bool
        init(_ text: String, encoded: Bool = false) { self.text = text; self.encoded = encoded }
        var description: String { String(text.prefix(40)).debugDescription }
        var query: String { encoded ? text : BrowserSession.encode(text) }
    }

    static let values: [Value] = [
        Value(""), Value(" "), Value(String(repeating: "a", count: 20_000)), Value(String(repeating: "é", count: 5_000)),
        Value("%00", encoded: true), Value("a%00b", encoded: true), Value("a\u{0}b"), Value("%FF%FE%C3%28", encoded: true), Value("%ED%A0%80", encoded: true),
        Value("x%0D%0ASet-Cookie:%20dp_session=x", encoded: true), Value("\r\n\r\nHTTP/1.1 200 OK"),
        Value("<script>alert(1)</script>"), Value("\"><img src=x onerror=alert(1)>"), Value("javascript:alert(1)"),
        Value("' OR 1=1; DROP TABLE papers; --"), Value("\" OR \"\"=\""), Value("../../../../etc/passwd"),
        Value("%2e%2e%2f%2e%2e%2f", encoded: true), Value("\u{202E}gnp.exe"), Value("\u{FEFF}\u{200B}\u{200D}"),
        Value("👩‍👩‍👧‍👦🏳️‍🌈"), Value("e" + String(repeating: "\u{0301}", count: 2_000)), Value("𝔘𝔫𝔦𝔠𝔬𝔡𝔢"),
        Value("99999999999999999999999999999999"), Value("-1"), Value("-9223372036854775808"), Value("1e308"), Value("NaN"),
        Value("0x7fffffff"), Value("%s%n%x%p"), Value(String(repeating: "[", count: 10_000)),
        Value(String(repeating: "*a ", count: 5_000)), Value(String(repeating: "> ", count: 3_000)),
        Value(String(repeating: "{\"a\":", count: 2_000)), Value(String(repeating: "(", count: 5_000)),
        Value("\\"), Value("2024-13-45"), Value("2024-W99"), Value("0000-00-00"), Value("9999-12-31"), Value("cs.LG*"),
        Value("\"unclosed phrase"), Value("diffus*"), Value(String(repeating: "model ", count: 300)),
    ]

    /// GET paths with one hole (`@`) for the value.
    static let getTemplates: [String] = [
        "/papers?sort=@", "/papers?p=@", "/papers/date/@", "/papers/week/@", "/papers/month/@", "/papers/@", "/papers/@.md",
        "/papers/@/@", "/papers/date/2024-12-04?sort=@&p=@",
        "/api/daily_papers?date=@", "/api/daily_papers?week=@", "/api/daily_papers?month=@", "/api/daily_papers?submitter=@",
        "/api/daily_papers?sort=@", "/api/daily_papers?p=@", "/api/daily_papers?limit=@", "/api/papers/@", "/api/papers/@/similar",
        "/api/papers/2412.01981/similar?limit=@", "/api/papers/search?q=@", "/api/papers/search?q=model&limit=@&p=@",
        "/search?q=@", "/search?q=model&category=@", "/search?q=model&from=@&to=@", "/search?q=model&author=@",
        "/search?q=model&sort=@", "/search?q=model&p=@", "/search?q=model&code=@",
        "/feeds/@.atom", "/feeds/@", "/feeds/category/@.rss", "/feeds/user/@.json", "/feeds/search.atom?q=@",
        "/users/@", "/subscription/@", "/unsubscribe/@", "/password-reset/@", "/verify-email?token=@",
        "/subscribe/confirm?token=@", "/subscribe?email=@", "/login?next=@&msg=@", "/static/@", "/@",
        "/papers?p=1&p=@&p=2", "/search?q=a&q=@",
    ]

    /// Forms with their fields; `csrf` is added. Each field in turn gets the hostile value.
    static let forms: [(path: String, fields: [String: String], signedIn: Bool)] = [
        ("/signup", ["username": "newcomer", "fullname": "New Comer", "email": "new@example.org", "password": "a long enough secret"], false),
        ("/login", ["login": "grace", "password": "x", "next": "/"], false),
        ("/password-reset", ["email": "grace@example.org"], false),
        ("/subscribe", ["email": "reader@example.org", "frequency": "daily", "size": "10", "categories": "cs.LG", "keywords": "x",
                        "authors": "y"], false),
        ("/verify-email", ["token": "x"], false),
        ("/subscribe/confirm", ["token": "x"], false),
        ("/comments", ["paper": "2412.01981", "body": "hello", "parent": ""], true),
        ("/vote", ["paper": "2412.01981", "vote": "1"], true),
        ("/submit", ["id": "2412.01981"], true),
        ("/claims", ["paper": "2412.01981", "position": "0"], true),
        ("/settings/password", ["current": "x", "password": "another long secret"], true),
    ]

    func check(_ response: TestResponse, _ what: String, since start: ContinuousClock.Instant) {
        let took = ContinuousClock.now - start
        #expect(response.status.code < 500, "\(what) answered \(response.status.code): \(String(buffer: response.body).prefix(200))")
        #expect(took < Self.bound, "\(what) took \(took)")
    }

    @Test func everyParameterAndPathSegment() async throws {
        try await withAppEnvironment(configure: { $0.rateLimitScale = 0 }) { client, env in
            try await Self.warmUp(client)
            _ = try await TestAccounts.create(env, "grace")
            let member = try await TestAccounts.signIn(client, "grace")
            var sent = 0
            for template in Self.getTemplates {
                for (n, value) in Self.values.enumerated() {
                    let uri = template.replacingOccurrences(of: "@", with: value.query)
                    // Signed-in pages are rendered per request: every fourth value is enough there.
                    for browser in n % 4 == 0 ? [BrowserSession(client), member] : [BrowserSession(client)] {
                        let start = ContinuousClock.now
                        check(try await browser.get(uri), "GET \(template) with \(value)", since: start)
                        sent += 1
                    }
                }
            }
            #expect(sent >= 300)
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
        }
    }

    @Test func everyFormField() async throws {
        try await withAppEnvironment(configure: { $0.rateLimitScale = 0 }) { client, env in
            try await Self.warmUp(client)
            _ = try await TestAccounts.create(env, "grace")
            let member = try await TestAccounts.signIn(client, "grace")
            let memberToken = try await member.token(from: "/settings")
            let stranger = BrowserSession(client)
            let strangerToken = try await stranger.token(from: "/login")
            var sent = 0
            for form in Self.forms {
                let (browser, token) = form.signedIn ? (member, memberToken) : (stranger, strangerToken)
                // Forms that check a password run bcrypt (a quarter second in a debug build): a sample of the values there.
                let costly = ["/login", "/signup", "/settings/password"].contains(form.path)
                for field in form.fields.keys.sorted() + ["csrf"] {
                    for (n, value) in Self.values.enumerated() where !value.encoded && (!costly || n % 11 == 0) {
                        var fields = form.fields
                        fields["csrf"] = token
                        fields[field] = value.text
                        let start = ContinuousClock.now
                        check(try await browser.post(form.path, fields), "POST \(form.path) \(field)=\(value)", since: start)
                        sent += 1
                    }
                }
            }
            // Comment edits and deletes of ids that are no number, huge, or someone else's.
            for value in Self.values {
                for action in ["edit", "delete"] {
                    let start = ContinuousClock.now
                    check(try await member.post("/comments/\(value.query)/\(action)", ["csrf": memberToken, "body": "x"]),
                          "POST /comments/\(value)/\(action)", since: start)
                    sent += 1
                }
            }
            #expect(sent >= 300)
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
        }
    }

    @Test func everyHeaderCookieMethodAndContentType() async throws {
        try await withAppEnvironment(configure: { $0.rateLimitScale = 0; $0.trustProxy = true }) { client, env in
            try await Self.warmUp(client)
            let names: [HTTPField.Name] = [.cookie, .accept, .acceptEncoding, .ifNoneMatch, .ifModifiedSince, .origin,
                                           HTTPField.Name("X-Forwarded-For")!, .acceptLanguage, .userAgent, .referer, .range]
            var sent = 0
            for name in names {
                for value in Self.values where !value.encoded {
                    // Header values cannot hold CR, LF or NUL on the wire; HTTPFields drops such a field itself.
                    var headers: HTTPFields = [:]
                    headers[name] = value.text
                    for path in ["/", "/papers/2412.01981", "/api/daily_papers", "/feeds/daily.atom"] {
                        let start = ContinuousClock.now
                        check(try await client.execute(uri: path, method: .get, headers: headers), "\(name) \(value) on \(path)", since: start)
                        sent += 1
                    }
                }
            }
            // Cookies: hostile session and form tokens, many cookies, the same cookie many times.
            let cookieValues = Self.values.filter { !$0.encoded }.map { "__Host-dp_session=\($0.text.prefix(4_000))" }
                + [String(repeating: "a=b; ", count: 2_000), (0..<500).map { "__Host-dp_session=\($0)" }.joined(separator: "; "),
                   "__Host-dp_form=" + String(repeating: "x", count: 8_000)]
            for cookie in cookieValues {
                for (path, method) in [("/settings", HTTPRequest.Method.get), ("/", .get), ("/login", .post), ("/vote", .post)] {
                    let start = ContinuousClock.now
                    check(try await client.execute(uri: path, method: method, headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
                                                   body: ByteBuffer(string: "csrf=x")), "cookie \(cookie.prefix(40)) on \(path)", since: start)
                    sent += 1
                }
            }
            // Wrong methods, wrong and missing content types, bodies that are not forms.
            let bodies = ["{\"login\":\"grace\"}", String(repeating: "a=b&", count: 20_000), "%%%%%", "csrf=" + String(repeating: "%FF", count: 1_000), ""]
            for path in ["/login", "/signup", "/vote", "/comments", "/subscribe", "/api/daily_papers", "/", "/papers/2412.01981"] {
                for method in [HTTPRequest.Method.put, .delete, .patch, .options, .post] {
                    for (type, body) in zip(["application/json", "application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x", ""], bodies) {
                        var headers: HTTPFields = [:]
                        if !type.isEmpty { headers[.contentType] = type }
                        let start = ContinuousClock.now
                        check(try await client.execute(uri: path, method: method, headers: headers, body: ByteBuffer(string: body)),
                              "\(method) \(path) as \(type)", since: start)
                        sent += 1
                    }
                }
            }
            #expect(sent >= 300)
            _ = env
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
        }
    }
}
