import DailyPapersCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Cached pages behind only in counts: served at once and rendered again off the request, within bounds.
@Suite struct CountsLagTests {
    let day = "2024-12-04"
    let paper = "2412.01981"

    func count(_ html: String) -> Int? { voteCount(in: html, paper: paper) }

    @Test func aPageBehindInCountsIsServedAtOnceWhileItIsRenderedAgain() async throws {
        // A five-second lag, so that a test machine busy with the whole suite rarely pushes the request past four lags
        // (20 s); when it does, the page is rendered for the request, which is right too (checked below).
        try await withAppEnvironment(countsGrace: 5) { client, env in
            _ = try await TestAccounts.create(env, "ada")
            let ada = try await TestAccounts.signIn(client, "ada")
            let token = try await ada.token(from: "/settings")
            @Sendable func anonymous() async throws -> Int? {
                count(String(buffer: try await client.execute(uri: "/papers/date/\(day)", method: .get).body))
            }
            let rendered = ContinuousClock.now
            let before = try #require(try await anonymous())
            #expect(try await ada.post("/vote", ["csrf": token, "paper": paper, "vote": "1"]).status == .seeOther)
            // Past the lag: this request gets the page it would have waited for before, at once...
            try await Task.sleep(for: .milliseconds(5_200))
            let served = try await anonymous()
            guard ContinuousClock.now - rendered < .seconds(20) else {
                #expect(served == before || served == before + 1)
                return
            }
            #expect(served == before)
            // ...and the page rendered in the background replaces it moments later.
            var after = before
            for _ in 0..<250 where after == before {
                try await Task.sleep(for: .milliseconds(20))
                after = try #require(try await anonymous())
            }
            #expect(after == before + 1)
        }
    }

    @Test func aPageFarBehindInCountsIsRenderedForTheRequest() async throws {
        try await withAppEnvironment(countsGrace: 0.25) { client, env in
            _ = try await TestAccounts.create(env, "ada")
            let ada = try await TestAccounts.signIn(client, "ada")
            let token = try await ada.token(from: "/settings")
            let first = String(buffer: try await client.execute(uri: "/papers/date/\(day)", method: .get).body)
            let before = try #require(count(first))
            #expect(try await ada.post("/vote", ["csrf": token, "paper": paper, "vote": "1"]).status == .seeOther)
            // More than four lags after its rendering: not served again, whatever the background does.
            try await Task.sleep(for: .milliseconds(1_300))
            let page = String(buffer: try await client.execute(uri: "/papers/date/\(day)", method: .get).body)
            #expect(count(page) == before + 1)
        }
    }
}
