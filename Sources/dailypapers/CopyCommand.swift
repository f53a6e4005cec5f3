import ArgumentParser
import DailyPapersStore
import Foundation
import Logging

struct CopyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Move an instance to another database: papers, users, votes, comments, subscriptions and all.",
        discussion: """
            Typically from the embedded SQLite file to PostgreSQL when an instance outgrows one machine:
              dailypapers copy --from sqlite:///srv/dailypapers.sqlite --to postgres://dp:secret@db:5432/dailypapers
            Stop `serve` first: writes made during the copy would not be carried over. The target must be empty;
            it is written in one transaction, so a failed copy leaves nothing behind.
            """)

    @Option(help: "The database to read (SQLite path or URL, or postgres://).")
    var from: String

    @Option(help: "The new, empty database to write (postgres:// or a SQLite path).")
    var to: String

    @Option(name: .long, help: "Log level (default warning).")
    var logLevel: String = "warning"

    func run() async throws {
        var logger = Logger(label: "dailypapers.copy")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .warning
        var problems: [String] = []
        var source: DatabaseLocation?, target: DatabaseLocation?
        do { source = try DatabaseLocation(parsing: from) } catch { problems.append(DatabaseOptions.flagged(error, as: "--from")) }
        do { target = try DatabaseLocation(parsing: to) } catch { problems.append(DatabaseOptions.flagged(error, as: "--to")) }
        if let source, source == target { problems.append("--from and --to name the same database") }
        if case .sqliteFile(let path) = source, !FileManager.default.fileExists(atPath: path) {
            problems.append("--from '\(path)' does not exist")
        }
        try problems.throwIfAny()

        let input = try await Database.open(source!, logger: logger)
        let output: Database
        do { output = try await Database.open(target!, logger: logger) } catch { await input.close(); throw error }
        let started = ContinuousClock.now
        let lastPrinted = LockedTable()
        do {
            let report = try await DatabaseCopy.copy(from: input, to: output, logger: logger) { table, rows in
                if lastPrinted.shouldPrint(table, rows) { print("  \(table): \(rows) rows") }
            }
            let seconds = (ContinuousClock.now - started).components.seconds
            print("copied \(source!) -> \(target!) in \(seconds) s: \(report)")
        } catch {
            await input.close(); await output.close()
            throw error
        }
        await input.close(); await output.close()
    }
}

/// Progress at most once per table per 50,000 rows.
private final class LockedTable: @unchecked Sendable {
    private let lock = NSLock()
    private var last: [String: Int] = [:]
    func shouldPrint(_ table: String, _ rows: Int) -> Bool {
        lock.withLock {
            if rows - last[table, default: 0] < 50_000 { return false }
            last[table] = rows
            return true
        }
    }
}
