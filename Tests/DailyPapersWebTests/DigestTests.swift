import DailyPapersCore
import DailyPapersJobs
import DailyPapersMail
import DailyPapersStore
@testable import DailyPapersWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import Testing

/// Active subscriptions written straight to the store.
func subscribe(_ env: AppEnvironment, _ email: String, _ preferences: DigestPreferences = DigestPreferences()) async throws -> SubscriptionStore.Subscription {
    let store = SubscriptionStore(database: env.database)
    let confirm = Secrets.token()
    _ = try await store.subscribe(email: email, preferences: preferences, userID: nil, manageToken: Secrets.token(),
                                  confirmTokenHash: Secrets.hash(confirm), expiresAt: Timestamp.now.adding(seconds: 3600))
    return try #require(try await store.confirm(tokenHash: Secrets.hash(confirm)))
}

func digestJob(_ env: AppEnvironment, transport: (any MailTransport)? = nil) throws -> DigestJob {
    let site = DigestSite(name: "Daily Papers", publicURL: "https://papers.example.org", from: try MailAddress("digest@papers.example.org"))
    let folder = try FolderMailTransport(folder: URL(fileURLWithPath: env.folder + "/digests"))
    return DigestJob(database: env.database, site: site, logger: .init(label: "test")) {
        Mailer(transport: transport ?? folder, messageIDDomain: "papers.example.org")
    }
}

let dec4 = DigestPeriod.daily(CalendarDay(iso: "2024-12-04")!)!

@Suite struct DigestJobTests {
    @Test func everyActiveSubscriberGetsOneDigestAndASecondRunSendsNothing() async throws {
        try await withAppEnvironment { _, env in
            let a = try await subscribe(env, "a@example.org", DigestPreferences(size: 3))
            _ = try await subscribe(env, "b@example.org", DigestPreferences(keywords: ["reward"]))
            _ = try await subscribe(env, "c@example.org", DigestPreferences(categories: ["math.AG"]))  // nothing matches, nothing sent
            _ = try await subscribe(env, "w@example.org", DigestPreferences(frequency: .weekly))
            let job = try digestJob(env)
            let first = try await job.run(.init(period: dec4))
            #expect(first.subscribers == 3 && first.sent == 2 && first.skipped == 1)
            let second = try await job.run(.init(period: dec4))
            #expect(second.sent == 0 && second.alreadyHandled == 3)
            let sent = try mails(in: env.folder + "/digests")
            #expect(sent.count == 2)
            let toA = try #require(sent.first { $0.contains("To: a@example.org") }).replacingOccurrences(of: "\r\n ", with: " ")
            #expect(decodedSubject(toA) == "Daily Papers: 3 trending papers · Wednesday, December 4, 2024")
            #expect(toA.contains("List-Unsubscribe: <https://papers.example.org/unsubscribe/\(a.manageToken)>, <mailto:digest@papers.example.org?subject=unsubscribe%20\(a.manageToken)>"))
            #expect(toA.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"))
            #expect(toA.contains("Content-Type: multipart/alternative;"))
            #expect(toA.contains("Message-ID: <digest.daily.2024-12-04.\(a.id)."))
            let toB = try #require(sent.first { $0.contains("To: b@example.org") })
            #expect(toB.contains("Free Process Rewards without Process Labels"))
            #expect(try await DeliveryStore(database: env.database).counts(period: dec4.key) == ["sent": 2, "skipped": 1])
        }
    }

    @Test func aLaterDigestLeavesOutPapersAlreadySent() async throws {
        try await withAppEnvironment { _, env in
            _ = try await subscribe(env, "a@example.org", DigestPreferences(frequency: .weekly, size: 5))
            let job = try digestJob(env)
            let week = DigestPeriod.weekly(containing: CalendarDay(iso: "2024-12-04")!)
            _ = try await job.run(.init(period: week))
            // Pretend the same week is asked for again under another key: the five already sent are excluded.
            let s = try #require(try await SubscriptionStore(database: env.database).subscription(email: "a@example.org"))
            let preview = try await job.preview(s, period: week)
            let first = try mails(in: env.folder + "/digests")[0]
            for line in preview.text.split(separator: "\n") where line.first?.isNumber == true {
                let title = line.drop { $0 != " " }.dropFirst()
                #expect(!first.contains(String(title)), "\(title) was sent before")
            }
        }
    }

