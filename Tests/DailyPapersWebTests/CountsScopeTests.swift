import DailyPapersCore
import DailyPapersJobs
import DailyPapersStore
import DailyPapersTestSupport
@testable import DailyPapersWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// A vote re-renders the cached pages that show the voted paper, and leaves the others: each test changes
/// a title behind the cache's back (no version bumped), so a page that was rendered again shows it.
@Suite struct CountsScopeTests {
    let day = "2024-12-04"
    let paper = "2412.01981"
    let stale = "Changed behind the cache"

    /// A paper of another day (2024-03-29, another fixture) whose page does not list `paper` among its similar papers.
    func unrelatedPaper(_ client: any TestClientProtocol) async throws -> (id: String, day: String, title: String) {
        let items = try JSONSerialization.jsonObject(with: Data(buffer: try await client.execute(
            uri: "/api/daily_papers?date=2024-03-29", method: .get).body)) as! [[String: Any]]
        for item in items {
            let p = item["paper"] as! [String: Any]
            let id = p["id"] as! String
            let similar = String(buffer: try await client.execute(uri: "/api/papers/\(id)/similar?limit=8", method: .get).body)
            if !similar.contains(paper) { return (id, "2024-03-29", p["title"] as! String) }
        }
        throw TestFailure("every paper of 2024-03-29 is similar to \(paper)")
    }

    struct TestFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    func changeTitle(_ id: String, _ database: Database) async throws {
        try await database.write { db in
            try await db.raw("UPDATE papers SET title = \(bind: stale) WHERE arxiv_id = \(bind: id)").run()
        }
    }

    func page(_ client: any TestClientProtocol, _ uri: String) async throws -> String {
        String(buffer: try await client.execute(uri: uri, method: .get).body)
    }

    @Test func aVoteRendersAgainOnlyThePagesShowingThePaper() async throws {
        try await withAppEnvironment(countsGrace: 0.25) { client, env in
            _ = try await TestAccounts.create(env, "ada")
            let ada = try await TestAccounts.signIn(client, "ada")
            let token = try await ada.token(from: "/settings")
            let other = try await unrelatedPaper(client)
            let before = try #require(voteCount(in: try await page(client, "/papers/\(paper)"), paper: paper))
            #expect(voteCount(in: try await page(client, "/papers/date/\(day)"), paper: paper) == before)
            #expect(try await page(client, "/papers/\(other.id)").contains(TextHelpers.htmlEscaped(other.title)))
            #expect(try await page(client, "/papers/date/\(other.day)").contains(TextHelpers.htmlEscaped(other.title)))
            try await changeTitle(other.id, env.database)
            #expect(try await ada.post("/vote", ["csrf": token, "paper": paper, "vote": "1"]).status == .seeOther)
            // Past four lags: a page behind in counts is rendered for the request.
            try await Task.sleep(for: .milliseconds(1_300))
            #expect(voteCount(in: try await page(client, "/papers/\(paper)"), paper: paper) == before + 1)
            #expect(voteCount(in: try await page(client, "/papers/date/\(day)"), paper: paper) == before + 1)
            // The other paper's page and day show nothing the vote changed: kept, old title and all.
            let kept = try await page(client, "/papers/\(other.id)")
            #expect(kept.contains(TextHelpers.htmlEscaped(other.title)) && !kept.contains(stale))
            #expect(!(try await page(client, "/papers/date/\(other.day)")).contains(stale))
            // A vote on the other paper renders its pages again.
            #expect(try await ada.post("/vote", ["csrf": token, "paper": other.id, "vote": "1"]).status == .seeOther)
            try await Task.sleep(for: .milliseconds(1_300))
            #expect(try await page(client, "/papers/\(other.id)").contains(stale))
            #expect(try await page(client, "/papers/date/\(other.day)").contains(stale))
        }
    }

    /// Another process learns which papers changed from the database: it renders the voted paper's page
    /// again and keeps the rest.
    @Test func anotherProcessRendersAgainOnlyThePagesShowingThePaper() async throws {
        try await withTwoProcesses(countsGrace: 0.25, cacheCheckInterval: 0.2) { one, two, database in
            let ada = try await TestAccounts.signIn(one, "ada")
            let token = try await ada.token(from: "/settings")
            let other = try await unrelatedPaper(two)
            let before = try #require(voteCount(in: try await page(two, "/papers/\(paper)"), paper: paper))
            #expect(try await page(two, "/papers/\(other.id)").contains(TextHelpers.htmlEscaped(other.title)))
            try await changeTitle(other.id, database)
            #expect(try await ada.post("/vote", ["csrf": token, "paper": paper, "vote": "1"]).status == .seeOther)
            try await Task.sleep(for: .milliseconds(1_500))
            #expect(voteCount(in: try await page(two, "/papers/\(paper)"), paper: paper) == before + 1)
            #expect(!(try await page(two, "/papers/\(other.id)")).contains(stale))
        }
    }
}

/// The ledger of changed papers stays bounded and says "cannot tell" for what it forgot.
@Suite struct CountsLedgerTests {
    @Test func pastItsBoundItForgetsAndTreatsOlderPagesAsStale() {
        var ledger = CountsLedger()
        ledger.begin(at: 10)
        ledger.add([CountsChange(paper: "2412.00001", day: nil, version: 11)], upTo: 11)
        #expect(ledger.unchanged(.papers(["2412.00002"]), from: 10, to: 11))
        #expect(!ledger.unchanged(.papers(["2412.00001"]), from: 10, to: 11))
        #expect(ledger.unchanged(.papers(["2412.00001"]), from: 11, to: 11))
        #expect(!ledger.unchanged(.everything, from: 11, to: 11))
        #expect(!ledger.unchanged(.papers(["2412.00002"]), from: 10, to: 12))  // not read up to 12 yet
        let many = (0...CountsLedger.maximumPapers).map { CountsChange(paper: "p\($0)", day: nil, version: 12) }
        ledger.add(many, upTo: 12)
        #expect(!ledger.unchanged(.papers(["2412.00002"]), from: 10, to: 12))  // forgotten: cannot tell
        #expect(ledger.unchanged(.papers(["2412.00002"]), from: 12, to: 12))
    }
}
