import DailyPapersCore
import DailyPapersStore
@testable import DailyPapersWeb
import Foundation
import NIOFoundationCompat
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct CommentTests {
    let paper = "2412.01981"  // one imported comment

    @Test func threadedCommentsRenderSafelyAndCount() async throws {
        try await withAppEnvironment { client, env in
            _ = try await TestAccounts.create(env, "grace")
            let grace = try await TestAccounts.signIn(client, "grace")
            let token = try await grace.token(from: "/papers/\(paper)")
            let hostile = """
                <script>alert(1)</script> **bold** and [a link](https://example.org/x?a=1&b=2) and [bad](javascript:alert(1))
                - item `<b>`
                > quoted
                """
            let first = try await grace.post("/comments", ["csrf": token, "paper": paper, "body": hostile])
            #expect(first.status == .seeOther)
            let id = try #require(first.headers[.location]?.split(separator: "#c").last.flatMap { Int($0) })
            let reply = try await grace.post("/comments", ["csrf": token, "paper": paper, "parent": String(id), "body": "A reply."])
            #expect(reply.status == .seeOther)

            let html = String(buffer: try await client.execute(uri: "/papers/\(paper)", method: .get).body)
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; <strong>bold</strong>"))
            #expect(html.contains("<a href=\"https://example.org/x?a=1&amp;b=2\" rel=\"nofollow ugc noopener\">a link</a>"))
            #expect(html.contains("[bad](javascript:alert(1))"))
            #expect(!html.contains("href=\"javascript"))
            #expect(html.contains("<ul><li>item <code>&lt;b&gt;</code></li></ul><blockquote><p>quoted</p></blockquote>"))
            #expect(!hasInlineScript(html))
            // The reply sits inside the first comment's list item.
            let firstItem = try #require(html.range(of: "id=\"c\(id)\""))
            let replyItem = try #require(html.range(of: "id=\"c\(id + 1)\""))
            #expect(firstItem.lowerBound < replyItem.lowerBound)
            #expect(html[firstItem.upperBound..<replyItem.lowerBound].contains("<ol class=\"comments\">"))
            // 1 imported + 2 local comments, in the API and the trending score.
            let api = String(buffer: try await client.execute(uri: "/api/daily_papers?date=2024-12-04", method: .get).body)
            #expect(api.contains("\"numComments\":3"))
            let counts = try await featuredCounts(env, paper)
            #expect(counts.comments == 3)
            #expect(abs(counts.score - Trending.standard.score(upvotes: 17, comments: 3,
                                                               submittedAt: Timestamp(millisecondsSince1970: counts.submittedAt))) < 1e-9)
        }
    }

    @Test func editWithinTheWindowDeleteOwnAndRefusals() async throws {
        try await withAppEnvironment { client, env in
            _ = try await TestAccounts.create(env, "grace")
            _ = try await TestAccounts.create(env, "ada")
            let grace = try await TestAccounts.signIn(client, "grace")
            let ada = try await TestAccounts.signIn(client, "ada")
            let t = try await grace.token(from: "/papers/\(paper)")
            let ta = try await ada.token(from: "/papers/\(paper)")
            let posted = try await grace.post("/comments", ["csrf": t, "paper": paper, "body": "First tought."])
            let id = try #require(posted.headers[.location]?.split(separator: "#c").last.flatMap { Int($0) })

            #expect(try await grace.post("/comments/\(id)/edit", ["csrf": t, "body": "First thought."]).status == .seeOther)
            let html = String(buffer: try await grace.get("/papers/\(paper)").body)
            #expect(html.contains("First thought.") && html.contains("· edited"))
            // Someone else's comment: refused.
            #expect(try await ada.post("/comments/\(id)/edit", ["csrf": ta, "body": "vandalism"]).status == .forbidden)
            #expect(try await ada.post("/comments/\(id)/delete", ["csrf": ta]).status == .forbidden)
            // Over-long, empty, and on a paper that is not on the feed.
            let long = try await grace.post("/comments", ["csrf": t, "paper": paper, "body": String(repeating: "x", count: 10_001)])
            #expect(long.status == .badRequest && String(buffer: long.body).contains("at most 10000 characters"))
            #expect(try await grace.post("/comments", ["csrf": t, "paper": paper, "body": "  \n "]).status == .badRequest)
            #expect(try await grace.post("/comments", ["csrf": t, "paper": "1901.00001", "body": "hello"]).status == .notFound)
            #expect(try await grace.post("/comments", ["csrf": t, "paper": paper, "parent": "999999", "body": "hello"]).status == .notFound)

            #expect(try await grace.post("/comments/\(id)/delete", ["csrf": t]).status == .seeOther)
            let after = String(buffer: try await client.execute(uri: "/papers/\(paper)", method: .get).body)
            #expect(after.contains("This comment was deleted.") && !after.contains("First thought."))
            #expect(try await featuredCounts(env, paper).comments == 1)
        }
    }

    @Test func editsCloseAfterTheWindow() async throws {
        try await withAppEnvironment(configure: { $0.commentEditWindow = 0 }) { client, env in
            _ = try await TestAccounts.create(env, "grace")
            let grace = try await TestAccounts.signIn(client, "grace")
            let t = try await grace.token(from: "/papers/\(paper)")
            let posted = try await grace.post("/comments", ["csrf": t, "paper": paper, "body": "Typo here."])
            let id = try #require(posted.headers[.location]?.split(separator: "#c").last.flatMap { Int($0) })
            try await Task.sleep(for: .milliseconds(20))
            let late = try await grace.post("/comments/\(id)/edit", ["csrf": t, "body": "Fixed."])
            #expect(late.status == .forbidden)
            #expect(String(buffer: late.body).contains("can be edited only in the first minutes"))
        }
    }
}

