import DailyPapersCore
import DailyPapersJobs
import DailyPapersStore
import DailyPapersTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import DailyPapersWeb

/// What arrived, by announcement day and category: saved listings (exact announce types) and dated records.
@Suite struct ArrivalsTests {
    func importListings(_ env: AppEnvironment) async throws {
        let job = ArxivFileImport(store: PaperStore(database: env.database))
        let report = try await job.run(paths: [Fixtures.path("arxiv/listing-atom-cs-LG.xml"), Fixtures.path("arxiv/listing-rss-quant-ph.xml")],
                                       format: .listing)
        #expect(report.problems.isEmpty)
    }

    func body(_ client: some TestClientProtocol, _ uri: String) async throws -> (HTTPResponse.Status, String) {
        let response = try await client.execute(uri: uri, method: .get)
        return (response.status, String(buffer: response.body))
    }

    @Test func aCategorysDayListsNewCrossListedAndReplacedPapersMarked() async throws {
        try await withAppEnvironment { client, env in
            try await importListings(env)
            let (status, page) = try await body(client, "/new/cs.LG")
            #expect(status == .ok)
            #expect(page.contains("<h2>Wednesday, August 20, 2025</h2>"))
            let marks = page.matches(of: /<p class="arrival [a-z-]+">([^<]+)<\/p>/).map { String($0.output.1) }
            #expect(marks == ["New", "Cross-list from stat.ML", "Replaced (v3)"])
            #expect(page.contains("/papers/2508.14001") && page.contains("Not on the feed"))
            #expect(markupProblems(page).isEmpty)
            // Every category: each paper once, by its primary category (the cross-list is new in stat.ML).
            let (_, all) = try await body(client, "/new")
            #expect(all.matches(of: /<p class="arrival [a-z-]+">([^<]+)<\/p>/).map { String($0.output.1) } == ["New", "New", "Replaced (v3)"])
            // The day before with arrivals is the quant-ph listing's; from there, back again.
            #expect(all.contains("href=\"/new?day=2025-04-28\" rel=\"prev\""))
            let (_, earlier) = try await body(client, "/new?day=2025-04-28")
            #expect(earlier.contains("href=\"/new?day=2025-08-20\" rel=\"next\"") && earlier.contains("quant-ph"))
            let (_, stat) = try await body(client, "/new/stat.ML")
            #expect(stat.contains("<p class=\"arrival new\">New</p>") && stat.contains("/papers/2508.13777"))
        }
    }

    @Test func feedsPerCategoryAndDatedRecordsAndBadInput() async throws {
        try await withAppEnvironment { client, env in
            try await importListings(env)
            let (status, atom) = try await body(client, "/feeds/new/cs.LG.atom")
            #expect(status == .ok && atom.components(separatedBy: "<entry>").count - 1 == 3)
            let (_, json) = try await body(client, "/feeds/new/all.json")
            #expect(json.contains("2508.13777"))
            // Records with version dates (OAI-PMH) arrive on their versions' days.
            _ = try await ArxivFileImport(store: PaperStore(database: env.database)).run(paths: [Fixtures.path("arxiv/oai-arXivRaw-excerpt.xml")], format: .oai)
            let store = PaperStore(database: env.database)
            let first = try await store.arrivals(category: nil, day: CalendarDay(iso: "2008-11-21"), offset: 0, limit: 100)
            #expect(first.items.contains { $0.record.paper.title == "Revisiting Norm Estimation in Data Streams" && $0.kind == .new })
            let second = try await store.arrivals(category: nil, day: CalendarDay(iso: "2009-04-09"), offset: 0, limit: 100)
            #expect(second.items.contains { $0.record.paper.title == "Revisiting Norm Estimation in Data Streams" && $0.kind == .replace })
            for bad in ["/new/cs.LG?day=yesterday", "/new/%3Cscript%3E", "/new?p=5000", "/feeds/new/%3Cx%3E.atom"] {
                #expect(try await client.execute(uri: bad, method: .get).status == .badRequest, "\(bad)")
            }
            #expect(try await body(client, "/new/cs.LG?day=2001-01-01").1.contains("0 papers"))
        }
    }

    @Test func aMemberPutsAnArrivalOnTodaysFeed() async throws {
        try await withAppEnvironment(configure: { $0.submissionRules.maximumAgeDays = 100_000 }) { client, env in
            try await importListings(env)
            _ = try await TestAccounts.create(env, "grace")
            let grace = try await TestAccounts.signIn(client, "grace")
            let page = String(buffer: try await grace.get("/new/cs.LG").body)
            #expect(page.components(separatedBy: "Put on today&#39;s feed").count - 1 == 3)
            let token = try #require(BrowserSession.csrf(in: page))
            #expect(try await grace.post("/submit", ["csrf": token, "paper": "2508.13777"]).headers[.location] == "/papers/2508.13777?msg=submitted")
            let after = String(buffer: try await grace.get("/new/cs.LG").body)
            #expect(after.contains("On the feed"))
            // Her submission counts as her upvote, and the page she reads shows it pressed.
            #expect(after.contains("aria-pressed=\"true\" title=\"Remove your upvote\""))
        }
    }
}
