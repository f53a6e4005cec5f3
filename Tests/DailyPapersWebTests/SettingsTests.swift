import DailyPapersCore
import Foundation
import Synchronization
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

/// Gravity and the comment weight decide the trending order readers see: the order the API gives is the one the
/// configured formula gives, and other settings give another order.
@Suite struct TrendingWeightSettingTests {
    struct Item { let id: String; let upvotes: Int; let comments: Int; let submitted: Timestamp }

    func trendingOrder(_ trending: Trending) async throws -> (shown: [String], expected: [String]) {
        let box = ResultBox()
        try await withAppEnvironment(configure: { $0.trending = trending }) { client, _ in
            let body = try await client.execute(uri: "/api/daily_papers?date=2024-12-04&sort=trending&limit=100", method: .get).body
            let items = try JSONSerialization.jsonObject(with: Data(buffer: body)) as! [[String: Any]]
            let parsed = items.map { item -> Item in
                let paper = item["paper"] as! [String: Any]
                return Item(id: paper["id"] as! String, upvotes: paper["upvotes"] as! Int, comments: item["numComments"] as! Int,
                            submitted: Timestamp(iso8601: item["publishedAt"] as! String)!)
            }
            let expected = parsed.sorted {
                let a = trending.score(upvotes: $0.upvotes, comments: $0.comments, submittedAt: $0.submitted)
                let b = trending.score(upvotes: $1.upvotes, comments: $1.comments, submittedAt: $1.submitted)
                return a != b ? a > b : $0.id < $1.id
            }
            box.set(parsed.map(\.id), expected.map(\.id))
        }
        return box.get()
    }

    /// What the app's closure saw, handed out of it.
    final class ResultBox: Sendable {
        private let value = Mutex<([String], [String])>(([], []))
        func set(_ a: [String], _ b: [String]) { value.withLock { $0 = (a, b) } }
        func get() -> ([String], [String]) { value.withLock { $0 } }
    }

    @Test func theConfiguredWeightsDecideTheOrder() async throws {
        let byTime = Trending(commentWeight: 0, gravitySeconds: 360, windowDays: 7)       // a tenfold drop every 6 minutes
        let byVotes = Trending(commentWeight: 0, gravitySeconds: 3.6e9, windowDays: 7)    // age hardly counts
        let byComments = Trending(commentWeight: 1000, gravitySeconds: 3.6e9, windowDays: 7)
        var orders: [[String]] = []
        for trending in [byTime, byVotes, byComments] {
            let (shown, expected) = try await trendingOrder(trending)
            #expect(shown.count > 5)
            #expect(shown == expected)
            orders.append(shown)
        }
        // Each setting changes what readers see.
        #expect(orders[0] != orders[1] && orders[1] != orders[2])
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

/// `--session-days`: a session unused for longer signs its member out (one second here), and not before
/// (the default 30 days), whatever the time the sign-in itself took on a loaded machine.
@Suite struct SessionLifetimeSettingTests {
    @Test(arguments: [(30.0, true), (1.0 / 86_400, false)])
    func anUnusedSessionEndsAfterTheConfiguredTime(days: Double, stillSignedIn: Bool) async throws {
        try await withAppEnvironment(configure: { $0.sessionLifetimeDays = days }) { client, env in
            _ = try await TestAccounts.create(env, "ada")
            let ada = try await TestAccounts.signIn(client, "ada")
            try await Task.sleep(for: .milliseconds(2_500))
            let later = try await ada.get("/settings")
            #expect((later.status == .ok) == stillSignedIn)
            #expect((later.status == .seeOther && later.headers[.location]?.hasPrefix("/login") == true) == !stillSignedIn)
        }
    }
}

/// `--cache-mib`: with room, a page is served as rendered until its data changes through the site; with none
/// (0), every request renders, so a change made behind the site's back shows at once.
@Suite struct CacheSizeSettingTests {
    @Test(arguments: [(64, false), (0, true)])
    func theCacheKeepsPagesOnlyWithRoom(mib: Int, seesChangeAtOnce: Bool) async throws {
        try await withAppEnvironment(site: { $0.responseCacheBytes = mib << 20 }) { client, env in
            _ = try await client.execute(uri: "/papers/2412.01981", method: .get)
            try await env.database.write { db in
                try await db.raw("UPDATE papers SET title = 'Changed behind the site' WHERE arxiv_id = '2412.01981'").run()
            }
            let page = String(buffer: try await client.execute(uri: "/papers/2412.01981", method: .get).body)
            #expect(page.contains("Changed behind the site") == seesChangeAtOnce)
        }
    }
}
