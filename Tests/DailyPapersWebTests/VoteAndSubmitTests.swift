import DailyPapersCore
import DailyPapersStore
import DailyPapersTestSupport
@testable import DailyPapersWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import Testing

/// Many members at once: accounts and sessions written straight to the store (no bcrypt per account).
enum Crowd {
    static func make(_ env: AppEnvironment, count: Int, prefix: String = "voter") async throws -> [(account: Account, cookie: String, csrf: String)] {
        let accounts = AccountStore(database: env.database)
        let sessions = SessionStore(database: env.database)
        var out: [(Account, String, String)] = []
        for i in 0..<count {
            let a = try await accounts.create(username: "\(prefix)\(i)", fullname: "Voter \(i)", email: "\(prefix)\(i)@example.org",
                                              passwordHash: "x", verified: true)
            let token = Secrets.token(), csrf = Secrets.token()
            try await sessions.create(tokenHash: Secrets.hash(token), userID: a.id, csrfToken: csrf, now: .now,
                                      expiresAt: Timestamp.now.adding(seconds: 3600))
            out.append((a, token, csrf))
        }
        return out
    }

    static func post(_ client: any TestClientProtocol, _ uri: String, cookie: String, _ body: String, json: Bool = false) async throws -> TestResponse {
        var headers: HTTPFields = [.cookie: "__Host-dp_session=\(cookie)", .contentType: "application/x-www-form-urlencoded"]
        if json { headers[.accept] = "application/json" }
        return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }
}

func featuredCounts(_ env: AppEnvironment, _ id: String) async throws -> (upvotes: Int, imported: Int, comments: Int, score: Double, submittedAt: Int64) {
    try await env.database.read { db in
        let row = try await db.raw("""
            SELECT upvotes, imported_upvotes, num_comments, trending_score, submitted_at FROM featured WHERE paper_id = \(bind: id)
            """).first()!
        return (try row.decode(column: "upvotes", as: Int.self), try row.decode(column: "imported_upvotes", as: Int.self),
                try row.decode(column: "num_comments", as: Int.self), try row.decode(column: "trending_score", as: Double.self),
                try row.decode(column: "submitted_at", as: Int64.self))
    }
}

@Suite struct VoteTests {
    let paper = "2412.01981"  // 17 upvotes imported from Hugging Face

    @Test func upvoteToggleWithoutScriptAndWithJSON() async throws {
        try await withAppEnvironment { client, env in
            _ = try await TestAccounts.create(env, "grace")
            let browser = try await TestAccounts.signIn(client, "grace")
            let page = String(buffer: try await browser.get("/papers/\(paper)").body)
            #expect(page.contains("aria-pressed=\"false\""))
            let token = try #require(BrowserSession.csrf(in: page))

            let up = try await browser.post("/vote", ["csrf": token, "paper": paper, "vote": "1"],
                                            headers: [.referer: "https://papers.example.org/papers/\(paper)"])
            #expect(up.status == .seeOther)
            #expect(up.headers[.location] == "/papers/\(paper)")
            #expect(try await featuredCounts(env, paper).upvotes == 18)
            let after = String(buffer: try await browser.get("/papers/\(paper)").body)
            #expect(after.contains("aria-pressed=\"true\""))
            #expect(after.contains("<span class=\"count\">18</span>"))

            // A second upvote (double click, retried request) changes nothing.
            let again = try await browser.post("/vote", ["csrf": token, "paper": paper, "vote": "1"], headers: [.accept: "application/json"])
            #expect(String(buffer: again.body) == #"{"changed":false,"paper":"2412.01981","upvotes":18,"voted":true}"#)
            let down = try await browser.post("/vote", ["csrf": token, "paper": paper, "vote": "0"], headers: [.accept: "application/json"])
            #expect(String(buffer: down.body) == #"{"changed":true,"paper":"2412.01981","upvotes":17,"voted":false}"#)
            // Anonymous readers see the new count on the cached page too.
            let anonymous = String(buffer: try await client.execute(uri: "/api/papers/\(paper)", method: .get).body)
            #expect(anonymous.contains("\"upvotes\":17"))
        }
    }

    /// Cached anonymous pages may show counts up to the grace period old; with no grace they are exact at once.
    @Test(arguments: [(1000.0, 17), (0.0, 18)])
    func anonymousPagesShowCountsWithinTheGracePeriod(grace: Double, shown: Int) async throws {
        try await withAppEnvironment(countsGrace: grace) { client, env in
            func anonymousCount() async throws -> Int? {
                let html = String(buffer: try await client.execute(uri: "/papers/\(paper)", method: .get).body)
                return html.range(of: "<span class=\"count\">").flatMap { Int(html[$0.upperBound...].prefix { $0.isNumber }) }
            }
            #expect(try await anonymousCount() == 17)
            let crowd = try await Crowd.make(env, count: 1)
            _ = try await Crowd.post(client, "/vote", cookie: crowd[0].cookie, "csrf=\(crowd[0].csrf)&paper=\(paper)&vote=1")
            #expect(try await anonymousCount() == shown)
            #expect(try await featuredCounts(env, paper).upvotes == 18)
        }
    }

