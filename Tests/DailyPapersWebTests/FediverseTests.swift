import _CryptoExtras
import DailyPapersCore
import DailyPapersStore
import DailyPapersTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import Testing
@testable import DailyPapersWeb

/// The fediverse (issue 29, item 2), in-process on both engines: the documents other servers read, the inbox's
/// refusals, the signatures, the address policy, and the delivery queue against an inbox on loopback (retries,
/// 410, the three-day give-up, each paper queued once). A real peer verifying with bovine is tests-py/test_fediverse.py.
@Suite struct FediverseTests {
    static let logger: Logger = { var l = Logger(label: "test"); l.logLevel = .warning; return l }()

    func json(_ response: TestResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
    }

    @Test func actorsAreFoundByWebFingerAndPublishTheirPapers() async throws {
        try await withAppEnvironment { client, env in
            let finger = try await client.execute(uri: "/.well-known/webfinger?resource=acct:daily@papers.example.org", method: .get)
            #expect(finger.status == .ok && finger.headers[.contentType]?.hasPrefix("application/jrd+json") == true)
            let link = try #require((json(finger)["links"] as? [[String: Any]])?.first { $0["rel"] as? String == "self" })
            #expect(link["href"] as? String == "https://papers.example.org/ap/actors/daily")
            #expect(try await client.execute(uri: "/.well-known/webfinger?resource=acct:daily@elsewhere.org", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/.well-known/webfinger?resource=acct:nobody-here@papers.example.org", method: .get).status == .notFound)

            let actor = try await client.execute(uri: "/ap/actors/daily", method: .get)
            #expect(actor.headers[.contentType]?.hasPrefix("application/activity+json") == true)
            let document = json(actor)
            #expect(document["type"] as? String == "Service" && document["preferredUsername"] as? String == "daily")
            let key = try #require(document["publicKey"] as? [String: Any])
            #expect(key["id"] as? String == "https://papers.example.org/ap/actors/daily#main-key")
            #expect(try _RSA.Signing.PublicKey(pemRepresentation: key["publicKeyPem"] as! String).keySizeInBits == 2048)
            // The same key on every actor and every request: made once.
            let again = json(try await client.execute(uri: "/ap/actors/trending", method: .get))
            #expect((again["publicKey"] as? [String: Any])?["publicKeyPem"] as? String == key["publicKeyPem"] as? String)

            let outbox = json(try await client.execute(uri: "/ap/actors/daily/outbox", method: .get))
            #expect(outbox["type"] as? String == "OrderedCollection")
            let page = json(try await client.execute(uri: "/ap/actors/daily/outbox?page=1", method: .get))
            let items = try #require(page["orderedItems"] as? [[String: Any]])
            // The fixtures' twenty featured papers: one full page, no next.
            #expect(items.count == 20 && page["next"] == nil && page["prev"] == nil)
            let note = try #require(items.first?["object"] as? [String: Any])
            #expect(note["type"] as? String == "Note" && (note["content"] as? String)?.contains("<a href=\"https://papers.example.org/papers/") == true)
            let noteURL = try #require(note["id"] as? String)
            #expect(try await client.execute(uri: String(noteURL.dropFirst("https://papers.example.org".count)), method: .get).status == .ok)
            #expect(try await client.execute(uri: "/ap/actors/daily/outbox?page=51", method: .get).status == .badRequest)
            // A member's submissions; an unknown name is a JSON 404, and so is a banned member's.
            let missing = try await client.execute(uri: "/ap/actors/no-such-account", method: .get)
            #expect(missing.status == .notFound && json(missing)["error"] != nil)
            let paper = json(try await client.execute(uri: "/api/papers/2412.01981", method: .get))
            let submitter = try #require(((paper["submittedOnDailyBy"] as? [String: Any])?["user"]) as? String)
            let member = json(try await client.execute(uri: "/ap/actors/\(submitter)", method: .get))
            #expect(member["type"] as? String == "Person" && member["preferredUsername"] as? String == submitter)
            let moderator = try await Crowd.make(env, count: 1, prefix: "mod")[0]
            try await ModerationStore(database: env.database, trending: .standard).ban(username: submitter, reason: "spam", moderatorID: moderator.account.id)
            #expect(try await client.execute(uri: "/ap/actors/\(submitter)", method: .get).status == .notFound)
        }
    }

