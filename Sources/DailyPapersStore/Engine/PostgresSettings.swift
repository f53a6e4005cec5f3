import Foundation

/// A PostgreSQL server as named by a `postgres://` URL. Query parameters, all optional:
/// - `sslmode`: `disable`, `prefer` (the default, as libpq's), `require` (encrypted, certificate not checked)
///   or `verify-full` (encrypted, certificate and host name verified); `sslrootcert=/path.pem` trusts a private CA;
/// - `statement_timeout`: milliseconds before the server cancels a statement (default 60000; 0 turns it off);
/// - `pool_size`: connections per process (default 10);
/// - `schema`: the schema to work in (default `public`), so several instances or test runs share one database.
public struct PostgresSettings: Equatable, Sendable, CustomStringConvertible {
    public enum TLSMode: String, Sendable, CaseIterable { case disable, prefer, require, verifyFull = "verify-full" }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode = .prefer
    public var rootCertificatePath: String?
    public var statementTimeoutMilliseconds = 60_000
    public var poolSize = 10
    public var schema: String?

    public init(host: String, port: Int = 5432, username: String, password: String?, database: String) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
    }

    public init(url text: String) throws(ConfigurationError) {
        func fail(_ problem: String) -> ConfigurationError { ConfigurationError(setting: "database", problem: problem) }
        guard let url = URLComponents(string: text) else { throw fail("is not a valid URL (percent-encode special characters in the password)") }
        guard let host = url.host, !host.isEmpty else { throw fail("names no host; use postgres://user:password@host:5432/database") }
        let database = String(url.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else { throw fail("names no database; add /name after the host") }
        self.init(host: host, port: url.port ?? 5432, username: url.user ?? "postgres", password: url.password, database: database)
        for item in url.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "sslmode":
                guard let mode = TLSMode(rawValue: value) else {
                    throw fail("sslmode '\(value)' is not one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                tls = mode
            case "sslrootcert": rootCertificatePath = value
            case "statement_timeout":
                guard let ms = Int(value), ms >= 0 else { throw fail("statement_timeout '\(value)' must be milliseconds (0 for none)") }
                statementTimeoutMilliseconds = ms
            case "pool_size":
                guard let n = Int(value), (1...500).contains(n) else { throw fail("pool_size '\(value)' must be 1 to 500") }
                poolSize = n
            case "schema":
                guard !value.isEmpty, value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                    throw fail("schema '\(value)' must be letters, digits and _")
                }
                schema = value
            default:
                throw fail("unknown parameter '\(item.name)'; known: sslmode, sslrootcert, statement_timeout, pool_size, schema")
            }
        }
    }

    public var description: String {
        var text = "postgres://\(username)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)?sslmode=\(tls.rawValue)"
        if let schema { text += "&schema=\(schema)" }
        return text
    }
}
