import DailyPapersCore
import DailyPapersIngest
import DailyPapersStore
import Foundation
import Logging

/// `dailypapers ingest arxiv`: brings new papers of the configured categories from arXiv, through the
/// API, OAI-PMH or the daily listings, then applies the automatic featuring rules.
public struct ArxivIngest: Sendable {
    public enum Via: String, Sendable, CaseIterable {
        case api, oai, listing
    }

    public struct Options: Sendable {
        public var categories: [String]
        /// First submission (api) or datestamp (oai) day to fetch; default: two days ago, or where the
        /// last OAI-PMH harvest stopped.
        public var since: CalendarDay?
        public var via: Via
        public var autoFeature: AutoFeatureRules
        /// Scores of automatically featured papers.
        public var trending: Trending

        public init(categories: [String], since: CalendarDay? = nil, via: Via = .oai,
                    autoFeature: AutoFeatureRules = AutoFeatureRules(dailyMaximum: 0), trending: Trending) {
            self.categories = categories
            self.since = since
            self.via = via
            self.autoFeature = autoFeature
            self.trending = trending
        }
    }

    let store: PaperStore
    let harvest: HarvestStore
    let http: PoliteHTTPClient
    let endpoints: ArxivEndpoints
    let logger: Logger

    public init(database: Database, http: PoliteHTTPClient, endpoints: ArxivEndpoints = ArxivEndpoints(), logger: Logger) {
        store = PaperStore(database: database)
        harvest = HarvestStore(database: database)
        self.http = http
        self.endpoints = endpoints
        self.logger = logger
    }

    public func run(_ options: Options, now: Timestamp = Timestamp(secondsSince1970: Date().timeIntervalSince1970)) async throws -> ImportReport {
        var report = ImportReport()
        let today = CalendarDay(utcOf: now)
        for category in options.categories {
            switch options.via {
            case .api:
                let client = ArxivAPIClient(http: http, endpoints: endpoints)
                try await client.category(category, from: options.since ?? today.advanced(by: -2), to: today) { page in
                    try await store.savePapers(page.papers)
                    report.papers += page.papers.count
                    report.problems += page.problems.map { .init(file: "api \(category)", record: $0.record, reason: $0.reason) }
                }
            case .oai:
                let set = OAIPMHClient.setSpec(forCategory: category)
                let source = "oai:arXiv:\(set)"
                let state = try await harvest.state(source)
                // An explicit --since starts over; otherwise resume mid-list, or from the last datestamp.
                let token = options.since == nil ? state.resumptionToken : nil
                let from = options.since?.iso ?? state.lastDatestamp ?? today.advanced(by: -2).iso
                logger.info("harvesting \(set)", metadata: ["from": "\(from)", "resuming": "\(token != nil)"])
                try await OAIPMHClient(http: http, endpoints: endpoints)
                    .harvest(set: set, from: from, resumptionToken: token) { page in
                        try await harvest.savePage(source: source, papers: page.papers, withdrawn: page.deleted,
                                                   datestamp: page.latestDatestamp, resumptionToken: page.resumptionToken)
                        report.papers += page.papers.count
                        report.withdrawn += page.deleted.count
                        report.problems += page.problems.map { .init(file: "oai \(set)", record: $0.record, reason: $0.reason) }
                    }
            case .listing:
                let listing = try await ArxivListingClient(http: http, endpoints: endpoints).listing(category)
                try await store.savePapers(listing.items.map(\.paper))
                try await store.recordArrivals(listing.arrivals)
                report.papers += listing.items.count
                report.problems += listing.problems.map { .init(file: "listing \(category)", record: $0.record, reason: $0.reason) }
            }
        }
        ImportMetrics.record(source: "arxiv-\(options.via.rawValue)", papers: report.papers, problems: report.problems.count)
        let featured = try await store.autoFeature(options.autoFeature, day: today, since: now.adding(seconds: -86_400), now: now,
                                                   trending: options.trending)
        if !featured.isEmpty { logger.info("featured \(featured.count) papers automatically") }
        return report
    }
}