    @Test func theInboxRefusesWhatIsNotSignedByItsActor() async throws {
        try await withAppEnvironment { client, env in
            let follow = #"{"id":"https://remote.example/f/1","type":"Follow","actor":"https://remote.example/users/a","object":"https://papers.example.org/ap/actors/daily"}"#
            func post(_ body: String, _ headers: HTTPFields = [:], type: String = "application/activity+json") async throws -> TestResponse {
                var fields = headers
                fields[.contentType] = type
                return try await client.execute(uri: "/ap/actors/daily/inbox", method: .post, headers: fields, body: ByteBuffer(string: body))
            }
            #expect(try await post(follow).status == .unauthorized)
            #expect(try await post(follow, type: "text/plain").status == .unsupportedMediaType)
            #expect(try await post("[1,2]").status == .badRequest)
            #expect(try await post(String(repeating: "x", count: 300_000)).status == .contentTooLarge)
            let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            let digest = HTTPSignature.digest(Data(follow.utf8))
            func signed(date: String, digest: String, keyID: String = "https://remote.example/users/a#main-key") throws -> HTTPFields {
                let headers = [("host", "papers.example.org"), ("date", date), ("digest", digest)]
                let signature = try HTTPSignature.sign(method: "POST", path: "/ap/actors/daily/inbox", headers: headers, keyID: keyID, key: key)
                return [.date: date, HTTPField.Name("Digest")!: digest, HTTPField.Name("Signature")!: signature]
            }
            // A stale date, a digest of another body, a key of another actor: refused before any key is fetched.
            #expect(try await post(follow, try signed(date: HTTPSignature.httpDate(Date().addingTimeInterval(-7200)), digest: digest)).status == .unauthorized)
            #expect(try await post(follow, try signed(date: HTTPSignature.httpDate(), digest: HTTPSignature.digest(Data("x".utf8)))).status == .unauthorized)
            #expect(try await post(follow, try signed(date: HTTPSignature.httpDate(), digest: digest, keyID: "https://other.example/k")).status == .unauthorized)
            // The actor's key cannot be fetched (no such host, and plain addresses only when allowed): refused.
            #expect(try await post(follow, try signed(date: HTTPSignature.httpDate(), digest: digest)).status == .unauthorized)
            #expect(try await FediverseStore(database: env.database).followerCount(actor: "daily") == 0)
        }
    }

    @Test func signaturesVerifyAndHostileHeadersParseToNothing() throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let headers = [("host", "a.example"), ("date", "Mon, 07 Dec 2026 06:00:00 GMT"), ("digest", "SHA-256=abc")]
        let header = try HTTPSignature.sign(method: "POST", path: "/inbox", headers: headers, keyID: "https://a.example/u#k", key: key)
        let parsed = try #require(HTTPSignature.parse(header))
        #expect(parsed.keyID == "https://a.example/u#k" && parsed.headers == ["(request-target)", "host", "date", "digest"])
        let value = { (name: String) in headers.first { $0.0 == name }?.1 }
        #expect(HTTPSignature.verify(parsed, method: "POST", path: "/inbox", header: value, publicPEM: key.publicKey.pemRepresentation))
        #expect(!HTTPSignature.verify(parsed, method: "POST", path: "/other", header: value, publicPEM: key.publicKey.pemRepresentation))
        let other = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        #expect(!HTTPSignature.verify(parsed, method: "POST", path: "/inbox", header: value, publicPEM: other.publicKey.pemRepresentation))
        #expect(!HTTPSignature.verify(parsed, method: "POST", path: "/inbox", header: value, publicPEM: "not a key"))
        for hostile in ["", "keyId=", #"keyId="a",signature="!!!""#, #"keyId="a",signature="YQ==",algorithm="ed25519""#,
                        String(repeating: #"a="b","#, count: 1000), #"keyId="a",signature="YQ==",headers=""# + String(repeating: "x ", count: 30) + "\""] {
            #expect(HTTPSignature.parse(hostile) == nil, "\(hostile.prefix(40))")
        }
    }

