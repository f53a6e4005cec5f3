import DailyPapersJobs
import DailyPapersStore
import DailyPapersTestSupport
import DailyPapersWeb
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Logging
import Testing

/// An application over a real SQLite file holding the Hugging Face fixtures.
func withApp(importing paths: [String] = [Fixtures.path("hf-daily")],
             _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
    try await withAppEnvironment(importing: paths) { client, _ in try await body(client) }
}

/// What a test may need beside the client: the database behind the app and the folder mail lands in.
struct AppEnvironment: Sendable {
    let database: Database
    let folder: String
    let outbox: MailOutbox
    var mailFolder: String { folder + "/mail" }

    /// The account mail sent so far, oldest first, once every mail queued by earlier requests is out.
    func sentMails() async throws -> [String] {
        await outbox.waitUntilIdle()
        return try mails(in: mailFolder)
    }
}

func withAppEnvironment(importing paths: [String] = [Fixtures.path("hf-daily")],
                        configure: @Sendable (inout CommunitySettings) -> Void = { _ in },
                        countsGrace: Double = 1,
                        site: @Sendable (inout AppConfiguration) -> Void = { _ in },
                        _ body: @Sendable (any TestClientProtocol, AppEnvironment) async throws -> Void) async throws {
    _ = Observability.registry  // metrics recorded by the import below must reach /metrics
    let t = try await TestDatabase.make()
    do {
        var settings = testCommunitySettings(folder: t.folder)
        configure(&settings)
        // Imported as an operator would: scored with the instance's own trending settings.
        _ = try await HFDailyImport(store: PaperStore(database: t.database), trending: settings.trending).run(paths: paths)
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let outbox = MailOutbox(logger: logger)
        var configuration = AppConfiguration(database: .sqliteFile(path: t.path), publicURL: "https://papers.example.org",
                                             community: settings, mail: MailSettings(folder: t.folder + "/mail"),
                                             countsGrace: countsGrace)
        // The fediverse's rounds wait an hour here: a test that runs its own rounds (FediverseTests) must not race them.
        configuration.fediverse.every = .seconds(3600)
        site(&configuration)
        let app = try buildApplication(configuration: configuration, database: t.database, logger: logger, mailOutbox: outbox)
        let environment = AppEnvironment(database: t.database, folder: t.folder, outbox: outbox)
        try await app.test(.router) { client in try await body(client, environment) }
        await t.close()
    } catch {
        await t.close()
        throw error
    }
}

/// Two apps over one database, as two `serve` processes would be (each with its own handle and caches), with
/// the Hugging Face fixtures and a member "ada"; `body` gets the first's client, the second's and the database.
func withTwoProcesses(countsGrace: Double, cacheCheckInterval: Double = 1,
                      _ body: @Sendable (any TestClientProtocol, any TestClientProtocol, Database) async throws -> Void) async throws {
    let t = try await TestDatabase.make()
    let second = try await t.openAnother()
    do {
        _ = try await HFDailyImport(store: PaperStore(database: t.database), trending: .standard).run(paths: [Fixtures.path("hf-daily")])
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let quiet = logger
        @Sendable func app(_ database: Database) throws -> some ApplicationProtocol {
            try buildApplication(
                configuration: AppConfiguration(database: .sqliteFile(path: t.path), publicURL: "https://papers.example.org",
                                                cacheCheckInterval: cacheCheckInterval, community: testCommunitySettings(folder: t.folder),
                                                mail: MailSettings(folder: t.folder + "/mail"), countsGrace: countsGrace),
                database: database, logger: quiet, mailOutbox: MailOutbox(logger: quiet))
        }
        _ = try await AccountAdministration.create(database: t.database, username: "ada", email: "ada@example.org", fullname: nil,
                                                   password: TestAccounts.password, role: .member, bcryptCost: 10)
        try await app(t.database).test(.router) { one in
            try await app(second).test(.router) { two in try await body(one, two, t.database) }
        }
    } catch {
        await second.close()
        await t.close()
        throw error
    }
    await second.close()
    await t.close()
}

extension ByteBuffer {
    var text: String { String(buffer: self) }
}

import Foundation

/// Community settings for tests: the cheapest bcrypt cost allowed, no arXiv.
func testCommunitySettings(folder: String) -> CommunitySettings {
    CommunitySettings(bcryptCost: 10, arxivAPI: nil)
}

/// True when a page has a <script> without `src`: the CSP forbids inline script, so pages must not rely on one.
func hasInlineScript(_ html: String) -> Bool {
    html.ranges(of: "<script").contains { range in
        let tagEnd = html[range.upperBound...].firstIndex(of: ">") ?? html.endIndex
        return !html[range.upperBound..<tagEnd].contains(" src=")
    }
}

/// The count on `paper`'s vote button in a page, nil when the page has no such button.
func voteCount(in html: String, paper: String) -> Int? {
    guard let form = html.range(of: "name=\"paper\" value=\"\(paper)\"><input type=\"hidden\" name=\"vote\""),
          let c = html[form.upperBound...].range(of: "<span class=\"count\">") else { return nil }
    return Int(html[c.upperBound...].prefix { $0.isNumber })
}

/// Sends `post` until it is refused with 429 (at most `limit` times) and checks what passed against a token bucket
/// of `burst` tokens, one back every `refill` seconds: at least the burst, and no more than the time taken gave back.
/// Rate-limit tests run beside the whole suite, where a handful of requests (bcrypt for every log-in) can take
/// longer than one refill, so a fixed count of tries would be a flaky test.
func expectRefusedAfterBurst(_ burst: Int, refill: Double, limit: Int = 40,
                             _ post: () async throws -> HTTPResponse.Status) async throws {
    let start = Date()
    var passed = 0
    while passed < limit, try await post() != .tooManyRequests { passed += 1 }
    #expect(passed < limit, "never refused")
    #expect(passed >= burst && passed <= burst + Int(Date().timeIntervalSince(start) / refill) + 1)
}