    @Test func refusalsChangeNothing() async throws {
        try await withAppEnvironment { client, env in
            // Signed out: sent to log in.
            let anonymous = try await BrowserSession(client).post("/vote", ["paper": paper, "vote": "1"],
                                                                  headers: [.referer: "https://papers.example.org/papers/\(paper)"])
            #expect(anonymous.status == .seeOther)
            #expect(anonymous.headers[.location] == "/login?next=%2Fpapers%2F\(paper)")
            // Email not confirmed.
            _ = try await TestAccounts.create(env, "newbie", verified: false)
            let newbie = try await TestAccounts.signIn(client, "newbie")
            let token = try await newbie.token(from: "/")
            let unconfirmed = try await newbie.post("/vote", ["csrf": token, "paper": paper, "vote": "1"])
            #expect(unconfirmed.status == .forbidden)
            #expect(String(buffer: unconfirmed.body).contains("Confirm your email address first"))
            // Bad ids and values.
            _ = try await TestAccounts.create(env, "grace")
            let grace = try await TestAccounts.signIn(client, "grace")
            let t = try await grace.token(from: "/")
            for (fields, status) in [(["paper": "'; DROP TABLE votes; --", "vote": "1"], HTTPResponse.Status.badRequest),
                                     (["paper": paper, "vote": "2"], .badRequest),
                                     (["paper": "1901.00001", "vote": "1"], .notFound)] {
                var f = fields
                f["csrf"] = t
                #expect(try await grace.post("/vote", f).status == status)
            }
            #expect(try await featuredCounts(env, paper).upvotes == 17)
        }
    }

    /// 40 members click at once, twice each, on the same paper: the count is exact.
    @Test func concurrentVotesAreCountedExactly() async throws {
        try await withAppEnvironment { client, env in
            let crowd = try await Crowd.make(env, count: 40)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for member in crowd {
                    group.addTask {
                        for _ in 0..<2 {
                            let r = try await Crowd.post(client, "/vote", cookie: member.cookie, "csrf=\(member.csrf)&paper=\(paper)&vote=1", json: true)
                            #expect(r.status == .ok)
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await featuredCounts(env, paper).upvotes == 17 + 40)
            #expect(try await VoteStore(database: env.database, trending: .standard).count(paper: ArxivID(parsing: paper)!) == 40)

            // Half take their vote back while the other half vote again, all at once.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (i, member) in crowd.enumerated() {
                    group.addTask {
                        _ = try await Crowd.post(client, "/vote", cookie: member.cookie,
                                                 "csrf=\(member.csrf)&paper=\(paper)&vote=\(i % 2 == 0 ? 0 : 1)", json: true)
                    }
                }
                try await group.waitForAll()
            }
            let counts = try await featuredCounts(env, paper)
            #expect(counts.upvotes == 17 + 20)
            // The stored score is the formula's for the stored counts.
            let expected = Trending.standard.score(upvotes: counts.upvotes, comments: counts.comments,
                                                   submittedAt: Timestamp(millisecondsSince1970: counts.submittedAt))
            #expect(abs(counts.score - expected) < 1e-9)
        }
    }
}

@Suite struct SubmitTests {
    static func recentPaper(_ id: String, daysOld: Double) -> Paper {
        Paper(id: ArxivID(parsing: id)!, title: "A fresh result about \(id)", abstract: "We show something new.",
              authors: [Author(name: "Ada Lovelace"), Author(name: "Charles Babbage")], categories: ["cs.LG"],
              firstVersionAt: Timestamp.now.adding(seconds: -daysOld * 86_400))
    }

    @Test func submittingPutsAPaperOnTodaysFeedWithTheSubmittersVoteAndComment() async throws {
        try await withAppEnvironment { client, env in
            try await PaperStore(database: env.database).savePapers([Self.recentPaper("2611.00001", daysOld: 2)])
            _ = try await TestAccounts.create(env, "grace")
            let grace = try await TestAccounts.signIn(client, "grace")
            let token = try await grace.token(from: "/submit")
            let response = try await grace.post("/submit", ["csrf": token, "paper": "https://arxiv.org/pdf/2611.00001v1",
                                                             "comment": "Worth a **read**."])
            #expect(response.headers[.location] == "/papers/2611.00001?msg=submitted")
            let api = String(buffer: try await client.execute(uri: "/api/papers/2611.00001", method: .get).body)
            #expect(api.contains("\"upvotes\":1"))
            let today = CalendarDay(utcOf: .now).iso
            let feed = String(buffer: try await client.execute(uri: "/api/daily_papers?date=\(today)", method: .get).body)
            #expect(feed.contains("2611.00001") && feed.contains("\"numComments\":1") && feed.contains("\"submittedBy\""))
            let page = String(buffer: try await grace.get("/papers/2611.00001?msg=submitted").body)
            #expect(page.contains("Thanks! The paper is on today&#39;s feed."))
            #expect(page.contains("Worth a <strong>read</strong>."))

            // Submitting it again, or a paper already featured, becomes an upvote.
            _ = try await TestAccounts.create(env, "ada")
            let ada = try await TestAccounts.signIn(client, "ada")
            let t2 = try await ada.token(from: "/submit")
            #expect(try await ada.post("/submit", ["csrf": t2, "paper": "2611.00001"]).headers[.location] == "/papers/2611.00001?msg=already-featured")
            #expect(try await ada.post("/submit", ["csrf": t2, "paper": "2611.00001"]).headers[.location] == "/papers/2611.00001?msg=already-upvoted")
            #expect(try await featuredCounts(env, "2611.00001").upvotes == 2)
        }
    }

