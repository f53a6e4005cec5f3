import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresKit

/// Starting PostgresNIO's pool from `PostgresSettings`, and turning its errors into sentences.
enum PostgresPool {
    static func start(_ settings: PostgresSettings, logger: Logger) async throws -> (client: PostgresClient, run: Task<Void, Never>) {
        let tlsConfiguration = try tlsConfiguration(settings)
        var parameters: [(String, String)] = [
            ("application_name", "dailypapers"),
            ("statement_timeout", String(settings.statementTimeoutMilliseconds)),
        ]
        if let schema = settings.schema { parameters.append(("search_path", schema)) }

        // One plain connection first, so a wrong password, a missing database or a refused TLS handshake
        // stops start-up with the server's own words instead of a pool retrying in the background.
        var probeConfig = PostgresConnection.Configuration(
            host: settings.host, port: settings.port, username: settings.username, password: settings.password,
            database: settings.database, tls: try probeTLS(settings.tls, tlsConfiguration))
        probeConfig.options.additionalStartupParameters = parameters
        do {
            let probe = try await PostgresConnection.connect(configuration: probeConfig, id: 0, logger: logger)
            if let schema = settings.schema {
                _ = try await probe.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \"\(schema)\""), logger: logger)
            }
            try await probe.close()
        } catch {
            throw ConfigurationError(setting: "database", problem: "cannot use \(settings): \(describe(error))")
        }

        var config = PostgresClient.Configuration(
            host: settings.host, port: settings.port, username: settings.username, password: settings.password,
            database: settings.database, tls: clientTLS(settings.tls, tlsConfiguration))
        config.options.maximumConnections = settings.poolSize
        config.options.minimumConnections = min(2, settings.poolSize - 1)
        config.options.additionalStartupParameters = parameters
        let client = PostgresClient(configuration: config, backgroundLogger: logger)
        // Wait for the task to reach run(): a lease asked for before it logs a warning on every start.
        let (started, signal) = AsyncStream<Void>.makeStream()
        let run = Task {
            signal.finish()
            await client.run()
        }
        for await _ in started {}
        return (client, run)
    }

    private static func tlsConfiguration(_ settings: PostgresSettings) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch settings.tls {
        case .disable, .prefer, .require:
            // libpq's meaning of these modes: encryption without checking who answers.
            tls.certificateVerification = .none
        case .verifyFull:
            tls.certificateVerification = .fullVerification
        }
        if let path = settings.rootCertificatePath {
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw ConfigurationError(setting: "database", problem: "sslrootcert '\(path)' cannot be read")
            }
            tls.trustRoots = .file(path)
        }
        return tls
    }

    private static func clientTLS(_ mode: PostgresSettings.TLSMode, _ tls: TLSConfiguration) -> PostgresClient.Configuration.TLS {
        switch mode {
        case .disable: return .disable
        case .prefer: return .prefer(tls)
        case .require, .verifyFull: return .require(tls)
        }
    }

    private static func probeTLS(_ mode: PostgresSettings.TLSMode, _ tls: TLSConfiguration) throws -> PostgresConnection.Configuration.TLS {
        switch mode {
        case .disable: return .disable
        case .prefer: return .prefer(try NIOSSLContext(configuration: tls))
        case .require, .verifyFull: return .require(try NIOSSLContext(configuration: tls))
        }
    }

    /// Runs `body`, turning a PSQLError into a `PostgresError` whose description has the server's words.
    static func describingErrors<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as PSQLError {
            throw PostgresError(message: describe(error), sqlState: error.serverInfo?[.sqlState])
        }
    }

    /// A deadlock or serialization failure: the transaction did nothing and may simply run again.
    static func isTransient(_ error: PSQLError) -> Bool {
        let state = error.serverInfo?[.sqlState]
        return state == "40001" || state == "40P01"
    }

    /// PSQLError's own description hides the server's message on purpose; ours shows it (no values are in it).
    static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return String(describing: error) }
        if let info = error.serverInfo, let message = info[.message] {
            var text = message
            if let state = info[.sqlState] { text += " (SQLSTATE \(state))" }
            if let detail = info[.detail] { text += "; \(detail)" }
            if let hint = info[.hint] { text += "; hint: \(hint)" }
            return text
        }
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }
}

/// An error PostgreSQL reported, with its message (PSQLError's own description hides it on purpose; it
/// holds no bound values, so it may be logged).
public struct PostgresError: Error, CustomStringConvertible {
    public let message: String
    public let sqlState: String?
    public var description: String { "PostgreSQL: \(message)" }
}
