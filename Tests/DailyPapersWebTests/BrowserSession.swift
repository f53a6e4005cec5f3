import DailyPapersCore
import DailyPapersStore
import DailyPapersWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit

/// A client that keeps cookies and reads form tokens from pages, as a browser does.
final class BrowserSession: @unchecked Sendable {
    let client: any TestClientProtocol
    private(set) var cookies: [String: String] = [:]
    /// The Set-Cookie fields of the last response.
    private(set) var lastSetCookies: [String] = []
    private let lock = NSLock()

    init(_ client: any TestClientProtocol) { self.client = client }

    func cookie(_ name: String) -> String? { lock.withLock { cookies[name] } }
    func setCookie(_ name: String, _ value: String?) { lock.withLock { cookies[name] = value } }

    @discardableResult
    func get(_ uri: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await send(uri, method: .get, headers: headers, body: nil)
    }

    /// Posts a form; `csrf` defaults to the token on the page at `from` (or the last page fetched).
    @discardableResult
    func post(_ uri: String, _ fields: [String: String], headers: HTTPFields = [:]) async throws -> TestResponse {
        let body = fields.map { "\(Self.encode($0.key))=\(Self.encode($0.value))" }.joined(separator: "&")
        var h = headers
        h[.contentType] = "application/x-www-form-urlencoded"
        return try await send(uri, method: .post, headers: h, body: ByteBuffer(string: body))
    }

    func send(_ uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> TestResponse {
        var h = headers
        let jar = lock.withLock { cookies }
        if !jar.isEmpty { h[.cookie] = jar.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        let response = try await client.execute(uri: uri, method: method, headers: h, body: body)
        lock.withLock { lastSetCookies = response.headers[values: .setCookie] }
        for field in response.headers[values: .setCookie] {
            let pair = field.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let value = pair.count > 1 ? String(pair[1]) : ""
            setCookie(String(pair[0]), value.isEmpty || field.contains("Max-Age=0") ? nil : value)
        }
        return response
    }

    /// The form token printed in a page.
    static func csrf(in html: String) -> String? {
        guard let r = html.range(of: "name=\"csrf\" value=\"") else { return nil }
        return String(html[r.upperBound...].prefix { $0 != "\"" })
    }

    /// Fetches `page` and returns its form token.
    func token(from page: String) async throws -> String {
        let response = try await get(page)
        guard let token = Self.csrf(in: String(buffer: response.body)) else {
            throw TestFailure("no form token on \(page) (status \(response.status.code))")
        }
        return token
    }

    static func encode(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// Accounts made straight in the database (bcrypt once, shared hash), signed in by logging in through the form.
enum TestAccounts {
    static let password = "correct horse battery"

    static func create(_ env: AppEnvironment, _ username: String, role: Role = .member, verified: Bool = true) async throws -> Account {
        let account = try await AccountAdministration.create(database: env.database, username: username, email: "\(username)@example.org",
                                                             fullname: nil, password: password, role: role, bcryptCost: 10)
        return try await account.verified(verified, env)
    }

    /// Logs in through the form and returns the browser holding the session cookie.
    static func signIn(_ client: any TestClientProtocol, _ username: String) async throws -> BrowserSession {
        let browser = BrowserSession(client)
        let token = try await browser.token(from: "/login")
        let response = try await browser.post("/login", ["csrf": token, "login": username, "password": password])
        guard response.status == .seeOther, browser.cookie("__Host-dp_session") != nil else {
            throw TestFailure("log-in of \(username) answered \(response.status.code)")
        }
        return browser
    }
}

extension Account {
    /// Accounts from `AccountAdministration` are confirmed; tests that need an unconfirmed one clear it here.
    func verified(_ verified: Bool, _ env: AppEnvironment) async throws -> Account {
        if verified { return self }
        try await env.database.write { db in try await db.raw("UPDATE users SET email_verified_at = NULL WHERE id = \(bind: self.id)").run() }
        var copy = self
        copy.emailVerified = false
        return copy
    }
}

/// The .eml files in the mail folder, oldest first.
func mails(in folder: String) throws -> [String] {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
    return try names.filter { $0.hasSuffix(".eml") }.sorted().map { try String(contentsOfFile: folder + "/" + $0, encoding: .utf8) }
}

/// The first link to `prefix` in a (quoted-printable) mail body.
func link(in mail: String, prefix: String) -> String? {
    let unfolded = mail.replacingOccurrences(of: "=\r\n", with: "").replacingOccurrences(of: "=3D", with: "=")
    guard let r = unfolded.range(of: prefix) else { return nil }
    return String(unfolded[r.lowerBound...].prefix { !$0.isWhitespace })
}
