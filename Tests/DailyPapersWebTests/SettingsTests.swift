import DailyPapersStore
import DailyPapersWeb
import HummingbirdTesting
import SQLKit
import Testing

/// `--trending-window-days` had no effect: the lists took the standard window whatever was configured.
@Suite struct TrendingWindowSettingTests {
    /// The fixtures' newest papers are of 2024-12-04, and 2024-03-29 is 250 days before: a 7-day window leaves the
    /// older papers out, a 400-day window lets them in, in the API and the trending feed alike.
    @Test(arguments: [(7, false), (400, true)])
    func theConfiguredWindowDecidesWhatTrends(days: Int, olderIn: Bool) async throws {
        try await withAppEnvironment(configure: { $0.trending.windowDays = days }) { client, env in
            let older = String(buffer: try await client.execute(uri: "/api/daily_papers?date=2024-03-29&limit=1", method: .get).body)
            let id = try #require(older.firstMatch(of: /"id":"([0-9.]+)"/)?.output.1)
            // Make the older paper the most upvoted, so that only the window can keep it off the trending lists.
            try await env.database.write { db in
                try await db.raw("UPDATE featured SET trending_score = 1e9 WHERE paper_id = \(bind: String(id))").run()
            }
            let api = String(buffer: try await client.execute(uri: "/api/daily_papers?sort=trending&limit=100", method: .get).body)
            let feed = String(buffer: try await client.execute(uri: "/feeds/trending.atom", method: .get).body)
            let days = Set(api.matches(of: /"publishedAt":"([0-9-]{10})/).map { String($0.output.1) })
            #expect(api.contains("\"id\":\"\(id)\"") == olderIn, "days listed: \(days)")
            #expect(feed.contains(String(id)) == olderIn)
        }
    }
}

/// An instance for a lab is not Hugging Face's: its name and tagline are settings, shown where readers look.
@Suite struct SiteNameSettingTests {
    @Test func theNameAndTaglineAreWhatReadersSee() async throws {
        try await withAppEnvironment(site: { configuration in
            configuration.siteName = "Lab <Papers>"
            configuration.siteTagline = "Picked by the vision group & friends"
        }) { client, _ in
            let feed = String(buffer: try await client.execute(uri: "/", method: .get).body)
            #expect(feed.contains("<title>Lab &lt;Papers&gt;: "))
            #expect(feed.contains("<p class=\"tagline\">Picked by the vision group &amp; friends</p>"))
            #expect(!feed.contains("by AK"))
            let atom = String(buffer: try await client.execute(uri: "/feeds/daily.atom", method: .get).body)
            #expect(atom.contains("Lab &lt;Papers&gt;"))
        }
        try await withAppEnvironment { client, _ in
            let feed = String(buffer: try await client.execute(uri: "/", method: .get).body)
            #expect(feed.contains("<p class=\"tagline\">by the research community</p>") && !feed.contains("by AK"))
        }
    }
}
