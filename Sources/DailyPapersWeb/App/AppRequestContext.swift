import DailyPapersStore
import Hummingbird
import NIOCore

/// The per-request context: the signed-in session (set by `SessionMiddleware`) and the client's address.
public struct AppRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The live session when the request carries a valid session cookie.
    public var session: SessionStore.Session?
    /// The member's unread notifications, for a page's header (0 elsewhere).
    var unread = 0
    /// The peer's address; behind a trusted proxy, SessionMiddleware replaces it with X-Forwarded-For's last hop.
    public var remoteAddress: SocketAddress?
    var clientIP: String?
    /// The site's cookie names (set by SessionMiddleware; `__Host-` prefixed on https).
    var cookies = Cookies(secure: false)

    public init(source: Source) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        clientIP = source.channel.remoteAddress?.ipAddress
    }
}
