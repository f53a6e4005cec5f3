import ArgumentParser
import DailyPapersStore
import Foundation
import Logging

/// Options every command shares: the database, logging, and the config file every setting may come from.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "A JSON file of settings, keyed by their flag names without dashes, e.g. {\"port\": 8080} (env DAILYPAPERS_CONFIG). Flags and environment variables win over it.")
    var config: String?

    @Option(name: .long, help: Setting.database.help)
    var database: String?

    @Option(name: .long, help: Setting.logLevel.help)
    var logLevel: String?

    @Option(name: .long, help: Setting.logFormat.help)
    var logFormat: String?

    /// Every setting, read once: these flags and a command's own (`more`), the environment, the config file.
    func settings(_ more: [Setting: String?] = [:]) async throws -> SettingsReader {
        var flags: [Setting: String?] = [.database: database, .logLevel: logLevel, .logFormat: logFormat]
        flags.merge(more) { $1 }
        do { return try await SettingsReader.load(flags: flags, config: config) } catch let error as SettingsError {
            throw ValidationError(ConfigurationProblems(problems: [error.description]).description)
        }
    }

    func resolveDatabase(_ settings: SettingsReader, _ problems: inout [String]) -> DatabaseLocation? {
        let given: (text: String, source: String)?
        do { given = try settings.given(.database) } catch { problems.append("\(error)"); return nil }
        do { return try DatabaseLocation(parsing: given?.text ?? DatabaseLocation.defaultPath) } catch {
            problems.append(Self.flagged(error) + (given.map { $0.source == Setting.database.flag ? "" : " (from \($0.source))" } ?? ""))
            return nil
        }
    }

    func makeLogger(_ label: String, _ settings: SettingsReader, _ problems: inout [String]) -> Logger {
        let format = settings.text(.logFormat, default: "text", &problems)
        if format == "json" { LogFormat.useJSON() } else if format != "text" {
            problems.append("--log-format '\(format)' is not one of text, json")
        }
        var logger = Logger(label: label)
        let text = settings.text(.logLevel, default: "info", &problems)
        if let level = Logger.Level(rawValue: text.lowercased()) {
            logger.logLevel = level
        } else {
            problems.append("--log-level '\(text)' is not one of trace, debug, info, notice, warning, error, critical")
        }
        return logger
    }
}

/// Stops start-up, naming every bad setting at once.
struct ConfigurationProblems: Error, CustomStringConvertible {
    let problems: [String]
    var description: String {
        "cannot start, fix these settings:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}

extension DatabaseOptions {
    /// A store or web error about a setting, as the command line names it (by its flag).
    static func flagged(_ error: any Error, as flag: String? = nil) -> String {
        (error as? ConfigurationError)?.flagged(flag) ?? "\(error)"
    }
}

extension Array where Element == String {
    func throwIfAny() throws {
        if !isEmpty { throw ValidationError(ConfigurationProblems(problems: self).description) }
    }
}
