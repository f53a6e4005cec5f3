import Foundation

/// Where and how to reach an SMTP server: `smtp://user:pass@host:587` (STARTTLS when offered,
/// `?tls=required` to insist, `?tls=none` for a local relay), `smtps://host:465` (TLS from the first byte).
/// `?ca=/path/cert.pem` trusts that certificate in addition to the system's (a test server, a private CA).
public struct SMTPConfiguration: Sendable, Equatable {
    public enum Security: String, Sendable { case none, startTLSIfOffered, startTLSRequired, implicitTLS }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?
    public var trustedCertificatePath: String?
    /// The name we greet with (EHLO); the sender's domain is the usual choice.
    public var heloName: String
    /// Seconds allowed for each step; DATA's final reply gets ten times as long (RFC 5321 4.5.3.2 suggests 10 minutes).
    public var stepTimeout: Double

    public init(host: String, port: Int, security: Security, username: String? = nil, password: String? = nil,
                trustedCertificatePath: String? = nil, heloName: String = "localhost", stepTimeout: Double = 30) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.trustedCertificatePath = trustedCertificatePath
        self.heloName = heloName
        self.stepTimeout = stepTimeout
    }

    public init(url text: String, heloName: String) throws(MailConfigurationError) {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            throw MailConfigurationError("'\(Self.redacted(text))' is not an smtp:// or smtps:// URL")
        }
        var security: Security
        switch scheme {
        case "smtp": security = .startTLSIfOffered
        case "smtps": security = .implicitTLS
        default: throw MailConfigurationError("'\(scheme)://' is not smtp:// or smtps://")
        }
        var ca: String?
        for item in url.queryItems ?? [] {
            switch (item.name, item.value ?? "") {
            case ("tls", "required") where scheme == "smtp": security = .startTLSRequired
            case ("tls", "none") where scheme == "smtp": security = .none
            case ("ca", let path) where !path.isEmpty: ca = path
            default: throw MailConfigurationError("unknown setting '\(item.name)=\(item.value ?? "")' in the SMTP URL")
            }
        }
        self.init(host: host, port: url.port ?? (scheme == "smtps" ? 465 : 587), security: security,
                  username: url.user?.removingPercentEncoding, password: url.password?.removingPercentEncoding,
                  trustedCertificatePath: ca, heloName: heloName)
        if username != nil, password == nil { throw MailConfigurationError("the SMTP URL names a user but no password") }
    }

    /// The URL without its password, for logs and error messages.
    public static func redacted(_ text: String) -> String {
        guard var c = URLComponents(string: text), c.password != nil else { return text }
        c.password = "***"
        return c.string ?? "(unprintable URL)"
    }
}

public struct MailConfigurationError: Error, CustomStringConvertible {
    public let description: String
    init(_ d: String) { description = d }
}
