import Hummingbird

/// The two cookies the site sets. Both HttpOnly (no script reads them) and SameSite=Lax (not sent on
/// cross-site POSTs), Secure when the site is served over https.
enum Cookies {
    static let session = "dp_session"
    /// A random value echoed in forms shown before sign-in (log in, sign up, reset): the double-submit check.
    static let formToken = "dp_form"

    static func value(_ name: String, in request: Request) -> String? {
        for field in request.headers[values: .cookie] {
            for part in field.split(separator: ";") {
                let kv = part.split(separator: "=", maxSplits: 1)
                if kv.count == 2, kv[0].trimmingCharacters(in: .whitespaces) == name {
                    let v = kv[1].trimmingCharacters(in: .whitespaces)
                    return v.isEmpty ? nil : v
                }
            }
        }
        return nil
    }

    static func set(_ name: String, _ value: String, maxAge: Int?, secure: Bool) -> String {
        var c = "\(name)=\(value); Path=/; HttpOnly; SameSite=Lax"
        if let maxAge { c += "; Max-Age=\(maxAge)" }
        if secure { c += "; Secure" }
        return c
    }

    static func clear(_ name: String, secure: Bool) -> String {
        set(name, "", maxAge: 0, secure: secure)
    }
}
