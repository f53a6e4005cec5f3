import DailyPapersCore
import DailyPapersStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
@testable import DailyPapersWeb

/// Follows (issue 28, item 4): authors, categories, keywords and members followed in one click; the Following page
/// and its private feed list the newest papers they bring, saying which follow brought each.
@Suite struct FollowTests {
    func get(_ client: any TestClientProtocol, _ uri: String, cookie: String? = nil) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get, headers: cookie.map { [.cookie: "__Host-dp_session=\($0)"] } ?? [:])
    }

    @Test func followedThingsBringTheirPapersToThePageAndTheFeed() async throws {
        try await withAppEnvironment { client, env in
            let members = try await Crowd.make(env, count: 2, prefix: "follower")
            let (ada, bob) = (members[0], members[1])
            // The paper page offers its authors; the user page the member.
            let paper = String(buffer: try await get(client, "/papers/2412.01981", cookie: ada.cookie).body)
            #expect(paper.contains(#"name="kind" value="author""#) && paper.contains(#"name="target" value="Lifan Yuan""#))
            let follows = [("author", "Lifan+Yuan"), ("keyword", "video+generation"), ("member", "follower1")]
            for (kind, target) in follows {
                let r = try await Crowd.post(client, "/follows", cookie: ada.cookie, "csrf=\(ada.csrf)&kind=\(kind)&target=\(target)&next=/following")
                #expect(r.status == .seeOther && r.headers[.location] == "/following", "\(kind)")
            }
            // Bob submits a paper: it comes to Ada's list through the member she follows.
            try await PaperStore(database: env.database).savePapers([Paper(id: ArxivID(parsing: "2611.70002")!, title: "A wombat census",
                                                                          abstract: "Counting wombats.")])
            _ = try await SubmissionStore(database: env.database, trending: .standard)
                .submit(try #require(try await PaperStore(database: env.database).paper(ArxivID(parsing: "2611.70002")!)?.paper),
                        userID: bob.account.id, comment: nil, rules: .init(dailyCap: 10, maximumAgeDays: 100_000))
            let page = String(buffer: try await get(client, "/following", cookie: ada.cookie).body)
            #expect(page.contains("/papers/2412.01981") && page.contains("Following author Lifan Yuan"))
            #expect(page.contains("/papers/2412.02259") && page.contains("keyword video generation"))
            #expect(page.contains("/papers/2611.70002") && page.contains("member follower1"))
            // Newest first.
            #expect(page.range(of: "/papers/2611.70002")!.lowerBound < page.range(of: "/papers/2412.01981")!.lowerBound)
            // The feed, by its key: the same papers, to a reader without a cookie.
            let key = String(try #require(page.firstMatch(of: /\/feeds\/following\/([a-z0-9]{32})\.atom/)).output.1)
            let atom = String(buffer: try await get(client, "/feeds/following/\(key).atom").body)
            #expect(atom.contains("<feed") && atom.contains("A wombat census") && atom.contains("Free Process Rewards"))
            #expect(try await get(client, "/feeds/following/\(String(repeating: "a", count: 32)).atom").status == .notFound)
            #expect(try await get(client, "/feeds/following/x.atom").status == .notFound)
            // Stopped following; bad follows refused; no form token, nothing followed.
            _ = try await Crowd.post(client, "/follows", cookie: ada.cookie, "csrf=\(ada.csrf)&kind=member&target=follower1&follow=0")
            #expect(!String(buffer: try await get(client, "/following", cookie: ada.cookie).body).contains("/papers/2611.70002"))
            #expect(try await Crowd.post(client, "/follows", cookie: ada.cookie, "csrf=\(ada.csrf)&kind=category&target=not+a+category").status == .badRequest)
            #expect(try await Crowd.post(client, "/follows", cookie: ada.cookie, "csrf=\(ada.csrf)&kind=member&target=nobody").status == .notFound)
            #expect(try await Crowd.post(client, "/follows", cookie: ada.cookie, "csrf=\(ada.csrf)&kind=planet&target=mars").status == .badRequest)
            #expect(try await Crowd.post(client, "/follows", cookie: ada.cookie, "kind=category&target=cs.LG").status == .forbidden)
            #expect(try await FollowStore(database: env.database).follows(userID: ada.account.id).count == 2)
        }
    }
}