    /// A subscriber who unsubscribes while the run is going gets nothing.
    @Test func unsubscribingMidRunIsHonoured() async throws {
        try await withAppEnvironment { _, env in
            _ = try await subscribe(env, "a@example.org")
            let b = try await subscribe(env, "b@example.org")
            let store = SubscriptionStore(database: env.database)
            let folder = try FolderMailTransport(folder: URL(fileURLWithPath: env.folder + "/digests"))
            let sneaky = SideEffectTransport(inner: folder) { try await store.unsubscribe(manageToken: b.manageToken) }
            let report = try await digestJob(env, transport: sneaky).run(.init(period: dec4, concurrency: 1))
            #expect(report.sent == 1 && report.skipped == 1)
            #expect(try mails(in: env.folder + "/digests").allSatisfy { !$0.contains("To: b@example.org") })
        }
    }

    /// 5xx refuses that recipient for good and counts towards suspension; 4xx leaves it for the next run.
    @Test func refusalsAreRecordedAndRetriedOrSuspended() async throws {
        try await withAppEnvironment { _, env in
            let s = try await subscribe(env, "gone@example.org", DigestPreferences(sendWhenEmpty: true))
            let refusing = FailingSMTP(reply: SMTPReply(code: 550, lines: ["no such user"]))
            let job = try digestJob(env, transport: refusing)
            let r1 = try await job.run(.init(period: dec4))
            #expect(r1.failed == 1)
            for day in ["2024-12-05", "2024-12-06"] {
                _ = try await job.run(.init(period: DigestPeriod.daily(CalendarDay(iso: day)!)!))
            }
            let after = try #require(try await SubscriptionStore(database: env.database).subscription(email: s.email))
            #expect(after.status == .suspended)

            _ = try await subscribe(env, "busy@example.org")
            let busy = try digestJob(env, transport: FailingSMTP(reply: SMTPReply(code: 421, lines: ["try later"])))
            let r2 = try await busy.run(.init(period: dec4, only: "busy@example.org"))
            #expect(r2.deferred == 1)
            let recent = try await DeliveryStore(database: env.database).recent(problemsOnly: true)
            #expect(recent.contains { $0.email == "busy@example.org" && $0.status == "planned" && $0.attempts == 1 && $0.lastError?.contains("421") == true })
            // The next run with a working transport sends it.
            #expect(try await digestJob(env).run(.init(period: dec4, only: "busy@example.org")).sent == 1)
        }
    }
}

struct SideEffectTransport: MailTransport {
    let inner: any MailTransport
    let effect: @Sendable () async throws -> Void
    func deliver(_ mail: PreparedMail, atCommit: @escaping CommitHook) async throws {
        try await effect()
        try await inner.deliver(mail, atCommit: atCommit)
    }
}

struct FailingSMTP: MailTransport {
    let reply: SMTPReply
    func deliver(_ mail: PreparedMail, atCommit: @escaping CommitHook) async throws {
        throw SMTPError.rejected(stage: "RCPT TO", reply: reply)
    }
}