@Suite struct ModerationTests {
    let paper = "2412.01981"

    @Test func moderatorsHideCommentsAndPapersWithReasonsInTheLog() async throws {
        try await withAppEnvironment { client, env in
            _ = try await TestAccounts.create(env, "grace")
            _ = try await TestAccounts.create(env, "mod", role: .moderator)
            let grace = try await TestAccounts.signIn(client, "grace")
            let mod = try await TestAccounts.signIn(client, "mod")
            let t = try await grace.token(from: "/papers/\(paper)")
            let posted = try await grace.post("/comments", ["csrf": t, "paper": paper, "body": "Buy cheap pills"])
            let id = try #require(posted.headers[.location]?.split(separator: "#c").last.flatMap { Int($0) })

            // Members cannot moderate.
            #expect(try await grace.post("/moderation/hide-comment", ["csrf": t, "comment": String(id), "reason": "x"]).status == .forbidden)
            #expect(try await grace.get("/moderation").status == .forbidden)

            let tm = try await mod.token(from: "/moderation")
            #expect(try await mod.post("/moderation/hide-comment", ["csrf": tm, "comment": String(id), "reason": ""]).status == .badRequest)
            #expect(try await mod.post("/moderation/hide-comment", ["csrf": tm, "comment": String(id), "reason": "spam"]).status == .seeOther)
            let public_ = String(buffer: try await client.execute(uri: "/papers/\(paper)", method: .get).body)
            #expect(public_.contains("Hidden by the moderators.") && !public_.contains("Buy cheap pills"))
            let modView = String(buffer: try await mod.get("/papers/\(paper)").body)
            #expect(modView.contains("Reason: spam") && modView.contains("Buy cheap pills"))
            #expect(try await featuredCounts(env, paper).comments == 1)

            #expect(try await mod.post("/moderation/hide-paper", ["csrf": tm, "paper": paper, "reason": "duplicate"]).status == .seeOther)
            let feed = String(buffer: try await client.execute(uri: "/api/daily_papers?date=2024-12-04", method: .get).body)
            #expect(!feed.contains(paper))
            #expect(String(buffer: try await mod.get("/papers/\(paper)").body).contains("Hidden from the feed by the moderators: duplicate"))
            #expect(try await grace.post("/vote", ["csrf": t, "paper": paper, "vote": "1"]).status == .notFound)

            let log = String(buffer: try await mod.get("/moderation").body)
            #expect(log.contains("<td>@mod</td><td>hide comment</td><td>comment \(id) on \(paper)</td><td>spam</td>"))
            #expect(log.contains("<td>hide paper</td><td>\(paper)</td><td>duplicate</td>"))
        }
    }

