import ArgumentParser
import DailyPapersStore
import Foundation

/// Rebuilds the search index from the stored papers: to have it built now rather than by the first server
/// that starts after an upgrade, or after changing how papers are tokenized.
struct ReindexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reindex", abstract: "Rebuild the search index and exit.")

    @OptionGroup var common: DatabaseOptions
    func run() async throws {
        var problems: [String] = []
        let logger = common.makeLogger("dailypapers.reindex", &problems)
        let location = common.resolveDatabase(&problems)
        try problems.throwIfAny()
        let database = try await Database.open(location!, logger: logger)
        do {
            try await Migrator.migrate(database, logger: logger)
            let started = ContinuousClock.now
            let progress = TerminalProgress(interactive: isatty(STDERR_FILENO) == 1)
            let count = try await PaperStore(database: database).rebuildSearchIndex {
                progress.show(count: $0, unit: "papers", fraction: nil)
            }
            if progress.interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            print("search index: \(count) papers in \(started.duration(to: .now))")
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }
}