    @Test func rulesRefuseOldPapersUnknownIDsAndTheDailyCap() async throws {
        try await withAppEnvironment(configure: { $0.submissionRules = SubmissionRules(dailyCap: 2, maximumAgeDays: 14) }) { client, env in
            let store = PaperStore(database: env.database)
            try await store.savePapers([Self.recentPaper("2611.00011", daysOld: 30)] + (12...14).map { Self.recentPaper("2611.000\($0)", daysOld: 1) })
            _ = try await TestAccounts.create(env, "grace")
            let grace = try await TestAccounts.signIn(client, "grace")
            let token = try await grace.token(from: "/submit")
            func submit(_ text: String) async throws -> (HTTPResponse.Status, String) {
                let r = try await grace.post("/submit", ["csrf": token, "paper": text])
                return (r.status, String(buffer: r.body))
            }
            let old = try await submit("2611.00011")
            #expect(old.0 == .badRequest && old.1.contains("was first published 30 days ago; this site takes papers up to 14 days old"))
            let bad = try await submit("<img src=x onerror=alert(1)>")
            #expect(bad.0 == .badRequest && bad.1.contains("is not an arXiv id or URL") && !bad.1.contains("<img"))
            let unknown = try await submit("2611.09999")
            #expect(unknown.0 == .notFound && unknown.1.contains("No paper 2611.09999 was found"))
            #expect(try await submit("2611.00012").0 == .seeOther)
            #expect(try await submit("2611.00013").0 == .seeOther)
            let capped = try await submit("2611.00014")
            #expect(capped.0 == .tooManyRequests && capped.1.contains("You have submitted 2 papers today"))
            #expect(try await store.paper(ArxivID(parsing: "2611.00014")!)?.featured == nil)
            #expect(try await store.paper(ArxivID(parsing: "2611.00011")!)?.featured == nil)
        }
    }
}

@Suite struct SubmitFromArxivTests {
    /// A paper the database does not know comes from the arXiv API client (a recorded answer on loopback).
    @Test func anUnknownIDIsLookedUpOnArxiv() async throws {
        let arxiv = FakeArxiv()
        arxiv.answer("/api/query", [(200, try FakeArxiv.recordedBody("arxiv/api-id-1605.08386.json"))])
        try await arxiv.run { base in
            try await withAppEnvironment(configure: {
                $0.arxivAPI = base + "/api/query"
                $0.submissionRules.maximumAgeDays = 100_000  // the recorded paper is from 2016
            }) { client, env in
                _ = try await TestAccounts.create(env, "grace")
                let grace = try await TestAccounts.signIn(client, "grace")
                let token = try await grace.token(from: "/submit")
                let response = try await grace.post("/submit", ["csrf": token, "paper": "arXiv:1605.08386v1"])
                #expect(response.headers[.location] == "/papers/1605.08386?msg=submitted")
                #expect(arxiv.seen.map(\.query["id_list"]) == ["1605.08386v1"])
                let page = String(buffer: try await client.execute(uri: "/papers/1605.08386", method: .get).body)
                #expect(page.contains("Heat-bath random walks with Markov bases"))
            }
        }
    }

    @Test func arxivFailingIsAPlainMessage() async throws {
        let arxiv = FakeArxiv()
        arxiv.answer("/api/query", [(200, "<html>not a feed</html>")])
        try await arxiv.run { base in
            try await withAppEnvironment(configure: { $0.arxivAPI = base + "/api/query" }) { client, env in
                _ = try await TestAccounts.create(env, "grace")
                let grace = try await TestAccounts.signIn(client, "grace")
                let token = try await grace.token(from: "/submit")
                let response = try await grace.post("/submit", ["csrf": token, "paper": "2611.04242"])
                #expect(response.status == .badGateway)
                #expect(String(buffer: response.body).contains("arXiv did not answer for 2611.04242 just now"))
            }
        }
    }
}

@Suite struct RateLimitTests {
    @Test func commentsArePacedPerAccount() async throws {
        try await withAppEnvironment { client, env in
            _ = try await TestAccounts.create(env, "chatty")
            let chatty = try await TestAccounts.signIn(client, "chatty")
            let t = try await chatty.token(from: "/papers/2412.01981")
            // Six at once, then one every ten seconds.
            var passed = 0
            try await expectRefusedAfterBurst(6, refill: 10) {
                let status = try await chatty.post("/comments", ["csrf": t, "paper": "2412.01981", "body": "comment \(passed)"]).status
                if status == .seeOther { passed += 1 }
                return status
            }
            #expect(try await featuredCounts(env, "2412.01981").comments == 1 + passed)
        }
    }
}
