import DailyPapersCore
import DailyPapersStore
import Foundation
import HummingbirdTesting
import DailyPapersTestSupport
import SnapshotTesting
import Testing
@testable import DailyPapersWeb

/// The pages readers see most, rendered from the fixtures, kept as reference files beside this one
/// (`__Snapshots__`): a change of markup shows in review as a change of these files. To accept a change on
/// purpose, delete the reference file and run the test once (it records the new one and fails), then again.
/// Taken on SQLite only: the markup is the same on PostgreSQL, but its search ranks and snippets differ.
@Suite(.serialized, .enabled(if: !TestDatabase.isPostgres)) struct PageSnapshotTests {
    /// The page with a line break before each tag, so that a change shows as the lines it touches.
    func page(_ client: any TestClientProtocol, _ uri: String) async throws -> String {
        let response = try await client.execute(uri: uri, method: .get)
        #expect(response.status == .ok, "\(uri)")
        return Self.readable(String(buffer: response.body))
    }

    static func readable(_ html: String) -> String { html.replacingOccurrences(of: "><", with: ">\n<") }

    @Test func theFeedPaperSearchAndUserPages() async throws {
        try await withApp { client in
            let feed = try await page(client, "/papers/date/2024-12-04")
            assertSnapshot(of: feed, as: .lines, named: "feed")
            // The upvote history ends at the import, that is today: its chart is left out, its label kept without the day.
            let paper = try await page(client, "/papers/2412.01981")
                .replacing(/(<svg class="spark"[^>]*>)[\s\S]*?(<\/svg>)/) { "\($0.output.1)…\($0.output.2)" }
                .replacingOccurrences(of: CalendarDay(utcOf: .now).iso, with: "TODAY")
            assertSnapshot(of: paper, as: .lines, named: "paper")
            let search = try await page(client, "/search?q=process+rewards")
            assertSnapshot(of: search, as: .lines, named: "search")
            let api = try await page(client, "/api/papers/2412.01981")
            let submitter = try #require(api.firstMatch(of: /"submittedOnDailyBy":\{[^}]*"user":"([^"]+)"/)?.output.1)
            let user = try await page(client, "/users/\(submitter)")
            assertSnapshot(of: user, as: .lines, named: "user")
        }
    }

    @Test func theDigest() async throws {
        try await withAppEnvironment { _, env in
            let s = try await subscribe(env, "reader@example.org", DigestPreferences(size: 5))
            let mail = try await digestJob(env).preview(s, period: dec4)
            // The subscriber's token is random: the reference holds a stand-in.
            let html = Self.readable(try #require(mail.html).replacingOccurrences(of: s.manageToken, with: "MANAGE-TOKEN"))
            assertSnapshot(of: html, as: .lines, named: "digest")
            #expect(markupProblems(try #require(mail.html)).isEmpty)
        }
    }
}
