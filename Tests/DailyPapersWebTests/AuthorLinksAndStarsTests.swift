import DailyPapersCore
import DailyPapersJobs
import DailyPapersStore
import DailyPapersTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SQLKit
import Synchronization
import Testing
@testable import DailyPapersWeb

/// Links a paper's confirmed authors set, and the GitHub stars job (issue 29, item 3): the job against a real HTTP
/// server on loopback answering with a recorded-shape GitHub response and GitHub's headers.
@Suite struct AuthorLinksAndStarsTests {
    /// A GitHub REST API on loopback: answers by path (each call pops the first answer, the last repeats) and
    /// remembers the headers it was sent.
    final class FakeGitHub: Sendable {
        struct Answer: Sendable { var status: Int; var headers: [String: String] = [:]; var body = "" }
        let answers = Mutex<[String: [Answer]]>([:])
        let seen = Mutex<[(path: String, headers: [String: String])]>([])

        func answer(_ path: String, _ list: [Answer]) { answers.withLock { $0[path] = list } }
        var requests: [(path: String, headers: [String: String])] { seen.withLock { $0 } }

        func run(_ body: @Sendable (String) async throws -> Void) async throws {
            let router = Router()
            router.get("**") { request, _ -> Response in
                var headers: [String: String] = [:]
                for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
                self.seen.withLock { $0.append((request.uri.path, headers)) }
                let answer = self.answers.withLock { a -> Answer? in
                    guard var list = a[request.uri.path], !list.isEmpty else { return nil }
                    let first = list.count > 1 ? list.removeFirst() : list[0]
                    a[request.uri.path] = list
                    return first
                }
                guard let answer else { return Response(status: .notFound, body: .init(byteBuffer: ByteBuffer(string: #"{"message":"Not Found"}"#))) }
                var fields: HTTPFields = [.contentType: "application/json; charset=utf-8"]
                for (name, value) in answer.headers { fields[HTTPField.Name(name)!] = value }
                return Response(status: .init(code: answer.status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: answer.body)))
            }
            var logger = Logger(label: "fake-github")
            logger.logLevel = .warning
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
            try await app.test(.live) { client in try await body("http://127.0.0.1:\(client.port!)") }
        }
    }

    static let recorded = try! String(decoding: Fixtures.data("github/repository.json"), as: UTF8.self)
    static func repository(stars: Int) -> String { recorded.replacingOccurrences(of: "\"stargazers_count\": 1234", with: "\"stargazers_count\": \(stars)") }

    func text(_ client: any TestClientProtocol, _ uri: String) async throws -> String {
        String(buffer: try await client.execute(uri: uri, method: .get).body)
    }

    @Test func starsAreAskedPolitelyKeptAndShown() async throws {
        try await withAppEnvironment { client, env in
            let github = FakeGitHub()
            let ohr = "/repos/opendatalab/OHR-Bench", lights = "/repos/dpaul06/VideoLights"
            github.answer(ohr, [
                .init(status: 200, headers: ["ETag": #"W/"ohr-1""#, "X-RateLimit-Remaining": "4999"], body: Self.recorded),
                .init(status: 304, headers: ["ETag": #"W/"ohr-1""#]),
                .init(status: 403, headers: ["X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1893456000"],
                      body: #"{"message":"API rate limit exceeded"}"#),
            ])
            github.answer(lights, [.init(status: 200, headers: ["ETag": #""lights-1""#], body: Self.repository(stars: 87))])
            // naver-ai/maskris is not answered: a 404, a repository that is gone.
            try await github.run { base in
                var logger = Logger(label: "test")
                logger.logLevel = .warning
                var settings = GitHubStarsJob.Settings(base: base, token: "gh-test-token", perRound: 10)
                settings.interval = .milliseconds(10)
                let job = GitHubStarsJob(database: env.database, settings: settings,
                                         userAgent: "DailyPapers/1.0 (+https://papers.example.org)", logger: logger)
                let first = try await job.run()
                // Four repositories among the fixtures' featured papers; two answered, two not on GitHub (404).
                #expect(first.asked == 4 && first.changed == 2 && first.gone == 2 && first.stoppedBy == nil, "\(first)")
                let asked = try #require(github.requests.first { $0.path == ohr })
                #expect(asked.headers["user-agent"] == "DailyPapers/1.0 (+https://papers.example.org)")
                #expect(asked.headers["authorization"] == "Bearer gh-test-token")
                #expect(asked.headers["accept"] == "application/vnd.github+json" && asked.headers["if-none-match"] == nil)

                // Shown on cards and the paper page, returned as githubStars, sorted and filtered by.
                let api = try JSONSerialization.jsonObject(with: Data(buffer: try await client.execute(uri: "/api/papers/2412.02592", method: .get).body)) as? [String: Any]
                #expect(api?["githubStars"] as? Int == 1234)
                #expect(try await text(client, "/papers/2412.02592").contains("Code ★ 1,234"))
                let byStars = try await text(client, "/papers/date/2024-12-04?sort=stars")
                let top = try #require(byStars.range(of: "/papers/2412.02592")), second = try #require(byStars.range(of: "/papers/2412.01558"))
                #expect(top.lowerBound < second.lowerBound && byStars.contains("Code ★ 87"))
                let withCode = try await text(client, "/papers/date/2024-12-04?code=1")
                #expect(withCode.contains("/papers/2412.02592") && !withCode.contains(#"href="/papers/2412.01981""#))
                #expect(try await client.execute(uri: "/papers/date/2024-12-04?code=yes", method: .get).status == .badRequest)
                let searched = try await client.execute(uri: "/api/papers/search?q=video&sort=stars", method: .get)
                #expect(searched.status == .ok)

                // Within a day nothing is asked again; after it, with the ETag, and a 304 keeps the count.
                #expect(try await job.run().asked == 0)
                let later = Timestamp.now.adding(seconds: 2 * 86_400)
                let second304 = try await job.run(now: later)
                #expect(second304.unchanged >= 1, "\(second304)")
                #expect(github.requests.last { $0.path == ohr }?.headers["if-none-match"] == #"W/"ohr-1""#)
                #expect(try await GitHubStarsStore(database: env.database).stars(of: "opendatalab/ohr-bench") == 1234)
                // A spent rate limit stops the round at once.
                let limited = try await job.run(now: later.adding(seconds: 2 * 86_400))
                #expect(limited.stoppedBy?.contains("rate limit") == true, "\(limited)")
                #expect(github.requests.last?.path == ohr)  // nothing asked after the refusal
            }
        }
    }

    @Test func onlyConfirmedAuthorsSetLinksAndImportsKeepThem() async throws {
        try await withAppEnvironment { client, env in
            let paper = "2412.01981"
            let members = try await Crowd.make(env, count: 2, prefix: "author")
            let (author, stranger) = (members[0], members[1])
            let tokens = AccessTokenStore(database: env.database)
            let writer = "dp_" + Secrets.token(), reader = "dp_" + Secrets.token()
            _ = try await tokens.create(userID: author.account.id, name: "w", scope: .write, tokenHash: Secrets.hash(writer))
            _ = try await tokens.create(userID: author.account.id, name: "r", scope: .read, tokenHash: Secrets.hash(reader))
            func post(_ body: String, token: String?) async throws -> TestResponse {
                var headers: HTTPFields = [.contentType: "application/json"]
                if let token { headers[.authorization] = "Bearer \(token)" }
                return try await client.execute(uri: "/api/papers/\(paper)/links", method: .post, headers: headers, body: ByteBuffer(string: body))
            }
            let links = #"{"githubRepo":"https://github.com/PRIME-RL/ImplicitPRM","projectPage":"https://prime-rl.github.io/"}"#
            #expect(try await post(links, token: nil).status == .unauthorized)
            #expect(try await post(links, token: writer).status == .forbidden)  // no confirmed claim yet
            let claims = ClaimStore(database: env.database)
            let record = try #require(try await PaperStore(database: env.database).paper(ArxivID(parsing: paper)!))
            let unclaimed = try #require(record.paper.authors.firstIndex { $0.user == nil })
            try await claims.claim(paper: ArxivID(parsing: paper)!, authorPosition: unclaimed, userID: author.account.id)
            #expect(try await post(links, token: writer).status == .forbidden)  // pending is not confirmed
            try await claims.decide(paper: ArxivID(parsing: paper)!, username: author.account.username, confirm: true, adminID: stranger.account.id)

            #expect(try await post(links, token: reader).status == .forbidden)
            for bad in [#"{"githubRepo":"javascript:alert(1)"}"#, #"{"projectPage":"ftp://example.org/x"}"#,
                        #"{"githubRepo":"https://github.com/\#(String(repeating: "a", count: 600))"}"#, #"{"githubRepo":7}"#, "[]"] {
                #expect(try await post(bad, token: writer).status == .badRequest, "\(bad)")
            }
            let saved = try await post(links, token: writer)
            #expect(saved.status == .ok)
            let json = try JSONSerialization.jsonObject(with: Data(buffer: saved.body)) as? [String: Any]
            #expect(json?["githubRepo"] as? String == "https://github.com/PRIME-RL/ImplicitPRM")
            #expect(json?["projectPage"] as? String == "https://prime-rl.github.io/")
            let log = try await ModerationStore(database: env.database, trending: .standard).log()
            #expect(log.contains { $0.action == "set links" && $0.target == paper && $0.moderator == author.account.username })

            // An import of the same paper (the Hugging Face day again) leaves the authors' links alone.
            _ = try await HFDailyImport(store: PaperStore(database: env.database), trending: .standard).run(paths: [Fixtures.path("hf-daily")])
            let after = try #require(try await PaperStore(database: env.database).paper(ArxivID(parsing: paper)!))
            #expect(after.paper.githubRepo == "https://github.com/PRIME-RL/ImplicitPRM")

            // The form: the author sees it and clears a link; anyone else is told how authors get it.
            let page = String(buffer: try await client.execute(uri: "/papers/\(paper)/links", method: .get,
                                                               headers: [.cookie: "__Host-dp_session=\(author.cookie)"]).body)
            #expect(page.contains(#"name="code""#) && page.contains("PRIME-RL/ImplicitPRM"))
            let other = String(buffer: try await client.execute(uri: "/papers/\(paper)/links", method: .get,
                                                                headers: [.cookie: "__Host-dp_session=\(stranger.cookie)"]).body)
            #expect(!other.contains(#"name="code""#) && other.contains("Only the paper"))
            #expect(try await Crowd.post(client, "/papers/\(paper)/links", cookie: stranger.cookie,
                                         "csrf=\(stranger.csrf)&code=https://example.org/x&project=").status == .forbidden)
            let cleared = try await Crowd.post(client, "/papers/\(paper)/links", cookie: author.cookie,
                                               "csrf=\(author.csrf)&code=https%3A%2F%2Fgitlab.com%2Fprime%2Fprm&project=")
            #expect(cleared.status == .seeOther)
            let now = try #require(try await PaperStore(database: env.database).paper(ArxivID(parsing: paper)!))
            #expect(now.paper.githubRepo == "https://gitlab.com/prime/prm" && now.paper.projectPage == nil)
            #expect(try await text(client, "/papers/\(paper)").contains("https://gitlab.com/prime/prm"))
        }
    }
}
