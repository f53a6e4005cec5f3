import DailyPapersCore
import DailyPapersJobs
import DailyPapersStore
import DailyPapersTestSupport
@testable import DailyPapersWeb
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import HummingbirdTesting
import Testing

/// Members' pages are one rendering shared by all members with each member's parts filled in per request
/// (`PageTemplate`): these tests hold that no member ever sees another's token, name, votes or edit links,
/// that a member's own writes show at once, and that a filled page is exactly the page rendered for them alone.
@Suite struct MemberPageTests {
    let day = "2024-12-04"
    let paper = "2412.01981"  // on that day, one imported comment

    /// What of a member a page shows: the account links, every form token, the vote on `paper`, delete links.
    struct Personal {
        var nav: String
        var tokens: Set<String>
        var votedOnPaper: Bool?
        var deletableComments: Set<String>

        init(_ html: String, paper: String) {
            if let start = html.range(of: "<nav class=\"account\""), let end = html[start.lowerBound...].range(of: "</nav>") {
                nav = String(html[start.lowerBound..<end.upperBound])
            } else {
                nav = ""
            }
            tokens = Set(html.ranges(of: "name=\"csrf\" value=\"").map { String(html[$0.upperBound...].prefix { $0 != "\"" }) })
            if let form = html.range(of: "name=\"paper\" value=\"\(paper)\"><input type=\"hidden\" name=\"vote\"") {
                votedOnPaper = html[form.upperBound...].prefix(200).contains("aria-pressed=\"true\"")
            }
            deletableComments = Set(html.ranges(of: "action=\"/comments/").compactMap { r in
                let rest = html[r.upperBound...].prefix { $0 != "\"" }
                return rest.hasSuffix("/delete") ? String(rest.dropLast(7)) : nil
            })
        }
    }

    @Test func aMembersPageNeverShowsAnotherMembersParts() async throws {
        try await withAppEnvironment { client, env in
            _ = try await TestAccounts.create(env, "ada")
            _ = try await TestAccounts.create(env, "grace")
            _ = try await TestAccounts.create(env, "mod", role: .moderator)
            let ada = try await TestAccounts.signIn(client, "ada")
            let grace = try await TestAccounts.signIn(client, "grace")
            let mod = try await TestAccounts.signIn(client, "mod")
            // Each member's true token, from a page rendered for them alone.
            let tokens = ["ada": try await ada.token(from: "/settings"), "grace": try await grace.token(from: "/settings"),
                          "mod": try await mod.token(from: "/settings")]
            #expect(Set(tokens.values).count == 3)
            #expect(try await ada.post("/vote", ["csrf": tokens["ada"]!, "paper": paper, "vote": "1"]).status == .seeOther)
            let posted = try await ada.post("/comments", ["csrf": tokens["ada"]!, "paper": paper, "body": "Ada wrote this."])
            let adaComment = try #require(posted.headers[.location]?.split(separator: "#c").last.map(String.init))

            // The search finds the paper ("Free Process Rewards without Process Labels").
            let pages = ["/papers/date/\(day)", "/papers/\(paper)", "/search?q=process+rewards", "/?msg=submitted"]
            // Turns, so each member is served the shared rendering another member's request made.
            for _ in 0..<2 {
                for (name, browser) in [("ada", ada), ("grace", grace), ("mod", mod)] {
                    for page in pages {
                        let response = try await browser.get(page)
                        #expect(response.status == .ok)
                        #expect(response.headers[.cacheControl] == "private, no-store", "\(page)")
                        let html = String(buffer: response.body)
                        let seen = Personal(html, paper: paper)
                        #expect(seen.nav.contains("@\(name)<"), "\(name) on \(page): \(seen.nav)")
                        for other in tokens.keys where other != name {
                            let otherName = seen.nav.contains("@\(other)<"), otherToken = html.contains(tokens[other]!)
                            #expect(!otherName, "\(name) sees \(other)'s name on \(page)")
                            #expect(!otherToken, "\(name) sees \(other)'s token on \(page)")
                        }
                        #expect(seen.tokens == [tokens[name]!], "\(name) on \(page): \(seen.tokens)")
                        if page != pages[3] {
                            #expect(seen.votedOnPaper == (name == "ada"), "\(name)'s vote on \(page)")
                        }
                        if page == pages[1] {
                            #expect(seen.deletableComments == (name == "ada" ? [adaComment] : []), "\(name) on \(page)")
                            let shown = html.contains("Ada wrote this."), hideForm = html.contains("Hide comment")
                            #expect(shown)
                            #expect(hideForm == (name == "mod"))
                        }
                    }
                }
            }
            // Anonymous readers get neither names nor tokens.
            let anonymous = String(buffer: try await client.execute(uri: "/papers/\(paper)", method: .get).body)
            let seen = Personal(anonymous, paper: paper)
            #expect(seen.tokens.isEmpty && seen.nav.contains("Log in") && !seen.nav.contains("@"))
        }
    }

