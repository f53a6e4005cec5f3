/// Where the data lives, parsed from `--database` / `DATABASE_URL`.
public enum DatabaseLocation: Equatable, Sendable, CustomStringConvertible {
    case sqliteFile(path: String)
    /// Only for tests and throwaway runs.
    case sqliteMemory

    public static let defaultPath = "./dailypapers.sqlite"

    /// Accepts a file path, `sqlite:///absolute/path`, `sqlite://relative/path`, `sqlite::memory:`.
    public init(parsing text: String) throws(ConfigurationError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { throw ConfigurationError(setting: "--database", problem: "is empty; give a file path or sqlite:///path") }
        let lower = trimmed.lowercased()
        if lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") {
            throw ConfigurationError(setting: "--database",
                                     problem: "PostgreSQL is not supported yet; use a SQLite file path (the default is \(Self.defaultPath))")
        }
        if lower == "sqlite::memory:" || lower == ":memory:" { self = .sqliteMemory; return }
        if lower.hasPrefix("sqlite://") {
            let path = String(trimmed.dropFirst("sqlite://".count))
            guard !path.isEmpty else { throw ConfigurationError(setting: "--database", problem: "'\(text)' names no file") }
            self = .sqliteFile(path: path)
            return
        }
        if let colon = trimmed.range(of: "://") {
            throw ConfigurationError(setting: "--database",
                                     problem: "unknown scheme '\(trimmed[..<colon.lowerBound])'; use a file path or sqlite:///path")
        }
        self = .sqliteFile(path: trimmed)
    }

    public var description: String {
        switch self {
        case .sqliteFile(let path): return "sqlite://\(path)"
        case .sqliteMemory: return "sqlite::memory:"
        }
    }
}

/// A setting that stops start-up, naming the setting and what is wrong with it.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public let setting: String
    public let problem: String
    public init(setting: String, problem: String) {
        self.setting = setting
        self.problem = problem
    }
    public var description: String { "\(setting) \(problem)" }
}

import Foundation
