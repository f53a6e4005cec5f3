import DailyPapersCore
import DailyPapersStore
import DailyPapersWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct AccountTests {
    @Test func signUpConfirmByMailLogOutAndIn() async throws {
        try await withAppEnvironment { client, env in
            let browser = BrowserSession(client)
            let token = try await browser.token(from: "/signup")
            let signup = try await browser.post("/signup", ["csrf": token, "username": "ada", "fullname": "Ada Lovelace",
                                                            "email": "Ada@Example.org", "password": "analytical engine"])
            #expect(signup.status == .ok)
            #expect(String(buffer: signup.body).contains("We sent a confirmation link to Ada@Example.org"))
            #expect(browser.cookie("__Host-dp_session") == nil)

            let sent = try await env.sentMails()
            #expect(sent.count == 1)
            #expect(sent[0].contains("To: ada@example.org"))
            #expect(sent[0].contains("Subject: Confirm your email for Daily Papers"))
            let confirm = try #require(link(in: sent[0], prefix: "https://papers.example.org/verify-email?token="))
            let path = String(confirm.dropFirst("https://papers.example.org".count))

            // The link's page changes nothing by itself (mail scanners follow links); its button confirms.
            let page = try await browser.get(path)
            #expect(page.status == .ok)
            let linkToken = String(path.dropFirst("/verify-email?token=".count))
            #expect(try await AccountStore(database: env.database).account(username: "ada")?.emailVerified == false)
            let formToken = try #require(BrowserSession.csrf(in: String(buffer: page.body)))
            let confirmed = try await browser.post("/verify-email", ["csrf": formToken, "token": linkToken])
            #expect(confirmed.status == .seeOther)
            // Confirming signs no one in (a link someone else sent must not put a browser in their account).
            #expect(confirmed.headers[.location] == "/login?msg=verified-login")
            #expect(confirmed.headers[values: .setCookie].allSatisfy { !$0.contains("dp_session=") })
            #expect(try await AccountStore(database: env.database).account(username: "ada")?.emailVerified == true)
            // The link works once.
            #expect(try await browser.post("/verify-email", ["csrf": formToken, "token": linkToken]).status == .badRequest)
            // A cross-site POST of the form is refused before the token is looked at.
            let crossSite = try await BrowserSession(client).post("/verify-email", ["token": linkToken])
            #expect(crossSite.status == .forbidden)

            let signedIn = try await TestAccounts.signInWith(client, login: "ada@example.org", password: "analytical engine")
            let cookie = try #require(signedIn.lastSetCookies.first { $0.hasPrefix("__Host-dp_session=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Secure") && cookie.contains("Path=/"))
            let settings = String(buffer: try await signedIn.get("/settings").body)
            #expect(settings.contains("ada@example.org (confirmed)"))
            #expect(settings.contains("@ada"))

            let logout = try await signedIn.post("/logout", ["csrf": try #require(BrowserSession.csrf(in: settings))])
            #expect(logout.status == .seeOther)
            #expect(signedIn.cookie("__Host-dp_session") == nil)
            #expect(try await signedIn.get("/settings").headers[.location] == "/login?next=/settings")

            let again = try await TestAccounts.signInWith(client, login: "ada@example.org", password: "analytical engine")
            #expect(String(buffer: try await again.get("/settings").body).contains("Change password"))
        }
    }

    @Test(arguments: [
        (["username": "a", "email": "a@example.org", "password": "long enough pw"], "Username must be 2 to 32"),
        (["username": "dailypapers-auto", "email": "a@example.org", "password": "long enough pw"], "reserved"),
        (["username": "<script>", "email": "a@example.org", "password": "long enough pw"], "only letters, digits"),
        (["username": "bob", "email": "bob@example.org\r\nBcc: all@example.org", "password": "long enough pw"], "Email: not a usable email address"),
        (["username": "bob", "email": "not-an-address", "password": "long enough pw"], "exactly one @"),
        (["username": "bob", "email": "bob@example.org", "password": "short"], "at least 10 characters"),
        (["username": "bob", "email": "bob@example.org", "password": String(repeating: "ab", count: 40)], "at most 72 bytes"),
        (["username": "bob", "email": "bob@example.org", "password": "long enough pw", "fullname": String(repeating: "x", count: 81)], "at most 80"),
        (["username": "bob' OR 1=1 --", "email": "bob@example.org", "password": "long enough pw"], "only letters, digits"),
    ])
    func signUpRefusesBadFieldsAndKeepsWhatWasTyped(fields: [String: String], reason: String) async throws {
        try await withAppEnvironment { client, env in
            let browser = BrowserSession(client)
            var form = fields
            form["csrf"] = try await browser.token(from: "/signup")
            let response = try await browser.post("/signup", form)
            let html = String(buffer: response.body)
            #expect(response.status == .badRequest)
            #expect(html.contains(reason), "\(html.prefix(0))expected '\(reason)'")
            #expect(!html.contains("<script>"))
            #expect(try await AccountStore(database: env.database).account(email: "bob@example.org") == nil)
            #expect(try await env.sentMails().isEmpty)
        }
    }

    @Test func anExistingEmailGetsTheSameAnswerAndAMailToItsOwner() async throws {
        try await withAppEnvironment { client, env in
            _ = try await TestAccounts.create(env, "grace")
            let browser = BrowserSession(client)
            let token = try await browser.token(from: "/signup")
            let response = try await browser.post("/signup", ["csrf": token, "username": "mallory", "email": "grace@example.org",
                                                              "password": "guessing games"])
            #expect(response.status == .ok)
            #expect(String(buffer: response.body).contains("We sent a confirmation link to grace@example.org"))
            #expect(try await AccountStore(database: env.database).account(username: "mallory") == nil)
            let sent = try await env.sentMails()
            #expect(sent.count == 1 && sent[0].contains("You already have a Daily Papers account"))
        }
    }

    @Test func formsWithoutAValidTokenAreRefused() async throws {
        try await withAppEnvironment { client, env in
            _ = try await TestAccounts.create(env, "grace")
            let fresh = BrowserSession(client)
            // No token cookie at all.
            let missing = try await fresh.post("/login", ["login": "grace", "password": TestAccounts.password])
            #expect(missing.status == .forbidden)
            #expect(String(buffer: missing.body).contains("did not come from this site"))
            // A token that is not the cookie's.
            let token = try await fresh.token(from: "/login")
            let forged = try await fresh.post("/login", ["csrf": token + "x", "login": "grace", "password": TestAccounts.password])
            #expect(forged.status == .forbidden)
            // The right token from another site's page.
            let crossSite = try await fresh.post("/login", ["csrf": token, "login": "grace", "password": TestAccounts.password],
                                                 headers: [.origin: "https://evil.example"])
            #expect(crossSite.status == .forbidden)
            #expect(fresh.cookie("__Host-dp_session") == nil)

            // Signed in, the session's token is required; the pre-sign-in token no longer counts.
            let member = try await TestAccounts.signIn(client, "grace")
            let vote = try await member.post("/vote", ["csrf": token, "paper": "2412.01981", "vote": "1"])
            #expect(vote.status == .forbidden)
            let count = try await VoteStore(database: env.database, trending: .standard).count(paper: ArxivID(parsing: "2412.01981")!)
            #expect(count == 0)
        }
    }

    @Test func wrongPasswordAndUnknownAccountLookTheSameThenGetThrottled() async throws {
        try await withAppEnvironment { client, env in
            _ = try await TestAccounts.create(env, "grace")
            let browser = BrowserSession(client)
            let token = try await browser.token(from: "/login")
            let wrong = try await browser.post("/login", ["csrf": token, "login": "grace", "password": "not the password"])
            let unknown = try await browser.post("/login", ["csrf": token, "login": "nobody", "password": "not the password"])
            #expect(wrong.status == .badRequest && unknown.status == .badRequest)
            #expect(String(buffer: wrong.body).contains("Wrong username, email or password."))
            #expect(String(buffer: unknown.body).contains("Wrong username, email or password."))
            // Five tries per name per minute, one back every twelve seconds (one is used above): tries past those are
            // refused before the password is checked, the right one too.
            try await expectRefusedAfterBurst(4, refill: 12) {
                try await browser.post("/login", ["csrf": token, "login": "grace", "password": "still wrong"]).status
            }
            let throttled = try await browser.post("/login", ["csrf": token, "login": "grace", "password": TestAccounts.password])
            #expect(throttled.status == .tooManyRequests)
            #expect(throttled.headers[.retryAfter] != nil)
            #expect(throttled.headers[.contentType]?.hasPrefix("text/plain") == true)
            #expect(String(buffer: throttled.body).hasPrefix("Too many attempts; wait "))
            #expect(browser.cookie("__Host-dp_session") == nil)
        }
    }

    @Test func passwordResetByMailEndsOtherSessions() async throws {
        try await withAppEnvironment { client, env in
            _ = try await TestAccounts.create(env, "grace")
            let oldSession = try await TestAccounts.signIn(client, "grace")
            let browser = BrowserSession(client)
            let token = try await browser.token(from: "/password-reset")
            let known = try await browser.post("/password-reset", ["csrf": token, "email": "grace@example.org"])
            let unknown = try await browser.post("/password-reset", ["csrf": token, "email": "nobody@example.org"])
            #expect(String(buffer: known.body).contains("If an account uses grace@example.org, a reset link is on its way."))
            #expect(String(buffer: unknown.body).contains("If an account uses nobody@example.org, a reset link is on its way."))
            let sent = try await env.sentMails()
            #expect(sent.count == 1)
            let resetLink = try #require(link(in: sent[0], prefix: "https://papers.example.org/password-reset/"))
            let path = String(resetLink.dropFirst("https://papers.example.org".count))
            let formToken = try await browser.token(from: path)
            let weak = try await browser.post(path, ["csrf": formToken, "password": "short"])
            #expect(weak.status == .badRequest)
            let done = try await browser.post(path, ["csrf": formToken, "password": "a brand new secret"])
            #expect(done.headers[.location] == "/login?msg=password-reset")
            // Used once only; the old session is over; the new password works and the old does not.
            #expect(try await browser.post(path, ["csrf": formToken, "password": "another new secret"]).status == .badRequest)
            #expect(try await oldSession.get("/settings").status == .seeOther)
            _ = try await TestAccounts.signInWith(client, login: "grace", password: "a brand new secret")
            await #expect(throws: TestFailure.self) { try await TestAccounts.signIn(client, "grace") }
        }
    }

    @Test func changingThePasswordNeedsTheCurrentOne() async throws {
        try await withAppEnvironment { client, env in
            _ = try await TestAccounts.create(env, "grace")
            let browser = try await TestAccounts.signIn(client, "grace")
            let token = try await browser.token(from: "/settings")
            let wrong = try await browser.post("/settings/password", ["csrf": token, "current": "guess guess", "password": "new password here"])
            #expect(wrong.status == .badRequest)
            #expect(String(buffer: wrong.body).contains("The current password is wrong."))
            let ok = try await browser.post("/settings/password", ["csrf": token, "current": TestAccounts.password, "password": "new password here"])
            #expect(ok.headers[.location] == "/settings?msg=password-changed")
            #expect(try await browser.get("/settings").status == .ok)  // this session stays
        }
    }
}

extension TestAccounts {
    static func signInWith(_ client: any TestClientProtocol, login: String, password: String) async throws -> BrowserSession {
        let browser = BrowserSession(client)
        let token = try await browser.token(from: "/login")
        let response = try await browser.post("/login", ["csrf": token, "login": login, "password": password])
        guard response.status == .seeOther else { throw TestFailure("log-in as \(login) answered \(response.status.code)") }
        return browser
    }
}
