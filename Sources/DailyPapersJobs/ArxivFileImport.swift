import DailyPapersCore
import DailyPapersIngest
import DailyPapersStore
import Foundation

/// `dailypapers import arxiv-atom FILE...`, `import arxiv-listing FILE...` and `import oai FILE...`: saved API,
/// listing or OAI-PMH responses. Each file is one transaction; its bad records are named and its good ones kept.
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
                let (papers, withdrawn, problems, arrivals) = try Self.read(data, format: format)
                try await store.savePapers(papers)
                try await store.recordArrivals(arrivals)
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

    /// The papers, the withdrawn ids, the records refused, and the arrivals a listing announced.
    static func read(_ data: Data, format: Format) throws(IngestError) -> ([Paper], [ArxivID], [RecordProblem], [Arrival]) {
        switch format {
        case .atom where isListing(data):
            // A listing feed saved from rss.arxiv.org/atom is Atom too, with `oai:arXiv.org:` ids and announce
            // types: read as the listing it is, rather than refused entry by entry.
            return try read(data, format: .listing)
        case .atom:
            let page = try ArxivAtomReader.read(data)
            return (page.papers, [], page.problems, [])
        case .oai:
            let page = try OAIPMHReader.read(data)
            return (page.papers, page.deleted, page.problems, [])
        case .listing:
            let listing = try ArxivListingReader.read(data)
            return (listing.items.map(\.paper), [], listing.problems, listing.arrivals)
        }
    }

    /// Whether an Atom document is one of arXiv's listing feeds (its namespace for announce types, or its ids),
    /// looked for in the first 64 KiB.
    static func isListing(_ data: Data) -> Bool {
        let head = String(decoding: data.prefix(65_536), as: UTF8.self)
        return head.contains("<arxiv:announce_type") || head.contains("<id>oai:arXiv.org:")
    }
}

extension ArxivListingReader.Listing {
    /// Each item's announcement, in each of its categories, on the day the listing gives.
    var arrivals: [Arrival] {
        items.flatMap { item -> [Arrival] in
            guard let at = item.announcedAt else { return [] }
            return Arrival.announced(item.paper, on: CalendarDay(utcOf: at),
                                     replacement: item.announceType == .replace || item.announceType == .replaceCross)
        }
    }
}
