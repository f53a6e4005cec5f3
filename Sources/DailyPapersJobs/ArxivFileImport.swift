import DailyPapersCore
import DailyPapersIngest
import DailyPapersStore
import Foundation

/// `dailypapers import arxiv-atom FILE...` and `import oai FILE...`: saved API, OAI-PMH or listing
/// responses. Each file is one transaction; its bad records are named and its good ones kept.
public struct ArxivFileImport: Sendable {
    public enum Format: Sendable { case atom, oai, listing }

    let store: PaperStore
    public init(store: PaperStore) { self.store = store }

    public func run(paths: [String], format: Format) async throws -> ImportReport {
        var report = ImportReport()
        for path in paths {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                report.problems.append(.init(file: path, record: nil, reason: "cannot read the file"))
                continue
            }
            do {
                let (papers, withdrawn, problems) = try Self.read(data, format: format)
                try await store.savePapers(papers)
                try await store.markWithdrawn(withdrawn)
                report.papers += papers.count
                report.withdrawn += withdrawn.count
                report.problems += problems.map { .init(file: path, record: $0.record, reason: $0.reason) }
            } catch let error as IngestError {
                report.problems.append(.init(file: path, record: nil, reason: error.message))
            }
        }
        ImportMetrics.record(source: "\(format)", papers: report.papers, problems: report.problems.count)
        return report
    }

    static func read(_ data: Data, format: Format) throws(IngestError) -> ([Paper], [ArxivID], [RecordProblem]) {
        switch format {
        case .atom:
            let page = try ArxivAtomReader.read(data)
            return (page.papers, [], page.problems)
        case .oai:
            let page = try OAIPMHReader.read(data)
            return (page.papers, page.deleted, page.problems)
        case .listing:
            let listing = try ArxivListingReader.read(data)
            return (listing.items.map(\.paper), [], listing.problems)
        }
    }
}
