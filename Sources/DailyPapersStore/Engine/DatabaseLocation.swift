import Foundation

/// Where the data lives, parsed from `--database` / `DATABASE_URL`.
public enum DatabaseLocation: Equatable, Sendable, CustomStringConvertible {
    case sqliteFile(path: String)
    /// Only for tests and throwaway runs.
    case sqliteMemory
    case postgres(PostgresSettings)

    public static let defaultPath = "./dailypapers.sqlite"

    /// Accepts a file path, `sqlite:///absolute/path`, `sqlite://relative/path`, `sqlite::memory:`, and
    /// `postgres://user:password@host:port/database?sslmode=...` (see `PostgresSettings`).
    public init(parsing text: String) throws(ConfigurationError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { throw ConfigurationError(setting: "database", problem: "is empty; give a file path or sqlite:///path") }
        let lower = trimmed.lowercased()
        if lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") {
            self = .postgres(try PostgresSettings(url: trimmed))
            return
        }
        if lower == "sqlite::memory:" || lower == ":memory:" { self = .sqliteMemory; return }
        if lower.hasPrefix("sqlite://") {
            let path = String(trimmed.dropFirst("sqlite://".count))
            guard !path.isEmpty else { throw ConfigurationError(setting: "database", problem: "'\(text)' names no file") }
            self = .sqliteFile(path: path)
            return
        }
        if let colon = trimmed.range(of: "://") {
            throw ConfigurationError(setting: "database",
                                     problem: "unknown scheme '\(trimmed[..<colon.lowerBound])'; use a file path, sqlite:///path or postgres://")
        }
        self = .sqliteFile(path: trimmed)
    }

    /// Safe to log: a PostgreSQL password is never shown.
    public var description: String {
        switch self {
        case .sqliteFile(let path): return "sqlite://\(path)"
        case .sqliteMemory: return "sqlite::memory:"
        case .postgres(let settings): return settings.description
        }
    }
}

/// A setting that stops start-up, naming the setting (as the config file does: `database`) and what is wrong
/// with it. The store knows no command line: the command line shows the setting as its flag (`flagged`).
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public let setting: String
    public let problem: String
    public init(setting: String, problem: String) {
        self.setting = setting
        self.problem = problem
    }
    public var description: String { "the \(setting) setting \(problem)" }
    /// As the command line says it: `--database is empty; ...`, or with another flag standing for the setting.
    public func flagged(_ flag: String? = nil) -> String { "\(flag ?? "--" + setting) \(problem)" }
}