    @Test func aMembersOwnWritesShowAtOnceWhileCountsMayLag() async throws {
        // Cached pages may trail counts by a minute here, so only the member path can show the change at once.
        try await withAppEnvironment(countsGrace: 60) { client, env in
            _ = try await TestAccounts.create(env, "ada")
            _ = try await TestAccounts.create(env, "grace")
            let ada = try await TestAccounts.signIn(client, "ada")
            let grace = try await TestAccounts.signIn(client, "grace")
            let token = try await ada.token(from: "/settings")
            func count(_ html: String) -> Int? { voteCount(in: html, paper: paper) }
            // Every page rendered (and cached) before the writes.
            let anonymousBefore = String(buffer: try await client.execute(uri: "/papers/date/\(day)", method: .get).body)
            let before = try #require(count(String(buffer: try await ada.get("/papers/date/\(day)").body)))
            #expect(count(anonymousBefore) == before)
            _ = try await ada.get("/papers/\(paper)")
            _ = try await grace.get("/papers/\(paper)")

            #expect(try await ada.post("/vote", ["csrf": token, "paper": paper, "vote": "1"]).status == .seeOther)
            let posted = try await ada.post("/comments", ["csrf": token, "paper": paper, "body": "Seen at once."])
            #expect(posted.status == .seeOther)
            let id = try #require(posted.headers[.location]?.split(separator: "#c").last.map(String.init))

            let feed = String(buffer: try await ada.get("/papers/date/\(day)").body)
            #expect(count(feed) == before + 1)
            #expect(Personal(feed, paper: paper).votedOnPaper == true)
            let page = String(buffer: try await ada.get("/papers/\(paper)").body)
            let seen = page.contains("Seen at once.")
            #expect(seen && count(page) == before + 1)
            #expect(Personal(page, paper: paper).deletableComments == [id])
            // Another member's next page shows the new comment too; anonymous pages may lag in counts.
            let graceSees = String(buffer: try await grace.get("/papers/\(paper)").body).contains("Seen at once.")
            #expect(graceSees)
            let anonymousAfter = String(buffer: try await client.execute(uri: "/papers/date/\(day)", method: .get).body)
            #expect(count(anonymousAfter) == before, "the anonymous page is the cached one, behind in counts")

            #expect(try await ada.post("/comments/\(id)/edit", ["csrf": token, "body": "Edited at once."]).status == .seeOther)
            let edited = String(buffer: try await ada.get("/papers/\(paper)").body)
            let editShown = edited.contains("Edited at once.") && !edited.contains("Seen at once.")
            #expect(editShown)
            #expect(try await ada.post("/vote", ["csrf": token, "paper": paper, "vote": "0"]).status == .seeOther)
            let unvoted = String(buffer: try await ada.get("/papers/date/\(day)").body)
            #expect(count(unvoted) == before && Personal(unvoted, paper: paper).votedOnPaper == false)
        }
    }

    /// Two processes over one database: a member who votes through one and reads through the other sees the
    /// vote at once, though the second kept their state from before and may trail counts by a minute.
    @Test func aWriteThroughOneProcessShowsAtOnceThroughAnother() async throws {
        try await withTwoProcesses(countsGrace: 60) { first, second, _ in
            let one = try await TestAccounts.signIn(first, "ada")
            let two = BrowserSession(second)
            two.setCookie("__Host-dp_session", one.cookie("__Host-dp_session"))
            let token = try await one.token(from: "/settings")
            let before = String(buffer: try await two.get("/papers/date/\(day)").body)
            #expect(Personal(before, paper: paper).votedOnPaper == false)
            #expect(try await one.post("/vote", ["csrf": token, "paper": paper, "vote": "1"]).status == .seeOther)
            let wrote = try #require(one.cookie("__Host-dp_wrote"))
            two.setCookie("__Host-dp_wrote", wrote)
            let after = String(buffer: try await two.get("/papers/date/\(day)").body)
            #expect(Personal(after, paper: paper).votedOnPaper == true)
        }
    }

