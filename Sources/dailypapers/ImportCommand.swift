import ArgumentParser
import DailyPapersJobs
import DailyPapersStore
import Foundation

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import papers from files.", subcommands: [ImportHFDailyCommand.self, ImportArxivJSONLCommand.self, ImportArxivAtomCommand.self, ImportArxivListingCommand.self, ImportOAICommand.self])
}

struct ImportHFDailyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hf-daily",
        abstract: "Import Hugging Face /api/daily_papers JSON files (files or folders).",
        discussion: "Each file is imported in one transaction. Bad files are named with the reason; the rest are imported. Exit status 1 when any file failed.")

    @OptionGroup var common: DatabaseOptions
    @OptionGroup var trending: TrendingOptions

    @Argument(help: "JSON files or folders holding them.")
    var paths: [String]

    func run() async throws {
        var problems: [String] = []
        if paths.isEmpty { problems.append("give at least one file or folder to import") }
        let settings = try await common.settings(trending.flags)
        let scoring = TrendingOptions.trending(settings, &problems)
        let (database, _) = try await openDatabase(common, settings, &problems)
        let progress = HFImportProgress(interactive: isatty(STDERR_FILENO) == 1)
        let summary: HFDailyImport.Summary
        do {
            summary = try await HFDailyImport(store: PaperStore(database: database), trending: scoring).run(paths: paths) { progress.handle($0) }
        } catch {
            await database.close()
            throw error
        }
        await database.close()
        progress.finish(summary)
        if !summary.succeeded { throw ExitCode(1) }
    }
}

/// Progress of a Hugging Face import, counted in files: one line rewritten in place on a terminal,
/// a line per file when piped. (Record-level imports use `TerminalProgress`.)
final class HFImportProgress: @unchecked Sendable {
    let interactive: Bool
    let start = Date()
    var total = 0
    var done = 0
    var papers = 0

    init(interactive: Bool) { self.interactive = interactive }

    func handle(_ event: HFDailyImport.Event) {
        switch event {
        case .started(let files):
            total = files
        case .imported(let file, let n):
            done += 1
            papers += n
            if interactive {
                let rate = Double(papers) / max(Date().timeIntervalSince(start), 0.001)
                let eta = done > 0 ? Date().timeIntervalSince(start) / Double(done) * Double(total - done) : 0
                write("\r\u{1B}[K[\(done)/\(total) files] \(papers) papers · \(Int(rate)) papers/s · ETA \(Int(eta))s")
            } else {
                print("imported \(file): \(n) papers")
            }
        case .failed(let file, let reason):
            done += 1
            write((interactive ? "\r\u{1B}[K" : "") + "error: \(file): \(reason)\n")
        }
    }

    func finish(_ s: HFDailyImport.Summary) {
        if interactive { write("\r\u{1B}[K") }
        let seconds = Date().timeIntervalSince(start)
        print("imported \(s.papers) papers from \(s.importedFiles) of \(s.files) files in \(String(format: "%.1f", seconds))s"
              + (s.failures.isEmpty ? "" : "; \(s.failures.count) files failed:"))
        for f in s.failures { print("  \(f.file): \(f.reason)") }
    }

    private func write(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }
}