@Suite struct SubscriptionPageTests {
    @Test func subscribeConfirmManageAndOneClickUnsubscribe() async throws {
        try await withAppEnvironment { client, env in
            let browser = BrowserSession(client)
            let page = String(buffer: try await browser.get("/subscribe?email=ada%40example.org").body)
            #expect(page.contains("value=\"ada@example.org\""))
            let token = try #require(BrowserSession.csrf(in: page))
            let done = try await browser.post("/subscribe", ["csrf": token, "email": "ada@example.org", "frequency": "weekly", "size": "7",
                                                             "categories": "cs.LG, cs.CL", "keywords": "reward"])
            #expect(String(buffer: done.body).contains("a confirmation link is on its way"))
            // Asking again at once sends nothing more.
            _ = try await browser.post("/subscribe", ["csrf": token, "email": "ada@example.org"])
            let sent = try await env.sentMails()
            #expect(sent.count == 1 && sent[0].contains("Subject: Confirm your Daily Papers digest"))
            let store = SubscriptionStore(database: env.database)
            #expect(try await store.subscription(email: "ada@example.org")?.status == .pending)

            let confirm = try #require(link(in: sent[0], prefix: "https://papers.example.org/subscribe/confirm?token="))
            // Opening the link shows a button and confirms nothing (mail scanners open links); the button confirms.
            let confirmPage = String(buffer: try await browser.get(String(confirm.dropFirst("https://papers.example.org".count))).body)
            #expect(try await SubscriptionStore(database: env.database).subscription(email: "ada@example.org")?.status == .pending)
            let confirmToken = String(confirm.dropFirst("https://papers.example.org/subscribe/confirm?token=".count))
            let confirmed = try await browser.post("/subscribe/confirm", ["csrf": try #require(BrowserSession.csrf(in: confirmPage)),
                                                                          "token": confirmToken])
            let manage = try #require(confirmed.headers[.location])
            #expect(manage.hasPrefix("/subscription/") && manage.hasSuffix("?msg=subscribed"))
            let s = try #require(try await store.subscription(email: "ada@example.org"))
            #expect(s.status == .active && s.preferences == DigestPreferences(frequency: .weekly, size: 7, categories: ["cs.LG", "cs.CL"], keywords: ["reward"]))

            let managePage = String(buffer: try await browser.get(manage).body)
            #expect(managePage.contains("value=\"cs.LG, cs.CL\""))
            let t2 = try #require(BrowserSession.csrf(in: managePage))
            #expect(try await browser.post("/subscription/\(s.manageToken)", ["csrf": t2, "size": "51"]).status == .badRequest)
            #expect(try await browser.post("/subscription/\(s.manageToken)", ["csrf": t2, "frequency": "daily", "size": "20"]).status == .seeOther)
            #expect(try await store.subscription(email: "ada@example.org")?.preferences.size == 20)

            // A GET only shows a button; the one-click POST (no cookies, no token) unsubscribes.
            _ = try await client.execute(uri: "/unsubscribe/\(s.manageToken)", method: .get)
            #expect(try await store.subscription(email: "ada@example.org")?.status == .active)
            let oneClick = try await client.execute(uri: "/unsubscribe/\(s.manageToken)", method: .post,
                                                    headers: [.contentType: "application/x-www-form-urlencoded"],
                                                    body: ByteBuffer(string: "List-Unsubscribe=One-Click"))
            #expect(oneClick.status == .ok)
            #expect(try await store.subscription(email: "ada@example.org")?.status == .unsubscribed)
            #expect(try await client.execute(uri: "/unsubscribe/not-a-token", method: .post).status == .notFound)
        }
    }

    @Test(arguments: [
        (["email": "a@example.org\r\nBcc: everyone@example.org"], "Email: not a usable email address"),
        (["email": String(repeating: "a", count: 250) + "@example.org"], "Email:"),
        (["email": "ü@example.org"], "non-ASCII"),
        (["email": "a@example.org", "frequency": "hourly"], "is not daily or weekly"),
        (["email": "a@example.org", "size": "4"], "from 5 to 50"),
        (["email": "a@example.org", "categories": "cs.LG, <script>"], "is not a category"),
    ])
    func hostileOrBadFieldsAreRefused(fields: [String: String], reason: String) async throws {
        try await withAppEnvironment { client, env in
            let browser = BrowserSession(client)
            var f = fields
            f["csrf"] = try await browser.token(from: "/subscribe")
            let r = try await browser.post("/subscribe", f)
            let html = String(buffer: r.body)
            #expect(r.status == .badRequest)
            #expect(html.contains(reason), "expected \(reason)")
            #expect(!html.contains("<script>"))
            #expect(try await env.sentMails().isEmpty)
        }
    }