    @Test func peersArePublicHttpsUnlessPrivateOnesAreAllowed() async throws {
        let t = try await TestDatabase.make()
        let site = FediverseSite(publicURL: "https://papers.example.org", siteName: "P")
        let strict = FediverseClient(site: site, store: FediverseStore(database: t.database), allowPrivatePeers: false)
        let open = FediverseClient(site: site, store: FediverseStore(database: t.database), allowPrivatePeers: true)
        #expect(strict.allowed("https://mastodon.social/users/a") != nil)
        for refused in ["http://mastodon.social/users/a", "https://127.0.0.1/x", "https://10.1.2.3/x", "https://169.254.169.254/latest",
                        "https://192.168.0.1/", "https://[::1]/x", "https://localhost:8080/", "https://user:pw@mastodon.social/",
                        "ftp://mastodon.social/", "https://172.20.0.1/", "https:///nohost"] {
            #expect(strict.allowed(refused) == nil, "\(refused)")
        }
        #expect(open.allowed("http://127.0.0.1:8080/users/a") != nil && open.allowed("ftp://127.0.0.1/") == nil)
        await t.close()
    }

    /// An inbox on loopback that answers each POST with the next status of its list (the last repeats).
    final class FakeInbox: Sendable {
        let statuses: Mutex<[Int]>
        let seen = Mutex<[String]>([])
        init(_ statuses: [Int]) { self.statuses = Mutex(statuses) }
        func run(_ body: @Sendable (String) async throws -> Void) async throws {
            let router = Router()
            router.post("/inbox") { request, _ -> Response in
                let text = String(buffer: try await request.body.collect(upTo: 1 << 20))
                self.seen.withLock { $0.append(text) }
                let status = self.statuses.withLock { s -> Int in s.count > 1 ? s.removeFirst() : s[0] }
                return Response(status: .init(code: status))
            }
            var logger = Logger(label: "fake-inbox")
            logger.logLevel = .warning
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
            try await app.test(.live) { client in try await body("http://127.0.0.1:\(client.port!)/inbox") }
        }
    }

    @Test func deliveriesAreQueuedOnceRetriedAndGivenUp() async throws {
        try await withAppEnvironment { _, env in
            let fediverse = FediverseStore(database: env.database)
            let site = FediverseSite(publicURL: "https://papers.example.org", siteName: "P")
            let client = FediverseClient(site: site, store: fediverse, allowPrivatePeers: true)
            let job = FediverseJob(store: PaperStore(database: env.database), fediverse: fediverse, client: client, trendingWindowDays: 7,
                                   logger: Self.logger)
            let inbox = FakeInbox([500, 202])
            try await inbox.run { url in
                try await fediverse.follow(actor: "daily", follower: "https://remote.example/users/a", inbox: url, followID: "https://remote.example/f/1")
                // The fixture day's papers, as if featured an hour ago.
                let featuredAt = Timestamp(millisecondsSince1970: 1_733_313_600_000).adding(seconds: 3600)
                let first = try await job.run(now: featuredAt)
                #expect(first.queued == 15 && first.delivered == 14 && first.failed == 1, "\(first)")
                // Published once: a second round queues nothing again; the failed one waits its backoff, then goes.
                let second = try await job.run(now: featuredAt.adding(seconds: 10))
                #expect(second.queued == 0 && second.delivered == 0, "\(second)")
                let third = try await job.run(now: featuredAt.adding(seconds: 120))
                #expect(third.delivered == 1 && third.queued == 0, "\(third)")
                #expect(try await fediverse.queued() == 0)
                let bodies = inbox.seen.withLock { $0 }
                #expect(bodies.count == 16 && Set(bodies).count == 15)  // the retried one twice, the same activity
            }
            // An inbox that answers 410 is dropped with its followers; one failing for three days too.
            for (statuses, after) in [([410], 0.0), ([503], 3 * 86_400 + 60.0)] {
                let gone = FakeInbox(statuses)
                try await gone.run { url in
                    try await fediverse.follow(actor: "daily", follower: "https://remote.example/users/b", inbox: url, followID: "f")
                    let at = Timestamp.now
                    try await fediverse.enqueue(activityID: "https://papers.example.org/x", activity: #"{"type":"Create"}"#, inboxes: [url], now: at)
                    _ = try await job.run(now: at.adding(seconds: after))
                    #expect(try await fediverse.inboxes(actor: "daily").contains(url) == false, "\(statuses)")
                    #expect(try await fediverse.queued() == 0)
                }
            }
        }
    }
}
