import DailyPapersCore
import DailyPapersJobs
import DailyPapersStore
import DailyPapersTestSupport
import Foundation
import HummingbirdTesting
import Testing
@testable import DailyPapersWeb

/// Search finds every paper the instance holds, featured or not, says which were on the feed and when, keeps
/// to the feed with `featured=1`, and lets a member put a paper found there on today's feed in one click.
@Suite struct SearchEveryPaperTests {
    /// 40 arXiv papers from the corpus excerpt, none featured, beside the Hugging Face fixtures.
    func importCorpus(_ env: AppEnvironment) async throws {
        _ = try await ArxivJSONLImport(store: PaperStore(database: env.database)).run(path: Fixtures.path("arxiv/corpus-excerpt.jsonl"))
    }

    static let title = "Industrial-Grade Sensor Simulation via Gaussian Splatting: A Modular Framework for Scalable Editing and Full-Stack Validation"

    @Test func anUnfeaturedPaperIsFoundByItsTitleOnThePageAndInTheAPI() async throws {
        try await withAppEnvironment { client, env in
            try await importCorpus(env)
            let q = SiteRoute.percentEncode(Self.title)
            let page = String(buffer: try await client.execute(uri: "/search?q=\(q)", method: .get).body)
            let first = try #require(page.firstRange(of: "<article class=\"card\">"))
            #expect(page[first.lowerBound...].prefix(3000).contains("/papers/2503.11731"), "the exact title finds its paper first")
            #expect(page.contains("<span class=\"by\">Not on the feed"))
            #expect(!page.contains("Put on today"), "readers who are not signed in get no form")

            let api = try JSONSerialization.jsonObject(with: Data(buffer: try await client.execute(uri: "/api/papers/search?q=\(q)", method: .get).body)) as! [[String: Any]]
            let item = try #require(api.first)
            let paper = try #require(item["paper"] as? [String: Any])
            #expect(paper["id"] as? String == "2503.11731" && paper["upvotes"] as? Int == 0)
            #expect(paper["submittedOnDailyBy"] == nil && item["submittedBy"] == nil && item["numComments"] as? Int == 0)

            let feedOnly = try JSONSerialization.jsonObject(with: Data(buffer: try await client.execute(uri: "/api/papers/search?q=\(q)&featured=1", method: .get).body)) as! [[String: Any]]
            #expect(!feedOnly.contains { ($0["paper"] as? [String: Any])?["id"] as? String == "2503.11731" })
            // The search feeds too, with the same switch (part of the feed's own URL).
            let atom = String(buffer: try await client.execute(uri: "/feeds/search.atom?q=\(q)", method: .get).body)
            #expect(atom.contains("https://papers.example.org/papers/2503.11731") && !atom.contains("0 upvotes"))
            let feedOnlyAtom = String(buffer: try await client.execute(uri: "/feeds/search.atom?q=\(q)&featured=1", method: .get).body)
            #expect(!feedOnlyAtom.contains("/papers/2503.11731<") && feedOnlyAtom.contains("featured=1\"/>"))
            let featuredPage = String(buffer: try await client.execute(uri: "/search?q=process+rewards&featured=1", method: .get).body)
            #expect(featuredPage.contains("On the feed <a href=\"/papers/date/2024-12-04\">Dec 4, 2024</a>"))
            #expect(featuredPage.contains("name=\"featured\" value=\"1\" checked"))
        }
    }

    @Test func aMemberPutsAPaperFoundOnTodaysFeedInOneClick() async throws {
        try await withAppEnvironment(configure: { $0.submissionRules.maximumAgeDays = 100_000 }) { client, env in
            try await importCorpus(env)
            _ = try await TestAccounts.create(env, "grace")
            let grace = try await TestAccounts.signIn(client, "grace")
            let page = String(buffer: try await grace.get("/search?q=\(SiteRoute.percentEncode(Self.title))").body)
            #expect(page.contains("Put on today&#39;s feed"))
            let token = try #require(BrowserSession.csrf(in: page))
            let response = try await grace.post("/submit", ["csrf": token, "paper": "2503.11731"])
            #expect(response.headers[.location] == "/papers/2503.11731?msg=submitted")
            let after = String(buffer: try await grace.get("/search?q=\(SiteRoute.percentEncode(Self.title))&featured=1").body)
            #expect(after.contains("/papers/2503.11731"))
            // The paper page of one never featured offers the same button.
            let other = String(buffer: try await grace.get("/papers/2503.11780").body)
            #expect(other.contains("Not featured on the daily feed") && other.contains("Put on today&#39;s feed"))
        }
    }
}
