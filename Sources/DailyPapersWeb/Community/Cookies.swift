import Hummingbird

/// The two cookies the site sets. Both HttpOnly (no script reads them) and SameSite=Lax (not sent on
/// cross-site POSTs). On https they are Secure and carry the `__Host-` prefix: a browser then accepts
/// them only from this host, with Path=/ and no Domain, so a sibling subdomain cannot plant a session
/// or form token of its choosing (log-in CSRF, session fixation).
struct Cookies: Sendable {
    let secure: Bool
    /// The session token.
    let session: String
    /// A random value echoed in forms shown before sign-in (log in, sign up, reset): the double-submit check.
    let formToken: String
    /// When the member last changed something (milliseconds): their next pages must show it (see
    /// `MemberStateCache`). Not a secret; a forged value only costs its sender a query.
    let wrote: String

    init(secure: Bool) {
        self.secure = secure
        let prefix = secure ? "__Host-" : ""
        session = prefix + "dp_session"
        formToken = prefix + "dp_form"
        wrote = prefix + "dp_wrote"
    }

    /// The cookie's value; nil when absent, empty, or sent more than once with different values (which
    /// one a browser puts first depends on paths an attacker may have chosen, so neither is trusted).
    static func value(_ name: String, in request: Request) -> String? {
        var found: String?
        for field in request.headers[values: .cookie] {
            for part in field.split(separator: ";") {
                let kv = part.split(separator: "=", maxSplits: 1)
                if kv.count == 2, kv[0].trimmingCharacters(in: .whitespaces) == name {
                    let v = kv[1].trimmingCharacters(in: .whitespaces)
                    if let found, found != v { return nil }
                    found = v
                }
            }
        }
        return found?.isEmpty == false ? found : nil
    }

    func set(_ name: String, _ value: String, maxAge: Int?) -> String {
        var c = "\(name)=\(value); Path=/; HttpOnly; SameSite=Lax"
        if let maxAge { c += "; Max-Age=\(maxAge)" }
        if secure { c += "; Secure" }
        return c
    }

    func clear(_ name: String) -> String {
        set(name, "", maxAge: 0)
    }
}