    @Test func aBannedMemberLosesSessionsAndCannotLogIn() async throws {
        try await withAppEnvironment { client, env in
            _ = try await TestAccounts.create(env, "troll")
            _ = try await TestAccounts.create(env, "mod", role: .moderator)
            let troll = try await TestAccounts.signIn(client, "troll")
            let oldToken = try await troll.token(from: "/papers/\(paper)")
            let mod = try await TestAccounts.signIn(client, "mod")
            let tm = try await mod.token(from: "/moderation")
            #expect(try await mod.post("/moderation/ban", ["csrf": tm, "username": "troll", "reason": "abuse"]).status == .seeOther)
            // Staff cannot be banned this way.
            #expect(try await mod.post("/moderation/ban", ["csrf": tm, "username": "mod", "reason": "x"]).status == .forbidden)

            // The old session is gone: a vote with it is a signed-out vote, and nothing is counted.
            let vote = try await troll.post("/vote", ["csrf": oldToken, "paper": paper, "vote": "1"])
            #expect(vote.status == .seeOther && vote.headers[.location]?.hasPrefix("/login") == true)
            #expect(try await featuredCounts(env, paper).upvotes == 17)
            let login = BrowserSession(client)
            let lt = try await login.token(from: "/login")
            let refused = try await login.post("/login", ["csrf": lt, "login": "troll", "password": TestAccounts.password])
            #expect(refused.status == .forbidden && String(buffer: refused.body).contains("This account is banned: abuse"))
            #expect(String(buffer: try await client.execute(uri: "/users/troll", method: .get).body).contains("banned"))
        }
    }

    @Test func authorshipClaimsConfirmedByAnAdmin() async throws {
        try await withAppEnvironment { client, env in
            _ = try await TestAccounts.create(env, "lifan")
            _ = try await TestAccounts.create(env, "boss", role: .admin)
            let lifan = try await TestAccounts.signIn(client, "lifan")
            let page = String(buffer: try await lifan.get("/papers/\(paper)").body)
            // Lifan Yuan is claimed on Hugging Face already; Huayu Chen (third) is not.
            #expect(page.contains("Are you an author of this paper?") && page.contains("<option value=\"2\">Huayu Chen</option>"))
            #expect(!page.contains("<option value=\"0\">"))
            let t = try #require(BrowserSession.csrf(in: page))
            #expect(try await lifan.post("/claims", ["csrf": t, "paper": paper, "author": "2"]).headers[.location] == "/papers/\(paper)?msg=claimed")
            #expect(try await lifan.post("/claims", ["csrf": t, "paper": paper, "author": "2"]).status == .badRequest)
            #expect(try await lifan.post("/claims", ["csrf": t, "paper": paper, "author": "0"]).status == .badRequest)
            #expect(try await lifan.post("/claims", ["csrf": t, "paper": paper, "author": "99"]).status == .badRequest)
            func participating() async throws -> Bool {
                let body = try await client.execute(uri: "/api/daily_papers?date=2024-12-04", method: .get).body
                let entries = try #require(try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [[String: Any]])
                let entry = try #require(entries.first { ($0["paper"] as? [String: Any])?["id"] as? String == paper })
                return entry["isAuthorParticipating"] as? Bool ?? false
            }
            #expect(try await participating() == false)

            let boss = try await TestAccounts.signIn(client, "boss")
            let queue = String(buffer: try await boss.get("/moderation").body)
            #expect(queue.contains("@lifan</a> says they are Huayu Chen of"))
            let tb = try #require(BrowserSession.csrf(in: queue))
            // A moderator who is not an admin cannot decide; the admin can.
            #expect(try await lifan.post("/moderation/claims", ["csrf": t, "paper": paper, "username": "lifan", "decision": "confirm"]).status == .forbidden)
            #expect(try await boss.post("/moderation/claims", ["csrf": tb, "paper": paper, "username": "lifan", "decision": "confirm"]).status == .seeOther)
            #expect(try await participating() == true)
            let html = String(buffer: try await client.execute(uri: "/papers/\(paper)", method: .get).body)
            #expect(html.contains("title=\"claimed by @lifan\""))
        }
    }

    @Test func userPagesListSubmissionsUpvotesAndComments() async throws {
        try await withAppEnvironment { client, env in
            _ = try await TestAccounts.create(env, "grace")
            let grace = try await TestAccounts.signIn(client, "grace")
            let t = try await grace.token(from: "/")
            _ = try await grace.post("/vote", ["csrf": t, "paper": "2412.02259", "vote": "1"])
            _ = try await grace.post("/comments", ["csrf": t, "paper": paper, "body": "Nice *results*."])
            let html = String(buffer: try await client.execute(uri: "/users/grace", method: .get).body)
            let upvoted = try #require(html.range(of: "Upvoted papers"))
            #expect(html[upvoted.upperBound...].contains("/papers/2412.02259"))
            #expect(html.contains("Nice <em>results</em>."))
            #expect(html.contains("No submissions yet."))
            // Imported submitters have pages too.
            let imported = String(buffer: try await client.execute(uri: "/users/Lievan", method: .get).body)  // any case
            #expect(imported.contains("/papers/2412.01981"))
            #expect(try await client.execute(uri: "/users/nobody-here", method: .get).status == .notFound)
        }
    }
}
