import DailyPapersCore
import DailyPapersStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
@testable import DailyPapersWeb

/// "For you" through the pages: a new member gets trending papers and a prompt; a member's upvotes and saves make
/// the feed theirs, each card saying why; "not interested" takes a paper out at once.
@Suite struct ForYouTests {
    func page(_ client: any TestClientProtocol, cookie: String) async throws -> String {
        String(buffer: try await client.execute(uri: "/for-you", method: .get, headers: [.cookie: "__Host-dp_session=\(cookie)"]).body)
    }

    func cards(_ html: String) -> [String] {
        html.matches(of: /<article class="card"><a class="thumb" href="\/papers\/([^"]+)"/).map { String($0.output.1) }
    }

    @Test func learnedFromTheMemberAndTurnedAwayAtOnce() async throws {
        try await withAppEnvironment { client, env in
            let member = try await Crowd.make(env, count: 1, prefix: "foryou")[0]
            // Signed out: to the log-in page.
            let anonymous = try await client.execute(uri: "/for-you", method: .get)
            #expect(anonymous.status == .seeOther || anonymous.status == .found)
            // No history: trending papers and a prompt.
            let fresh = try await page(client, cookie: member.cookie)
            #expect(fresh.contains("Upvote or save a few papers") && !cards(fresh).isEmpty)
            #expect(fresh.contains(#"name="target" value="cs.LG""#))
            // Picking a category in one click: the newest papers of that category until there is history.
            try await PaperStore(database: env.database).savePapers([Paper(id: ArxivID(parsing: "2611.70009")!, title: "A robot that folds towels",
                                                                          abstract: "Towels.", categories: ["cs.RO"])])
            _ = try await Crowd.post(client, "/follows", cookie: member.cookie, "csrf=\(member.csrf)&kind=category&target=cs.RO&next=/for-you")
            let picked = try await page(client, cookie: member.cookie)
            #expect(cards(picked) == ["2611.70009"] && !picked.contains(#"name="target" value="cs.RO""#))
            // One save: the feed is the member's, and says why.
            _ = try await Crowd.post(client, "/save", cookie: member.cookie, "csrf=\(member.csrf)&paper=2412.02259&save=1")
            let mine = try await page(client, cookie: member.cookie)
            let shown = cards(mine)
            #expect(shown.count >= 2 && !shown.contains("2412.02259"))
            // Every pick says why; the video generation paper is among the first.
            #expect(mine.components(separatedBy: "</a>, which you saved").count == shown.count + 1)
            #expect(mine.contains("“VideoGen-of-Thought: A Collaborative Framework for Multi-Shot Video Generation”</a>, which you saved"))
            #expect(shown.prefix(3).contains("2412.02700"))
            // "Not interested": gone from the feed at once.
            let first = try #require(shown.first)
            let marked = try await Crowd.post(client, "/not-interested", cookie: member.cookie, "csrf=\(member.csrf)&paper=\(first)&next=/for-you")
            #expect(marked.status == .seeOther && marked.headers[.location] == "/for-you")
            #expect(!cards(try await page(client, cookie: member.cookie)).contains(first))
            // Without the form token nothing is marked.
            #expect(try await Crowd.post(client, "/not-interested", cookie: member.cookie, "paper=\(shown[1])").status == .forbidden)
        }
    }
}
