import ArgumentParser
import DailyPapersStore
import Foundation

/// Rebuilds the indexes derived from the stored papers: to have them built now rather than by the first
/// server that starts after an upgrade, after changing how papers are tokenized, or after a large import
/// (similar papers weighed against the whole corpus, not the corpus as each paper arrived).
struct ReindexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reindex", abstract: "Rebuild the search index and the similar-papers index, and exit.")

    enum Index: String, ExpressibleByArgument, CaseIterable { case search, similarity }

    @OptionGroup var common: DatabaseOptions
    @Option(help: "Which index to rebuild (search or similarity; repeat for both, the default unless --search-file is given).")
    var index: [Index] = []
    @Option(help: "Write the search index to this file (for serve's --search-index-file), after any rebuild asked for.")
    var searchFile: String?

    func run() async throws {
        var problems: [String] = []
        let settings = try await common.settings()
        let logger = common.makeLogger("dailypapers.reindex", settings, &problems)
        let location = common.resolveDatabase(settings, &problems)
        try problems.throwIfAny()
        let database = try await Database.open(location!, logger: logger)
        do {
            try await Migrator.migrate(database, logger: logger)
            let store = PaperStore(database: database)
            let progress = TerminalProgress(interactive: isatty(STDERR_FILENO) == 1)
            let rebuild = index.isEmpty && searchFile == nil ? Index.allCases : index
            for which in Index.allCases where rebuild.contains(which) {
                let started = ContinuousClock.now
                let count: Int
                switch which {
                case .search: count = try await store.rebuildSearchIndex { progress.show(count: $0, unit: "papers", fraction: nil) }
                case .similarity: count = try await store.rebuildSimilarity { progress.show(count: $0, unit: "papers", fraction: nil) }
                }
                progress.clearLine()
                print("\(which == .search ? "search index" : "similar papers and keywords"): \(count) papers in \(started.duration(to: .now))")
            }
            if let searchFile {
                let started = ContinuousClock.now
                let count = try await store.writeSearchSegment(to: searchFile)
                print("search index file \(searchFile): \(count) papers in \(started.duration(to: .now))")
            }
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }
}