    @Test func adminsPreviewAnyDigest() async throws {
        try await withAppEnvironment { client, env in
            _ = try await subscribe(env, "reader@example.org", DigestPreferences(keywords: ["video"]))
            _ = try await TestAccounts.create(env, "boss", role: .admin)
            _ = try await TestAccounts.create(env, "grace")
            #expect(try await TestAccounts.signIn(client, "grace").get("/admin/digest").status == .forbidden)
            let boss = try await TestAccounts.signIn(client, "boss")
            let page = String(buffer: try await boss.get("/admin/digest?email=reader%40example.org&date=2024-12-04").body)
            #expect(page.contains("trending papers · Wednesday, December 4, 2024"))
            #expect(page.contains("VideoGen-of-Thought"))
            let html = try await boss.get("/admin/digest/preview.html?email=reader%40example.org&date=2024-12-04")
            #expect(html.headers[.contentSecurityPolicy]?.contains("style-src 'unsafe-inline'") == true)
            #expect(String(buffer: html.body).contains("<table role=\"presentation\""))
        }
    }
}

/// The Subject header of a raw mail, its RFC 2047 words decoded.
func decodedSubject(_ mail: String) -> String? {
    guard let line = mail.components(separatedBy: "\r\n").first(where: { $0.hasPrefix("Subject: ") }) else { return nil }
    return line.dropFirst(9).split(separator: " ").map { word -> String in
        guard word.hasPrefix("=?utf-8?B?"), word.hasSuffix("?="),
              let data = Data(base64Encoded: String(word.dropFirst(10).dropLast(2))) else { return String(word) + " " }
        return String(decoding: data, as: UTF8.self)
    }.joined().trimmingCharacters(in: .whitespaces)
}

/// A member's digest ends with their own sections when they ask: For you (from what they saved) and From what you
/// follow, ranked among the period's papers, never repeating the trending ones; a second run sends nothing more.
@Suite struct DigestPersonalSectionTests {
    @Test func aMembersDigestEndsWithForYouAndWhatTheyFollow() async throws {
        try await withAppEnvironment { _, env in
            let member = try await Crowd.make(env, count: 1, prefix: "digester")[0]
            _ = try await CollectionStore(database: env.database).setSaved(userID: member.account.id, paper: ArxivID(parsing: "2412.02259")!, saved: true)
            try await FollowStore(database: env.database).set(userID: member.account.id, .init(kind: .keyword, target: "video"))
            let store = SubscriptionStore(database: env.database)
            let confirm = Secrets.token()
            _ = try await store.subscribe(email: "digester0@example.org", preferences: DigestPreferences(size: 1, personalSections: true),
                                          userID: member.account.id, manageToken: Secrets.token(), confirmTokenHash: Secrets.hash(confirm),
                                          expiresAt: Timestamp.now.adding(seconds: 3600))
            _ = try #require(try await store.confirm(tokenHash: Secrets.hash(confirm)))
            // Someone without a member asks too: nothing personal to add.
            _ = try await subscribe(env, "anonymous@example.org", DigestPreferences(size: 1, personalSections: true))
            let job = try digestJob(env)
            #expect(try await job.run(.init(period: dec4)).sent == 2)
            let sent = try mails(in: env.folder + "/digests")
            let mine = try #require(sent.first { $0.contains("To: digester0@example.org") })
            let text = mine.replacingOccurrences(of: "=\r\n", with: "")
            #expect(text.contains("For you") && text.contains("From what you follow"))
            #expect(text.contains("7. "))
            #expect(!(try #require(sent.first { $0.contains("To: anonymous@example.org") })).contains("From what you follow"))
            // Seven different papers: the trending one, then three in each section, none repeated.
            let ids = Set(text.matches(of: /papers\.example\.org\/papers\/(\d{4}\.\d{5})/).map { String($0.output.1) })
            #expect(ids.count == 1 + 2 * 3, "\(ids)")
            #expect(try await job.run(.init(period: dec4)).sent == 0)
        }
    }
}
