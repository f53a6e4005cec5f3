import ArgumentParser
import DailyPapersStore
import Foundation
import Logging

/// Options every command shares. Each falls back to an environment variable, then a safe default.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "SQLite file path, sqlite:///path, or postgres://user:password@host:5432/db?sslmode=prefer (env DATABASE_URL; default ./dailypapers.sqlite).")
    var database: String?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error (env LOG_LEVEL; default info).")
    var logLevel: String?

    @Option(name: .long, help: "Log format: text or json, one object per line (env LOG_FORMAT; default text).")
    var logFormat: String?

    func resolveDatabase(_ problems: inout [String]) -> DatabaseLocation? {
        let text = database ?? Environment.value("DATABASE_URL") ?? DatabaseLocation.defaultPath
        do { return try DatabaseLocation(parsing: text) } catch {
            problems.append(error.description + (database == nil && Environment.value("DATABASE_URL") != nil ? " (from DATABASE_URL)" : ""))
            return nil
        }
    }

    func makeLogger(_ label: String, _ problems: inout [String]) -> Logger {
        if let format = logFormat ?? Environment.value("LOG_FORMAT"), format != "json", format != "text" {
            problems.append("--log-format '\(format)' is not one of text, json")
        }
        var logger = Logger(label: label)
        let text = logLevel ?? Environment.value("LOG_LEVEL") ?? "info"
        if let level = Logger.Level(rawValue: text.lowercased()) {
            logger.logLevel = level
        } else {
            problems.append("--log-level '\(text)' is not one of trace, debug, info, notice, warning, error, critical")
        }
        return logger
    }
}

enum Environment {
    static func value(_ name: String) -> String? {
        guard let v = ProcessInfo.processInfo.environment[name], !v.isEmpty else { return nil }
        return v
    }
}

/// Stops start-up, naming every bad setting at once.
struct ConfigurationProblems: Error, CustomStringConvertible {
    let problems: [String]
    var description: String {
        "cannot start, fix these settings:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}

extension Array where Element == String {
    func throwIfAny() throws {
        if !isEmpty { throw ValidationError(ConfigurationProblems(problems: self).description) }
    }
}
