import DailyPapersCore
import DailyPapersStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
@testable import DailyPapersWeb

/// Notifications (issue 28, item 5): a reply reaches the comment's author (and by mail, the default for replies), a
/// comment on a submitted paper reaches its submitter (not by mail unless chosen); never one's own act; a banned
/// member's notifications disappear; the header counts the unread, the page reads them.
@Suite struct NotificationTests {
    func page(_ client: any TestClientProtocol, _ uri: String, cookie: String) async throws -> String {
        String(buffer: try await client.execute(uri: uri, method: .get, headers: [.cookie: "__Host-dp_session=\(cookie)"]).body)
    }

    @Test func repliesAndCommentsReachTheirPeopleOnceAndNeverTheActor() async throws {
        try await withAppEnvironment { client, env in
            let members = try await Crowd.make(env, count: 3, prefix: "notified")
            let (ada, bob, carol) = (members[0], members[1], members[2])
            let store = PaperStore(database: env.database)
            try await store.savePapers([Paper(id: ArxivID(parsing: "2611.70003")!, title: "Echidna dynamics", abstract: "Spiky.")])
            _ = try await SubmissionStore(database: env.database, trending: .standard)
                .submit(try #require(try await store.paper(ArxivID(parsing: "2611.70003")!)?.paper), userID: bob.account.id, comment: nil,
                        rules: .init(dailyCap: 10, maximumAgeDays: 100_000))
            func comment(_ who: (account: Account, cookie: String, csrf: String), _ body: String, parent: Int? = nil) async throws -> Int {
                let r = try await Crowd.post(client, "/comments", cookie: who.cookie,
                                             "csrf=\(who.csrf)&paper=2611.70003&body=\(body)" + (parent.map { "&parent=\($0)" } ?? ""))
                return Int(try #require(r.headers[.location]?.split(separator: "#c").last))!
            }
            // Bob on his own paper: nobody to tell. Ada on Bob's paper: Bob is told (on the site only).
            _ = try await comment(bob, "First+thoughts")
            let adas = try await comment(ada, "Nice+result")
            // Bob replies to Ada: Ada is told, and mailed.
            _ = try await comment(bob, "Thanks%21", parent: adas)
            #expect(try await page(client, "/", cookie: bob.cookie).contains(">Notifications (1)<"))
            #expect(try await page(client, "/", cookie: ada.cookie).contains(">Notifications (1)<"))
            let adasPage = try await page(client, "/notifications", cookie: ada.cookie)
            #expect(adasPage.contains("@notified1 replied to your comment on “Echidna dynamics”"))
            let bobsPage = try await page(client, "/notifications", cookie: bob.cookie)
            #expect(bobsPage.contains("@notified0 commented on “Echidna dynamics”, which you submitted") && !bobsPage.contains("notified1 commented"))
            // Read once shown.
            #expect(try await page(client, "/", cookie: ada.cookie).contains(">Notifications<"))
            let mails = try await env.sentMails()
            #expect(mails.filter { $0.contains("To: notified0@example.org") && $0.contains("replied to your comment") }.count == 1)
            #expect(!mails.contains { $0.contains("To: notified1@example.org") })
            // Bob asks for mail about his papers' comments; Carol comments, then is banned: her notification is gone.
            _ = try await Crowd.post(client, "/notifications/settings", cookie: bob.cookie,
                                     "csrf=\(bob.csrf)&mail-reply=1&mail-comment_on_submitted=1")
            _ = try await comment(carol, "Hmm")
            #expect(try await env.sentMails().contains { $0.contains("To: notified1@example.org") && $0.contains("@notified2 commented") })
            let admin = try await AccountStore(database: env.database).create(username: "mod", fullname: "Mod", email: "mod@example.org",
                                                                              passwordHash: "x", verified: true)
            try await ModerationStore(database: env.database, trending: .standard).ban(username: "notified2", reason: "spam", moderatorID: admin.id)
            // Not counted (a store of its own: the server's keeps a member's count a few seconds).
            #expect(try await NotificationStore(database: env.database).unreadCount(userID: bob.account.id) == 0)
            #expect(!(try await page(client, "/notifications", cookie: bob.cookie)).contains("notified2"))
            // The settings form needs its token.
            #expect(try await Crowd.post(client, "/notifications/settings", cookie: ada.cookie, "mail-reply=1").status == .forbidden)
        }
    }

    @Test func aFollowedAuthorsNewPaperIsToldOnce() async throws {
        try await withAppEnvironment { client, env in
            let ada = try await Crowd.make(env, count: 1, prefix: "fan")[0]
            let notifications = NotificationStore(database: env.database)
            let store = PaperStore(database: env.database)
            _ = try await Crowd.post(client, "/follows", cookie: ada.cookie, "csrf=\(ada.csrf)&kind=author&target=Grace+Hopper")
            // The first run starts from now: the papers already here bring nothing.
            #expect(try await notifications.notifyFollowers().made == 0)
            let paper = Paper(id: ArxivID(parsing: "2611.70004")!, title: "Compilers for everyone", abstract: "Nanoseconds.",
                              authors: [Author(name: "Grace Hopper")])
            try await store.savePapers([paper, Paper(id: ArxivID(parsing: "2611.70005")!, title: "Other", abstract: "x",
                                                     authors: [Author(name: "Someone Else")])])
            #expect(try await notifications.notifyFollowers() == (rows: 2, made: 1))
            #expect(try await notifications.notifyFollowers().made == 0)
            // A new version is indexed again: nobody is told twice.
            var v2 = paper
            v2.title = "Compilers for everyone, revised"
            try await store.savePapers([v2])
            #expect(try await notifications.notifyFollowers().made == 0)
            let page = String(buffer: try await client.execute(uri: "/notifications", method: .get,
                                                                headers: [.cookie: "__Host-dp_session=\(ada.cookie)"]).body)
            #expect(page.contains("A new paper by an author you follow: “Compilers for everyone, revised”"))
        }
    }
}