    /// A member walking thousands of distinct searches cannot make the kept states grow past their bound.
    @Test func keptMemberStatesStayWithinTheirBound() {
        let cache = MemberStateCache(countsGrace: 5, maximumPapers: 1_000)
        let states = Dictionary(uniqueKeysWithValues: (0..<20).map {
            ("2412.\(10_000 + $0)", PaperViewerState(upvotes: $0, voted: false, discussionVersion: 0))
        })
        for i in 0..<5_000 {
            cache.keep("7|search|query \(i)", states, readAt: 100, countsVersion: 1)
            #expect(cache.heldPapers <= 1_000)
        }
        // What is kept is served while it may be, and not after the member's own write.
        cache.keep("7|feed", states, readAt: 100, countsVersion: 1)
        #expect(cache.papers("7|feed", now: 101, countsVersion: 1, wroteAt: nil) == states)
        #expect(cache.papers("7|feed", now: 101, countsVersion: 1, wroteAt: 99.5) == nil)
        #expect(cache.papers("7|feed", now: 106, countsVersion: 2, wroteAt: nil) == nil)
        // Once counts moved, states older than the lag can never be served: the next keep drops them.
        cache.keep("8|feed", states, readAt: 107, countsVersion: 2)
        #expect(cache.heldPapers == states.count)
        #expect(cache.papers("8|feed", now: 107, countsVersion: 2, wroteAt: nil) == states)
    }

    /// The shared rendering filled for a member is byte for byte the page rendered for that member alone.
    @Test func aFilledPageIsThePageRenderedForTheMember() async throws {
        let t = try await TestDatabase.make()
        do {
            _ = try await HFDailyImport(store: PaperStore(database: t.database), trending: .standard).run(paths: [Fixtures.path("hf-daily")])
            let store = PaperStore(database: t.database)
            let comments = CommentStore(database: t.database, trending: .standard)
            let site = SiteInfo(name: "Daily Papers", publicURL: "https://papers.example.org", stylesheetVersion: "1")
            var accounts: [Account] = []
            for name in ["ada", "grace"] {
                accounts.append(try await AccountAdministration.create(database: t.database, username: name, email: "\(name)@example.org",
                                                                       fullname: nil, password: TestAccounts.password, role: .member, bcryptCost: 10))
            }
            let id = try #require(ArxivID(parsing: paper))
            let first = try await comments.add(paper: id, parentID: nil, userID: accounts[0].id, body: "*One* from ada")
            _ = try await comments.add(paper: id, parentID: first, userID: accounts[1].id, body: "A reply from grace")
            _ = try await VoteStore(database: t.database, trending: .standard).setVote(userID: accounts[0].id, paper: id, voted: true)

            let record = try #require(try await store.paper(id))
            let thread = try await comments.comments(paper: id)
            let model = try await FeedPageQuery.load(try FeedPeriod.parseDay(day), sort: .upvotes, page: 0, store: store)
            let now = Timestamp.now
            for account in accounts {
                let states = try await VoteStore(database: t.database, trending: .standard).viewerState(
                    userID: account.id, papers: model.papers.map(\.paper.id))
                let viewer = Viewer(account: account, csrf: "token-of-\(account.username)",
                                    voted: Set(states.filter(\.value.voted).keys))
                let fill = PersonalFill(viewer: viewer, notice: "Saved.", papers: states, editWindow: 900, now: now)

                let sharedFeed = PageTemplate(FeedPageView.document(model, site: site, canonical: "/", viewer: .anyMember))
                let ownFeed = FeedPageView.render(model, site: site, canonical: "/", viewer: viewer, notice: "Saved.")
                let sameFeed = String(buffer: sharedFeed.render(fill.write)) == ownFeed
                #expect(sameFeed, "feed page for \(account.username)")

                let sharedPaper = PageTemplate(PaperPageView.document(record, comments: thread, personal: .init(viewer: .anyMember), site: site))
                let ownPaper = PaperPageView.render(record, comments: thread,
                                                    personal: .init(viewer: viewer, notice: "Saved.", editWindow: 900), site: site)
                // The per-request rendering takes the time itself; the fill takes it from `now`.
                let samePaper = String(buffer: sharedPaper.render(fill.write)) == ownPaper
                #expect(samePaper, "paper page for \(account.username)")
                #expect(sharedPaper.slots.count > 2)
            }
        } catch {
            await t.close()
            throw error
        }
        await t.close()
    }
}
