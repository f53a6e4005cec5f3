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
        var found: Substring?
        for field in request.headers[values: .cookie] {
            // Scanned in place: every signed-in request looks up two cookies.
            var rest = field[...]
            while !rest.isEmpty {
                let end = rest.firstIndex(of: ";") ?? rest.endIndex
                let part = rest[..<end].drop { $0 == " " || $0 == "\t" }
                rest = end < rest.endIndex ? rest[rest.index(after: end)...] : rest[rest.endIndex...]
                guard let equals = part.firstIndex(of: "="),
                      part[..<equals].trimmingTrailingSpaces == name[...] else { continue }
                let v = part[part.index(after: equals)...].drop { $0 == " " || $0 == "\t" }.trimmingTrailingSpaces
                if let found, found != v { return nil }
                found = v
            }
        }
        guard let found, !found.isEmpty else { return nil }
        return String(found)
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

extension Substring {
    fileprivate var trimmingTrailingSpaces: Substring {
        var s = self
        while let last = s.last, last == " " || last == "\t" { s = s.dropLast() }
        return s
    }
}
