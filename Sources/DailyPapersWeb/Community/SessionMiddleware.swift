import DailyPapersCore
import DailyPapersStore
import HTTPTypes
import Hummingbird

/// Finds the request's session from its cookie and puts it in the context. Expiry slides: a session
/// seen again after `touchInterval` is extended, so active members stay signed in and the table is
/// written at most once per session per interval, not on every request.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let sessions: SessionStore
    let notifications: NotificationStore
    let lifetimeSeconds: Double
    let trustProxy: Bool
    let cookies: Cookies
    let touchInterval: Double = 600

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.cookies = cookies
        if trustProxy, let forwarded = request.headers[.init("X-Forwarded-For")!] {
            // The proxy appends the address it saw; earlier entries are whatever the client claimed.
            if let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty {
                context.clientIP = last
            }
        }
        if let token = Cookies.value(cookies.session, in: request), token.utf8.count <= 100 {
            let now = Timestamp.now
            let hash = Secrets.hash(token)
            if let session = try await sessions.session(tokenHash: hash, now: now) {
                context.session = session
                // Pages show the unread count in their header (counted once every few seconds per member).
                if request.method == .get, Self.isPage(request.uri.path) {
                    context.unread = try await notifications.unreadCount(userID: session.account.id)
                }
                if now.secondsSince1970 - session.lastSeenAt.secondsSince1970 > touchInterval {
                    try await sessions.touch(tokenHash: hash, now: now, expiresAt: now.adding(seconds: lifetimeSeconds))
                }
            }
        }
        var response = try await next(request, context)
        // A member's accepted change: their next pages on any process read their state afresh.
        if context.session != nil, request.method == .post, response.status.code < 400 {
            let now = Int64(Timestamp.now.secondsSince1970 * 1000)
            response.headers.append(HTTPField(name: .setCookie, value: cookies.set(cookies.wrote, String(now), maxAge: 120)))
        }
        return response
    }

    /// Whether a path is a page (its header shows the member's links), not the API, a feed or a file.
    static func isPage(_ path: String) -> Bool {
        !(path.hasPrefix("/api/") || path.hasPrefix("/feeds/") || path.hasPrefix("/static/") || path.hasSuffix(".bib")
          || path.hasSuffix(".ris") || path.hasSuffix(".json") || path.hasSuffix(".md") || path == "/healthz" || path == "/readyz" || path == "/metrics")
    }
}
