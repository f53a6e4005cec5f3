import DailyPapersCore
import DailyPapersStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Personal access tokens: created and revoked in settings (forms with the member's CSRF token), and the API's
/// `whoami-v2` (Hugging Face's), which a program calls with `Authorization: Bearer <token>` to learn whom it acts for.
struct AccessTokenRoutes: Sendable {
    let community: Community
    var site: SiteInfo { community.site }

    func register(on router: Router<AppRequestContext>) {
        router.post(Route.settingsTokens.pattern) { req, ctx in try await create(req, ctx) }
        router.post(Route.settingsTokenRevoke.pattern) { req, ctx in
            let form = try await FormInput.read(req, context: ctx)
            guard let viewer = Viewer(ctx) else { return PageResponses.redirect(Route.login.path() + "?next=" + Route.settings.path()) }
            let id = Int(form.fields["token"] ?? "") ?? -1
            _ = try await community.accessTokens.revoke(userID: viewer.account.id, tokenID: id)
            return PageResponses.redirect(Route.settings.path() + "?msg=token-revoked")
        }
        router.get(Route.apiWhoami.pattern) { req, _ in try await whoami(req) }
    }

    /// Creates a token and shows it, once, on the settings page (never in a URL, never again).
    func create(_ req: Request, _ ctx: AppRequestContext) async throws -> Response {
        let form = try await FormInput.read(req, context: ctx)
        guard let viewer = Viewer(ctx) else { return PageResponses.redirect(Route.login.path() + "?next=" + Route.settings.path()) }
        let scope = AccessTokenStore.Scope(rawValue: form.fields["scope"] ?? "") ?? .read
        let token = "dp_" + Secrets.token()
        do {
            let made = try await community.accessTokens.create(userID: viewer.account.id, name: form.fields["name"] ?? "",
                                                               scope: scope, tokenHash: Secrets.hash(token))
            var response = PageResponses.html(try await community.settingsPage(viewer, newToken: (made.name, token)))
            // The page holds a secret: no cache keeps it.
            response.headers[.cacheControl] = "no-store"
            return response
        } catch let problem as AccessTokenStore.Problem {
            let message = problem == .tooMany
                ? "You hold \(AccessTokenStore.perMember) tokens already: revoke one first."
                : "Name the token (one line, at most \(AccessTokenStore.nameLength) characters), so you know later what uses it."
            return PageResponses.html(try await community.settingsPage(viewer, error: message), status: .badRequest)
        }
    }

    /// Hugging Face's `GET /api/whoami-v2`: the member a bearer token acts for and the token's role, so the Hub's
    /// client (`HfApi.whoami`, `hf auth whoami`) works against this site. 401 without a live token.
    func whoami(_ req: Request) async throws -> Response {
        guard let (account, token) = try await Self.bearer(req, tokens: community.accessTokens) else {
            throw WebError(status: .unauthorized, message: "Invalid credentials in Authorization header")
        }
        struct Who: Encodable {
            struct Auth: Encodable {
                struct AccessToken: Encodable { let displayName, role, createdAt: String }
                let type = "access_token"
                let accessToken: AccessToken
            }
            let type = "user"
            let id, name, fullname: String
            let emailVerified: Bool
            let isPro = false
            let orgs: [String] = []
            let auth: Auth
        }
        let who = Who(id: String(account.id), name: account.username, fullname: account.fullname, emailVerified: account.emailVerified,
                      auth: .init(accessToken: .init(displayName: token.name, role: token.scope.rawValue, createdAt: token.createdAt.iso8601)))
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: try Responses.jsonString(who))))
    }

    /// The token's member, refused (401) without a live token and (403) when writing with a read-only one;
    /// `toChange` names what a read-and-write token changes, for the 403's message.
    static func authorized(_ req: Request, tokens: AccessTokenStore, write: Bool, toChange: String) async throws -> (Account, AccessTokenStore.Token) {
        guard let (account, token) = try await bearer(req, tokens: tokens) else {
            throw WebError(status: .unauthorized, message: "Send a personal access token (made in Settings) as Authorization: Bearer <token>.")
        }
        if write, token.scope != .write {
            throw WebError.forbidden("This token may only read: make a read-and-write token in Settings to change \(toChange).")
        }
        return (account, token)
    }

    /// The member and token of an `Authorization: Bearer` header, if it names a live token.
    static func bearer(_ req: Request, tokens: AccessTokenStore) async throws -> (Account, AccessTokenStore.Token)? {
        guard let header = req.headers[.authorization], header.utf8.count <= 200 else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        guard token.hasPrefix("dp_") else { return nil }
        return try await tokens.member(tokenHash: Secrets.hash(token)).map { ($0.account, $0.token) }
    }
}

extension Community {
    /// The settings page for a member, with their live tokens (and a new one, shown this once).
    func settingsPage(_ viewer: Viewer, notice: String? = nil, error: String? = nil,
                      newToken: (name: String, token: String)? = nil) async throws -> String {
        AccountPagesView.settings(site: site, viewer: viewer, notice: notice, error: error,
                                  tokens: try await accessTokens.tokens(userID: viewer.account.id), newToken: newToken)
    }
}
