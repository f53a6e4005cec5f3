import ArgumentParser
import DailyPapersJobs
import DailyPapersStore
import Foundation
import Synchronization

struct ImportArxivJSONLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "arxiv-jsonl",
        abstract: "Import an arXiv metadata dump in JSON lines (Kaggle's snapshot or the corpus format), plain or gzip.",
        discussion: "Streams the file in batched transactions; bad lines are named and skipped. Running it again completes an interrupted import.")

    @OptionGroup var common: DatabaseOptions
    @Argument(help: "The .jsonl or .jsonl.gz file.") var file: String
    @Option(help: "Stop after this many papers.") var limit: Int?
    @Option(help: "Papers per transaction.") var batchSize = 1000
    @Option(help: "SQLite page cache for the import's writes, in MiB (more is faster for dumps of millions of papers).")
    var cacheMib = 64
    @Flag(help: ArgumentHelp("Kept for scripts: keywords are always chosen in one pass at the end now.", visibility: .hidden))
    var deferSimilarity = false

    func run() async throws {
        var problems: [String] = []
        if let limit, limit < 1 { problems.append("--limit \(limit) must be at least 1") }
        if batchSize < 1 || batchSize > 100_000 { problems.append("--batch-size \(batchSize) must be from 1 to 100000") }
        if cacheMib < 2 || cacheMib > 65536 { problems.append("--cache-mib \(cacheMib) must be from 2 to 65536") }
        let (database, _) = try await openDatabase(common, &problems)
        let progress = TerminalProgress(interactive: isatty(STDERR_FILENO) == 1)
        let report: ImportReport
        do {
            try await database.setWriterCache(mebibytes: cacheMib)
            let store = PaperStore(database: database)
            report = try await ArxivJSONLImport(store: store, batchSize: batchSize).run(path: file, limit: limit) { progress.show($0) }
        } catch {
            await database.close()
            throw error
        }
        await database.close()
        try progress.finish(report)
    }
}

struct ImportArxivAtomCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "arxiv-atom", abstract: "Import saved arXiv API (Atom) responses; a saved Atom listing feed is read as one.")
    @OptionGroup var common: DatabaseOptions
    @Argument(help: "Atom files (or recorded {url, status_code, body} JSON).") var files: [String]

    func run() async throws { try await runFileImport(common, files, .atom) }
}

struct ImportArxivListingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "arxiv-listing", abstract: "Import saved arXiv listing feeds (rss.arxiv.org RSS 2.0 or Atom, ids as oai:arXiv.org:...).")
    @OptionGroup var common: DatabaseOptions
    @Argument(help: "Listing files, as saved from rss.arxiv.org/rss/CATEGORY or /atom/CATEGORY.") var files: [String]

    func run() async throws { try await runFileImport(common, files, .listing) }
}

struct ImportOAICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oai", abstract: "Import saved OAI-PMH ListRecords/GetRecord responses (arXiv, arXivRaw, oai_dc).")
    @OptionGroup var common: DatabaseOptions
    @Argument(help: "OAI-PMH XML files.") var files: [String]

    func run() async throws { try await runFileImport(common, files, .oai) }
}

func runFileImport(_ common: DatabaseOptions, _ files: [String], _ format: ArxivFileImport.Format) async throws {
    var problems: [String] = []
    if files.isEmpty { problems.append("give at least one file") }
    let (database, _) = try await openDatabase(common, &problems)
    let start = Date()
    let report: ImportReport
    do { report = try await ArxivFileImport(store: PaperStore(database: database)).run(paths: files, format: format) } catch {
        await database.close()
        throw error
    }
    await database.close()
    try TerminalProgress(interactive: false, start: start).finish(report)
}

/// Opens and migrates the database named by the options, after reporting every bad setting at once.
func openDatabase(_ common: DatabaseOptions, _ problems: inout [String]) async throws -> (Database, Logger) {
    try await openDatabase(common, try await common.settings(), &problems)
}

func openDatabase(_ common: DatabaseOptions, _ settings: SettingsReader, _ problems: inout [String]) async throws -> (Database, Logger) {
    let logger = common.makeLogger("dailypapers", settings, &problems)
    let location = common.resolveDatabase(settings, &problems)
    try problems.throwIfAny()
    let database = try await Database.open(location!, logger: logger)
    do { try await Migrator.migrate(database, logger: logger) } catch {
        await database.close()
        throw error
    }
    return (database, logger)
}

/// Count, rate and ETA on a terminal line (redrawn five times a second); a plain log line a minute when piped,
/// so a log of an hour-long import stays readable.
final class TerminalProgress: Sendable {
    let interactive: Bool
    let start: Date
    /// Called from many tasks at once (a digest run's senders): one of them prints, the others return.
    private let lastPrint = Mutex(Date.distantPast)
    /// The phase being shown (papers, then keywords) and when it began: its rate and ETA count from there.
    private let phase: Mutex<(unit: String?, start: Date)>

    init(interactive: Bool, start: Date = Date()) {
        self.interactive = interactive
        self.start = start
        phase = Mutex((nil, start))
    }

    func show(_ p: ImportProgress) {
        var suffix = ""
        if p.problems > 0 { suffix = " · \(p.problems) bad records" }
        if let keywords = p.keywords {
            show(count: keywords, unit: "papers weighed for keywords", fraction: Double(keywords) / Double(max(p.papers, 1)), suffix: suffix)
            return
        }
        show(count: p.papers, unit: "papers", fraction: p.fraction, suffix: suffix)
    }

    /// One progress line: count, rate, and with a known fraction done, percent and ETA.
    func show(count: Int, unit: String, fraction: Double?, suffix: String = "") {
        let now = Date()
        let began = phase.withLock { phase in
            if phase.unit != unit { phase = (unit, phase.unit == nil ? phase.start : now) }
            return phase.start
        }
        let due = lastPrint.withLock { last in
            guard now.timeIntervalSince(last) >= (interactive ? 0.2 : 60) else { return false }
            last = now
            return true
        }
        guard due else { return }
        let elapsed = max(now.timeIntervalSince(began), 0.001)
        var line = "\(count) \(unit) · \(Int(Double(count) / elapsed))/s"
        if let f = fraction, f > 0 {
            line += " · \(Int(f * 100))% · ETA \(Int(elapsed / f - elapsed))s"
        }
        line += suffix
        // On stderr, a line at a time even into a file (stdout is block-buffered there, so a log showed
        // nothing for minutes); stdout keeps the summary.
        FileHandle.standardError.write(Data((interactive ? "\r\u{1B}[K\(line)" : line + "\n").utf8))
    }

    /// Clears a terminal's progress line before the summary is printed.
    func clearLine() {
        if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    func finish(_ report: ImportReport) throws {
        clearLine()
        for p in report.problems { FileHandle.standardError.write(Data("error: \(p)\n".utf8)) }
        let seconds = Date().timeIntervalSince(start)
        print("imported \(report.papers) papers in \(String(format: "%.1f", seconds))s"
              + (report.withdrawn > 0 ? ", \(report.withdrawn) withdrawn" : "")
              + (report.problems.isEmpty ? "" : "; \(report.problems.count) records or files refused (listed above)"))
        if !report.succeeded { throw ExitCode(1) }
    }
}

import Logging
